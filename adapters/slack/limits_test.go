package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
)

// TestRenderExtremes renders every kind of message with extreme content as
// a message, an App Home and (with a form) a modal, and holds each to
// Slack's limits with the same validator the loopback Slack uses.
func TestRenderExtremes(t *testing.T) {
	kinds := []bot.MessageKind{bot.KindReply, bot.KindError, bot.KindHelp, bot.KindRoleCard, bot.KindPhase, bot.KindCheckIn,
		bot.KindDigest, bot.KindReminder, bot.KindActionPrompt, bot.KindNudge, bot.KindFeedback, bot.KindMentorNudge}
	for name, m := range bottest.Extremes() {
		for _, kind := range kinds {
			m.Kind = kind
			t.Run(name+"/"+string(kind), func(t *testing.T) {
				p := Render(m)
				blocks, err := json.Marshal(p.Blocks)
				if err != nil {
					t.Fatal(err)
				}
				for _, pr := range slacktest.ValidateMessage(p.Text, blocks) {
					t.Errorf("message: %s", pr)
				}
				home, _ := json.Marshal(RenderHome(m))
				for _, pr := range slacktest.ValidateView(home) {
					t.Errorf("home: %s", pr)
				}
				if m.Form != nil {
					modal, _ := json.Marshal(RenderModal(m.Form, "C0SET"))
					for _, pr := range slacktest.ValidateView(modal) {
						t.Errorf("modal: %s", pr)
					}
				}
			})
		}
	}
}

// TestRenderKeepsWhatMatters: a message cut to Slack's 50 blocks still ends
// with its buttons, says visibly that it was cut, and long text is cut with
// an ellipsis rather than dropped.
func TestRenderKeepsWhatMatters(t *testing.T) {
	m := bottest.Extremes()["60 sections"]
	raw, _ := json.Marshal(Render(m).Blocks)
	var blocks []map[string]any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	if len(blocks) != maxBlocks {
		t.Fatalf("%d blocks, want the %d Slack allows", len(blocks), maxBlocks)
	}
	if last := blocks[len(blocks)-1]; last["type"] != "actions" {
		t.Errorf("last block %v, want the buttons", last["type"])
	}
	if !strings.Contains(string(raw), truncatedMessage) {
		t.Error("the cut is not shown")
	}
	long := Render(bot.Message{Title: strings.Repeat("t", 200)})
	if h := long.Blocks[0]; !strings.HasSuffix(string(mustJSON(t, h)), `…","emoji":false}}`) {
		t.Errorf("long title not cut with an ellipsis: %s", mustJSON(t, h))
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
