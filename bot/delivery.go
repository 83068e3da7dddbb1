package bot

import (
	"context"
	"time"
)

// DeliveryKind names a time-driven message (DESIGN.md section 4).
type DeliveryKind string

const (
	DeliverReminder      DeliveryKind = "reminder"        // a session reminder at one lead time, to the channel or one member
	DeliverDigest        DeliveryKind = "digest"          // the report-back digest before a session, to the channel
	DeliverCover         DeliveryKind = "cover"           // "arrange cover for the session", to one member, at the set's cover lead
	DeliverPhaseNearlyUp DeliveryKind = "phase-nearly-up" // the current phase's time box is nearly up, to the channel
	DeliverPhaseUp       DeliveryKind = "phase-up"        // the current phase's time box is up, to the channel
	DeliverNudge         DeliveryKind = "nudge"           // "how is your action going?", to one member
	DeliverMentorNudge   DeliveryKind = "mentor-nudge"    // mentees' open commitments, to one mentor
	DeliverFeedback      DeliveryKind = "feedback"        // the feedback pulse after a session, to one attendee
	DeliverMessage       DeliveryKind = "message"         // an Outgoing handed to a Notifier, sent as stored
	DeliverPlan          DeliveryKind = "plan"            // internal: plan the set's next occurrences again
)

// DeliveryStatus is how a delivery left the pending queue.
type DeliveryStatus string

const (
	DeliveryPending DeliveryStatus = "pending"
	DeliverySent    DeliveryStatus = "sent"
	DeliverySkipped DeliveryStatus = "skipped" // useless by the time it could be sent, or nobody to send to
	// DeliveryUndeliverable: the platform refused it for good (a
	// PermanentError); Reason has the platform's word for why.
	DeliveryUndeliverable DeliveryStatus = "undeliverable"
)

// Delivery is one time-driven message. Its ID is its idempotency key: a
// delivery is sent at most once per key. Content that depends on the state
// (a member's open commitments, reports so far) is built when it is sent;
// only DeliverMessage carries its message.
type Delivery struct {
	ID        string       `bson:"_id"`
	Kind      DeliveryKind `bson:"kind"`
	SetID     string       `bson:"set_id,omitempty"`
	SessionID string       `bson:"session_id,omitempty"`
	UserID    string       `bson:"user_id,omitempty"` // the member, mentor or attendee it is for; empty: the set's channel
	Round     int          `bson:"round,omitempty"`
	Phase     Phase        `bson:"phase,omitempty"`
	// Ref is what the delivery was planned from (a session's start, a phase's
	// start, a nudge occurrence); when the state no longer matches, the
	// delivery is skipped.
	Ref     time.Time    `bson:"ref,omitempty"`
	To      *Destination `bson:"to,omitempty"`      // DeliverMessage
	Message *Message     `bson:"message,omitempty"` // DeliverMessage

	Due       time.Time `bson:"due"`             // when it should go out
	Until     time.Time `bson:"until,omitempty"` // useless from then on (zero: never)
	NotBefore time.Time `bson:"not_before"`      // when the current attempt may be claimed: Due, later after a failure
	Attempt   int       `bson:"attempt"`         // claims are keyed "<ID>#<Attempt>"

	// Set when the delivery leaves the pending queue for the history.
	Status   DeliveryStatus `bson:"status"`
	Done     time.Time      `bson:"done,omitempty"`
	Instance string         `bson:"instance,omitempty"`
	Reason   string         `bson:"reason,omitempty"` // why it was skipped or failed
}

// DeliveryClaim is the right of one instance to send one attempt of a
// delivery: it is won by inserting "<delivery id>#<attempt>" into a unique
// index. A claim whose lease ran out without the delivery leaving the queue
// belongs to an instance that died; the next attempt number is claimed then.
type DeliveryClaim struct {
	ID         string    `bson:"_id"` // ClaimKey(delivery id, attempt)
	Instance   string    `bson:"instance"`
	At         time.Time `bson:"at"`
	LeaseUntil time.Time `bson:"lease_until"`
}

// DeliveryStore keeps the pending queue of deliveries, the claims on them and
// their history. Sent and skipped deliveries leave the pending queue so that
// it stays small however long a set has run.
type DeliveryStore interface {
	// AddDeliveries inserts pending deliveries; a key already pending is left
	// as it is. It returns the keys it added.
	AddDeliveries(ctx context.Context, ds []*Delivery) ([]string, error)
	// DueDeliveries returns up to limit pending deliveries whose NotBefore is
	// not after now, by NotBefore, then Due, then ID.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*Delivery, error)
	// NextDue returns the earliest NotBefore in the pending queue; zero when
	// it is empty.
	NextDue(ctx context.Context) (time.Time, error)
	// PendingDeliveries returns pending deliveries by Due, then ID: of a set
	// (any set when setID is empty), of one kind (any kind when kind is empty).
	PendingDeliveries(ctx context.Context, setID string, kind DeliveryKind) ([]*Delivery, error)
	// DeletePending removes pending deliveries that are no longer planned.
	DeletePending(ctx context.Context, ids []string) error
	// ClaimDelivery inserts c; false (and no error) when that key is taken.
	ClaimDelivery(ctx context.Context, c DeliveryClaim) (bool, error)
	// GetClaim returns a claim by its key; ENOTFOUND when there is none.
	GetClaim(ctx context.Context, key string) (*DeliveryClaim, error)
	// RetryDelivery moves a pending delivery to attempt and notBefore; false
	// when it is no longer pending.
	RetryDelivery(ctx context.Context, id string, attempt int, notBefore time.Time) (bool, error)
	// RecordDelivery records d (Status sent or skipped) in the history; a
	// delivery already there keeps its first record. The caller then removes
	// it from the pending queue with DeletePending, in batches: a delete scans
	// the collection on FerretDB, an insert does not.
	RecordDelivery(ctx context.Context, d *Delivery) error
	// GetDelivered returns the history record of a key; ENOTFOUND when the
	// key was never sent or skipped.
	GetDelivered(ctx context.Context, id string) (*Delivery, error)
	// History returns a set's sent and skipped deliveries done at or after since, by Done.
	History(ctx context.Context, setID string, since time.Time) ([]*Delivery, error)
	// PendingOfSets returns the pending deliveries of the given sets in one
	// round trip, by Due, then ID.
	PendingOfSets(ctx context.Context, setIDs []string) ([]*Delivery, error)
	// ClaimDeliveries inserts the claims in one round trip and reports, for
	// each, whether this caller won it.
	ClaimDeliveries(ctx context.Context, cs []DeliveryClaim) ([]bool, error)
	// ReleaseClaims deletes claims won but not used (the instance is
	// stopping before it sent them), so another instance may take them.
	ReleaseClaims(ctx context.Context, keys []string) error
	// RecordDeliveries is RecordDelivery for many, in one round trip.
	RecordDeliveries(ctx context.Context, ds []*Delivery) error
	// PruneClaims deletes claims taken before t (a claim is only needed while
	// a stale reader could still try the same attempt).
	PruneClaims(ctx context.Context, before time.Time) error
}
