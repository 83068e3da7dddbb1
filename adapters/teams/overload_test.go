package teams

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// heldHandler holds every command until opened and answers "done": it
// fills the workers on purpose. calls counts the commands it was given.
type heldHandler struct {
	open    chan struct{}
	started chan struct{}
	calls   atomic.Int32
}

func (h *heldHandler) Handle(ctx context.Context, req bot.Request) (bot.Message, error) {
	h.calls.Add(1)
	h.started <- struct{}{}
	<-h.open
	return bot.Message{Kind: bot.KindReply, Text: "done: " + req.Text}, nil
}

// An activity is acknowledged with 202 at once; one that then waited for a
// worker past AnswerWithin is not run late but answered "too busy, nothing
// was done" and counted; with the queue full it is acknowledged with 202
// too, its sender told at once "busy, nothing was done", and counted.
func TestOverloadShedsWhatWaitedTooLong(t *testing.T) {
	h, r, shed := newHeldRig(t)

	ana := person("29:ana", "aad-ana", "Ana")
	if got := r.post(channelMessage(r.bf.serviceURL(), "m1", "actions", ana)); got != http.StatusAccepted {
		t.Fatalf("first activity: %d", got)
	}
	<-h.started // the worker holds it
	if got := r.post(channelMessage(r.bf.serviceURL(), "m2", "commit Ring the duty manager", ana)); got != http.StatusAccepted {
		t.Fatalf("second activity: %d, want 202 at once", got)
	}
	if got := r.post(channelMessage(r.bf.serviceURL(), "m3", "actions", ana)); got != http.StatusAccepted {
		t.Fatalf("third activity with the queue full: %d, want 202", got)
	}
	if n := shed.Load(); n != 1 {
		t.Fatalf("shed %d, want 1 (the full queue)", n)
	}
	// Told while the worker is still held: the notice does not wait for it.
	if raw, _ := json.Marshal(r.waitPosts(1)[0].Raw); !strings.Contains(string(raw), "busy") || !strings.Contains(string(raw), "nothing was done") {
		t.Fatalf("the shed message's sender was told %s, want busy, nothing was done", raw)
	}
	r.clock.Advance(2 * time.Minute) // the second has now waited too long
	close(h.open)

	posts := r.waitPosts(3)[1:]
	var texts []string
	for _, p := range posts {
		raw, _ := json.Marshal(p.Raw)
		texts = append(texts, string(raw))
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "done: actions") || !strings.Contains(all, "too busy") || !strings.Contains(all, "nothing was done") {
		t.Fatalf("posts:\n%s\nwant the first answered and the second told it was too late", all)
	}
	if strings.Contains(all, "done: commit") {
		t.Fatal("the command that waited too long was run")
	}
	if n := h.calls.Load(); n != 1 {
		t.Fatalf("the handler ran %d commands, want 1", n)
	}
	if n := shed.Load(); n != 2 {
		t.Fatalf("shed %d, want 2", n)
	}
	// The connector retries the message its sender was told was not done:
	// the claim made before shedding keeps it from running after all.
	if got := r.post(channelMessage(r.bf.serviceURL(), "m2", "commit Ring the duty manager", ana)); got != http.StatusAccepted {
		t.Fatalf("retry: %d", got)
	}
	if got := r.post(channelMessage(r.bf.serviceURL(), "m4", "help", ana)); got != http.StatusAccepted {
		t.Fatalf("a later message: %d", got)
	}
	// One worker: once the later message is answered, the retry before it
	// has been handled.
	for n := 4; ; n++ {
		raw, _ := json.Marshal(r.waitPosts(n)[n-1].Raw)
		if strings.Contains(string(raw), "done: commit") {
			t.Fatal("the retry of the message shed as too late was run")
		}
		if strings.Contains(string(raw), "done: help") {
			break
		}
	}
	if n := h.calls.Load(); n != 2 {
		t.Fatalf("the handler ran %d commands, want 2 (the retry of the shed one must not run)", n)
	}
}

// newHeldRig is a rig whose adapter has one worker, a queue of one and a
// minute to answer, in front of a handler that holds each command until
// h.open is closed; shed counts what the adapter shed.
func newHeldRig(t *testing.T) (*heldHandler, *rig, *atomic.Int32) {
	t.Helper()
	h := &heldHandler{open: make(chan struct{}), started: make(chan struct{}, 10)}
	r := newRig(t, h)
	r.stop()
	shed := &atomic.Int32{}
	a, err := New(Config{
		AppID: testAppID, AppPassword: "s3cret", TenantID: "tenant-1",
		OpenIDMetadataURL: r.bf.srv.URL + "/openid", TokenURL: r.bf.srv.URL + "/token",
		Handler: h, Conversations: r.store, Claimer: r.store, Clock: r.clock,
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		HTTPClient: r.bf.srv.Client(), Workers: 1, Queue: 1,
		AnswerWithin: time.Minute, OnShed: func() { shed.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	r.adapter, r.srv = a, httptest.NewServer(mux)
	return h, r, shed
}
