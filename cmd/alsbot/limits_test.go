package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServerTimeouts: the server bounds reading a request, writing the
// answer (above the longest wait of a handler: Slack's 3 s deadline) and
// idle keep-alive connections, so slow clients cannot hold connections.
func TestServerTimeouts(t *testing.T) {
	srv := newHTTPServer(http.NewServeMux(), slog.New(slog.DiscardHandler), maxPlatformRequests)
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Errorf("timeouts: header %v, read %v, idle %v; want all set", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.IdleTimeout)
	}
	if srv.WriteTimeout < 10*time.Second {
		t.Errorf("write timeout %v, want above the handlers' longest wait", srv.WriteTimeout)
	}
	if srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 1<<20 {
		t.Errorf("max header bytes %d", srv.MaxHeaderBytes)
	}
}

// TestPlatformRequestsCapped: at most n platform requests (POST) are read
// at once; the next gets 503 with Retry-After at once, and the probes
// still answer.
func TestPlatformRequestsCapped(t *testing.T) {
	const n = 3
	entered := make(chan struct{}, n)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/messages", func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		_, _ = io.Copy(io.Discard, r.Body) // blocks until the client ends its body
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	ts := httptest.NewServer(newHTTPServer(mux, slog.New(slog.DiscardHandler), n).Handler)
	defer ts.Close()

	var wg sync.WaitGroup
	var writers []*io.PipeWriter
	for range n {
		pr, pw := io.Pipe()
		writers = append(writers, pw)
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(ts.URL+"/api/messages", "application/json", pr)
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	for range n {
		<-entered
	}
	resp, err := http.Post(ts.URL+"/api/messages", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("request %d: status %d, Retry-After %q; want 503 with Retry-After", n+1, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp, err := http.Get(ts.URL + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("healthz while full: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	for _, w := range writers {
		w.Close()
	}
	wg.Wait()
	// Room again.
	go func() { <-entered }()
	resp, err = http.Post(ts.URL+"/api/messages", "application/json", strings.NewReader("{}"))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("after the others finished: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
}
