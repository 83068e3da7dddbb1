package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// TestPhasesBareMinutes: a bare number is minutes in phases as it is in
// session add (a trial found `phases questioning=30` refused while
// `session add … 90` meant 90 minutes).
func TestPhasesBareMinutes(t *testing.T) {
	tests := []struct {
		in   string
		want map[bot.Phase]time.Duration
	}{
		{"phases questioning=30", map[bot.Phase]time.Duration{bot.PhaseQuestioning: 30 * time.Minute}},
		{"phases presenting=10 action=5", map[bot.Phase]time.Duration{bot.PhasePresenting: 10 * time.Minute, bot.PhaseAction: 5 * time.Minute}},
		{"phases questioning=1.5h", map[bot.Phase]time.Duration{bot.PhaseQuestioning: 90 * time.Minute}},
		{"phases questioning=1h30", map[bot.Phase]time.Duration{bot.PhaseQuestioning: 90 * time.Minute}},
		{"phases questioning=25m", map[bot.Phase]time.Duration{bot.PhaseQuestioning: 25 * time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			cmd, err := bot.Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			args, ok := cmd.Args.(bot.PhasesArgs)
			if !ok {
				t.Fatalf("args = %T", cmd.Args)
			}
			if len(args.Phases) != len(tt.want) {
				t.Fatalf("phases = %v, want %v", args.Phases, tt.want)
			}
			for ph, d := range tt.want {
				if args.Phases[ph] != d {
					t.Errorf("%s = %v, want %v", ph, args.Phases[ph], d)
				}
			}
		})
	}
	for _, in := range []string{"phases questioning=300", "phases questioning=0", "phases questioning=30x", "phases questioning=thirty"} {
		t.Run(in, func(t *testing.T) {
			if _, err := bot.Parse(in); err == nil || bot.ErrorCode(err) != bot.EINVALID {
				t.Errorf("Parse(%q) = %v, want a refusal", in, err)
			}
		})
	}
}

// TestSessionAddForLength: "2pm for 2 hours" reads the length after "for";
// the place is what follows (a trial stored "for 2 hours in Room 4" as the
// place of a 3-hour session).
func TestSessionAddForLength(t *testing.T) {
	tests := []struct {
		in    string
		dur   time.Duration
		where string
	}{
		{"session add 23/12/2026 2pm for 2 hours in Room 4", 2 * time.Hour, "in Room 4"},
		{"session add 23/12/2026 2pm for 90 minutes", 90 * time.Minute, ""},
		{"session add 23/12/2026 2pm for 1.5h Room 4", 90 * time.Minute, "Room 4"},
		{"session add 23/12/2026 2pm 2h for the new managers", 2 * time.Hour, "for the new managers"},
		{"session add 23/12/2026 2pm for the new managers", 0, "for the new managers"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			cmd, err := bot.Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			a := cmd.Args.(bot.SessionAddArgs)
			if a.Duration != tt.dur || a.Where != tt.where {
				t.Errorf("duration %v, where %q; want %v, %q", a.Duration, a.Where, tt.dur, tt.where)
			}
		})
	}
	if _, err := bot.Parse("session add 23/12/2026 2pm for 20 hours"); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("a 20-hour session: %v", err)
	}
}

// TestTrialRatingsAndReports: ratings as people write them ("4/5",
// "four") are read; "report C-1 done" with nothing after says what to add.
func TestTrialRatingsAndReports(t *testing.T) {
	for in, want := range map[string]int{"feedback 4/5 good session": 4, "feedback five": 5, "feedback Three ok": 3, "feedback 2": 2} {
		cmd, err := bot.Parse(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got := cmd.Args.(bot.FeedbackArgs).Rating; got != want {
			t.Errorf("%q rated %d, want %d", in, got, want)
		}
	}
	for _, in := range []string{"feedback 6/5", "feedback 4.5", "feedback six", "feedback 0/5"} {
		if _, err := bot.Parse(in); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("%q: %v, want a refusal", in, err)
		}
	}
	_, err := bot.Parse("report c-1 done")
	if msg := bot.ErrorMessage(err); !strings.Contains(msg, "Add what you did and learned after done, e.g. /als report C-1 done") {
		t.Errorf("report c-1 done: %q", msg)
	}
	_, err = bot.Parse("report X-1 done")
	if msg := bot.ErrorMessage(err); !strings.Contains(msg, "not a commitment id") {
		t.Errorf("report X-1 done: %q", msg)
	}
}

// TestMentoringLogAgo: "2 days ago" is the day of the meeting, not the
// start of the note; "undo" names the undo verbs.
func TestMentoringLogAgo(t *testing.T) {
	today := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"mentoring log @ana 2 days ago quick catch-up": "2026-12-04",
		"mentoring log @ana a week ago":                "2026-11-29",
		"mentoring log @ana 3 weeks ago Long talk":     "2026-11-15",
	} {
		cmd, err := bot.Parse(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		a := cmd.Args.(bot.MentoringLogArgs)
		d, err := a.Date.Resolve(today)
		if err != nil || d.String() != want {
			t.Errorf("%q: date %v (%v), want %s", in, d, err, want)
		}
		if strings.Contains(a.Note, "ago") {
			t.Errorf("%q: note %q keeps the date", in, a.Note)
		}
	}
	if cmd, err := bot.Parse("mentoring log @ana 2 good ideas"); err != nil || cmd.Args.(bot.MentoringLogArgs).Note != "2 good ideas" {
		t.Errorf("a note starting with a number: %+v %v", cmd, err)
	}
	_, err := bot.Parse("undo")
	if msg := bot.ErrorMessage(err); !strings.Contains(msg, "session undo start") || !strings.Contains(msg, "round cancel") {
		t.Errorf("undo: %q", msg)
	}
}
