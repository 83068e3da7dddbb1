package mongo_test

import (
	"context"
	"sync"
	"testing"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

// TestAddNumbers: the store hands out the next number; a stale "after"
// (numbers taken by another replica or the scheduler) skips past every
// taken one; concurrent adds get distinct numbers.
func TestAddNumbers(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	const set = "shell:C1"
	for _, n := range []int{1, 2, 3, 7} {
		if err := s.CreateSession(ctx, &bot.Session{ID: bot.SessionID(set, n), SetID: set, Number: n, Status: bot.SessionScheduled}); err != nil {
			t.Fatal(err)
		}
	}
	sess := &bot.Session{SetID: set, Status: bot.SessionScheduled}
	if err := s.AddSession(ctx, sess, 3); err != nil || sess.Number != 4 || sess.ID != bot.SessionID(set, 4) {
		t.Errorf("after 3: session %d %q, %v; want 4", sess.Number, sess.ID, err)
	}
	sess = &bot.Session{SetID: set, Status: bot.SessionScheduled}
	if err := s.AddSession(ctx, sess, 1); err != nil || sess.Number != 8 {
		t.Errorf("after a stale 1: session %d, %v; want 8 (past the highest, 7)", sess.Number, err)
	}

	cm := &bot.Commitment{SetID: set, UserID: "U1", Text: "x", Status: bot.CommitmentOpen}
	if n, err := s.AddCommitment(ctx, cm, 0); err != nil || n != 1 || cm.ShortID != "C-1" || cm.ID != bot.CommitmentID(set, "C-1") {
		t.Errorf("first commitment %d %q %q, %v", n, cm.ShortID, cm.ID, err)
	}
	cm = &bot.Commitment{SetID: set, UserID: "U1", Text: "y", Status: bot.CommitmentOpen}
	if n, err := s.AddCommitment(ctx, cm, 0); err != nil || n != 2 {
		t.Errorf("stale counter: commitment %d, %v; want 2", n, err)
	}

	var wg sync.WaitGroup
	got := make([]int, 4)
	errs := make([]error, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &bot.Commitment{SetID: set, UserID: "U2", Text: "z", Status: bot.CommitmentOpen}
			got[i], errs[i] = s.AddCommitment(ctx, c, 2)
		}()
	}
	wg.Wait()
	seen := map[int]bool{}
	for i, n := range got {
		if errs[i] != nil || seen[n] {
			t.Errorf("concurrent add %d: number %d, %v (numbers %v)", i, n, errs[i], got)
		}
		seen[n] = true
	}
}
