package slack

import (
	"context"
	"encoding/json"
	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"net/http"
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
	skip := len(must(h.fake.Calls()))
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
	call, _ := h.fake.WaitFor(skip, func(c slacktest.Call) bool { return c.Method == "response_url" })
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
	skip := len(must(h.fake.Calls()))
	if got := h.command("UANA", setChannel, "commit Ring the duty manager"); !strings.Contains(got.Text, "Working on it") {
		t.Fatalf("commit acknowledged with %q", got.Text)
	}
	h.clock.Advance(2 * time.Minute) // the commit has now waited too long
	close(g.open)
	wg.Wait()

	call, _ := h.fake.WaitFor(skip, func(c slacktest.Call) bool {
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
		if a.pool.Backlog() >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("backlog never reached %d", n)
}

// newFull is a harness with one worker and a queue of one, whose commands
// are held at their start by the returned gate until it is opened. The
// set is made (ungated) first.
func newFull(t *testing.T, opts ...harnessOpt) (*harness, *gate, *atomic.Int32) {
	g := &gate{open: make(chan struct{}), started: make(chan struct{}, 100)}
	var shed atomic.Int32
	opts = append(opts, withHandler(g), withAckWait(time.Hour), func(c *Config) {
		c.Workers, c.Queue, c.AckAtOnce = 1, 1, 1
		c.OnShed = func() { shed.Add(1) }
	})
	h := newHarness(t, opts...)
	h.fake.AddChannel("DANA") // Ana's DM with the bot
	g.next = realHandler(h, h.a, testLogger(t))
	for _, c := range []string{"setup Busy set", "members add <@UANA|ana>"} {
		go func() { <-g.started; g.open <- struct{}{} }()
		h.command("UFAC", setChannel, c)
	}
	return h, g, &shed
}

// commitModal is the core's commitment form as the bot opens it, and the
// name of its first field.
func commitModal(t *testing.T) (map[string]any, string) {
	t.Helper()
	f := bot.CommitForm()
	raw, err := json.Marshal(RenderModal(f, setChannel))
	if err != nil {
		t.Fatal(err)
	}
	var view map[string]any
	if err := json.Unmarshal(raw, &view); err != nil {
		t.Fatal(err)
	}
	return view, f.Fields[0].Name
}

// With the one worker busy and the queue full, a button press, a modal
// submission and a DM to the bot are each acknowledged with 200 (not 503),
// their senders told at once that nothing was done (the modal stays open
// with the message under its field), and each is counted as shed. What was
// queued runs when the worker is free, and a retry of its event (same
// event_id) is not run twice.
func TestOverloadInteractionsAndEventsAcknowledged(t *testing.T) {
	h, g, shed := newFull(t)
	release := sync.OnceFunc(func() { close(g.open) })
	defer release() // a failing test must not leave the worker held

	// One command holds the worker; a DM to the bot waits in the queue.
	var wg sync.WaitGroup
	wg.Go(func() { h.command("UFAC", setChannel, "members") })
	<-g.started
	dm := map[string]any{"type": "message", "channel_type": "im", "user": "UANA", "channel": "DANA", "text": "actions", "ts": "3.1"}
	if code := h.event("Ev-queued", dm, nil); code != http.StatusOK {
		t.Fatalf("queued event: %d", code)
	}
	waitBacklog(t, h.a, 1)
	skip := len(must(h.fake.Calls()))

	ru := h.fake.ResponseURL(900)
	if code, _ := h.interact(buttonPress("UANA", setChannel, actionCommand+"0", "here", ru)); code != http.StatusOK {
		t.Fatalf("button press with the queue full: %d, want 200", code)
	}
	view, first := commitModal(t)
	code, body := h.interact(viewSubmission("UANA", view, map[string]map[string]any{
		"text": {"type": "plain_text_input", "value": "Ring the duty manager"},
	}))
	var resp struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(body, &resp); code != http.StatusOK || err != nil || resp.ResponseAction != "errors" || !strings.Contains(resp.Errors[first], "busy") {
		t.Fatalf("modal submission with the queue full: %d %s, want 200 and the modal kept open saying busy", code, body)
	}
	dm2 := maps(dm)
	dm2["ts"], dm2["text"] = "3.2", "commit Ring the duty manager"
	if code := h.event("Ev-shed", dm2, nil); code != http.StatusOK {
		t.Fatalf("event with the queue full: %d, want 200", code)
	}
	if _, next := h.fake.WaitFor(skip, func(c slacktest.Call) bool {
		return c.Method == "response_url" && c.JSON["url"] == "/response/900" && strings.Contains(c.Text(), "nothing was done")
	}); next == 0 {
		t.Fatal("no busy answer at the button's response_url")
	}
	h.fake.WaitFor(skip, posted("DANA", "nothing was done"))
	if n := shed.Load(); n != 3 {
		t.Fatalf("shed %d, want 3", n)
	}

	release()
	wg.Wait()
	h.fake.WaitFor(skip, posted("DANA", "open commitments"))
	// Slack retries an event it thinks was not acknowledged: same id.
	retry := http.Header{"X-Slack-Retry-Num": {"1"}, "X-Slack-Retry-Reason": {"http_timeout"}}
	if code := h.event("Ev-queued", dm, retry); code != http.StatusOK {
		t.Fatalf("retried event: %d", code)
	}
	waitBacklog(t, h.a, 0)
	h.a.pool.Submit(func(context.Context) {}) // a job after the retry's...
	waitBacklog(t, h.a, 0)                    // ...has been taken: the retry has run
	if got := len(g.started); got != 1 {      // the queued DM; the retry never reached the handler
		t.Fatalf("the handler ran %d more commands after the gate opened, want 1 (the retry is dropped)", got)
	}
	cs, err := h.store.ListCommitments(context.Background(), "slack:"+setChannel, "UANA", false)
	if err != nil || len(cs) != 0 {
		t.Fatalf("the shed commit was stored (%v): %+v", err, cs)
	}
}

// A button press that waited for a worker past AnswerWithin is not run late:
// answered "too busy, nothing was done" at its response_url and counted.
func TestOverloadShedsLateButton(t *testing.T) {
	h, g, shed := newFull(t, func(c *Config) { c.AnswerWithin = time.Minute })
	release := sync.OnceFunc(func() { close(g.open) })
	defer release()
	var wg sync.WaitGroup
	wg.Go(func() { h.command("UFAC", setChannel, "members") })
	<-g.started
	skip := len(must(h.fake.Calls()))
	ru := h.fake.ResponseURL(901)
	if code, _ := h.interact(buttonPress("UANA", setChannel, actionCommand+"0", "here", ru)); code != http.StatusOK {
		t.Fatalf("button press: %d", code)
	}
	h.clock.Advance(2 * time.Minute)
	release()
	wg.Wait()
	h.fake.WaitFor(skip, func(c slacktest.Call) bool {
		return c.Method == "response_url" && c.JSON["url"] == "/response/901" && strings.Contains(c.Text(), "too busy")
	})
	if n := shed.Load(); n != 1 {
		t.Fatalf("shed %d, want 1", n)
	}
	if got := len(g.started); got != 0 {
		t.Fatalf("the late button press reached the handler (%d)", got)
	}
}
