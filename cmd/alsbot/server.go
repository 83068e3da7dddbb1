package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/slack"
	"github.com/alsbot/alsbot/adapters/teams"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/metrics"
	"github.com/alsbot/alsbot/scheduler"
)

// shutdownGrace bounds how long a stop may take: in-flight commands and
// sends finish within it.
const shutdownGrace = 20 * time.Second

// runServer serves Slack and/or Teams with the scheduler on one HTTP server
// until ctx ends, then stops taking work, finishes what was acknowledged and
// returns nil. It opens the store itself, counted by the process's metrics.
func runServer(ctx context.Context, cfg Config, log *slog.Logger) error {
	// Listen first: an address in use is a configuration problem to report
	// at once, before the store and the platforms are dialled.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on ALSBOT_ADDR %s: %w", cfg.Addr, err)
	}
	defer ln.Close() // a no-op once the server has closed it

	met := metrics.New()
	ver, rev := buildVersion()
	met.SetBuild(ver, rev, runtime.Version())
	metricsSrv, err := listenMetrics(cfg, met, log)
	if err != nil {
		return err
	}
	defer metricsSrv.close()
	store, err := openStoreObserved(ctx, cfg, log, met.StoreFailed)
	if err != nil {
		return err
	}
	defer closeStore(ctx, store, log)

	clock := bot.SystemClock{}
	// The scheduler and the use cases need the platforms' messengers, and the
	// platforms need the use cases: the map is filled in before anything runs.
	messengers := bot.Messengers{}
	host, _ := os.Hostname()
	links := newSessionLinks(cfg, store)
	sched := scheduler.New(scheduler.Deps{
		Store: store, Deliveries: store, Messenger: messengers, Clock: clock,
		Logger: log, Instance: fmt.Sprintf("%s-%d", host, os.Getpid()),
		Observer: met, Links: links,
	})
	// Round cards are posted once and updated in place where the platform
	// allows it: filled in below, before anything runs, like messengers.
	live := map[bot.Platform]bot.LiveMessenger{}
	router := met.Commands(newRouter(cfg, store, clock, sched, sched, links, live, log))

	mux := http.NewServeMux()
	var ready atomic.Bool
	registerHealth(mux, store, &ready)
	if metricsSrv == nil {
		mux.Handle("GET /metrics", met.HTTPHandler())
	}
	registerPublic(mux, store, clock, log)

	var stops []func(context.Context) error
	var socket *slack.Adapter
	if cfg.SlackEnabled() {
		a, err := slack.New(slack.Config{
			BotToken: cfg.SlackBotToken, SigningSecret: cfg.SlackSigningSecret,
			AppToken: cfg.SlackAppToken, APIURL: cfg.SlackAPIURL,
			Handler: router, Claimer: store,
			Logger:  log, // the adapter adds its component and platform
			Workers: cfg.Workers(), Queue: cfg.Queue(), AnswerWithin: cfg.AnswerWithin(),
			OnShed: func() { met.Shed(bot.Slack) },
		})
		if err != nil {
			return fmt.Errorf("slack: %w", err)
		}
		startCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = a.Start(startCtx) // learns the bot's own user id; fails on a bad token
		cancel()
		if err != nil {
			return fmt.Errorf("slack: %w", err)
		}
		messengers[bot.Slack] = met.Messenger(bot.Slack, a.Messenger())
		if lm, ok := a.Messenger().(bot.LiveMessenger); ok {
			live[bot.Slack] = lm
		}
		if cfg.SlackSigningSecret != "" {
			a.Register(mux)
		}
		if cfg.SlackAppToken != "" {
			socket = a
		}
		stops = append(stops, a.Shutdown)
	}
	if cfg.TeamsEnabled() {
		a, err := teams.New(teams.Config{
			AppID: cfg.MicrosoftAppID, AppPassword: cfg.MicrosoftAppPassword,
			TenantID: cfg.MicrosoftAppTenantID, OpenIDMetadataURL: cfg.TeamsOpenIDURL,
			TokenURL: cfg.TeamsTokenURL, Handler: router, Conversations: store,
			Claimer: store, Logger: log, // the adapter adds its component and platform
			Workers: cfg.Workers(), Queue: cfg.Queue(), AnswerWithin: cfg.AnswerWithin(),
			OnShed: func() { met.Shed(bot.Teams) },
		})
		if err != nil {
			return fmt.Errorf("teams: %w", err)
		}
		messengers[bot.Teams] = met.Messenger(bot.Teams, a.Messenger())
		if lm, ok := a.Messenger().(bot.LiveMessenger); ok {
			live[bot.Teams] = lm
		}
		a.Register(mux)
		stops = append(stops, a.Shutdown)
	}

	srv := newHTTPServer(mux, log, maxPlatformRequests)
	log.Info("serving", "component", "server", "addr", ln.Addr().String(),
		"slack", cfg.SlackEnabled(), "slack_socket_mode", socket != nil, "teams", cfg.TeamsEnabled())
	ready.Store(true)

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http server: %w", err)
		}
		return nil
	})
	g.Go(metricsSrv.serve)
	g.Go(func() error { return sched.Run(gctx) })
	if socket != nil {
		g.Go(func() error { return socket.RunSocketMode(gctx) })
	}
	g.Go(func() error {
		<-gctx.Done()
		ready.Store(false)
		log.Info("stopping: finishing acknowledged work", "component", "server")
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(gctx), shutdownGrace)
		defer cancel()
		errs := []error{srv.Shutdown(stopCtx), metricsSrv.shutdown(stopCtx)}
		for _, stop := range stops {
			errs = append(errs, stop(stopCtx))
		}
		return errors.Join(errs...)
	})
	return g.Wait()
}

// Limits of the HTTP server. The platforms' endpoints acknowledge within
// Slack's 3 s deadline (the longest wait of a handler) and leave the work
// to the adapters' pools, so an answer is written well within
// writeTimeout; bodies are at most 1 MiB.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10 // a Teams Authorization header is capped at 16 KiB
	// maxPlatformRequests is how many platform requests may be read at
	// once: their bodies are read before they are authenticated, so
	// without a cap anyone could hold many connections and buffers.
	maxPlatformRequests = 64
)

// newHTTPServer serves h with read, write and idle timeouts, and at most
// maxInFlight platform requests at once.
func newHTTPServer(h http.Handler, log *slog.Logger, maxInFlight int) *http.Server {
	return &http.Server{
		Handler:           limitPlatformRequests(h, maxInFlight),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// limitPlatformRequests lets at most n POST requests (the platforms'
// endpoints: Slack's and Teams') run at once; one more is answered 503
// with Retry-After at once, which both platforms retry. Probes and metrics
// (GET) are not limited, so a flood does not make the pod look dead.
func limitPlatformRequests(next http.Handler, n int) http.Handler {
	sem := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case sem <- struct{}{}:
			defer func() { <-sem }()
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	})
}

// pinger is what readiness needs of the store.
type pinger interface {
	Ping(ctx context.Context) error
}

// openStoreObserved opens the store as openStore does, calling onFailure
// with the name of every store command that fails.
func openStoreObserved(ctx context.Context, cfg Config, log *slog.Logger, onFailure func(string)) (*mongo.Store, error) {
	openCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	store, err := mongo.Open(openCtx, mongo.Config{
		URI:       cfg.MongoURI,
		Database:  cfg.MongoDatabase,
		DataDir:   cfg.DataDir,
		Logger:    log,
		OnFailure: onFailure,
	})
	if err != nil {
		return nil, fmt.Errorf("open the store: %w", err)
	}
	return store, nil
}

// registerHealth adds the liveness and readiness probes: /healthz answers
// while the process runs; /readyz only while the store answers a ping
// within a second and the process is not stopping.
func registerHealth(mux *http.ServeMux, store pinger, ready *atomic.Bool) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !ready.Load() {
			http.Error(w, "not ready: starting or stopping", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		if err := store.Ping(ctx); err != nil {
			http.Error(w, "not ready: the store does not answer", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
}
