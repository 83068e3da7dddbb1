package scheduler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/scheduler"
)

// noop is a Messenger that accepts everything at once.
type noop struct{}

func (noop) Send(context.Context, bot.Destination, bot.Message) (bot.MessageRef, error) {
	return bot.MessageRef{}, nil
}

func benchEnv(b *testing.B, start time.Time) (*mongo.Store, *bot.ManualClock, *scheduler.Scheduler) {
	st := mongotest.New(b)
	if err := st.EnsureDeliveryIndexes(context.Background()); err != nil {
		b.Fatal(err)
	}
	c := newClock(start)
	return st, c, scheduler.New(scheduler.Deps{Store: st, Deliveries: st, Messenger: noop{}, Clock: c, Instance: "bench"})
}

// benchSets creates n sets of five members, each with a session ahead
// and an open commitment, and plans them.
func benchSets(b *testing.B, st *mongo.Store, s *scheduler.Scheduler, now time.Time, n int, ahead time.Duration) {
	for i := 0; i < n; i++ {
		set := newSet(fmt.Sprintf("shell:set%03d", i), now)
		for _, u := range []string{"cat", "dev", "eve"} {
			set.People = append(set.People, bot.Person{User: bot.UserRef{ID: u, Name: u}, Roles: []bot.Role{bot.RoleMember}})
		}
		set.SessionSeq = 1
		must(b, st.CreateSet(ctx, set))
		must(b, st.CreateSession(ctx, &bot.Session{ID: bot.SessionID(set.ID, 1), SetID: set.ID, Number: 1, Start: now.Add(ahead),
			Duration: 3 * time.Hour, Status: bot.SessionScheduled, Attendees: []bot.Attendance{}, Bids: []bot.Bid{}, Rounds: []bot.Round{}}))
		must(b, st.CreateCommitment(ctx, &bot.Commitment{ID: bot.CommitmentID(set.ID, "C-1"), SetID: set.ID, ShortID: "C-1", UserID: "ana",
			Text: "Try it", Status: bot.CommitmentOpen, CreatedAt: now, Reports: []bot.Report{}}))
		must(b, s.SetChanged(ctx, set))
	}
}

// yearOfHistory writes the history a year of 100 sets would leave: per set,
// ~10 sessions x 3 lead times x 6 recipients, 52 nudges x 6, 365 plans.
func yearOfHistory(b *testing.B, st *mongo.Store, now time.Time, sets int) int {
	coll := st.Database().Collection("delivery_history")
	total := 0
	var batch []any
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if _, err := coll.InsertMany(ctx, batch); err != nil {
			b.Fatal(err)
		}
		total += len(batch)
		batch = batch[:0]
	}
	for i := 0; i < sets; i++ {
		setID := fmt.Sprintf("shell:set%03d", i)
		for j := 0; j < 180+312+365; j++ {
			at := now.Add(-time.Duration(j) * 10 * time.Hour)
			batch = append(batch, &bot.Delivery{ID: fmt.Sprintf("%s/hist/%d", setID, j), Kind: bot.DeliverReminder, SetID: setID,
				UserID: "ana", Due: at, NotBefore: at, Status: bot.DeliverySent, Done: at, Instance: "old"})
			if len(batch) == 2000 {
				flush()
			}
		}
	}
	flush()
	return total
}

// BenchmarkTickNothingDue: one tick with 100 planned sets and nothing due,
// with an empty history and after a simulated year of it.
func BenchmarkTickNothingDue(b *testing.B) {
	for _, hist := range []string{"zero", "year"} {
		b.Run("sets=100/history="+hist, func(b *testing.B) {
			now := utc("2026-11-26T10:00:00Z")
			st, _, s := benchEnv(b, now)
			benchSets(b, st, s, now, 100, 10*24*time.Hour)
			histDocs := 0
			if hist == "year" {
				histDocs = yearOfHistory(b, st, now, 100)
			}
			must(b, s.Tick(ctx)) // the hourly upkeep runs on the first tick
			pending, err := st.PendingDeliveries(ctx, "", "")
			must(b, err)
			trips := st.RoundTrips()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := s.Tick(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.RoundTrips()-trips)/float64(b.N), "trips/op")
			b.ReportMetric(float64(len(pending))/100, "pending/set")
			b.ReportMetric(float64(histDocs), "history-docs")
		})
	}
}

// BenchmarkDeliver: claim, send (no-op messenger) and record 1,000 due
// deliveries in one tick.
func BenchmarkDeliver(b *testing.B) {
	const n = 1000
	now := utc("2026-11-26T10:00:00Z")
	st, _, s := benchEnv(b, now)
	must(b, s.Tick(ctx)) // upkeep out of the way
	var elapsed time.Duration
	trips := int64(0)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		msgs := make([]bot.Outgoing, n)
		for j := range msgs {
			msgs[j] = bot.Outgoing{To: bot.Destination{Platform: bot.Shell, UserID: "ana"}, Message: bot.Message{Text: "hello"}, Key: bot.AdHocKey("", fmt.Sprintf("b%d/%d", i, j))}
		}
		for j := 0; j < n; j += 200 {
			must(b, s.Notify(ctx, msgs[j:j+200]))
		}
		before := st.RoundTrips()
		start := time.Now()
		b.StartTimer()
		if err := s.Tick(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		elapsed += time.Since(start)
		trips += st.RoundTrips() - before
		pending, err := st.PendingDeliveries(ctx, "", bot.DeliverMessage)
		must(b, err)
		if len(pending) != 0 {
			b.Fatalf("%d left pending", len(pending))
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(float64(trips)/float64(n*b.N), "trips/delivery")
}

// BenchmarkDeliverReminders: 100 sets' reminders fall due at once (channel
// and five members each: 600 messages built from the state at send time).
func BenchmarkDeliverReminders(b *testing.B) {
	var elapsed time.Duration
	var trips, sent int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		now := utc("2026-11-26T10:00:00Z")
		st, c, s := benchEnv(b, now)
		benchSets(b, st, s, now, 100, 7*24*time.Hour+time.Minute)
		c.Set(now.Add(time.Minute)) // the 7d reminders are due, nothing else
		before := st.RoundTrips()
		start := time.Now()
		b.StartTimer()
		must(b, s.Tick(ctx))
		b.StopTimer()
		elapsed += time.Since(start)
		trips += st.RoundTrips() - before
		hist, err := st.History(ctx, "shell:set000", time.Time{})
		must(b, err)
		for _, h := range hist {
			if h.Kind == bot.DeliverReminder {
				sent++
			}
		}
		b.StartTimer()
	}
	sent *= 100 // every set is alike
	b.ReportMetric(float64(sent)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(float64(trips)/float64(sent), "trips/delivery")
}
