package scheduler

import (
	"context"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// Store is what the scheduler reads and writes of the use cases' state: the
// core's store, plus reads of many sets at once (a Monday-morning burst
// builds messages for every set in the same minute; one query per set would
// scan each collection once per set on FerretDB) and the pruning of
// incoming events' claims.
type Store interface {
	bot.Store
	// SessionsOfSets returns the sessions of the given sets.
	SessionsOfSets(ctx context.Context, setIDs []string) ([]*bot.Session, error)
	// CommitmentsOfSets returns the commitments of the given sets (only open
	// ones when openOnly), by creation.
	CommitmentsOfSets(ctx context.Context, setIDs []string, openOnly bool) ([]*bot.Commitment, error)
	// DeleteClaimsBefore removes incoming events' claims made before t and
	// returns how many.
	DeleteClaimsBefore(ctx context.Context, t time.Time) (int64, error)
}

// Deliveries is the pending queue, the claims and the history, plus the
// secondary indexes MongoDB uses to find due work (correctness needs none).
type Deliveries interface {
	bot.DeliveryStore
	EnsureDeliveryIndexes(ctx context.Context) error
}

// Observer is told how each delivery attempt ended ("sent", "skipped",
// "undeliverable" when the platform refused it for good, "failed" when it
// will be tried again) and how long each tick of Run took.
type Observer interface {
	Delivered(kind bot.DeliveryKind, status string)
	Ticked(d time.Duration, err error)
}

// How an attempt ended, as the Observer is told.
const (
	ObservedSent          = string(bot.DeliverySent)
	ObservedSkipped       = string(bot.DeliverySkipped)
	ObservedUndeliverable = string(bot.DeliveryUndeliverable)
	ObservedRetried       = "failed"
)
