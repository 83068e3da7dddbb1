package handlers_test

import (
	"testing"
	"time"
)

// TestRoundCancelRestoresRotation: a cancelled round gives its presenter
// and observer back their last-presented and last-observed times as well
// as their counts, so the fair rotation picks as if it never ran.
func TestRoundCancelRestoresRotation(t *testing.T) {
	e := newEnv(t, 1)
	e.openSession("ana", "ben", "cy")
	e.must("fac", "round start @ana observer @ben")
	e.clock.Set(time.Date(2026, 12, 1, 18, 40, 0, 0, time.UTC))
	e.must("fac", "round end")
	before := e.set()
	anaBefore, benBefore := before.Person(e.id("ana")).LastPresented, before.Person(e.id("ben")).LastObserved
	if anaBefore.IsZero() || benBefore.IsZero() {
		t.Fatalf("round 1 did not record its roles: ana %v, ben %v", anaBefore, benBefore)
	}

	e.clock.Set(time.Date(2026, 12, 1, 18, 45, 0, 0, time.UTC))
	e.must("fac", "round start @ana again observer @ben")
	e.must("fac", "round cancel")

	after := e.set()
	tests := []struct {
		name      string
		got, want time.Time
		n, wantN  int
	}{
		{"ana last presented", after.Person(e.id("ana")).LastPresented, anaBefore, after.Person(e.id("ana")).Presentations, 1},
		{"ben last observed", after.Person(e.id("ben")).LastObserved, benBefore, after.Person(e.id("ben")).Observations, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.got.Equal(tt.want) {
				t.Errorf("after round cancel = %v, want %v (as before the cancelled round)", tt.got, tt.want)
			}
			if tt.n != tt.wantN {
				t.Errorf("count after round cancel = %d, want %d", tt.n, tt.wantN)
			}
		})
	}
}
