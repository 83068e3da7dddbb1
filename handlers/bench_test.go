package handlers_test

import (
	"fmt"
	"testing"
)

// BenchmarkCommands runs the common commands end to end through the router on
// the embedded store: go test -run=^$ -bench . ./handlers
func BenchmarkCommands(b *testing.B) {
	members := []string{"ana", "ben", "cy", "dee", "eve"}
	open := func(e *env) {
		e.openSession(members...)
		for i := range 8 {
			e.must("fac", fmt.Sprintf("session add 2026-12-%02d 18:00", 8+i))
		}
		for i, m := range members {
			e.must(m, fmt.Sprintf("commit Action number %d of %s", i, m))
		}
	}
	benches := []struct {
		name  string
		setup func(*env)
		op    func(e *env, i int)
	}{
		{"here", open, func(e *env, i int) { e.must(members[i%5], "here") }},
		{"bid", open, func(e *env, i int) { e.must(members[i%5], "bid A short title") }},
		{"round start+next+end", open, func(e *env, i int) {
			if i > 0 && i%10 == 0 {
				// Keep the session document small: a real session has a few rounds.
				e.b().StopTimer()
				e.must("fac", "session end")
				e.must("fac", "session start")
				for _, m := range members {
					e.must(m, "here")
				}
				e.b().StartTimer()
			}
			e.must("fac", "round start")
			e.must("fac", "round next")
			e.must("fac", "round end")
		}},
		{"commit", open, func(e *env, i int) { e.must(members[i%5], "commit Talk to my manager about cover") }},
		{"actions", open, func(e *env, i int) { e.must(members[i%5], "actions") }},
		{"report", open, func(e *env, i int) {
			e.must(members[i%5], fmt.Sprintf("report C-%d progress Met them, more to do", i%5+1))
		}},
		{"sessions", open, func(e *env, i int) { e.must(members[i%5], "sessions") }},
		{"round status", func(e *env) { open(e); e.must("fac", "round start") }, func(e *env, i int) { e.must(members[i%5], "round status") }},
		{"session end+start", open, func(e *env, i int) {
			e.must("fac", "session end")
			e.must("fac", "session start")
		}},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			e := newEnv(b, 1)
			bb.setup(e)
			e.msgr.Take()
			b.ReportAllocs()
			b.ResetTimer()
			before := e.store.RoundTrips()
			var untimed int64
			for i := 0; i < b.N; i++ {
				if bb.name == "round start+next+end" && i > 0 && i%10 == 0 {
					// Trips of the untimed session turnover are not the command's.
					t0 := e.store.RoundTrips()
					bb.op(e, i)
					untimed += tripsOfTurnover(e, t0)
					continue
				}
				bb.op(e, i)
			}
			b.StopTimer()
			b.ReportMetric(float64(e.store.RoundTrips()-before-untimed)/float64(b.N), "trips/op")
			e.msgr.Take()
		})
	}
}

// tripsOfTurnover is the round trips of a session end, start and five
// check-ins (the untimed part of an op that also ran one round cycle).
func tripsOfTurnover(e *env, t0 int64) int64 {
	const roundCycle = 4 + 3 + 3 // round start, next, end
	return e.store.RoundTrips() - t0 - roundCycle
}

// b returns the benchmark of e.
func (e *env) b() *testing.B { return e.t.(*testing.B) }
