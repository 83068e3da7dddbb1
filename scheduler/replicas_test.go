package scheduler_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/scheduler"
)

// replica opens another store connection to e's database and a scheduler on
// it named name, sending through e's recorder.
func (e *env) replica(t testing.TB, name string, m bot.Messenger) *scheduler.Scheduler {
	t.Helper()
	st := mongotest.Replica(t, e.store)
	if m == nil {
		m = e.rec.As(name)
	}
	return scheduler.New(scheduler.Deps{Store: st, Deliveries: st, Messenger: m, Clock: e.clock, Instance: name, Jitter: noJitter})
}

// fingerprint identifies one message as its reader sees it.
func fingerprint(s sent) string {
	return s.At.UTC().Format(time.RFC3339) + " " + s.Who() + " " + string(s.Msg.Kind) + " " + s.Msg.Title + " " + s.Msg.Text
}

// runMonth runs a month of a set's life (weekly recurring sessions, default
// reminders, weekly nudges, a mentor, messages notified by every replica)
// with n scheduler instances ticking at once, and returns what was sent.
func runMonth(t *testing.T, n int) (*env, []sent) {
	e := newEnv(t, utc("2026-11-02T08:00:00Z"))
	set := newSet("shell:west", e.clock.Now())
	set.Schedule = &bot.Recurrence{Spec: "0 18 * * 2", Duration: 2 * time.Hour}
	var ticks []func(context.Context) error
	var scheds []*scheduler.Scheduler
	for i := 0; i < n; i++ {
		s := e.replica(t, fmt.Sprintf("r%d", i+1), nil)
		scheds = append(scheds, s)
		ticks = append(ticks, s.Tick)
	}
	must(t, e.store.CreateSet(ctx, set))
	must(t, scheds[0].SetChanged(ctx, set))
	e.commit(t, set, 1, "ana", "Run a reflective supervision")
	for day := 1; day <= 30; day += 10 {
		at := utc("2026-11-02T08:00:00Z").AddDate(0, 0, day)
		e.runUntil(t, at, ticks...)
		// Every replica is told about the same message (a retried command).
		for _, s := range scheds {
			must(t, s.Notify(ctx, []bot.Outgoing{{To: bot.Destination{Platform: bot.Shell, UserID: "ben"}, Message: bot.Message{Text: "note " + at.Format("01-02")}, Key: bot.AdHocKey("", "note/"+at.Format("01-02"))}}))
		}
	}
	e.runUntil(t, utc("2026-12-02T08:00:00Z"), ticks...)
	return e, e.rec.All()
}

// TestReplicasExactlyOnce: three instances on separate connections to one
// store, one clock, a month: each delivery is sent exactly once, and the
// same as one instance alone sends.
func TestReplicasExactlyOnce(t *testing.T) {
	e3, got := runMonth(t, 3)
	_, alone := runMonth(t, 1)

	seen := map[string]int{}
	byInstance := map[string]int{}
	for _, s := range got {
		seen[fingerprint(s)]++
		byInstance[s.Instance]++
	}
	for f, c := range seen {
		if c != 1 {
			t.Errorf("sent %d times: %s", c, f)
		}
	}
	var a, b []string
	for _, s := range got {
		a = append(a, fingerprint(s))
	}
	for _, s := range alone {
		b = append(b, fingerprint(s))
	}
	sort.Strings(a)
	sort.Strings(b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("three replicas sent %d messages, one instance %d", len(a), len(b))
	}
	hist, err := e3.store.History(ctx, "shell:west", time.Time{})
	must(t, err)
	sentN := 0
	for _, h := range hist {
		if h.Status == bot.DeliverySent && h.Kind != bot.DeliverPlan {
			sentN++
		}
	}
	notes := 0
	for _, s := range got {
		if strings.HasPrefix(s.Msg.Text, "note ") {
			notes++
		}
	}
	// Notes have no set in their key, so they are not in the set's history.
	if sentN+notes != len(got) || notes != 3 {
		t.Errorf("history records %d sent + %d notes, messenger got %d", sentN, notes, len(got))
	}
	kinds := map[bot.MessageKind]int{}
	for _, s := range got {
		kinds[s.Msg.Kind]++
	}
	// Tuesdays 3 Nov to 1 Dec: 5 sessions x (the channel at 7 days + 2
	// members at 1 day and 1 hour) and 5 digests; 5 Monday nudges to ana
	// and to her mentor.
	if kinds[bot.KindReminder] != 25 || kinds[bot.KindDigest] != 5 || kinds[bot.KindNudge] != 5 || kinds[bot.KindMentorNudge] != 5 {
		t.Errorf("kinds sent: %v", kinds)
	}
	t.Logf("sent %d messages: %v; by instance %v", len(got), kinds, byInstance)

	t.Run("two instances claim the same batch", func(t *testing.T) {
		// 40 members' nudges fall due at once. Both instances read the same
		// due batch and only then claim it (the barrier holds the first
		// to get there until the other has read it too): every claim is
		// contended, each nudge is won by one and sent once.
		monday := utc("2026-11-30T09:00:00Z")
		e := newEnv(t, monday.Add(-time.Minute))
		set := newSet("shell:west", e.clock.Now())
		set.People = set.People[:1]
		for i := 0; i < 40; i++ {
			set.People = append(set.People, bot.Person{User: bot.UserRef{ID: fmt.Sprintf("m%02d", i)}, Roles: []bot.Role{bot.RoleMember}})
		}
		must(t, e.store.CreateSet(ctx, set))
		for i := 0; i < 40; i++ {
			e.commit(t, set, i+1, fmt.Sprintf("m%02d", i), "Try it")
		}
		must(t, e.sched.SetChanged(ctx, set))
		e.clock.Set(monday)
		b := &barrier{n: 2, release: make(chan struct{})}
		var ticks []func(context.Context) error
		var claimers []*contended
		for _, name := range []string{"A", "B"} {
			st := mongotest.Replica(t, e.store)
			c := &contended{Deliveries: st, barrier: b}
			claimers = append(claimers, c)
			ticks = append(ticks, scheduler.New(scheduler.Deps{Store: st, Deliveries: c, Messenger: e.rec.As(name),
				Clock: e.clock, Instance: name, Jitter: noJitter}).Tick)
		}
		tickAll(t, ticks)
		count := map[string]int{}
		for _, s := range e.rec.OfKind(bot.KindNudge) {
			count[s.To.UserID]++
		}
		for i := 0; i < 40; i++ {
			if n := count[fmt.Sprintf("m%02d", i)]; n != 1 {
				t.Errorf("m%02d nudged %d times", i, n)
			}
		}
		tried, won := 0, 0
		for _, c := range claimers {
			if c.tried != 40 {
				t.Errorf("an instance claimed %d nudges, want the whole batch of 40", c.tried)
			}
			tried += c.tried
			won += c.won
		}
		if tried != 80 || won != 40 {
			t.Errorf("claims tried %d, won %d: want 80 tried (both instances, the same 40) and 40 won", tried, won)
		}
	})
}

// barrier lets n callers through together, or fails them after a while (a
// broken test, not a timing assertion).
type barrier struct {
	mu      sync.Mutex
	n       int
	release chan struct{}
}

func (b *barrier) wait() error {
	b.mu.Lock()
	b.n--
	if b.n == 0 {
		close(b.release)
	}
	b.mu.Unlock()
	select {
	case <-b.release:
		return nil
	case <-time.After(30 * time.Second):
		return fmt.Errorf("the other instance never claimed the batch")
	}
}

// contended is the real store's delivery port with a barrier before batch
// claims of nudges, counting what was tried and won.
type contended struct {
	scheduler.Deliveries
	barrier    *barrier
	mu         sync.Mutex
	tried, won int
}

func (c *contended) ClaimDeliveries(ctx context.Context, cs []bot.DeliveryClaim) ([]bool, error) {
	nudges := 0
	for _, cl := range cs {
		if strings.Contains(cl.ID, "/nudge/") {
			nudges++
		}
	}
	if nudges > 0 {
		if err := c.barrier.wait(); err != nil {
			return nil, err
		}
	}
	won, err := c.Deliveries.ClaimDeliveries(ctx, cs)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tried += nudges
	for i, w := range won {
		if w && strings.Contains(cs[i].ID, "/nudge/") {
			c.won++
		}
	}
	return won, err
}

// TestStoppedMidBatch: instance A stops while a batch is due; the message it
// was sending completes, it claims nothing more, and B finishes the batch:
// nothing lost, nothing twice.
func TestStoppedMidBatch(t *testing.T) {
	e := newEnv(t, utc("2026-11-26T10:00:00Z"))
	const n = 24
	var msgs []bot.Outgoing
	for i := 0; i < n; i++ {
		msgs = append(msgs, bot.Outgoing{To: bot.Destination{Platform: bot.Shell, UserID: "ana"}, Message: bot.Message{Text: fmt.Sprintf("m%02d", i)}, Key: bot.AdHocKey("", fmt.Sprintf("batch/%02d", i))})
	}
	must(t, e.sched.Notify(ctx, msgs))

	actx, stopA := context.WithCancel(ctx)
	defer stopA()
	var mu sync.Mutex
	aSent := 0
	a := e.replica(t, "A", messengerFunc(func(c context.Context, to bot.Destination, m bot.Message) (bot.MessageRef, error) {
		ref, err := e.rec.As("A").Send(c, to, m)
		mu.Lock()
		aSent++
		if aSent == 5 {
			stopA() // stopped in the middle of its fifth send
		}
		mu.Unlock()
		return ref, err
	}))
	b := e.replica(t, "B", nil)

	// A is stopped during its fifth send: that send completes and is
	// recorded, nothing more is claimed, and no claim is left behind.
	must(t, a.Tick(actx))
	if aSent != 5 {
		t.Fatalf("A sent %d before stopping, want 5", aSent)
	}
	pending, err := e.store.PendingDeliveries(ctx, "", "")
	must(t, err)
	if len(pending) != n-5 {
		t.Fatalf("%d pending after A stopped, want %d", len(pending), n-5)
	}
	// B finishes the batch, ticking at the same time as a third instance.
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); must(t, b.Tick(ctx)) }()
	go func() { defer wg.Done(); must(t, e.sched.Tick(ctx)) }()
	wg.Wait()

	count := map[string]int{}
	for _, s := range e.rec.All() {
		count[s.Msg.Text]++
	}
	for i := 0; i < n; i++ {
		if c := count[fmt.Sprintf("m%02d", i)]; c != 1 {
			t.Errorf("m%02d sent %d times", i, c)
		}
	}
	pending, err = e.store.PendingDeliveries(ctx, "", "")
	must(t, err)
	for _, p := range pending {
		if strings.HasPrefix(p.ID, "batch/") {
			t.Errorf("left pending: %s", p.ID)
		}
	}
}

type messengerFunc func(ctx context.Context, to bot.Destination, m bot.Message) (bot.MessageRef, error)

func (f messengerFunc) Send(ctx context.Context, to bot.Destination, m bot.Message) (bot.MessageRef, error) {
	return f(ctx, to, m)
}

// TestDeadInstanceClaim: an instance that claimed a delivery and died holds
// it until its lease runs out; then another instance takes it over under the
// next attempt number and sends it once.
func TestDeadInstanceClaim(t *testing.T) {
	t0 := utc("2026-11-26T10:00:00Z")
	e := newEnv(t, t0)
	must(t, e.sched.Notify(ctx, []bot.Outgoing{{To: bot.Destination{Platform: bot.Shell, UserID: "ana"}, Message: bot.Message{Text: "hi"}, Key: bot.AdHocKey("", "orphan")}}))
	won, err := e.store.ClaimDelivery(ctx, bot.DeliveryClaim{ID: bot.ClaimKey("orphan", 0), Instance: "dead", At: t0, LeaseUntil: t0.Add(2 * time.Minute)})
	if err != nil || !won {
		t.Fatalf("claim: %v %v", won, err)
	}
	b := e.replica(t, "B", nil)
	steps := []struct {
		at   time.Time
		sent int
	}{
		{t0, 0},
		{t0.Add(time.Minute), 0},
		{t0.Add(2*time.Minute + time.Second), 1},
		{t0.Add(10 * time.Minute), 1},
	}
	for _, st := range steps {
		e.clock.Set(st.at)
		must(t, b.Tick(ctx))
		must(t, e.sched.Tick(ctx))
		if got := len(e.rec.All()); got != st.sent {
			t.Fatalf("at %s: sent %d, want %d", st.at.Format("15:04:05"), got, st.sent)
		}
	}
	d, err := e.store.GetDelivered(ctx, "orphan")
	must(t, err)
	if d.Attempt != 1 || d.Status != bot.DeliverySent {
		t.Errorf("history: %+v", d)
	}
}
