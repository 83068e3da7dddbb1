package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/calendar"
	"github.com/alsbot/alsbot/metrics"
)

// publicStore is what the public pages read.
type publicStore interface {
	calendar.Store
	calendar.SessionStore
}

// registerPublic adds the pages anyone may fetch: calendar feeds (the token
// in the path is the secret), each session's own calendar file (its id is),
// and the privacy and terms pages the Teams manifest links to.
func registerPublic(mux *http.ServeMux, store publicStore, clock bot.Clock, log *slog.Logger) {
	mux.Handle("GET /calendar/{file}", calendar.NewHandler(store, clock, log.With("component", "calendar")))
	mux.Handle("GET /calendar/session/{file}", calendar.NewSessionHandler(store, clock, log.With("component", "calendar")))
	mux.HandleFunc("GET /privacy", page(privacyPage))
	mux.HandleFunc("GET /terms", page(termsPage))
}

func page(html string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		fmt.Fprint(w, html)
	}
}

// The pages are short and true of every deployment; an organisation with
// its own pages points the Teams manifest at them instead.
const privacyPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>alsbot: privacy</title></head><body>
<h1>alsbot: privacy</h1>
<p>alsbot runs action learning sets in chat. It stores, in its own database run by the organisation that deployed it:
your chat user id, display name and time zone; your roles in each set; sessions you attended; your bids, commitments and reports;
your feedback; mentoring sessions you logged or received; and what it needs to deliver messages to you.</p>
<p>What members write is shown only to the author, the set's facilitators and, for commitments, the set's members, in the set's
channel or the author's direct messages. It is never written to logs.</p>
<p>Send <code>mydata</code> to the bot to see everything kept about you, and <code>forget me</code> to erase your texts and identity.
An archived set's texts are erased after its retention period (365 days unless the facilitator sets another).</p>
<p>Questions about this deployment go to the organisation that runs it.</p>
</body></html>
`

const termsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>alsbot: terms of use</title></head><body>
<h1>alsbot: terms of use</h1>
<p>alsbot is open-source software under the Apache License 2.0, provided "as is", without warranties or conditions of any kind.
The organisation that deployed this instance decides who may use it and is responsible for its data.</p>
<p>Use it for the action learning sets you take part in; do not write into it what your organisation's policies keep out of chat.</p>
</body></html>
`

// metricsServer serves /metrics on its own listener when ALSBOT_METRICS_ADDR
// is set, so the public port need not expose it; else it returns nil and the
// caller registers /metrics on the main mux.
type metricsServer struct {
	ln  net.Listener
	srv *http.Server
}

func listenMetrics(cfg Config, met *metrics.Metrics, log *slog.Logger) (*metricsServer, error) {
	if cfg.MetricsAddr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on ALSBOT_METRICS_ADDR %s: %w", cfg.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", met.HTTPHandler())
	return &metricsServer{ln: ln, srv: &http.Server{
		Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}}, nil
}

// serve runs until Shutdown; nil-safe so the caller need not branch.
func (m *metricsServer) serve() error {
	if m == nil {
		return nil
	}
	if err := m.srv.Serve(m.ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("metrics server: %w", err)
	}
	return nil
}

func (m *metricsServer) shutdown(ctx context.Context) error {
	if m == nil {
		return nil
	}
	return m.srv.Shutdown(ctx)
}

func (m *metricsServer) close() {
	if m != nil {
		m.ln.Close()
	}
}
