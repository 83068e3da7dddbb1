package slack

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/internal/golden"
)

func commitForm() *bot.Form {
	return &bot.Form{
		ID: "commit", Title: "Your commitment", Submit: "Save", Command: "commit",
		Fields: []bot.FormField{
			{Name: "text", Label: "What will you do before the next session?", Kind: bot.FieldText, Required: true, Multiline: true, MaxLen: bot.MaxTextLen},
			{Name: "due", Label: "By when?", Kind: bot.FieldDate},
		},
	}
}

// commitFormOf is the commit form of a DM prompt, naming its set.
func commitFormOf(setID string) *bot.Form {
	f := commitForm()
	f.SetID = setID
	return f
}

func reportForm(id, status string) *bot.Form {
	return &bot.Form{
		ID: "report", Title: "Report on " + id, Submit: "Report", Command: "report " + id + " " + status,
		Fields: []bot.FormField{
			{Name: "text", Label: "What did you do, and what did you learn?", Kind: bot.FieldText, Required: true, Multiline: true, MaxLen: bot.MaxTextLen},
		},
	}
}

func nudge() bot.Message {
	return bot.Message{
		Kind:  bot.KindNudge,
		Title: "How is your action going?",
		Text:  "C-3 (open, due Tue 3 Dec 2026 18:00 (Europe/London)): Talk to the duty team about handovers",
		Buttons: []bot.Button{
			{Label: "Done", Command: "report C-3 done", Form: reportForm("C-3", "done"), Style: bot.StylePrimary},
			{Label: "In progress", Command: "report C-3 progress", Form: reportForm("C-3", "progress")},
			{Label: "Blocked", Command: "report C-3 blocked", Form: reportForm("C-3", "blocked"), Style: bot.StyleDanger},
		},
	}
}

// goldenCases are the payloads Slack receives, one per kind of message.
func goldenCases() []struct {
	name string
	v    any
} {
	return []struct {
		name string
		v    any
	}{
		{"reply", Render(bot.Message{Kind: bot.KindReply, Private: true, Text: "Recorded C-12: *Call the family group* due Tue 3 Dec 2026 18:00 (Europe/London)."})},
		{"error", Render(bot.Message{Kind: bot.KindError, Private: true, Text: "\"2026-13-01\" is not a date. Write it as YYYY-MM-DD, e.g. `/als session add 2026-12-03 18:00`."})},
		{"role-card", Render(bot.Message{
			Kind: bot.KindRoleCard, Title: "Round 1",
			Text: "Presenting (10 min, until 14:10). Then questioning 25 min, action 5 min, process review 10 min.",
			Sections: []bot.Section{
				{Fields: []bot.Field{{Label: "Presenter", Value: "Ana"}, {Label: "Observer", Value: "Ben"}, {Label: "Enablers", Value: "Cat, Dev, Eve"}}},
				{Title: "Roles", Text: "Enablers: ask open questions; no advice.\nObserver: watch the process and feed back at the end."},
			},
		})},
		{"reminder", Render(bot.Message{
			Kind: bot.KindReminder, Title: "Session 2 of West set tomorrow",
			Text:     "Thu 3 Dec 2026 14:00 (Europe/London), Room 4 <https://meet.example/x>",
			Sections: []bot.Section{{Title: "Your open commitment", Text: "C-3: Talk to the duty team about handovers & rotas"}},
		})},
		{"action-prompt", Render(bot.Message{
			Kind: bot.KindActionPrompt, Title: "Your action",
			Text:    "Thank you for presenting in West set, session 2. What action will you take before the next session?",
			Buttons: []bot.Button{{Label: "Record my commitment", Style: bot.StylePrimary, Command: "commit", Form: commitFormOf("slack:C0SET"), SetID: "slack:C0SET"}},
		})},
		{"commit-modal", RenderModal(commitFormOf("slack:C0SET"), "DANA")},
		{"feedback", Render(bot.FeedbackPulse(&bot.Set{ID: "slack:C0SET", Name: "West set"}, &bot.Session{Number: 2}))},
		{"nudge", Render(nudge())},
		{"report-modal", RenderModal(reportForm("C-3", "done"), "")},
		{"digest", Render(bot.Message{
			Kind: bot.KindDigest, Title: "Report-back: West set",
			Text: "Each member's commitments and what they reported since Thu 5 Nov 2026 14:00 (Europe/London).",
			Sections: []bot.Section{
				{Title: "Ana", Text: "C-1 (done): Ask for supervision\n    Latest report (done, Mon 9 Nov 2026 10:00 (Europe/London)): Booked fortnightly."},
				{Title: "Ben", Text: "No open commitment."},
			},
		})},
		{"home", RenderHome(bot.Message{
			Kind: bot.KindReply, Title: "Your action learning sets",
			Sections: []bot.Section{
				{Title: "West set (facilitator)", Text: "Next session: Thu 3 Dec 2026 14:00 (Europe/London)"},
				{Title: "Your open commitments", Text: "C-3 (open): Talk to the duty team"},
			},
			Buttons: []bot.Button{{Label: "My actions", Command: "actions"}},
		})},
	}
}

func TestRenderGolden(t *testing.T) {
	for _, tc := range goldenCases() {
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
