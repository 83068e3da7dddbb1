package shell

import (
	"time"

	"github.com/alsbot/alsbot/bot"
)

// Clock is the shell's manual clock: it moves only on :advance.
type Clock = bot.ManualClock

// NewClock returns a clock showing start in UTC, to the second and without a
// monotonic reading, so stored and printed times agree.
func NewClock(start time.Time) *Clock {
	return bot.NewManualClock(start.UTC().Truncate(time.Second))
}
