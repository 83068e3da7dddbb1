package bot

import (
	"strconv"
	"time"
)

// Platform names where a request came from and where a message goes.
type Platform string

const (
	Slack Platform = "slack"
	Teams Platform = "teams"
	Shell Platform = "shell"
)

// UserRef identifies a person on one platform. Name and TZ are filled when the
// platform tells them (Slack users.info, Teams localTimezone).
type UserRef struct {
	ID   string `bson:"id"`
	Name string `bson:"name,omitempty"`
	TZ   string `bson:"tz,omitempty"` // IANA zone, e.g. "Europe/London"
}

// ConversationRef is where a request was made.
type ConversationRef struct {
	ID   string `bson:"id"`             // channel / conversation id
	Name string `bson:"name,omitempty"` // display name, e.g. "west-set"
	DM   bool   `bson:"dm,omitempty"`   // a 1:1 conversation with the bot
}

// Role of a person in a set (not in a round).
type Role string

const (
	RoleFacilitator Role = "facilitator"
	RoleMember      Role = "member"
	RoleMentor      Role = "mentor"
)

// Phase of a round. The order of Phases is the order a round moves through.
type Phase string

const (
	PhasePresenting    Phase = "presenting"
	PhaseQuestioning   Phase = "questioning"
	PhaseAction        Phase = "action"
	PhaseProcessReview Phase = "process-review"
	PhaseDone          Phase = "done"
)

// Phases lists the timed phases of a round in order.
var Phases = []Phase{PhasePresenting, PhaseQuestioning, PhaseAction, PhaseProcessReview}

// DefaultPhaseDurations are the time boxes of a new set.
func DefaultPhaseDurations() map[Phase]time.Duration {
	return map[Phase]time.Duration{
		PhasePresenting:    10 * time.Minute,
		PhaseQuestioning:   25 * time.Minute,
		PhaseAction:        5 * time.Minute,
		PhaseProcessReview: 10 * time.Minute,
	}
}

// Defaults of a new set.
const (
	DefaultNudgeSpec     = "0 9 * * 1"
	DefaultRetentionDays = 365
	DefaultSessionLength = 3 * time.Hour
	MaxTextLen           = 3000 // longest free text a member may store
)

// DefaultReminders are the lead times of session reminders of a new set.
func DefaultReminders() []time.Duration {
	return []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour}
}

// DefaultCoverLead is how long before a session members are reminded to
// arrange cover when a facilitator turns cover reminders on without a lead.
const DefaultCoverLead = 14 * 24 * time.Hour

// Set is an action learning set bound to one channel on one platform.
// Its ID is the natural key "<platform>:<channel id>" so that the set of a
// channel is read by _id in one round trip.
type Set struct {
	ID            string                  `bson:"_id"`
	Name          string                  `bson:"name"`
	Platform      Platform                `bson:"platform"`
	Channel       ConversationRef         `bson:"channel"`
	TZ            string                  `bson:"tz"`
	Phases        map[Phase]time.Duration `bson:"phases"`
	Observer      bool                    `bson:"observer"`
	Reminders     []time.Duration         `bson:"reminders"`
	CoverLead     time.Duration           `bson:"cover_lead,omitempty"` // members' reminder to arrange cover, this long before each session; 0: none
	NudgeSpec     string                  `bson:"nudge_spec"`
	FacRemindOff  bool                    `bson:"fac_remind_off,omitempty"` // facilitators get no reminder DMs; stored as "off" so sets made before the setting get them (the default)
	Schedule      *Recurrence             `bson:"schedule,omitempty"`
	People        []Person                `bson:"people"`
	CommitSeq     int                     `bson:"commit_seq"`             // highest commitment number handed out
	SessionSeq    int                     `bson:"session_seq"`            // highest session number handed out
	OpenSession   int                     `bson:"open_session,omitempty"` // number of the open session, 0 if none
	Archived      bool                    `bson:"archived,omitempty"`
	ArchivedAt    time.Time               `bson:"archived_at,omitempty"`
	RetentionDays int                     `bson:"retention_days"`
	CreatedAt     time.Time               `bson:"created_at"`
	Version       int64                   `bson:"version"` // optimistic concurrency: SaveSet fails with ECONFLICT on a stale version
}

// Recurrence is a set's recurring session schedule.
type Recurrence struct {
	Spec     string        `bson:"spec"` // 5-field cron in the set's zone
	Duration time.Duration `bson:"duration"`
	Where    string        `bson:"where,omitempty"`
}

// Person is someone known to a set: a member, a facilitator, a mentor, or
// several of these at once. Fairness counters live here so that a round start
// reads one document.
type Person struct {
	User          UserRef   `bson:"user"`
	Roles         []Role    `bson:"roles"`
	MentorID      string    `bson:"mentor_id,omitempty"` // the member's mentor in this set
	Presentations int       `bson:"presentations"`
	Observations  int       `bson:"observations"`
	LastPresented time.Time `bson:"last_presented,omitempty"`
	LastObserved  time.Time `bson:"last_observed,omitempty"`
	JoinedAt      time.Time `bson:"joined_at"`
}

// Has reports whether p has role r.
func (p Person) Has(r Role) bool {
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Person returns the person with user id id, or nil.
func (s *Set) Person(id string) *Person {
	for i := range s.People {
		if s.People[i].User.ID == id {
			return &s.People[i]
		}
	}
	return nil
}

// InSet reports whether user id has any role in the set (a person removed
// from it stays in People, with none).
func (s *Set) InSet(id string) bool {
	p := s.Person(id)
	return p != nil && len(p.Roles) > 0
}

// HasRole reports whether user id has role r in the set.
func (s *Set) HasRole(id string, r Role) bool {
	p := s.Person(id)
	return p != nil && p.Has(r)
}

// Members returns the people with the member role, in the order they joined.
func (s *Set) Members() []Person {
	var out []Person
	for _, p := range s.People {
		if p.Has(RoleMember) {
			out = append(out, p)
		}
	}
	return out
}

// Location returns the set's zone (UTC when unset or unknown).
func (s *Set) Location() *time.Location {
	if s.TZ == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(s.TZ)
	if err != nil {
		return time.UTC
	}
	return loc
}

// SessionStatus is where a session is in its life.
type SessionStatus string

const (
	SessionScheduled SessionStatus = "scheduled"
	SessionOpen      SessionStatus = "open"
	SessionClosed    SessionStatus = "closed"
	SessionCancelled SessionStatus = "cancelled"
)

// Session is one meeting of a set. Its ID is "<set id>/<number>". Rounds are
// part of the session document, which is read and written whole (a
// versioned save). Check-ins and bids are not: many members make them at the
// same moment, so each is a document of its own ("<session id>/<user id>",
// SessionStore.CheckIn, PutBid) that the store adds to Attendees and Bids
// when it reads the session. Entries a caller appends to Attendees or Bids
// itself are kept in the session document (data from before, and tests).
type Session struct {
	ID        string        `bson:"_id"`
	SetID     string        `bson:"set_id"`
	Number    int           `bson:"number"`
	Start     time.Time     `bson:"start"` // UTC
	Duration  time.Duration `bson:"duration"`
	Where     string        `bson:"where,omitempty"`
	Status    SessionStatus `bson:"status"`
	Recurring bool          `bson:"recurring,omitempty"` // materialized from the set's schedule
	Attendees []Attendance  `bson:"attendees"`
	Bids      []Bid         `bson:"bids"`
	Rounds    []Round       `bson:"rounds"`
	// CancelledRounds were started by mistake (round cancel): they count
	// nowhere, and keep their numbers so a delivery key is never reused.
	CancelledRounds []Round `bson:"cancelled_rounds,omitempty"`
	// Adhoc: opened by session start with nothing scheduled that day, so
	// session undo start cancels it rather than scheduling it again.
	Adhoc    bool      `bson:"adhoc,omitempty"`
	OpenedAt time.Time `bson:"opened_at,omitempty"`
	ClosedAt time.Time `bson:"closed_at,omitempty"`
	Version  int64     `bson:"version"`
}

// SessionID is the natural key of session n of a set.
func SessionID(setID string, n int) string { return setID + "/" + strconv.Itoa(n) }

// Attended reports whether user id checked in.
func (s *Session) Attended(id string) bool {
	for _, a := range s.Attendees {
		if a.UserID == id {
			return true
		}
	}
	return false
}

// NextRoundNumber is the number of the session's next round: past every
// round, cancelled ones too.
func (s *Session) NextRoundNumber() int {
	n := 0
	for _, r := range append(append([]Round(nil), s.Rounds...), s.CancelledRounds...) {
		n = max(n, r.Number)
	}
	return n + 1
}

// CurrentRound returns the round that is not done, or nil.
func (s *Session) CurrentRound() *Round {
	if n := len(s.Rounds); n > 0 && s.Rounds[n-1].Phase != PhaseDone {
		return &s.Rounds[n-1]
	}
	return nil
}

// End is when the session is planned to end.
func (s *Session) End() time.Time { return s.Start.Add(s.Duration) }

// Attendance is one member's check-in to a session.
type Attendance struct {
	UserID string    `bson:"user_id"`
	At     time.Time `bson:"at"`
	// Own is set on a check-in read from its own document: saving the
	// session leaves it out of the session document, where a stale copy
	// would bring back a check-in that was undone.
	Own bool `bson:"-"`
}

// Bid is a member's bid for presenting time in a session.
type Bid struct {
	UserID string    `bson:"user_id"`
	Title  string    `bson:"title,omitempty"`
	At     time.Time `bson:"at"`
	Own    bool      `bson:"-"` // read from its own document, as Attendance.Own
}

// Round is one presenter/enablers/observer round of a session.
type Round struct {
	Number         int                     `bson:"number"`
	Presenter      string                  `bson:"presenter"`
	Observer       string                  `bson:"observer,omitempty"`
	Enablers       []string                `bson:"enablers"`
	Title          string                  `bson:"title,omitempty"` // the presenter's bid title, if any
	Phase          Phase                   `bson:"phase"`
	PhaseStartedAt time.Time               `bson:"phase_started_at"`
	Durations      map[Phase]time.Duration `bson:"durations"`
	StartedAt      time.Time               `bson:"started_at"`
	EndedAt        time.Time               `bson:"ended_at,omitempty"`
	// Card is the round's live card in the set's channel, when the platform
	// can update a message: round next and round end change it in place and
	// phase notices go in its thread.
	Card MessageRef `bson:"card,omitempty"`
	// PresenterWas and ObserverWas are the presenter's LastPresented and the
	// observer's LastObserved before this round counted, so cancelling the
	// round gives back their place in the fair rotation exactly.
	PresenterWas time.Time `bson:"presenter_was,omitempty"`
	ObserverWas  time.Time `bson:"observer_was,omitempty"`
}

// CommitmentStatus is the state of a commitment.
type CommitmentStatus string

const (
	CommitmentOpen    CommitmentStatus = "open"
	CommitmentDone    CommitmentStatus = "done"
	CommitmentDropped CommitmentStatus = "dropped"
)

// ReportStatus is what a member says of the action taken.
type ReportStatus string

const (
	ReportDone     ReportStatus = "done"
	ReportProgress ReportStatus = "progress"
	ReportBlocked  ReportStatus = "blocked"
)

// Commitment is an action a member commits to. Its ID is "<set id>/<short id>"
// and its short id ("C-12") is unique in the set. Reports are part of it.
type Commitment struct {
	ID        string           `bson:"_id"`
	SetID     string           `bson:"set_id"`
	ShortID   string           `bson:"short_id"`
	UserID    string           `bson:"user_id"`
	Text      string           `bson:"text"`
	Due       time.Time        `bson:"due,omitempty"`
	Session   int              `bson:"session,omitempty"` // the session it was made in, 0 if none was open
	Status    CommitmentStatus `bson:"status"`
	Reports   []Report         `bson:"reports"`
	CreatedAt time.Time        `bson:"created_at"`
	// History is the trace of corrections (commitment drop, commitment
	// edit), oldest first.
	History []CommitmentChange `bson:"history,omitempty"`
}

// CommitmentChange is one correction of a commitment.
type CommitmentChange struct {
	At     time.Time `bson:"at"`
	By     string    `bson:"by"`               // user id of who changed it
	Kind   string    `bson:"kind"`             // ChangeDropped or ChangeEdited
	Reason string    `bson:"reason,omitempty"` // what they wrote; erased with the set's texts
}

// Kinds of CommitmentChange.
const (
	ChangeDropped = "dropped"
	ChangeEdited  = "edited"
)

// CommitmentID is the natural key of a commitment.
func CommitmentID(setID, shortID string) string { return setID + "/" + shortID }

// Report is a member's report-back on a commitment.
type Report struct {
	Status ReportStatus `bson:"status"`
	Text   string       `bson:"text"`
	At     time.Time    `bson:"at"`
}
