package scheduler_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/scheduler"
)

// slowMessenger accepts every message after a fixed delay, standing in for
// a platform round trip (the scheduler's concurrency is what hides it).
type slowMessenger struct {
	delay time.Duration
	n     atomic.Int64
	last  atomic.Int64 // wall time of the last send, UnixNano
}

func (m *slowMessenger) Send(ctx context.Context, _ bot.Destination, _ bot.Message) (bot.MessageRef, error) {
	if m.delay > 0 {
		t := time.NewTimer(m.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return bot.MessageRef{}, ctx.Err()
		}
	}
	m.n.Add(1)
	m.last.Store(time.Now().UnixNano())
	return bot.MessageRef{}, nil
}

// burstSets creates n sets of six members (each with an open commitment,
// ana's mentor mo too) and plans them at now, a minute before Monday 09:00,
// when every set's default nudges fall due at once.
func burstSets(b *testing.B, st *mongo.Store, s *scheduler.Scheduler, now time.Time, n int) {
	b.Helper()
	for i := 0; i < n; i++ {
		// Slack: each member's DM is its own conversation (the shell is one).
		set := newSet(fmt.Sprintf("slack:burst%04d", i), now)
		set.Platform = bot.Slack
		for _, u := range []string{"cat", "dev", "eve", "fay"} {
			set.People = append(set.People, bot.Person{User: bot.UserRef{ID: u, Name: u}, Roles: []bot.Role{bot.RoleMember}})
		}
		must(b, st.CreateSet(ctx, set))
		for j, u := range []string{"ana", "ben", "cat", "dev", "eve", "fay"} {
			short := "C-" + strconv.Itoa(j+1)
			must(b, st.CreateCommitment(ctx, &bot.Commitment{ID: bot.CommitmentID(set.ID, short), SetID: set.ID, ShortID: short, UserID: u,
				Text: "Try it", Status: bot.CommitmentOpen, CreatedAt: now, Reports: []bot.Report{}}))
		}
	}
	// The hourly upkeep plans every set that has no plan yet, in one go.
	must(b, s.Tick(ctx))
}

// BenchmarkBurst: the Monday-morning burst. Every set's six members' nudges
// (and the mentor's) fall due at 09:00; one op drains them all. Each send
// takes 20 ms, like a platform round trip. ALSBOT_BURST_SETS overrides the
// number of sets (default 1000).
func BenchmarkBurst(b *testing.B) {
	sets := 1000
	if v, err := strconv.Atoi(os.Getenv("ALSBOT_BURST_SETS")); err == nil && v > 0 {
		sets = v
	}
	b.Run(fmt.Sprintf("sets=%d", sets), func(b *testing.B) {
		var elapsed, drained time.Duration
		var trips, sent int64
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			monday := utc("2026-11-30T09:00:00Z")
			st, c, _ := benchEnv(b, monday.Add(-time.Minute))
			m := &slowMessenger{delay: 20 * time.Millisecond}
			s := scheduler.New(scheduler.Deps{Store: st, Deliveries: st, Messenger: m, Clock: c, Instance: "bench"})
			burstSets(b, st, s, monday.Add(-time.Minute), sets)
			c.Set(monday)
			before := st.RoundTrips()
			start := time.Now()
			b.StartTimer()
			must(b, s.Tick(ctx))
			b.StopTimer()
			elapsed += time.Since(start)
			drained += time.Unix(0, m.last.Load()).Sub(start)
			trips += st.RoundTrips() - before
			sent += m.n.Load()
			due, err := st.DueDeliveries(ctx, monday, 10)
			must(b, err)
			if len(due) != 0 {
				b.Fatalf("%d still due after the tick", len(due))
			}
			if got, want := m.n.Load(), int64(sets*7); got != want {
				b.Fatalf("sent %d, want %d", got, want)
			}
			b.StartTimer()
		}
		// s/drain: until the last message went out; s/tick: the whole tick,
		// with planning next week's nudges after the sends.
		b.ReportMetric(drained.Seconds()/float64(b.N), "s/drain")
		b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/tick")
		b.ReportMetric(float64(sent)/drained.Seconds(), "deliveries/s")
		b.ReportMetric(float64(trips)/float64(sent), "trips/delivery")
	})
}
