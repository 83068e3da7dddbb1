package scheduler_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // zones without the system database, as the binary does

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
	"github.com/alsbot/alsbot/scheduler"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m)) }

func newClock(t time.Time) *bot.ManualClock { return bot.NewManualClock(t) }

// sent is one message the recorder was given; recorder is the recording
// Messenger of the test kit.
type (
	sent     = bottest.Sent
	recorder = bottest.Recorder
)

type env struct {
	store *mongo.Store
	clock *bot.ManualClock
	rec   *recorder
	sched *scheduler.Scheduler
}

func newEnv(t testing.TB, start time.Time) *env {
	t.Helper()
	store := mongotest.New(t)
	if err := store.EnsureDeliveryIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := newClock(start)
	rec := bottest.NewRecorder(c)
	s := scheduler.New(scheduler.Deps{Store: store, Deliveries: store, Messenger: rec, Clock: c, Instance: "test", Jitter: noJitter})
	return &env{store: store, clock: c, rec: rec, sched: s}
}

var ctx = context.Background()

// noJitter makes retry times exact, so tests can name them.
func noJitter(time.Duration) time.Duration { return 0 }

// nextDue is the earliest NotBefore in the pending queue (zero when empty).
func (e *env) nextDue(t testing.TB) time.Time {
	t.Helper()
	ds, err := e.store.PendingDeliveries(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var next time.Time
	for _, d := range ds {
		if next.IsZero() || d.NotBefore.Before(next) {
			next = d.NotBefore
		}
	}
	return next
}

// runUntil ticks at every due time up to until, then at until: each
// delivery goes out at exactly its time.
func (e *env) runUntil(t testing.TB, until time.Time, ticks ...func(context.Context) error) {
	t.Helper()
	if len(ticks) == 0 {
		ticks = []func(context.Context) error{e.sched.Tick}
	}
	for i := 0; ; i++ {
		if i > 5000 {
			t.Fatal("runUntil: too many ticks")
		}
		next := e.nextDue(t)
		now := e.clock.Now()
		if next.IsZero() || next.After(until) {
			e.clock.Set(until)
			tickAll(t, ticks)
			return
		}
		if next.After(now) {
			e.clock.Set(next)
		}
		tickAll(t, ticks)
	}
}

// tickAll runs the ticks concurrently (replicas) and fails on any error.
func tickAll(t testing.TB, ticks []func(context.Context) error) {
	t.Helper()
	errs := make(chan error, len(ticks))
	var wg sync.WaitGroup
	for _, tick := range ticks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- tick(ctx)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fixture: a set in London with facilitator fran, members ana (who reads in
// New York time) and ben, and mentor mo for ana.
func newSet(id string, created time.Time) *bot.Set {
	return &bot.Set{
		ID: id, Name: "West set", Platform: bot.Shell,
		Channel:   bot.ConversationRef{ID: strings.TrimPrefix(id, "shell:"), Name: "west"},
		TZ:        "Europe/London",
		Phases:    bot.DefaultPhaseDurations(),
		Observer:  true,
		Reminders: bot.DefaultReminders(),
		NudgeSpec: bot.DefaultNudgeSpec,
		// These tests count the members' reminders: fran's own (on by
		// default) are tested in facreminders_test.go.
		FacRemindOff: true,
		People: []bot.Person{
			{User: bot.UserRef{ID: "fran", Name: "Fran"}, Roles: []bot.Role{bot.RoleFacilitator}},
			{User: bot.UserRef{ID: "ana", Name: "Ana", TZ: "America/New_York"}, Roles: []bot.Role{bot.RoleMember}, MentorID: "mo"},
			{User: bot.UserRef{ID: "ben", Name: "Ben"}, Roles: []bot.Role{bot.RoleMember}},
			{User: bot.UserRef{ID: "mo", Name: "Mo"}, Roles: []bot.Role{bot.RoleMentor}},
		},
		RetentionDays: bot.DefaultRetentionDays,
		CreatedAt:     created,
	}
}

func (e *env) createSet(t testing.TB, set *bot.Set) *bot.Set {
	t.Helper()
	must(t, e.store.CreateSet(ctx, set))
	must(t, e.sched.SetChanged(ctx, set))
	return set
}

func (e *env) addSession(t testing.TB, set *bot.Set, start time.Time, where string) *bot.Session {
	t.Helper()
	set.SessionSeq++
	n := set.SessionSeq
	sess := &bot.Session{ID: bot.SessionID(set.ID, n), SetID: set.ID, Number: n, Start: start, Duration: 3 * time.Hour,
		Where: where, Status: bot.SessionScheduled, Attendees: []bot.Attendance{}, Bids: []bot.Bid{}, Rounds: []bot.Round{}}
	must(t, e.store.CreateSession(ctx, sess))
	must(t, e.store.SaveSet(ctx, set))
	must(t, e.sched.SessionChanged(ctx, set, sess))
	return sess
}

func (e *env) commit(t testing.TB, set *bot.Set, n int, user, text string) *bot.Commitment {
	t.Helper()
	short := fmt.Sprintf("C-%d", n)
	c := &bot.Commitment{ID: bot.CommitmentID(set.ID, short), SetID: set.ID, ShortID: short, UserID: user, Text: text,
		Status: bot.CommitmentOpen, CreatedAt: e.clock.Now()}
	must(t, e.store.CreateCommitment(ctx, c))
	return c
}

// summary lists what was sent as "at who kind: title", sorted, for messages.
func summary(ss []sent) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.At.UTC().Format("01-02T15:04")+" "+s.Who()+" "+string(s.Msg.Kind))
	}
	sort.Strings(out)
	return out
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
