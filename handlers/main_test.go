package handlers_test

import (
	"context"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
	"github.com/alsbot/alsbot/handlers"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m)) }

// keyRecorder is a Notifier double that keeps the idempotency keys and hands
// the messages to the real DirectNotifier.
type keyRecorder struct {
	mu   sync.Mutex
	keys []string
	next bot.Notifier
}

func (k *keyRecorder) Notify(ctx context.Context, msgs []bot.Outgoing) error {
	k.mu.Lock()
	for _, o := range msgs {
		k.keys = append(k.keys, o.Key.String())
	}
	k.mu.Unlock()
	return k.next.Notify(ctx, msgs)
}

func (k *keyRecorder) take() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := k.keys
	k.keys = nil
	return out
}

// start is the tests' "now": Tuesday 1 December 2026, 09:00 UTC.
var start = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// env is one router on its own store, with a cast of users.
type env struct {
	t       testing.TB
	store   *mongo.Store
	clock   *bot.ManualClock
	msgr    *bottest.Recorder
	keys    *keyRecorder
	router  *handlers.Router
	channel string
	users   map[string]bot.UserRef
}

var cast = []string{"fac", "ana", "ben", "cy", "dee", "eve", "fay", "out"}

func newEnv(tb testing.TB, seed uint64) *env {
	tb.Helper()
	// The embedded store caches in production: the use cases run on that.
	// ALSBOT_TEST_UNCACHED=1 runs them on a store as MONGODB_URI gives
	// (remembered sets checked by their stamps); .ci/run does both.
	if os.Getenv("ALSBOT_TEST_UNCACHED") != "" {
		return newEnvOn(tb, mongotest.New(tb), seed)
	}
	return newEnvOn(tb, mongotest.NewCached(tb), seed)
}

func newEnvOn(tb testing.TB, store *mongo.Store, seed uint64) *env {
	e := &env{t: tb, store: store, clock: bot.NewManualClock(start), msgr: bottest.NewRecorder(nil), channel: "C1", users: map[string]bot.UserRef{}}
	e.keys = &keyRecorder{next: handlers.NewDirectNotifier(e.msgr, nil)}
	e.router = handlers.New(handlers.Deps{
		Store:    store,
		Clock:    e.clock,
		Notifier: e.keys,
		Rand:     rand.New(rand.NewPCG(seed, seed+1)),
	})
	for _, n := range cast {
		e.users[n] = bot.UserRef{ID: "U" + strings.ToUpper(n), Name: strings.ToUpper(n[:1]) + n[1:]}
	}
	return e
}

func (e *env) request(user, text string, dm bool) bot.Request {
	conv := bot.ConversationRef{ID: e.channel, Name: "west-set"}
	if dm {
		conv = bot.ConversationRef{ID: "D-" + user, DM: true}
	}
	return bot.Request{Platform: bot.Shell, Actor: e.users[user], Conv: conv, Text: text, Mentions: e.users}
}

func (e *env) do(user, text string) (bot.Message, error) {
	return e.router.Handle(context.Background(), e.request(user, text, false))
}

func (e *env) dm(user, text string) (bot.Message, error) {
	return e.router.Handle(context.Background(), e.request(user, text, true))
}

func (e *env) form(user, text string, values map[string]string) (bot.Message, error) {
	req := e.request(user, text, false)
	req.Action = &bot.Action{FormID: strings.Fields(text)[0], Values: values}
	return e.router.Handle(context.Background(), req)
}

// must runs a command that has to succeed.
func (e *env) must(user, text string) bot.Message {
	e.t.Helper()
	msg, err := e.do(user, text)
	if err != nil {
		e.t.Fatalf("%s: %q: %v", user, text, err)
	}
	return msg
}

func (e *env) id(user string) string { return e.users[user].ID }

func (e *env) setID() string { return string(bot.Shell) + ":" + e.channel }

func (e *env) set() *bot.Set {
	e.t.Helper()
	s, err := e.store.GetSet(context.Background(), e.setID())
	if err != nil {
		e.t.Fatalf("get set: %v", err)
	}
	return s
}

func (e *env) session(n int) *bot.Session {
	e.t.Helper()
	s, err := e.store.GetSession(context.Background(), bot.SessionID(e.setID(), n))
	if err != nil {
		e.t.Fatalf("get session %d: %v", n, err)
	}
	return s
}

// snapshot is everything stored about the set, to show a refused command
// changed nothing.
type snapshot struct {
	Set         *bot.Set
	Sessions    []*bot.Session
	Commitments []*bot.Commitment
}

func (e *env) snapshot() snapshot {
	e.t.Helper()
	ctx := context.Background()
	var s snapshot
	var err error
	if s.Set, err = e.store.GetSet(ctx, e.setID()); err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
		e.t.Fatalf("snapshot set: %v", err)
	}
	if s.Sessions, err = e.store.ListSessions(ctx, e.setID()); err != nil {
		e.t.Fatalf("snapshot sessions: %v", err)
	}
	if s.Commitments, err = e.store.ListCommitments(ctx, e.setID(), "", false); err != nil {
		e.t.Fatalf("snapshot commitments: %v", err)
	}
	return s
}

func (e *env) assertUnchanged(before snapshot) {
	e.t.Helper()
	if after := e.snapshot(); !reflect.DeepEqual(before, after) {
		e.t.Errorf("store changed:\nbefore %+v\nafter  %+v", before, after)
	}
}

// openSession sets up a set with the given members, one session today at
// 18:00, opened, and every member checked in.
func (e *env) openSession(members ...string) {
	e.t.Helper()
	e.must("fac", "setup West")
	add := "members add"
	for _, m := range members {
		add += " @" + m
	}
	e.must("fac", add)
	e.must("fac", "session add 2026-12-01 18:00 2h Room 4")
	e.clock.Set(time.Date(2026, 12, 1, 17, 55, 0, 0, time.UTC))
	e.must("fac", "session start")
	for _, m := range members {
		e.must(m, "here")
	}
	e.msgr.Take()
	e.keys.take()
}

// allText is a message's words, for assertions on what people read.
func allText(m bot.Message) string {
	var b strings.Builder
	b.WriteString(bottest.Words(m))
	for _, btn := range m.Buttons {
		b.WriteString("[" + btn.Label + "]\n")
	}
	return b.String()
}

func field(m bot.Message, label string) string {
	for _, s := range m.Sections {
		for _, f := range s.Fields {
			if f.Label == label {
				return f.Value
			}
		}
	}
	return ""
}

func wantContains(t testing.TB, got string, words ...string) {
	t.Helper()
	for _, w := range words {
		if !strings.Contains(strings.ToLower(got), strings.ToLower(w)) {
			t.Errorf("%q does not contain %q", got, w)
		}
	}
}
