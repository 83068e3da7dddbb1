package shell

import (
	"path/filepath"
	"testing"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/internal/golden"
	"github.com/alsbot/alsbot/internal/goldenmsg"
)

// go test -update rewrites the golden files from the renderer's output
// (then read the diff before keeping it).
func TestFormatGolden(t *testing.T) {
	tests := []struct {
		name  string
		where string
		msg   bot.Message
	}{
		{
			name:  "plain-reply",
			where: "@ana",
			msg:   bot.Message{Kind: bot.KindReply, Text: "Recorded C-3: call the team about the rota.\nDue Tue 8 Dec 2026 10:00 (UTC).", Private: true},
		},
		{
			name:  "role-card",
			where: "#west-set",
			msg: bot.Message{
				Kind:  bot.KindRoleCard,
				Title: "Round 1",
				Text:  "Presenting: 10 min, until 10:15.",
				Sections: []bot.Section{
					{Title: "Roles", Fields: []bot.Field{
						{Label: "Presenter", Value: "ana"},
						{Label: "Observer", Value: "ben"},
						{Label: "Enablers", Value: "cat, dev, eve"},
					}},
					{Text: "Enablers ask open questions and give no advice.\n\nThe observer watches the process."},
					{Fields: []bot.Field{{Label: "Plan", Value: "presenting 10m\nquestioning 25m"}, {Label: "Empty", Value: ""}}},
				},
			},
		},
		{
			name:  "check-in-button",
			where: "#als",
			msg: bot.Message{
				Kind:    bot.KindCheckIn,
				Text:    "Session 1 is open: check in with `/als here`",
				Buttons: []bot.Button{{Label: "I'm here", Command: "here", Style: bot.StylePrimary}, {Label: "Nothing to run"}},
			},
		},
		{
			name:  "action-prompt-form-button",
			where: "DM @ana",
			msg: bot.Message{
				Kind:    bot.KindActionPrompt,
				Title:   "Your action",
				Text:    "What action will you take before the next session?",
				Buttons: []bot.Button{{Label: "Record my commitment", Command: "commit", Form: commitForm(), Style: bot.StylePrimary}},
			},
		},
		{
			name:  "form",
			where: "@ben",
			msg: bot.Message{
				Kind: bot.KindNudge,
				Text: "How is your action going?",
				Form: &bot.Form{ID: "report", Title: "Report on C-2", Command: "report C-2 done", Fields: []bot.FormField{
					{Name: "text", Label: "What did you do and learn?", Kind: bot.FieldText, Required: true, Multiline: true, MaxLen: bot.MaxTextLen},
					{Name: "status", Label: "Status", Kind: bot.FieldChoice, Options: []bot.Option{{Label: "Done", Value: "done"}, {Label: "Blocked", Value: "blocked"}}},
					{Name: "on", Kind: bot.FieldDate},
				}},
			},
		},
		{
			name:  "files",
			where: "@fran",
			msg:   bot.Message{Text: "The set's records:", Files: []bot.File{{Name: "sessions.csv", ContentType: "text/csv", Data: []byte("a,b\n1,2\n")}}},
		},
		{
			name:  "empty",
			where: "#als",
			msg:   bot.Message{},
		},
	}
	// And what production sends in a session, drawn by the real router and
	// scheduler (goldenmsg), so these goldens follow the wording.
	msgs, _ := goldenmsg.Messages(t, goldenmsg.Cast{Platform: bot.Shell, Channel: "west-set",
		Facilitator: bot.UserRef{ID: "fay", Name: "fay", TZ: "Europe/London"},
		Members:     [3]bot.UserRef{{ID: "ana", Name: "ana", TZ: "Europe/London"}, {ID: "ben", Name: "ben"}, {ID: "cat", Name: "cat"}}})
	for _, name := range []string{"check-in", "role-card", "reminder", "reminder-dm", "nudge", "action-prompt", "digest"} {
		where := "#west-set"
		if name == "reminder-dm" || name == "nudge" || name == "action-prompt" {
			where = "DM @ana"
		}
		tests = append(tests, struct {
			name  string
			where string
			msg   bot.Message
		}{"session-" + name, where, msgs[name]})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden.Assert(t, filepath.Join("testdata", "render", tt.name+".golden"), []byte(Format(tt.where, tt.msg)))
		})
	}
}

func TestFormUsage(t *testing.T) {
	tests := []struct {
		name string
		form *bot.Form
		want string
	}{
		{"commit", commitForm(), "commit <text> [by <date>]"},
		{"report", &bot.Form{Command: "report C-12 done", Fields: []bot.FormField{{Name: "text", Kind: bot.FieldText, Required: true}}}, "report C-12 done <text>"},
		{"feedback", &bot.Form{Command: "feedback", Fields: []bot.FormField{
			{Name: "rating", Kind: bot.FieldChoice, Required: true, Options: []bot.Option{{Value: "1"}, {Value: "2"}, {Value: "3"}}},
			{Name: "comment", Kind: bot.FieldText},
		}}, "feedback <1|2|3> [<comment>]"},
		{"mentoring", &bot.Form{Command: "mentoring log @ana", Fields: []bot.FormField{{Name: "date", Kind: bot.FieldDate}}}, "mentoring log @ana [<date>]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormUsage(tt.form); got != tt.want {
				t.Errorf("FormUsage = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDestinationLabel(t *testing.T) {
	tests := []struct {
		to      bot.Destination
		want    string
		wantErr bool
	}{
		{to: bot.Destination{Platform: bot.Shell, ChannelID: "west-set"}, want: "#west-set"},
		{to: bot.Destination{Platform: bot.Shell, UserID: "bob"}, want: "DM @bob"},
		{to: bot.Destination{Platform: bot.Shell, ChannelID: "west-set", UserID: "bob"}, want: "@bob"},
		{to: bot.Destination{Platform: bot.Shell, ChannelID: "dm-bob"}, want: "DM @bob"},
		{to: bot.Destination{Platform: bot.Shell}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got, err := DestinationLabel(tt.to)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("DestinationLabel(%+v) = %q, %v; want %q (error %v)", tt.to, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// commitForm is the shape of the commit form the handlers send.
func commitForm() *bot.Form {
	return &bot.Form{
		ID: "commit", Title: "Your commitment", Submit: "Save", Command: "commit",
		Fields: []bot.FormField{
			{Name: "text", Label: "What will you do before the next session?", Kind: bot.FieldText, Required: true, Multiline: true, MaxLen: bot.MaxTextLen},
			{Name: "due", Label: "By when?", Kind: bot.FieldDate},
		},
	}
}
