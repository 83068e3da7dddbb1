package handlers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
)

// BenchmarkCommands runs the common commands end to end through the router,
// on the embedded store as it runs in production (cached: one process owns
// its files) and uncached (as with MONGODB_URI), and reports the store round
// trips of each: go test -run '^$' -bench . -benchmem ./handlers
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
	// untimed counts the round trips of work an op does with the timer
	// stopped: they are not the command's.
	var untimed int64
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
				t0 := e.store.RoundTrips()
				e.must("fac", "session end")
				e.must("fac", "session start")
				for _, m := range members {
					e.must(m, "here")
				}
				untimed += e.store.RoundTrips() - t0
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
		{"session start", open, func(e *env, i int) {
			e.b().StopTimer()
			t0 := e.store.RoundTrips()
			e.must("fac", "session end")
			untimed += e.store.RoundTrips() - t0
			e.b().StartTimer()
			e.must("fac", "session start") // none planned today: an extra one
		}},
		{"session start planned", open, func(e *env, i int) {
			e.b().StopTimer()
			t0 := e.store.RoundTrips()
			e.must("fac", "session end")
			e.must("fac", fmt.Sprintf("session add %s 18:00", time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02")))
			all, err := e.store.ListSessions(context.Background(), e.setID())
			if err != nil {
				e.b().Fatal(err)
			}
			untimed += e.store.RoundTrips() - t0
			e.b().StartTimer()
			e.must("fac", fmt.Sprintf("session start %d", all[len(all)-1].Number))
		}},
	}
	stores := []struct {
		name string
		open func(testing.TB) *mongo.Store
	}{{"cached", mongotest.NewCached}, {"uncached", mongotest.New}}
	for _, st := range stores {
		for _, bb := range benches {
			b.Run(st.name+"/"+bb.name, func(b *testing.B) {
				e := newEnvOn(b, st.open(b), 1)
				bb.setup(e)
				e.msgr.Take()
				b.ReportAllocs()
				b.ResetTimer()
				untimed = 0
				before := e.store.RoundTrips()
				for i := 0; i < b.N; i++ {
					bb.op(e, i)
				}
				b.StopTimer()
				b.ReportMetric(float64(e.store.RoundTrips()-before-untimed)/float64(b.N), "trips/op")
				e.msgr.Take()
			})
		}
	}
}

// b returns the benchmark of e.
func (e *env) b() *testing.B { return e.t.(*testing.B) }
