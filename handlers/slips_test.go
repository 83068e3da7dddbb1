package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/shell"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
)

// TestSlipsScript runs examples/slips.als: a facilitator makes each slip of
// issue 13's trial and fixes it. Exactly the three inputs meant to be
// refused are refused, and stats ends with the script's hand count.
func TestSlipsScript(t *testing.T) {
	run := runScript(t, "../examples/slips.als", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	ctx, store, out := context.Background(), run.store, run.out
	refused := []string{
		"session add 2026-12-02 2pm 2h Room 4",            // same time as session 1
		"by 31/02/2027",                                   // no such day
		"mentoring log @ana 16/13/2026 Talked it through", // no month 13
	}
	if len(run.errs) != len(refused) {
		t.Fatalf("%d refusals, want %d:\n%s\noutput:\n%s", len(run.errs), len(refused), strings.Join(run.errs, "\n"), out.String())
	}
	for i, want := range refused {
		if !strings.Contains(run.errs[i], want) {
			t.Errorf("refusal %d = %s, want the line with %q", i+1, run.errs[i], want)
		}
	}
	for _, want := range []string{
		"London is Europe/London",
		"Session 1: Wed 2 Dec 2026 14:00 (Europe/London), 1 h 30 min (scheduled)",
		"Preview: sessions of North set would be monthly on the first friday at 14:00",
		"does not count as held",
		"Round 1 (ben presenting) is cancelled",
		"Dropped C-2",
		"Corrected C-1: Talk to the agency about notice periods and cover",
		"Due Fri 4 Dec 2026 23:59",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	setID := string(bot.Shell) + ":" + shell.DefaultChannel
	set, err := store.GetSet(ctx, setID)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := handlers.LoadRecords(ctx, store, set)
	if err != nil {
		t.Fatal(err)
	}
	st := loaded.Stats()
	got := []int{st.SessionsHeld, st.Attended, len(st.Members), st.Presentations, st.Observations, st.CommitmentsMade, st.Dropped, st.Done, st.MentoringSessions}
	want := []int{1, 3, 4, 1, 1, 2, 1, 0, 1} // the hand count in the script's header
	for i, name := range []string{"held", "attended", "members", "presentations", "observations", "made", "dropped", "done", "mentoring"} {
		if got[i] != want[i] {
			t.Errorf("%s = %d, want %d", name, got[i], want[i])
		}
	}
}
