package workpool

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot/bottest"
)

// Shutdown drains what was acknowledged: every queued job runs before it
// returns, and nothing is taken afterwards.
func TestShutdownDrains(t *testing.T) {
	p := New(Config{Workers: 1, Queue: 10})
	release := make(chan struct{})
	var ran atomic.Int32
	if !p.Submit(func(context.Context) { <-release; ran.Add(1) }) {
		t.Fatal("first job refused")
	}
	for range 5 {
		if !p.Submit(func(context.Context) { ran.Add(1) }) {
			t.Fatal("queued job refused")
		}
	}
	done := make(chan error, 1)
	go func() { done <- p.Shutdown(context.Background()) }()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if p.Submit(func(context.Context) {}) {
		t.Fatal("a job was taken after Shutdown")
	}
	if got := ran.Load(); got != 6 {
		t.Fatalf("%d jobs ran, want all 6 acknowledged ones", got)
	}
}

// A job still running when the grace ends sees its context cancelled, so a
// stop cannot hang on it.
func TestShutdownCancelsWhenGraceEnds(t *testing.T) {
	p := New(Config{Workers: 1})
	started := make(chan struct{})
	var cancelled atomic.Bool
	finished := make(chan struct{})
	p.Submit(func(ctx context.Context) {
		close(started)
		<-ctx.Done()
		cancelled.Store(true)
		close(finished)
	})
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // no grace at all
	if err := p.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown = %v, want the grace's error", err)
	}
	<-finished
	if !cancelled.Load() {
		t.Fatal("the running job's context was not cancelled")
	}
}

// A full queue refuses instead of blocking the receiver.
func TestSubmitFullQueue(t *testing.T) {
	p := New(Config{Workers: 1, Queue: 1})
	release := make(chan struct{})
	started := make(chan struct{})
	p.Submit(func(context.Context) { close(started); <-release })
	<-started
	if !p.Submit(func(context.Context) {}) {
		t.Fatal("the one queue slot was refused")
	}
	if p.Submit(func(context.Context) {}) {
		t.Fatal("a job beyond the queue was taken")
	}
	close(release)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A panicking job is logged and the worker goes on with the next job.
func TestPanicRecovered(t *testing.T) {
	var buf bottest.Buffer
	p := New(Config{Workers: 1, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	p.Submit(func(context.Context) { panic("boom") })
	var ran atomic.Bool
	p.Submit(func(context.Context) { ran.Store(true) })
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !ran.Load() {
		t.Fatal("the job after a panic did not run")
	}
	if !strings.Contains(buf.String(), "boom") {
		t.Fatalf("panic not logged: %q", buf.String())
	}
}

// Every job gets the configured timeout.
func TestJobTimeout(t *testing.T) {
	p := New(Config{Workers: 1, Timeout: time.Hour})
	got := make(chan time.Time, 1)
	p.Submit(func(ctx context.Context) { d, _ := ctx.Deadline(); got <- d })
	d := <-got
	if until := time.Until(d); until < 59*time.Minute || until > time.Hour {
		t.Fatalf("job deadline in %v, want about an hour", until)
	}
	_ = p.Shutdown(context.Background())
}

// With every worker busy and the queue full, a notice still runs at once on
// its own lane; the notice lane is bounded too, and closed at shutdown.
func TestNoticeRunsWhileTheQueueIsFull(t *testing.T) {
	p := New(Config{Workers: 1, Queue: 1, Notices: 1})
	release := make(chan struct{})
	started := make(chan struct{})
	p.Submit(func(context.Context) { close(started); <-release })
	<-started
	p.Submit(func(context.Context) {})
	if p.Submit(func(context.Context) {}) {
		t.Fatal("a job beyond the queue was taken")
	}
	ran := make(chan struct{})
	if !p.Notice(func(context.Context) { close(ran) }) {
		t.Fatal("the notice was refused")
	}
	<-ran // would hang if the notice waited for the held worker
	hold := make(chan struct{})
	p.Notice(func(context.Context) { <-hold }) // occupies the notice worker
	for !p.Notice(func(context.Context) {}) {  // the one slot frees when the worker takes the held notice
		runtime.Gosched()
	}
	if p.Notice(func(context.Context) {}) {
		t.Fatal("a notice beyond the notice queue was taken")
	}
	if p.Closed() {
		t.Fatal("Closed before Shutdown")
	}
	close(release)
	close(hold)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !p.Closed() || p.Notice(func(context.Context) {}) {
		t.Fatal("a notice was taken after Shutdown")
	}
}
