package slack

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// gate holds every command at its start until opened, then hands it to the
// real use cases: it fills the workers on purpose.
type gate struct {
	next    bot.Handler
	open    chan struct{}
	started chan struct{}
}

func (g *gate) Handle(ctx context.Context, req bot.Request) (bot.Message, error) {
	g.started <- struct{}{}
	<-g.open
	return g.next.Handle(ctx, req)
}

func newGated(t *testing.T, opts ...harnessOpt) (*harness, *gate, *atomic.Int32) {
	g := &gate{open: make(chan struct{}), started: make(chan struct{}, 100)}
	var shed atomic.Int32
	opts = append(opts, withHandler(g), func(c *Config) {
		c.Workers, c.Queue, c.AckAtOnce = 1, 2, 1
		c.OnShed = func() { shed.Add(1) }
	})
	h := newHarness(t, opts...)
	g.next = realHandler(h, h.a, testLogger(t))
	return h, g, &shed
}

// With the one worker busy and a command waiting, the next is acknowledged
// at once ("Working on it…", while the worker is still held: the ack wait
// is an hour) and answered through its response_url once a worker is
// free; only a command with no room left even to wait is shed and counted.
func TestOverloadAcknowledgesAtOnceAndAnswersLater(t *testing.T) {
	h, g, shed := newGated(t, withAckWait(time.Hour))

	// The setup runs first, ungated.
	go func() { <-g.started; g.open <- struct{}{} }()
	if got := h.command("UFAC", setChannel, "setup Busy set"); !strings.Contains(got.Text, "Busy set") {
		t.Fatalf("setup answered %q", got.Text)
	}

	// One command holds the worker, one waits in the queue; their HTTP
	// requests wait for their answers.
	var wg sync.WaitGroup
	answers := make([]string, 2)
	for i := range 2 {
		wg.Go(func() { answers[i] = h.command("UFAC", setChannel, "members").Text })
		if i == 0 {
			<-g.started // the first is running; the second will be queued
		} else {
			waitBacklog(t, h.a, 1)
		}
	}

	// The third finds a backlog: acknowledged at once, worker still held.
	skip := len(must(h.fake.snapshot()))
	third := h.command("UFAC", setChannel, "members")
	if !strings.Contains(third.Text, "Working on it") {
		t.Fatalf("third command acknowledged with %q, want Working on it…", third.Text)
	}
	// The queue (2) is now full: the fourth is shed, nothing done.
	fourth := h.command("UFAC", setChannel, "members")
	if !strings.Contains(fourth.Text, "busy") {
		t.Fatalf("fourth command answered %q, want busy", fourth.Text)
	}
	if n := shed.Load(); n != 1 {
		t.Fatalf("shed %d commands, want 1", n)
	}

	close(g.open)
	wg.Wait()
	for i, a := range answers {
		if !strings.Contains(a, "Fay") {
			t.Errorf("command %d answered %q in its acknowledgement, want the member list", i+1, a)
		}
	}
	call, _ := h.fake.waitFor(skip, func(c apiCall) bool { return c.Method == "response_url" })
	if text, _ := call.JSON["text"].(string); !strings.Contains(text, "People of Busy set") {
		t.Fatalf("the third command's answer at its response_url is %q, want the member list", text)
	}
	if n := shed.Load(); n != 1 {
		t.Fatalf("shed %d commands in the end, want 1", n)
	}
}

// A command that waited for a worker longer than AnswerWithin is not run
// late: it is answered "too busy, nothing was done" at its response_url,
// counted, and changes nothing.
func TestOverloadShedsWhatWaitedTooLong(t *testing.T) {
	h, g, shed := newGated(t, withAckWait(time.Millisecond), func(c *Config) { c.AnswerWithin = time.Minute })
	go func() { <-g.started; g.open <- struct{}{} }()
	h.command("UFAC", setChannel, "setup Busy set")
	go func() { <-g.started; g.open <- struct{}{} }()
	h.command("UFAC", setChannel, "members add <@UANA|ana>")

	// Ana's first command holds the worker; her commit waits behind it.
	var wg sync.WaitGroup
	wg.Go(func() { h.command("UANA", setChannel, "actions") })
	<-g.started
	skip := len(must(h.fake.snapshot()))
	if got := h.command("UANA", setChannel, "commit Ring the duty manager"); !strings.Contains(got.Text, "Working on it") {
		t.Fatalf("commit acknowledged with %q", got.Text)
	}
	h.clock.Advance(2 * time.Minute) // the commit has now waited too long
	close(g.open)
	wg.Wait()

	call, _ := h.fake.waitFor(skip, func(c apiCall) bool {
		text, _ := c.JSON["text"].(string)
		return c.Method == "response_url" && strings.Contains(text, "too busy")
	})
	if text, _ := call.JSON["text"].(string); !strings.Contains(text, "nothing was done") {
		t.Fatalf("shed answer %q", text)
	}
	if n := shed.Load(); n != 1 {
		t.Fatalf("shed %d, want 1", n)
	}
	cs, err := h.store.ListCommitments(context.Background(), "slack:"+setChannel, "UANA", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 0 {
		t.Fatalf("the shed commit was stored: %+v", cs)
	}
}

func must[T any](v T, _ chan struct{}) T { return v }

// waitBacklog waits until n jobs wait for a worker; the limit only stops a
// broken test from hanging.
func waitBacklog(t *testing.T, a *Adapter, n int) {
	t.Helper()
	for range 2000 {
		if a.pool.backlog() >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("backlog never reached %d", n)
}
