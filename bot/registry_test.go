package bot_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// TestRegistryComplete: every verb has what parsing, help and the router
// read from its entry, and its example parses to it.
func TestRegistryComplete(t *testing.T) {
	seen := map[bot.Verb]bool{}
	for _, s := range bot.Specs() {
		t.Run(string(s.Verb), func(t *testing.T) {
			if seen[s.Verb] {
				t.Fatalf("%q is registered twice", s.Verb)
			}
			seen[s.Verb] = true
			if s.Role == "" {
				t.Errorf("no role: use bot.RoleAnyone for a verb anyone may run")
			}
			if s.Role != bot.RoleAnyone && s.Deny == "" {
				t.Errorf("role %s but no Deny phrase for the refusal", s.Role)
			}
			if !s.Writes && !s.OnArchived {
				t.Errorf("a read is refused on an archived set; reads change nothing, so OnArchived should be true")
			}
			if s.Hidden {
				if s.Usage != "" || s.Example != "" {
					t.Errorf("hidden verb with usage %q / example %q", s.Usage, s.Example)
				}
				return
			}
			if !strings.HasPrefix(s.Usage, string(s.Verb)) || s.Desc == "" || s.Example == "" || s.Group == "" {
				t.Errorf("usage %q, desc %q, example %q, group %q: want all, usage starting with the verb", s.Usage, s.Desc, s.Example, s.Group)
			}
			c, err := bot.Parse(s.Example)
			if err != nil || c.Verb != s.Verb {
				t.Errorf("example %q parses to %q, %v", s.Example, c.Verb, err)
			}
		})
	}
}

// TestHelpListsExactlyTheRegistry: the full help has one line per typed
// verb of the registry and nothing else.
func TestHelpListsExactlyTheRegistry(t *testing.T) {
	all, err := bot.HelpText("")
	if err != nil {
		t.Fatal(err)
	}
	var listed, want []string
	for _, l := range strings.Split(all, "\n") {
		if strings.HasPrefix(l, "/als ") && strings.Contains(l, ": ") {
			listed = append(listed, l[:strings.Index(l, ": ")])
		}
	}
	for _, s := range bot.Specs() {
		if !s.Hidden {
			want = append(want, bot.Usage(s.Verb))
		}
	}
	slices.Sort(listed)
	slices.Sort(want)
	if !slices.Equal(listed, want) {
		t.Errorf("help lists\n%q\nregistry has\n%q", listed, want)
	}
}

// TestRegistryRules pins the rules the router reads that issues changed:
// retention writes (it was treated as a read, so it took no care of
// concurrent writes) yet works on an archived set, and the roster is for
// facilitators.
func TestRegistryRules(t *testing.T) {
	tests := []struct {
		verb       bot.Verb
		writes     bool
		onArchived bool
		role       bot.Role
	}{
		{bot.VerbRetention, true, true, bot.RoleFacilitator},
		{bot.VerbMembers, false, true, bot.RoleFacilitator},
		{bot.VerbSessions, false, true, bot.RoleAnyone},
		{bot.VerbActions, false, true, bot.RoleMember},
		{bot.VerbCommit, true, false, bot.RoleMember},
		{bot.VerbMentoringLog, true, false, bot.RoleMentor},
	}
	for _, tt := range tests {
		s, ok := bot.Lookup(tt.verb)
		if !ok {
			t.Fatalf("%q not registered", tt.verb)
		}
		if s.Writes != tt.writes || s.OnArchived != tt.onArchived || s.Role != tt.role {
			t.Errorf("%s: writes %v, on archived %v, role %s; want %v, %v, %s", tt.verb, s.Writes, s.OnArchived, s.Role, tt.writes, tt.onArchived, tt.role)
		}
	}
}

// TestParseForm: a form's values become the verb's arguments directly;
// values that are not the verb's form fall back to the typed command.
func TestParseForm(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		values map[string]string
		want   bot.Command
	}{
		{"commit", "commit", map[string]string{"text": "  Call the duty team ", "due": "2026-12-03"},
			bot.Command{Verb: bot.VerbCommit, Args: bot.CommitArgs{Text: "Call the duty team", Due: bot.AbsoluteDate(bot.Date{Year: 2026, Month: 12, Day: 3})}}},
		{"commit without due", "/als commit", map[string]string{"text": "Call"}, bot.Command{Verb: bot.VerbCommit, Args: bot.CommitArgs{Text: "Call"}}},
		// The text is never re-parsed: quotes, "by <date>" and a leading
		// dash stay what the member wrote.
		{"report", "report C-12 done", map[string]string{"text": `- said "no" by 2026-01-01`},
			bot.Command{Verb: bot.VerbReport, Args: bot.ReportArgs{ID: "C-12", Status: bot.ReportDone, Text: `- said "no" by 2026-01-01`}}},
		{"feedback form", "feedback", map[string]string{"rating": "4", "comment": " ok "}, bot.Command{Verb: bot.VerbFeedback, Args: bot.FeedbackArgs{Rating: 4, Comment: "ok"}}},
		{"feedback not a form", "feedback 3", map[string]string{}, bot.Command{Verb: bot.VerbFeedback, Args: bot.FeedbackArgs{Rating: 3}}},
		{"verb without a form", "here", map[string]string{"x": "y"}, bot.Command{Verb: bot.VerbHere, Args: bot.NoArgs{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bot.ParseForm(tt.text, tt.values)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseFormInvalid(t *testing.T) {
	tests := []struct {
		name, text string
		values     map[string]string
		want       string
	}{
		{"empty commitment", "commit", map[string]string{"text": "  "}, "what you will do"},
		{"bad due", "commit", map[string]string{"text": "x", "due": "soon"}, "YYYY-MM-DD"},
		{"empty report", "report C-12 done", map[string]string{"text": ""}, "what you did and learned"},
		{"report of no id", "report X done", map[string]string{"text": "t"}, "C-12"},
		{"report with more words", "report C-12 done now", map[string]string{"text": "t"}, "Usage: /als report"},
		{"rating", "feedback", map[string]string{"rating": "9"}, "1 to 5"},
		{"long comment", "feedback", map[string]string{"rating": "3", "comment": strings.Repeat("x", bot.MaxTextLen+1)}, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.ParseForm(tt.text, tt.values)
			if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(bot.ErrorMessage(err), tt.want) {
				t.Errorf("error %v, want EINVALID containing %q", err, tt.want)
			}
		})
	}
}
