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
	// Notices is how many notices (see Pool.Notice) may wait; <= 0 means 64.
	Notices int
	// Logger receives panics (never the job's data); nil discards.
	Logger *slog.Logger
}

// Pool runs jobs on a fixed set of workers.
type Pool struct {
	jobs    chan Job
	notices chan Job // the notice lane: one worker of its own
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
	if cfg.Notices <= 0 {
		cfg.Notices = 64
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	base, cancel := context.WithCancel(context.Background())
	p := &Pool{jobs: make(chan Job, cfg.Queue), notices: make(chan Job, cfg.Notices),
		timeout: cfg.Timeout, log: cfg.Logger, base: base, cancel: cancel}
	for range cfg.Workers {
		p.wg.Go(func() {
			for job := range p.jobs {
				p.run(job)
			}
		})
	}
	p.wg.Go(func() {
		for job := range p.notices {
			p.run(job)
		}
	})
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

// Notice queues job on the notice lane, a worker and queue of their own: a
// short job telling someone that what they asked was shed (the pool was
// full), so that they hear of it at once without the work waiting behind
// the backlog that shed it, and without a goroutine per shed request. It
// reports false when that lane is full too or the pool is shutting down.
func (p *Pool) Notice(job Job) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return false
	}
	select {
	case p.notices <- job:
		return true
	default:
		return false
	}
}

// Closed reports whether Shutdown was called: a refused job was refused
// because the process is stopping (another replica may take a retry), not
// because the queue is full.
func (p *Pool) Closed() bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.closed
}

// Backlog is how many jobs wait for a worker: an adapter acknowledges at
// once, rather than waiting for the answer, when it is long.
func (p *Pool) Backlog() int { return len(p.jobs) }

// Shutdown stops taking jobs and waits for the queued and running ones to
// finish. When ctx ends first, the jobs' contexts are cancelled (so they
// return soon) and ctx's error is returned. It is safe to call more than once.
func (p *Pool) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.jobs)
		close(p.notices)
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
