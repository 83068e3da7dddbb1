package handlers_test

import (
	"context"
	"fmt"
	"github.com/alsbot/alsbot/bot/bottest"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
)

// burstMembers are the members of the burst tests: m01 ... m20.
func burstMembers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("m%02d", i+1)
	}
	return out
}

// addUsers makes names known to every env (the same ids everywhere).
func addUsers(names []string, envs ...*env) {
	for _, e := range envs {
		for _, n := range names {
			e.users[n] = bot.UserRef{ID: "U" + strings.ToUpper(n), Name: strings.ToUpper(n[:1]) + n[1:]}
		}
	}
}

// secondRouter is another replica: its own router and store client on e's
// database (and e's clock), so its writes meet e's only in the store, not
// on the router's lock.
func secondRouter(t *testing.T, e *env) *env {
	t.Helper()
	other := mongotest.Replica(t, e.store)
	o := &env{t: t, store: other, clock: e.clock, msgr: bottest.NewRecorder(nil), channel: e.channel, users: map[string]bot.UserRef{}}
	o.keys = &keyRecorder{next: handlers.NewDirectNotifier(o.msgr, nil)}
	o.router = handlers.New(handlers.Deps{Store: other, Clock: o.clock, Notifier: o.keys, Rand: rand.New(rand.NewPCG(7, 8))})
	for k, v := range e.users {
		o.users[k] = v
	}
	return o
}

// burst runs cmd for every member at the same moment, spread over the
// routers and at most workers at once per router, and returns what each
// was answered (an error's sentence prefixed "ERROR "). The command is the
// member's own, or the facilitator's when as is "fac".
func burst(t *testing.T, routers []*env, workers int, members []string, as string, cmd func(m string, i int) string) map[string]string {
	t.Helper()
	var (
		mu  sync.Mutex
		out = map[string]string{}
		wg  sync.WaitGroup
	)
	start := make(chan struct{})
	for ri, e := range routers {
		jobs := make(chan int)
		for range workers {
			wg.Go(func() {
				<-start
				for i := range jobs {
					m, actor := members[i], members[i]
					if as != "" {
						actor = as
					}
					msg, err := e.router.Handle(context.Background(), e.request(actor, cmd(m, i), false))
					answer := allText(msg)
					if err != nil {
						answer = "ERROR " + bot.ErrorMessage(err)
					}
					mu.Lock()
					out[m] = answer
					mu.Unlock()
				}
			})
		}
		go func() {
			for i := ri; i < len(members); i += len(routers) {
				jobs <- i
			}
			close(jobs)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// runBurst: 20 members check in at the same moment, then bid, give
// feedback and report, through routers with workers each; every answer is
// a success and every one of them is in the figures.
func runBurst(t *testing.T, routers []*env, workers int) {
	e := routers[0]
	members := burstMembers(20)
	addUsers(members, routers...)
	e.must("fac", "setup West")
	e.must("fac", "members add @"+strings.Join(members, " @"))
	e.must("fac", "session add 2026-12-01 18:00 2h Room 4")
	e.clock.Set(time.Date(2026, 12, 1, 17, 55, 0, 0, time.UTC))
	e.must("fac", "session start")
	// Commitments at the same moment, twice: each is numbered from the
	// set's counter, and one that lost its number to another replica gets
	// the next one, without the member hearing of it.
	for round := range 2 {
		answers := burst(t, routers, workers, members, "", func(m string, _ int) string {
			return fmt.Sprintf("commit Action %d of %s by 2027-01-15", round, m)
		})
		for _, m := range members {
			if !strings.Contains(answers[m], "Recorded C-") {
				t.Errorf("commit: %s was answered %q", m, answers[m])
			}
		}
	}
	cms, err := e.store.ListCommitments(context.Background(), e.setID(), "", false)
	if err != nil || len(cms) != 2*len(members) {
		t.Fatalf("commitments %d (%v), want %d", len(cms), err, 2*len(members))
	}
	short := map[string]string{}
	numbers := map[string]bool{}
	for _, c := range cms {
		numbers[c.ShortID] = true
		for _, m := range members {
			if c.UserID == e.id(m) {
				short[m] = c.ShortID
			}
		}
	}
	if len(numbers) != len(cms) {
		t.Errorf("%d commitments share %d numbers", len(cms), len(numbers))
	}

	steps := []struct {
		name, said string
		cmd        func(m string, i int) string
	}{
		{"here", "checked in to session 1", func(string, int) string { return "here" }},
		{"bid", "bid for presenting time is in", func(m string, _ int) string { return "bid Cover for " + m }},
		{"feedback", "is saved", func(_ string, i int) string { return fmt.Sprintf("feedback %d useful", i%5+1) }},
		{"report", "Saved your progress report", func(m string, _ int) string { return "report " + short[m] + " progress Spoke to the team" }},
	}
	for _, st := range steps {
		answers := burst(t, routers, workers, members, "", st.cmd)
		for _, m := range members {
			if !strings.Contains(answers[m], st.said) {
				t.Errorf("%s: %s was answered %q, want %q", st.name, m, answers[m], st.said)
			}
		}
	}

	ctx := context.Background()
	sess := e.session(1)
	fb, err := e.store.ListFeedback(ctx, e.setID())
	if err != nil {
		t.Fatal(err)
	}
	cms, err = e.store.ListCommitments(ctx, e.setID(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	reports := 0 // one per member, on their last commitment
	for _, c := range cms {
		reports += len(c.Reports)
	}
	if len(sess.Attendees) != 20 || len(sess.Bids) != 20 || len(fb) != 20 || reports != 20 {
		t.Errorf("counted %d check-ins, %d bids, %d feedback, %d reports; want 20 of each", len(sess.Attendees), len(sess.Bids), len(fb), reports)
	}
	// The figures people see count every one of them.
	stats := e.must("fac", "stats")
	for label, want := range map[string]string{
		handlers.LabelAttendance:  "20 of 20 (100%)",
		handlers.LabelFeedback:    "20",
		handlers.LabelReportBacks: "20",
	} {
		if got := field(stats, label); got != want {
			t.Errorf("stats %s = %q, want %q", label, got, want)
		}
	}
}

// TestBurstOneRouter: the burst through one process with 8 workers: its
// writes of one set queue on the router's lock, and check-ins, bids,
// feedback and reports are documents of their own, so no one is told
// there was a conflict.
func TestBurstOneRouter(t *testing.T) {
	runBurst(t, []*env{newEnv(t, 1)}, 8)
}

// TestBurstTwoRouters: the burst through two replicas (two routers, two
// store clients) on one store: nothing is lost and nobody is told to try
// again.
func TestBurstTwoRouters(t *testing.T) {
	e := newEnvOn(t, mongotest.New(t), 1) // uncached: it is not the only writer
	runBurst(t, []*env{e, secondRouter(t, e)}, 4)
}

// TestSetEditsRetried: facilitators change one set from two replicas at the
// same moment. Each change is a versioned save of the set document; the
// loser of a race applies the command again to the fresh set, so every
// change is stored and every facilitator is told so.
func TestSetEditsRetried(t *testing.T) {
	e := newEnvOn(t, mongotest.New(t), 1) // uncached: it is not the only writer
	o := secondRouter(t, e)
	newcomers := burstMembers(12)
	addUsers(newcomers, e, o)
	e.must("fac", "setup West")
	answers := burst(t, []*env{e, o}, 3, newcomers, "fac", func(m string, _ int) string { return "members add @" + m })
	for _, m := range newcomers {
		if strings.HasPrefix(answers[m], "ERROR") {
			t.Errorf("members add @%s answered %q", m, answers[m])
		}
	}
	set := e.set()
	for _, m := range newcomers {
		if !set.HasRole(e.id(m), bot.RoleMember) {
			t.Errorf("%s is not a member: a change was lost", m)
		}
	}
}
