package handlers_test

import (
	"strings"
	"testing"
	"time"
)

// TestPhrasingsScript runs examples/phrasings.als: everyday phrasings of
// dates, times, lengths, "I'm here", a zone by its city and bare minutes in
// phases are each understood and the answer says how; exactly the inputs
// meant to be refused are refused, with an example.
func TestPhrasingsScript(t *testing.T) {
	run := runScript(t, "../examples/phrasings.als", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	out := run.out.String()
	refused := []struct{ line, says string }{
		{"session add 12/23/2026 14:00", "Dates are written day first here: did you mean 23/12/2026?"},
		{"by 31/02/2027", "February 2027 has no day 31"},
	}
	if len(run.errs) != len(refused) {
		t.Fatalf("%d refusals, want %d:\n%s\noutput:\n%s", len(run.errs), len(refused), strings.Join(run.errs, "\n"), out)
	}
	for i, want := range refused {
		if !strings.Contains(run.errs[i], want.line) || !strings.Contains(run.errs[i], want.says) {
			t.Errorf("refusal %d = %s, want the line with %q saying %q", i+1, run.errs[i], want.line, want.says)
		}
	}
	for _, want := range []string{
		"Time zone: UTC (the default",
		"(London is Europe/London.)",
		"questioning 30 min, action 5 min",
		"Added Session 1: Wed 23 Dec 2026 14:00 (Europe/London), 1 h 30 min (scheduled).",
		"Added Session 2: Wed 13 Jan 2027 10:00 (Europe/London), 1 h 30 min, Teams link https://teams.example/meet (scheduled).",
		"Added Session 3: Fri 4 Dec 2026 14:30 (Europe/London), 1 h 30 min, Room 4 (scheduled).",
		"Added Session 4: Wed 20 Jan 2027 10:00 (Europe/London), 2 h, in the Civic Centre (scheduled).",
		"[@ana] You're checked in to session 3",
		"[@ben] You're checked in to session 3",
		"[@fran] Round 1\n  Round 1: presenting",
		"Due Thu 31 Dec 2026 23:59 (Europe/London)",
		"Recorded C-2: Shadow a duty manager\n  Due Fri 11 Dec 2026 23:59",
		"Recorded C-3: Ask for a rota review\n  Due Fri 11 Dec 2026 23:59",
		"Logged a mentoring session with ana on Wed 2 Dec 2026",
		"Logged a mentoring session with ana on Thu 3 Dec 2026. ana has had 2",
		"Logged a mentoring session with ana on Tue 1 Dec 2026. ana has had 3",
		"your feedback on session 3 (4 of 5, with a comment) is saved",
		"Commitments: made 3, with a report 0, done 0, dropped 0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
