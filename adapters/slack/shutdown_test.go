package slack

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// stuckHandler blocks until its request's context ends, and says so.
type stuckHandler struct {
	started chan struct{}
	ended   chan error
}

func (s stuckHandler) Handle(ctx context.Context, _ bot.Request) (bot.Message, error) {
	close(s.started)
	<-ctx.Done()
	s.ended <- ctx.Err()
	return bot.Message{}, ctx.Err()
}

// TestShutdownCancelsStuckWork: a command still running when the stop's
// grace ends sees its context cancelled (Slack's work used to run on
// context.Background() and could hold a stop for its whole 2-minute
// timeout), and Shutdown reports the grace ran out.
func TestShutdownCancelsStuckWork(t *testing.T) {
	stuck := stuckHandler{started: make(chan struct{}), ended: make(chan error, 1)}
	h := newHarness(t, withHandler(stuck), withAckWait(10*time.Millisecond))
	h.command("UFAC", setChannel, "stats") // acknowledged with "Working on it…"
	<-stuck.started
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // no grace left
	if err := h.a.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown = %v, want the grace's error", err)
	}
	select {
	case err := <-stuck.ended:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the handler's context ended with %v, want it cancelled", err)
		}
	case <-time.After(20 * time.Second): // only stops a broken test from hanging
		t.Fatal("the stuck command's context was never cancelled")
	}
}
