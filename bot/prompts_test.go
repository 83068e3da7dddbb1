package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{25 * time.Minute, "25 min"},
		{time.Hour, "1 h"},
		{3 * time.Hour, "3 h"},
		{90 * time.Minute, "1 h 30 min"},
		{2*time.Hour + 5*time.Minute + 20*time.Second, "2 h 5 min"},
		{0, "0 min"},
	}
	for _, tt := range tests {
		if got := bot.FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func promptSet() *bot.Set {
	return &bot.Set{ID: "shell:west", Name: "West set", TZ: "UTC", People: []bot.Person{
		{User: bot.UserRef{ID: "fran", Name: "Fran"}, Roles: []bot.Role{bot.RoleFacilitator}},
		{User: bot.UserRef{ID: "ana", Name: "Ana"}, Roles: []bot.Role{bot.RoleMember}},
		{User: bot.UserRef{ID: "ben", Name: "Ben"}, Roles: []bot.Role{bot.RoleMember}},
	}}
}

// TestNudgeButtons: one commitment gets Done / Progress / Blocked; several
// get one button each, whose form (status and text) the parser reads as a
// report on that commitment.
func TestNudgeButtons(t *testing.T) {
	set := promptSet()
	c := func(n string) *bot.Commitment {
		return &bot.Commitment{ID: bot.CommitmentID(set.ID, n), ShortID: n, UserID: "ana", Text: "Do " + n, Status: bot.CommitmentOpen}
	}
	one := bot.Nudge(set, []*bot.Commitment{c("C-1")}, time.Time{}, time.UTC)
	if len(one.Buttons) != 3 || one.Buttons[0].Form.Command != "report C-1 done" {
		t.Fatalf("one commitment: buttons %+v", one.Buttons)
	}
	three := bot.Nudge(set, []*bot.Commitment{c("C-1"), c("C-2"), c("C-3")}, time.Time{}, time.UTC)
	if len(three.Buttons) != 3 || len(three.Sections) != 3 {
		t.Fatalf("three commitments: %d buttons, %d sections; want one button and one section each", len(three.Buttons), len(three.Sections))
	}
	for i, b := range three.Buttons {
		id := []string{"C-1", "C-2", "C-3"}[i]
		if b.Label != "Report on "+id || b.Form == nil || b.Form.SetID != set.ID || b.SetID != set.ID {
			t.Fatalf("button %d: %+v", i, b)
		}
		cmd, err := bot.ParseForm(b.Form.Command, map[string]string{"status": "blocked", "text": "Waiting for the team"})
		if err != nil {
			t.Fatalf("submitting %s's form: %v", id, err)
		}
		if a, ok := cmd.Args.(bot.ReportArgs); !ok || a.ID != id || a.Status != bot.ReportBlocked || a.Text != "Waiting for the team" {
			t.Errorf("%s's form read as %+v", id, cmd.Args)
		}
	}
	if _, err := bot.ParseForm(three.Buttons[0].Form.Command, map[string]string{"status": "maybe", "text": "x"}); err == nil {
		t.Error("a status that is not one was accepted")
	}
	if strings.Contains(three.Text, "is ready") {
		t.Errorf("the nudge says the report is ready before it is written: %q", three.Text)
	}
}

// TestDigestNothingYet: with no commitments at all the digest says so once,
// not "No open commitment" per member.
func TestDigestNothingYet(t *testing.T) {
	m := bot.Digest(promptSet(), nil, time.Time{}, time.Time{}, time.UTC)
	if m.Text != "No commitments yet." || len(m.Sections) != 0 {
		t.Fatalf("empty digest: %q with %d sections", m.Text, len(m.Sections))
	}
}

// TestReminderCommitmentLine: a member with no open commitment is asked to
// record one only once they have presented.
func TestReminderCommitmentLine(t *testing.T) {
	set := promptSet()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	sess := &bot.Session{ID: bot.SessionID(set.ID, 1), SetID: set.ID, Number: 1, Start: now.Add(time.Hour), Duration: 90 * time.Minute}
	before := bot.Reminder(set, sess, now, time.UTC, nil, true, false)
	after := bot.Reminder(set, sess, now, time.UTC, nil, true, true)
	text := func(m bot.Message) string {
		var b strings.Builder
		for _, s := range m.Sections {
			b.WriteString(s.Title + " " + s.Text + " ")
			for _, f := range s.Fields {
				b.WriteString(f.Label + ": " + f.Value + " ")
			}
		}
		return b.String()
	}
	if strings.Contains(text(before), "commit") {
		t.Errorf("before presenting: %q", text(before))
	}
	if !strings.Contains(text(after), "/als commit") {
		t.Errorf("after presenting: %q", text(after))
	}
	if !strings.Contains(text(after), "Length: 1 h 30 min") {
		t.Errorf("length not written the one way: %q", text(after))
	}
}

// TestPhaseMoved: moving on names who speaks in the action and
// process-review phases; the observer is prompted by name.
func TestPhaseMoved(t *testing.T) {
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		phase    bot.Phase
		observer string
		want     string
	}{
		{bot.PhaseQuestioning, "ben", "Round 2: questioning (25 min, until 10:25)"},
		{bot.PhaseAction, "ben", "Round 2: action (5 min, until 10:05). Ana, name the action you will take before the next session."},
		{bot.PhaseProcessReview, "ben", "Round 2: process-review (10 min, until 10:10). Ben, as observer, feed back on how the questioning went; then Ana says what helped."},
		{bot.PhaseProcessReview, "", "Round 2: process-review (10 min, until 10:10). No observer this round: everyone, how did the questioning go? Then Ana says what helped."},
	}
	for _, tt := range tests {
		t.Run(string(tt.phase)+"/"+tt.observer, func(t *testing.T) {
			r := &bot.Round{Number: 2, Phase: tt.phase, PhaseStartedAt: start, Presenter: "ana", Observer: tt.observer, Durations: bot.DefaultPhaseDurations()}
			m := bot.PhaseMoved(promptSet(), r, time.UTC)
			if m.Kind != bot.KindPhase || m.Text != tt.want {
				t.Errorf("PhaseMoved = %s %q\nwant %q", m.Kind, m.Text, tt.want)
			}
		})
	}
}

// The mentor's reminder teaches the same day-first dates as the mentoring
// log command, not YYYY-MM-DD.
func TestMentorNudgeDates(t *testing.T) {
	set := &bot.Set{Name: "West set"}
	m := bot.MentorNudge(set, []bot.Mentee{{UserID: "U1", Open: []*bot.Commitment{{ShortID: "C-1", Text: "Call HR"}}}}, time.Time{}, time.UTC)
	if strings.Contains(m.Text, "YYYY") || !strings.Contains(m.Text, "/als mentoring log @mentee [<date>] [<note>]") {
		t.Errorf("mentor nudge text %q: want the mentoring log usage with <date>", m.Text)
	}
}

// TestOverdueCommitment: an open commitment whose due time passed more
// than a day ago is shown as overdue in every list of commitments (a trial's report-back
// showed one two months late as plainly "due"); one done late is not.
func TestOverdueCommitment(t *testing.T) {
	due := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
	c := &bot.Commitment{ShortID: "C-3", Text: "Call HR", Status: bot.CommitmentOpen, Due: due}
	// Due at a session's start, it is not late in that session.
	if got := bot.CommitmentLine(c, time.UTC, due.Add(2*time.Hour)); strings.Contains(got, "overdue") {
		t.Errorf("in the session it was due at: %q", got)
	}
	now := due.Add(25 * time.Hour)
	if got := bot.CommitmentLine(c, time.UTC, now); !strings.HasPrefix(got, "C-3 (open, overdue since Thu 31 Dec 2026 23:59 (UTC)): Call HR") {
		t.Errorf("late: %q", got)
	}
	if got := bot.CommitmentLine(c, time.UTC, due.Add(-time.Hour)); !strings.HasPrefix(got, "C-3 (open, due Thu 31 Dec 2026 23:59") {
		t.Errorf("in time: %q", got)
	}
	done := *c
	done.Status = bot.CommitmentDone
	if got := bot.CommitmentLine(&done, time.UTC, now); !strings.HasPrefix(got, "C-3 (done, due ") {
		t.Errorf("done: %q", got)
	}
	n := bot.Nudge(promptSet(), []*bot.Commitment{c}, now, time.UTC)
	if len(n.Sections) != 1 || !strings.Contains(n.Sections[0].Text, "commitment edit C-3 by <date>") || !strings.Contains(n.Sections[0].Text, "commitment drop C-3") {
		t.Errorf("nudge of a late commitment: %+v", n.Sections)
	}
	if n := bot.Nudge(promptSet(), []*bot.Commitment{c}, due.Add(-time.Hour), time.UTC); strings.Contains(n.Sections[0].Text, "Past its date") {
		t.Errorf("nudge in time: %+v", n.Sections)
	}
	undated := *c
	undated.Due = time.Time{}
	if n := bot.Nudge(promptSet(), []*bot.Commitment{&undated}, now, time.UTC); strings.Contains(n.Sections[0].Text, "Past its date") || strings.Contains(n.Sections[0].Text, "overdue") {
		t.Errorf("nudge without a due date: %+v", n.Sections)
	}
	m := bot.MentorNudge(promptSet(), []bot.Mentee{{UserID: "U1", Open: []*bot.Commitment{c}}}, now, time.UTC)
	if len(m.Sections) != 1 || !strings.Contains(m.Sections[0].Text, "(overdue since Thu 31 Dec 2026") {
		t.Errorf("mentor nudge: %+v", m.Sections)
	}
}
