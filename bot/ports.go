package bot

import (
	"context"
	"time"
)

// Request is what an adapter hands the core.
type Request struct {
	Platform Platform
	Actor    UserRef
	Conv     ConversationRef
	Text     string // command text without a leading "/als", e.g. "round start @ana"
	// Mentions resolves the mention tokens of Text ("@ana" -> the user) as the
	// adapter knows them; a token absent here is an unknown user.
	Mentions map[string]UserRef
	Action   *Action // a form submission, when not typed text
	SetID    string  // the set of the pressed button or submitted form (Button.SetID, Form.SetID); empty for typed text
}

// Action is a submitted form: Request.Text holds Form.Command and Values the
// fields by name.
type Action struct {
	FormID string
	Values map[string]string
}

// Handler handles one request and returns the reply to the actor. Anything
// else to be sent goes through the Notifier it was built with.
type Handler interface {
	Handle(ctx context.Context, req Request) (Message, error)
}

// Messenger sends a message on one platform (or routes by Destination.Platform).
type Messenger interface {
	Send(ctx context.Context, to Destination, m Message) (MessageRef, error)
}

// LiveMessenger can also change a message it sent, in place: a round's live
// card is posted once and updated at each phase (Slack chat.update, Teams
// update activity), so a round leaves one post in the channel.
type LiveMessenger interface {
	Messenger
	Update(ctx context.Context, ref MessageRef, m Message) error
}

// Notifier takes the messages a command causes beyond its reply (role cards,
// DMs, prompts). The scheduler's implementation stores them as deliveries
// claimed once; a direct one sends at once.
type Notifier interface {
	Notify(ctx context.Context, msgs []Outgoing) error
}

// Clock is the injected time source; tests and the shell move it.
type Clock interface {
	Now() time.Time
}

// Store is everything the use cases keep. Implementations return *Error with
// ENOTFOUND for a missing document, EEXISTS for a duplicate key, ECONFLICT
// for a stale Version and EUNAVAILABLE when the store cannot be reached.
type Store interface {
	SetStore
	SessionStore
	CommitmentStore
	EvaluationStore // evaluation.go
	PrivacyStore    // evaluation.go
}

// ReadChecker is implemented by a store that lets a command run on a set it
// remembers instead of reading it (issue 15): BeginRead gives the set and
// the context to run under (false when it remembers none), and EndRead,
// after the command, says whether that set was current: a stale error
// (IsStale) means the command must run again on the set read afresh. The
// store checks the set before the first write made under that context, so
// a write never lands on the strength of a stale set.
type ReadChecker interface {
	BeginRead(ctx context.Context, setID, actorID string, writes bool) (*Set, context.Context, bool)
	EndRead(ctx context.Context) error
}

// SetNotSavedError is the error of SaveSessionAndSet when the session was
// saved but the set was not: Err says why (a stale version, usually, when
// another replica saved the set at the same moment). The caller saves the
// set again on a fresh read; running the whole command again would do the
// session's change twice.
type SetNotSavedError struct{ Err error }

func (e *SetNotSavedError) Error() string {
	return "the session was saved but not its set: " + e.Err.Error()
}
func (e *SetNotSavedError) Unwrap() error { return e.Err }

// SetStore keeps sets.
type SetStore interface {
	CreateSet(ctx context.Context, s *Set) error // EEXISTS when the id is taken
	GetSet(ctx context.Context, id string) (*Set, error)
	// FindSets returns the sets (archived too) in which user id has any role,
	// or, with an empty userID, every set; ordered by creation.
	FindSets(ctx context.Context, platform Platform, userID string) ([]*Set, error)
	// SaveSet writes s when its stored Version equals s.Version, and
	// increments s.Version; ECONFLICT otherwise.
	SaveSet(ctx context.Context, s *Set) error
}

// SessionStore keeps sessions (with their attendance, bids and rounds).
// GetSession and ListSessions return each session with its check-ins and
// bids (their own documents) in Attendees and Bids.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error // EEXISTS when the id is taken
	// AddSession stores s as the next session of s.SetID and sets s.Number
	// and s.ID: after+1 (after is the caller's last known number, the set's
	// SessionSeq), or past the highest number taken when that one is.
	AddSession(ctx context.Context, s *Session, after int) error
	GetSession(ctx context.Context, id string) (*Session, error)
	ListSessions(ctx context.Context, setID string) ([]*Session, error) // by Number
	SaveSession(ctx context.Context, s *Session) error                  // as SaveSet
	// SaveSessionAndSet saves s, then set, as SaveSession and SaveSet do
	// (in one round trip where the store can: session start and end, round
	// start). An error about the session means nothing was saved; once the
	// session is saved, a failed save of the set is a *SetNotSavedError.
	SaveSessionAndSet(ctx context.Context, s *Session, set *Set) error
	// AddSessionAndSet is AddSession (after set.SessionSeq) and then
	// SaveSet of set changed by apply, which sees s numbered, in one round
	// trip where the store can; errors as SaveSessionAndSet's.
	AddSessionAndSet(ctx context.Context, s *Session, set *Set, apply func(*Set)) error
	// CheckIn records that a.UserID attends session a.SessionID (of set
	// a.SetID) as a document of its own, inserted under its natural key:
	// check-ins made at the same moment, in any replica, never lose each
	// other. It reports whether this call added it (false: already there)
	// and how many are checked in now.
	CheckIn(ctx context.Context, a CheckIn) (added bool, here int, err error)
	// DeleteCheckIn removes userID's check-in to sessionID, and their bid
	// with it (presenting time goes with being there); false when there was
	// none.
	DeleteCheckIn(ctx context.Context, sessionID, userID string) (bool, error)
	// PutBid records b as a.UserID's bid in a.SessionID, replacing their
	// earlier one, and checks them in when they were not (a.At). It reports
	// whether a bid was replaced and whether they were checked in by it.
	PutBid(ctx context.Context, a CheckIn, b Bid) (replaced, checkedIn bool, err error)
	// DeleteSession removes a session that never took place; a missing
	// one is no error.
	DeleteSession(ctx context.Context, id string) error
}

// CheckIn names one member's presence in one session.
type CheckIn struct {
	SetID, SessionID, UserID string
	At                       time.Time
}

// CommitmentStore keeps commitments (with their reports).
type CommitmentStore interface {
	CreateCommitment(ctx context.Context, c *Commitment) error // EEXISTS when the id is taken
	// AddCommitment stores c as the next commitment of c.SetID, numbered as
	// AddSession numbers sessions; the store keeps the set's counter (after:
	// the set's CommitSeq, where older versions kept it). It sets c.ShortID
	// ("C-n") and c.ID and returns n.
	AddCommitment(ctx context.Context, c *Commitment, after int) (int, error)
	GetCommitment(ctx context.Context, id string) (*Commitment, error)
	// ListCommitments returns a set's commitments, of one user when userID is
	// not empty, only open ones when openOnly; by creation.
	ListCommitments(ctx context.Context, setID, userID string, openOnly bool) ([]*Commitment, error)
	// AddReport appends r to commitment id and sets its status.
	AddReport(ctx context.Context, id string, r Report, status CommitmentStatus) error
	// ReviseCommitment sets commitment id's text, due time and status and
	// appends change to its history, in one update.
	ReviseCommitment(ctx context.Context, id, text string, due time.Time, status CommitmentStatus, change CommitmentChange) error
}

// Claimer records that something happened once: Claim inserts key into a
// unique index and reports whether this caller won it. It is how incoming
// events and one-time messages are handled exactly once across replicas
// (a conditional update is not a compare-and-set on FerretDB).
type Claimer interface {
	Claim(ctx context.Context, key string) (bool, error)
}

// Planner is told when a set or one of its sessions changed, so that the
// time-driven messages derived from them (reminders, phase notices, prompts,
// nudges, digests) are planned again from the stored state. Use cases call it
// after the change is saved.
type Planner interface {
	SetChanged(ctx context.Context, s *Set) error
	SessionChanged(ctx context.Context, s *Set, sess *Session) error
}
