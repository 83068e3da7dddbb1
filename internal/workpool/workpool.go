// Package workpool is the bounded worker pool both platform adapters hand
// acknowledged work to: a platform request is verified and acknowledged
// inside its deadline, and the work runs here, so one slow command never
// stalls receiving, a panic never takes the process down, and shutdown
// finishes what was acknowledged (or cancels it when the grace runs out).
// It is stdlib-only and imports nothing of alsbot, so Slack and Teams share
// it without importing each other.
package workpool

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Job is one piece of acknowledged work. Its context ends at the job's
// timeout or when Shutdown gives up waiting.
type Job func(ctx context.Context)

// Config sizes a pool.
type Config struct {
	Workers int           // jobs running at once; <= 0 means 4
	Queue   int           // jobs waiting for a worker; <= 0 means 64 per worker
	Timeout time.Duration // bound of one job; <= 0 means 2 minutes
	// Logger receives panics (never the job's data); nil discards.
	Logger *slog.Logger
}

// Pool runs jobs on a fixed set of workers.
type Pool struct {
	jobs    chan Job
	wg      sync.WaitGroup
	timeout time.Duration
	log     *slog.Logger
	// base is the parent of every job's context; cancel ends them all when
	// Shutdown's grace runs out. Kept here because it belongs to the pool's
	// lifetime, not to any one call.
	base   context.Context //nolint:containedctx // the pool's own lifetime
	cancel context.CancelFunc

	mu     sync.RWMutex // guards closed and sends on jobs
	closed bool
}

// New starts a pool's workers.
func New(cfg Config) *Pool {
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 64 * cfg.Workers
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	base, cancel := context.WithCancel(context.Background())
	p := &Pool{jobs: make(chan Job, cfg.Queue), timeout: cfg.Timeout, log: cfg.Logger, base: base, cancel: cancel}
	for range cfg.Workers {
		p.wg.Go(func() {
			for job := range p.jobs {
				p.run(job)
			}
		})
	}
	return p
}

func (p *Pool) run(job Job) {
	ctx, cancel := context.WithTimeout(p.base, p.timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("work panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	job(ctx)
}

// Submit queues job. It reports false, and the job will not run, when the
// queue is full or the pool is shutting down: the caller answers "busy" so
// the platform (or the person) tries again.
func (p *Pool) Submit(job Job) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return false
	}
	select {
	case p.jobs <- job:
		return true
	default:
		return false
	}
}

// Shutdown stops taking jobs and waits for the queued and running ones to
// finish. When ctx ends first, the jobs' contexts are cancelled (so they
// return soon) and ctx's error is returned. It is safe to call more than once.
func (p *Pool) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.jobs)
	}
	p.mu.Unlock()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
		p.cancel()
		return nil
	case <-ctx.Done():
		p.cancel()
		return fmt.Errorf("shutdown: %w", ctx.Err())
	}
}
