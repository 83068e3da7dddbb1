package handlers

import (
	"context"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

// Tests of the router's pipeline steps (see Router.handle), each on its own,
// against the embedded store.

// TestEveryVerbHasHandler: every registered verb is bound to a handler that
// takes exactly the arguments the verb's parser makes, and nothing else is
// bound.
func TestEveryVerbHasHandler(t *testing.T) {
	r := New(Deps{})
	specs := bot.Specs()
	for _, s := range specs {
		t.Run(string(s.Verb), func(t *testing.T) {
			b, ok := r.verbs[s.Verb]
			if !ok {
				t.Fatalf("no handler for %q: add it to Router.handlers", s.Verb)
			}
			example := s.Example
			if s.Hidden {
				example = string(s.Verb)
			}
			cmd, err := bot.Parse(example)
			if err != nil {
				t.Fatal(err)
			}
			if got := reflect.TypeOf(cmd.Args); got != b.args {
				t.Errorf("parser makes %v, handler takes %v", got, b.args)
			}
		})
	}
	if len(r.verbs) != len(specs) {
		t.Errorf("%d handlers for %d registered verbs", len(r.verbs), len(specs))
	}
}

// notes is a Notifier double that keeps what it was given.
type notes struct {
	mu  sync.Mutex
	out []bot.Outgoing
}

func (n *notes) Notify(_ context.Context, msgs []bot.Outgoing) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.out = append(n.out, msgs...)
	return nil
}

func (n *notes) take() []bot.Outgoing {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.out
	n.out = nil
	return out
}

// pipe is a router on its own store with a set "West" in channel C1: fac
// facilitates, ana and ben are members, mo mentors ana.
type pipe struct {
	t      *testing.T
	r      *Router
	notes  *notes
	people map[string]bot.UserRef
}

func newPipe(t *testing.T) *pipe {
	t.Helper()
	p := &pipe{t: t, notes: &notes{}, people: map[string]bot.UserRef{}}
	for _, n := range []string{"fac", "ana", "ben", "mo", "out"} {
		p.people[n] = bot.UserRef{ID: "U" + strings.ToUpper(n), Name: strings.ToUpper(n[:1]) + n[1:]}
	}
	p.r = New(Deps{Store: mongotest.New(t), Clock: bot.NewManualClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)), Notifier: p.notes})
	p.must("fac", "setup West", false)
	p.must("fac", "members add @ana @ben", false)
	p.must("fac", "mentor @mo for @ana", false)
	p.notes.take()
	return p
}

func (p *pipe) req(user, text string, dm bool) bot.Request {
	conv := bot.ConversationRef{ID: "C1", Name: "west"}
	if dm {
		conv = bot.ConversationRef{ID: "D-" + user, DM: true}
	}
	return bot.Request{Platform: bot.Shell, Actor: p.people[user], Conv: conv, Text: text, Mentions: p.people}
}

func (p *pipe) must(user, text string, dm bool) bot.Message {
	p.t.Helper()
	msg, err := p.r.Handle(context.Background(), p.req(user, text, dm))
	if err != nil {
		p.t.Fatalf("%s: %q: %v", user, text, err)
	}
	return msg
}

// call builds the call the pipeline makes for text, before any step.
func (p *pipe) call(user, text string, dm bool) *call {
	p.t.Helper()
	req := p.req(user, text, dm)
	cmd, err := parse(req)
	if err != nil {
		p.t.Fatal(err)
	}
	spec, _ := bot.Lookup(cmd.Verb)
	return &call{req: req, cmd: cmd, spec: spec, now: p.r.clock.Now()}
}

const westID = "shell:C1"

func (p *pipe) set(id string) *bot.Set {
	p.t.Helper()
	s, err := p.r.store.GetSet(context.Background(), id)
	if err != nil {
		p.t.Fatal(err)
	}
	return s
}

func TestStepResolve(t *testing.T) {
	p := newPipe(t)
	ctx := context.Background()
	// A second set, East in C2, where fac is a member and ana is not in it.
	east := p.req("ben", "setup East", false)
	east.Conv = bot.ConversationRef{ID: "C2"}
	if _, err := p.r.Handle(ctx, east); err != nil {
		t.Fatal(err)
	}
	add := p.req("ben", "members add @fac", false)
	add.Conv = east.Conv
	if _, err := p.r.Handle(ctx, add); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, user, text string
		dm               bool
		setID            string // from a button or form
		want             string
		wantRead         bool
		code             string
	}{
		{"a channel is its set", "out", "actions", false, "", westID, false, ""},
		{"a button names its set", "ana", "actions", true, "shell:C9", "shell:C9", false, ""},
		{"a DM with one set", "ana", "actions", true, "", westID, true, ""},
		{"a DM picks the set where the role fits", "fac", "commit Call", true, "", "shell:C2", true, ""},
		{"a DM with two fitting sets", "fac", "sessions", true, "", "", false, bot.EINVALID},
		{"a DM with no set", "out", "actions", true, "", "", false, bot.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := p.call(tt.user, tt.text, tt.dm)
			c.req.SetID = tt.setID
			id, found, err := p.r.resolve(ctx, c)
			if bot.ErrorCode(err) != tt.code && (err != nil || tt.code != "") {
				t.Fatalf("error %v, want code %q", err, tt.code)
			}
			if id != tt.want || (found != nil) != tt.wantRead {
				t.Errorf("resolve = %q, read %v; want %q, read %v", id, found != nil, tt.want, tt.wantRead)
			}
		})
	}
}

func TestStepLock(t *testing.T) {
	p := newPipe(t)
	held := func() int {
		p.r.locks.mu.Lock()
		defer p.r.locks.mu.Unlock()
		if e := p.r.locks.m[westID]; e != nil {
			return e.refs
		}
		return 0
	}
	unlock := p.r.lock(p.call("fac", "retention 30", false), westID)
	if held() != 1 {
		t.Errorf("a write holds %d locks on the set, want 1", held())
	}
	unlock()
	unlock = p.r.lock(p.call("ana", "actions", false), westID)
	if held() != 0 {
		t.Errorf("a read holds %d locks on the set, want none", held())
	}
	unlock()
}

// TestReadsTakeNoLock: a read answers while a write holds the set's lock
// (issue 15: every read queued behind the lock).
func TestReadsTakeNoLock(t *testing.T) {
	p := newPipe(t)
	unlock := p.r.locks.lock(westID)
	defer unlock()
	for _, text := range []string{"actions", "sessions", "round status"} {
		done := make(chan error, 1)
		go func() {
			_, err := p.r.Handle(context.Background(), p.req("ana", text, false))
			done <- err
		}()
		for waiting := false; !waiting; {
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("%s: %v", text, err)
				}
				waiting = true
			default:
				if p.waiters(westID) > 1 {
					t.Fatalf("%s waits for the set's lock", text)
				}
				runtime.Gosched()
			}
		}
	}
}

func (p *pipe) waiters(id string) int {
	p.r.locks.mu.Lock()
	defer p.r.locks.mu.Unlock()
	if e := p.r.locks.m[id]; e != nil {
		return e.refs
	}
	return 0
}

// TestRetentionWritesUnderLock: retention changes the set, so in a DM it
// waits for the lock and reads the set again under it rather than saving
// the copy it found before (retention was a read, and then failed with a
// version conflict after a concurrent change).
func TestRetentionWritesUnderLock(t *testing.T) {
	p := newPipe(t)
	ctx := context.Background()
	unlock := p.r.locks.lock(westID)
	done := make(chan error, 1)
	go func() {
		_, err := p.r.Handle(ctx, p.req("fac", "retention 30", true))
		done <- err
	}()
	for p.waiters(westID) < 2 {
		select {
		case err := <-done:
			unlock()
			t.Fatalf("retention ran without waiting for the lock (err %v)", err)
		default:
			runtime.Gosched()
		}
	}
	// Meanwhile another write changes the set.
	s := p.set(westID)
	s.Observer = false
	if err := p.r.store.SaveSet(ctx, s); err != nil {
		t.Fatal(err)
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatalf("retention after a concurrent change: %v", err)
	}
	if s := p.set(westID); s.RetentionDays != 30 || s.Observer {
		t.Errorf("retention %d, observer %v; want 30 and the other change kept", s.RetentionDays, s.Observer)
	}
}

func TestStepLoad(t *testing.T) {
	p := newPipe(t)
	ctx := context.Background()
	stale := p.set(westID)
	stale.Name = "Stale copy"

	read := p.call("ana", "actions", true)
	if _, err := p.r.load(ctx, read, westID, stale); err != nil || read.set != stale {
		t.Errorf("a read did not use the set resolve found (err %v)", err)
	}
	write := p.call("ana", "commit Call", true)
	if _, err := p.r.load(ctx, write, westID, stale); err != nil || write.set.Name != "West" {
		t.Errorf("a write loaded %v (err %v), want the stored set", write.set, err)
	}
	gone := p.call("ana", "actions", false)
	if _, err := p.r.load(ctx, gone, "shell:nowhere", nil); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("missing set: %v, want ENOTFOUND", err)
	}
}

func TestStepAuthorise(t *testing.T) {
	p := newPipe(t)
	west := p.set(westID)
	archived := p.set(westID)
	archived.Archived, archived.ArchivedAt = true, time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	teams := p.set(westID)
	teams.Platform = bot.Teams
	tests := []struct {
		name, user, text string
		set              *bot.Set
		code, says       string
	}{
		{"facilitator", "fac", "members", west, "", ""},
		{"member reads sessions", "ana", "sessions", west, "", ""},
		{"outsider", "out", "sessions", west, bot.ENOTFOUND, "You are not in West"},
		{"another platform's set", "fac", "members", teams, bot.ENOTFOUND, "no action learning set"},
		{"member asks for the roster", "ana", "members", west, bot.EFORBIDDEN, "Only a facilitator of West can see"},
		{"mentor asks for the roster", "mo", "members", west, bot.EFORBIDDEN, "Only a facilitator"},
		{"mentor commits", "mo", "commit Call", west, bot.EFORBIDDEN, "Only members of West can record commitments"},
		{"member logs mentoring", "ana", "mentoring log @ben", west, bot.EFORBIDDEN, "Only a mentor of West"},
		{"write on an archived set", "fac", "observer on", archived, bot.ECONFLICT, "archived"},
		{"retention on an archived set", "fac", "retention 30", archived, "", ""},
		{"read on an archived set", "fac", "stats", archived, "", ""},
		{"archived before role", "ana", "observer on", archived, bot.ECONFLICT, "archived"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := p.call(tt.user, tt.text, false)
			c.set = tt.set
			err := authorise(c)
			if bot.ErrorCode(err) != tt.code && (err != nil || tt.code != "") {
				t.Fatalf("authorise: %v, want code %q", err, tt.code)
			}
			if err != nil && !strings.Contains(bot.ErrorMessage(err), tt.says) {
				t.Errorf("message %q lacks %q", bot.ErrorMessage(err), tt.says)
			}
		})
	}
}

func TestStepRun(t *testing.T) {
	p := newPipe(t)
	c := p.call("fac", "members", false)
	c.set = p.set(westID)
	if msg, err := p.r.run(context.Background(), c); err != nil || !strings.Contains(msg.Text, "People of West") {
		t.Errorf("run members: %q, %v", msg.Text, err)
	}
	c.cmd.Args = bot.RetentionArgs{Days: 3}
	if _, err := p.r.run(context.Background(), c); err == nil || bot.ErrorCode(err) != bot.EINTERNAL {
		t.Errorf("arguments of another verb: %v, want an internal error", err)
	}
	c.cmd.Verb = "dance"
	if _, err := p.r.run(context.Background(), c); err == nil || bot.ErrorCode(err) != bot.EINTERNAL {
		t.Errorf("unbound verb: %v, want an internal error", err)
	}
}

func TestStepRepost(t *testing.T) {
	p := newPipe(t)
	public := bot.Message{Kind: bot.KindReply, Text: "Added session 1."}
	tests := []struct {
		name, text  string
		dm, private bool
		posted      bool
	}{
		{"a change in a DM goes to the channel", "session add 2026-12-09 18:00", true, false, true},
		{"a read in a DM stays there", "sessions", true, false, false},
		{"a private answer in a DM", "session add 2026-12-09 18:00", true, true, false},
		{"a change in the channel", "session add 2026-12-09 18:00", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := p.call("fac", tt.text, tt.dm)
			c.set = p.set(westID)
			in := public
			in.Private = tt.private
			got := p.r.repost(context.Background(), c, in)
			out := p.notes.take()
			if got.Private != (tt.dm || tt.private) {
				t.Errorf("private = %v", got.Private)
			}
			if tt.posted != (len(out) == 1) {
				t.Fatalf("posted %d messages, want posted=%v", len(out), tt.posted)
			}
			if tt.posted && (out[0].To.ChannelID != "C1" || out[0].Message.Private || out[0].Message.Text != public.Text) {
				t.Errorf("posted %+v, want the public message in C1", out[0])
			}
		})
	}
}
