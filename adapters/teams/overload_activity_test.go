package teams

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// With the queue full, an activity that is not a message (the bot added to
// a team, a file consent answer) has no sender to tell "busy": it is
// refused with 503, as before the notice lane, so the Bot Framework or the
// Teams client sees it failed instead of a 200/202 for work never done.
func TestOverloadRefusesWhatNobodyIsToldOf(t *testing.T) {
	h := &heldHandler{open: make(chan struct{}), started: make(chan struct{}, 10)}
	r := newRig(t, h)
	r.stop()
	var shed atomic.Int32
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
	defer close(h.open)

	ana := person("29:ana", "aad-ana", "Ana")
	if got := r.post(channelMessage(r.bf.serviceURL(), "m1", "actions", ana)); got != http.StatusAccepted {
		t.Fatalf("first activity: %d", got)
	}
	<-h.started // the worker holds it
	if got := r.post(channelMessage(r.bf.serviceURL(), "m2", "actions", ana)); got != http.StatusAccepted {
		t.Fatalf("second activity: %d, want 202 at once", got)
	}
	invoke := personalMessage(r.bf.serviceURL(), "inv-1", "", ana, map[string]any{"type": "fileUpload", "action": "accept"})
	invoke["type"], invoke["name"] = "invoke", invokeFileConsent
	for name, act := range map[string]map[string]any{
		"bot added":    installActivity(r.bf.serviceURL(), "cu-1"),
		"file consent": invoke,
	} {
		if got := r.post(act); got != http.StatusServiceUnavailable {
			t.Errorf("%s with the queue full: %d, want 503", name, got)
		}
	}
	if n := shed.Load(); n != 2 {
		t.Errorf("shed %d, want 2", n)
	}
}
