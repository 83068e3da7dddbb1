package shell

import (
	"sync"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// Clock is a manual clock: it starts at a given time and moves only when the
// shell is told to (:advance), so a script can play weeks of a set's life in
// seconds. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

var _ bot.Clock = (*Clock)(nil)

// NewClock returns a clock showing start (in UTC, to the second, without a
// monotonic reading, so stored and printed times agree).
func NewClock(start time.Time) *Clock {
	return &Clock{now: start.UTC().Truncate(time.Second)}
}

// Now implements bot.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t; the shell only ever moves it forward.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}

// Advance moves the clock forward by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}
