package slack

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/internal/golden"
	"github.com/alsbot/alsbot/internal/goldenmsg"
)

// commitForm is the core's commitment form, as the harness's tests open it.
func commitForm() *bot.Form { return bot.CommitForm() }

// slackCast plays the golden session in the harness's channel, with its
// people.
func slackCast() goldenmsg.Cast {
	return goldenmsg.Cast{Platform: bot.Slack, Channel: setChannel,
		Facilitator: bot.UserRef{ID: "UFAC", Name: "Fay", TZ: "Europe/London"},
		Members: [3]bot.UserRef{
			{ID: "UANA", Name: "Ana", TZ: "Europe/London"}, {ID: "UBEN", Name: "Ben", TZ: "America/New_York"}, {ID: "UCAT", Name: "Cat", TZ: "UTC"},
		}}
}

// goldenCases are the payloads Slack receives, one per kind of message,
// drawn from what production answers and sends (goldenmsg).
func goldenCases(t *testing.T) []struct {
	name string
	v    any
} {
	msgs, _ := goldenmsg.Messages(t, slackCast())
	nudge := msgs["nudge"]
	return []struct {
		name string
		v    any
	}{
		{"reply", Render(msgs["reply"])},
		{"error", Render(msgs["error"])},
		{"check-in", Render(msgs["check-in"])},
		{"role-card", Render(msgs["role-card"])},
		{"reminder", Render(msgs["reminder"])},
		{"reminder-dm", Render(msgs["reminder-dm"])},
		{"action-prompt", Render(msgs["action-prompt"])},
		{"commit-modal", RenderModal(msgs["commit-form"].Form, "DANA")},
		{"feedback", Render(msgs["feedback"])},
		{"nudge", Render(nudge)},
		{"report-modal", RenderModal(nudge.Buttons[0].Form, "")},
		{"digest", Render(msgs["digest"])},
		{"home", RenderHome(msgs["home"])},
		{"questionnaire", Render(msgs["questionnaire"])},
		{"questionnaire-modal", RenderModal(msgs["questionnaire"].Buttons[0].Form, "DANA")},
	}
}

func TestRenderGolden(t *testing.T) {
	for _, tc := range goldenCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.MarshalIndent(tc.v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join("testdata", tc.name+".json"), append(got, '\n'))
		})
	}
}

// TestRenderLimits checks that long content stays inside Block Kit's limits
// and that member text cannot ping or link.
func TestRenderLimits(t *testing.T) {
	long := strings.Repeat("word ", 2000) // 10,000 characters
	tests := []struct {
		name  string
		msg   bot.Message
		check func(t *testing.T, p Payload)
	}{
		{"long text is split into sections", bot.Message{Text: long}, func(t *testing.T, p Payload) {
			if len(p.Blocks) < 4 {
				t.Fatalf("got %d blocks, want the text split into at least 4", len(p.Blocks))
			}
			for _, b := range p.Blocks {
				if s, ok := b.(*slack.SectionBlock); ok && len([]rune(s.Text.Text)) > maxSectionText {
					t.Errorf("section of %d characters", len([]rune(s.Text.Text)))
				}
			}
		}},
		{"long title is cut", bot.Message{Title: long}, func(t *testing.T, p Payload) {
			h := p.Blocks[0].(*slack.HeaderBlock)
			if n := len([]rune(h.Text.Text)); n > maxHeaderText {
				t.Errorf("header of %d characters", n)
			}
		}},
		{"member text cannot ping", bot.Message{Text: "hi <!channel> & <@U1>"}, func(t *testing.T, p Payload) {
			s := p.Blocks[0].(*slack.SectionBlock)
			if strings.Contains(s.Text.Text, "<!channel>") || !strings.Contains(s.Text.Text, "&lt;!channel&gt; &amp;") {
				t.Errorf("text not escaped: %q", s.Text.Text)
			}
		}},
		{"many fields are spread over sections", bot.Message{Sections: []bot.Section{{Fields: make([]bot.Field, 23)}}}, func(t *testing.T, p Payload) {
			total := 0
			for _, b := range p.Blocks {
				s := b.(*slack.SectionBlock)
				if len(s.Fields) > maxFields {
					t.Errorf("section with %d fields", len(s.Fields))
				}
				total += len(s.Fields)
			}
			if total != 23 {
				t.Errorf("got %d fields, want 23", total)
			}
		}},
		{"a form on a message becomes a button", bot.Message{Text: "x", Form: commitForm()}, func(t *testing.T, p Payload) {
			a := p.Blocks[len(p.Blocks)-1].(*slack.ActionBlock)
			b := a.Elements.ElementSet[0].(*slack.ButtonBlockElement)
			if !strings.HasPrefix(b.ActionID, actionForm) {
				t.Errorf("action id %q, want a form button", b.ActionID)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, Render(tc.msg)) })
	}
}
