package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"github.com/alsbot/alsbot/bot"
)

// TestSlackWords: a person is <@U…> (Slack shows the current name and
// notifies them), a command `/als …`; member text is still escaped, and a
// plain-text header shows the name.
func TestSlackWords(t *testing.T) {
	m := bot.Message{
		Title: "Round 1 for " + bot.Mention("UANA", "Ana"),
		Text:  bot.Mention("UANA", "Ana") + " presents <!channel>. Check in with " + bot.Cmd("here") + ".",
	}
	p := Render(m)
	raw, err := json.Marshal(p.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	var dec any // undo JSON's \u003c escaping for the assertions
	_ = json.Unmarshal(raw, &dec)
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(dec)
	blocks := b.String()
	if problems := slacktest.ValidateMessage(p.Text, raw); len(problems) > 0 {
		t.Errorf("Slack would refuse: %v", problems)
	}
	for _, want := range []string{"<@UANA> presents &lt;!channel&gt;", "Check in with `/als here`.", `"Round 1 for @Ana"`} {
		if !strings.Contains(blocks, want) {
			t.Errorf("blocks lack %q:\n%s", want, blocks)
		}
	}
	if strings.Contains(blocks, "\x1f") || strings.Contains(p.Text, "\x1f") {
		t.Errorf("span marks leaked:\n%s", blocks)
	}
}
