package bot_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

func TestNewRound(t *testing.T) {
	roles := bot.RoundRoles{Presenter: "a", Observer: "b", Enablers: []string{"c", "d"}, Title: "Cover"}
	set := map[bot.Phase]time.Duration{bot.PhaseQuestioning: 30 * time.Minute, bot.PhaseAction: 0}
	r := bot.NewRound(2, roles, set, t0)
	want := bot.Round{
		Number: 2, Presenter: "a", Observer: "b", Enablers: []string{"c", "d"}, Title: "Cover",
		Phase: bot.PhasePresenting, PhaseStartedAt: t0, StartedAt: t0,
		Durations: map[bot.Phase]time.Duration{
			bot.PhasePresenting: 10 * time.Minute, bot.PhaseQuestioning: 30 * time.Minute,
			bot.PhaseAction: 5 * time.Minute, bot.PhaseProcessReview: 10 * time.Minute,
		},
	}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("got %+v\nwant %+v", r, want)
	}
	// The round keeps its own copies.
	set[bot.PhasePresenting] = time.Minute
	roles.Enablers[0] = "x"
	if r.Durations[bot.PhasePresenting] != 10*time.Minute || r.Enablers[0] != "c" {
		t.Errorf("round shares memory with its inputs: %+v", r)
	}
}

func TestRoundNext(t *testing.T) {
	boxes := map[bot.Phase]time.Duration{
		bot.PhasePresenting: 7 * time.Minute, bot.PhaseQuestioning: 20 * time.Minute,
		bot.PhaseAction: 3 * time.Minute, bot.PhaseProcessReview: 8 * time.Minute,
	}
	r := bot.NewRound(1, bot.RoundRoles{Presenter: "a", Enablers: []string{"b"}}, boxes, t0)
	steps := []struct {
		at       time.Duration // since t0, when Next is called
		phase    bot.Phase     // the phase after it
		deadline time.Duration // since t0; -1: zero (done)
	}{
		{9 * time.Minute, bot.PhaseQuestioning, 29 * time.Minute},
		{30 * time.Minute, bot.PhaseAction, 33 * time.Minute},
		{33 * time.Minute, bot.PhaseProcessReview, 41 * time.Minute},
		{40 * time.Minute, bot.PhaseDone, -1},
	}
	if got := r.Deadline(); !got.Equal(t0.Add(7 * time.Minute)) {
		t.Fatalf("presenting deadline %v, want %v", got, t0.Add(7*time.Minute))
	}
	if got := r.Remaining(t0.Add(5 * time.Minute)); got != 2*time.Minute {
		t.Errorf("Remaining after 5m = %v, want 2m", got)
	}
	if got := r.Remaining(t0.Add(9 * time.Minute)); got != -2*time.Minute {
		t.Errorf("Remaining after 9m = %v, want -2m (overrun)", got)
	}
	for _, s := range steps {
		t.Run(string(s.phase), func(t *testing.T) {
			now := t0.Add(s.at)
			if err := r.Next(now); err != nil {
				t.Fatal(err)
			}
			if r.Phase != s.phase || !r.PhaseStartedAt.Equal(now) {
				t.Fatalf("phase %s started %v, want %s at %v", r.Phase, r.PhaseStartedAt, s.phase, now)
			}
			if s.deadline < 0 {
				if !r.Deadline().IsZero() || r.Remaining(now) != 0 || !r.EndedAt.Equal(now) {
					t.Errorf("done round: deadline %v remaining %v ended %v", r.Deadline(), r.Remaining(now), r.EndedAt)
				}
				return
			}
			if !r.EndedAt.IsZero() {
				t.Errorf("round ended early at %v", r.EndedAt)
			}
			if got := r.Deadline(); !got.Equal(t0.Add(s.deadline)) {
				t.Errorf("deadline %v, want %v", got, t0.Add(s.deadline))
			}
			if got := r.Remaining(now); got != s.deadline-s.at {
				t.Errorf("remaining %v, want %v", got, s.deadline-s.at)
			}
		})
	}
	if err := r.Next(t0.Add(time.Hour)); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("Next on a done round: %v, want ECONFLICT", err)
	}
}

func TestRoundEnd(t *testing.T) {
	for _, phase := range bot.Phases {
		t.Run(string(phase), func(t *testing.T) {
			r := bot.NewRound(1, bot.RoundRoles{Presenter: "a"}, nil, t0)
			for r.Phase != phase {
				if err := r.Next(t0); err != nil {
					t.Fatal(err)
				}
			}
			end := t0.Add(12 * time.Minute)
			if err := r.End(end); err != nil {
				t.Fatal(err)
			}
			if r.Phase != bot.PhaseDone || !r.EndedAt.Equal(end) || !r.Deadline().IsZero() {
				t.Errorf("after End: phase %s ended %v deadline %v", r.Phase, r.EndedAt, r.Deadline())
			}
			if err := r.End(end); bot.ErrorCode(err) != bot.ECONFLICT {
				t.Errorf("End twice: %v, want ECONFLICT", err)
			}
			if err := r.Next(end); bot.ErrorCode(err) != bot.ECONFLICT {
				t.Errorf("Next after End: %v, want ECONFLICT", err)
			}
		})
	}
}

func TestRoundStoredWithoutBoxes(t *testing.T) {
	// A round read back without durations still has the default time boxes.
	r := bot.Round{Phase: bot.PhaseQuestioning, PhaseStartedAt: t0}
	if got := r.Deadline(); !got.Equal(t0.Add(25 * time.Minute)) {
		t.Errorf("deadline %v, want the default 25m box", got)
	}
}
