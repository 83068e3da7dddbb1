package teams

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// TestTeamsWords: people become <at> mentions with their entities;
// commands are written as a member types them in Teams, which has no
// slash commands for bots: @alsbot in a channel, nothing in the 1:1 chat.
func TestTeamsWords(t *testing.T) {
	m := bot.Message{
		Title: "Round 1",
		Text:  bot.Mention("aad-ana", "Ana") + " presents. Check in with " + bot.Cmd("here") + ", or `/als here`. Write /als help. Send `mydata` in our chat.",
	}
	tests := []struct {
		name   string
		card   Card
		want   []string
		absent []string
	}{
		{"channel", RenderCard(m), []string{"<at>Ana</at> presents", "**@alsbot here**, or **@alsbot here**", "Write @alsbot help.", "Send **mydata** in"}, []string{"/als", "`", "\x1f"}},
		{"personal", RenderPersonalCard(m), []string{"<at>Ana</at> presents", "Check in with **here**, or **here**", "Write help.", "Send **mydata** in"}, []string{"/als", "@alsbot", "`", "\x1f"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := cardText(tt.card)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("card lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tt.absent {
				if strings.Contains(text, w) {
					t.Errorf("card has %q:\n%s", w, text)
				}
			}
			if tt.card.MSTeams == nil || len(tt.card.MSTeams.Entities) != 1 {
				t.Fatalf("entities %+v, want Ana's mention", tt.card.MSTeams)
			}
			e := tt.card.MSTeams.Entities[0]
			if e.Type != "mention" || e.Text != "<at>Ana</at>" || e.Mentioned.ID != "aad-ana" || e.Mentioned.Name != "Ana" {
				t.Errorf("entity %+v", e)
			}
			if strings.Contains(tt.card.FallbackText, "<at>") || strings.Contains(tt.card.FallbackText, "\x1f") {
				t.Errorf("notification preview %q shows markup", tt.card.FallbackText)
			}
			raw, err := json.Marshal(tt.card)
			if err != nil {
				t.Fatal(err)
			}
			if problems := validateCard(raw); len(problems) > 0 {
				t.Errorf("Teams would refuse the card: %v", problems)
			}
		})
	}
}
