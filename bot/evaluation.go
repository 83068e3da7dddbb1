package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Feedback is a member's rating of a session they attended. Its ID is
// "<session id>/<user id>": one per member per session, a second replaces
// the first.
type Feedback struct {
	ID        string    `bson:"_id"`
	SetID     string    `bson:"set_id"`
	Session   int       `bson:"session"` // the session's number
	UserID    string    `bson:"user_id"`
	Rating    int       `bson:"rating"` // 1 to 5
	Comment   string    `bson:"comment,omitempty"`
	At        time.Time `bson:"at"`
	SessionID string    `bson:"session_id"`
}

// FeedbackID is the natural key of user's feedback on session sessionID.
func FeedbackID(sessionID, userID string) string { return sessionID + "/" + userID }

// MentoringSession is a meeting of a mentor with a mentee, logged by the
// mentor. Its ID is "<set id>/mentoring/<logged at, unix nanoseconds>".
type MentoringSession struct {
	ID       string    `bson:"_id"`
	SetID    string    `bson:"set_id"`
	MentorID string    `bson:"mentor_id"`
	MenteeID string    `bson:"mentee_id"`
	Date     string    `bson:"date"` // YYYY-MM-DD in the set's zone
	Note     string    `bson:"note,omitempty"`
	LoggedAt time.Time `bson:"logged_at"`
}

// MentoringID is the natural key of a mentoring session logged at t.
func MentoringID(setID string, t time.Time) string {
	return setID + "/mentoring/" + strconv.FormatInt(t.UnixNano(), 10)
}

// EvaluationStore keeps feedback and mentoring logs.
type EvaluationStore interface {
	// PutFeedback stores f, replacing the feedback with the same ID.
	PutFeedback(ctx context.Context, f *Feedback) error
	// ListFeedback returns a set's feedback by session number, then user.
	ListFeedback(ctx context.Context, setID string) ([]*Feedback, error)
	// AddMentoring stores a new mentoring session; EEXISTS when the id is taken.
	AddMentoring(ctx context.Context, m *MentoringSession) error
	// ListMentoring returns a set's mentoring sessions by date, then log time.
	ListMentoring(ctx context.Context, setID string) ([]*MentoringSession, error)
}

// Erasure says what ForgetUser erased, for the answer to "forget me".
type Erasure struct {
	Sets        int // sets in which the person was replaced by an anonymous id
	Sessions    int // sessions whose attendance, bids or rounds named them
	Commitments int // commitments whose texts (and reports) were erased
	Reports     int
	Feedback    int // feedback whose comment was erased (ratings stay, anonymous)
	Mentoring   int // mentoring logs whose notes were erased
	Other       int // other documents (deliveries, claims, conversation references) deleted
}

// PrivacyStore erases people and old texts.
type PrivacyStore interface {
	// ForgetUser applies plan (NewErasePlan): in each of its sets the
	// person is replaced by an anonymous id (a different one per set) and
	// the texts they wrote are erased (commitments, reports, bid titles,
	// feedback comments, mentoring notes); then the records its rules
	// match are deleted. Counts of the sets stay.
	ForgetUser(ctx context.Context, plan ErasePlan) (Erasure, error)
	// PurgeSetTexts erases the texts of set setID (commitments, reports,
	// bid and round titles, feedback comments, mentoring notes) and returns
	// how many documents changed. Figures stay.
	PurgeSetTexts(ctx context.Context, setID string) (int, error)
}

// MemberStats are one member's figures in a set.
type MemberStats struct {
	UserID            string
	Name              string
	Attended          int     // sessions held that they checked in to
	AttendanceScore   float64 // Attended / sessions held (0 when none held)
	Presentations     int     // rounds they presented in
	Observations      int     // rounds they observed
	CommitmentsMade   int
	ReportedOn        int // commitments with at least one report
	Done              int
	Dropped           int
	ReportBacks       int // reports given
	MentoringSessions int // mentoring sessions received
	FeedbackGiven     int // sessions they gave feedback on
}

// SessionStats are one held session's figures.
type SessionStats struct {
	Number          int
	Start           time.Time
	Attendance      int // members checked in
	CommitmentsMade int // commitments made during the session
	CommitmentsDone int // of those, done by now
	Feedback        int // attendees who gave feedback on it
	FeedbackRate    float64
	MeanRating      float64 // 0 when nobody rated it
}

// Stats are a set's evaluation figures (DESIGN.md section 1). Set totals
// sum the members' figures.
type Stats struct {
	SetID        string
	SetName      string
	SessionsHeld int // open or closed sessions (not scheduled, not cancelled)
	Members      []MemberStats
	Sessions     []SessionStats

	Attended          int
	AttendanceScore   float64 // Attended / (members x sessions held)
	Presentations     int
	Observations      int
	CommitmentsMade   int
	ReportedOn        int
	Done              int
	Dropped           int
	ReportBacks       int
	MentoringSessions int
	FeedbackGiven     int

	// FeedbackGivers is how many members gave feedback at least once;
	// FeedbackRate is that share of the members.
	FeedbackGivers int
	FeedbackRate   float64
	Ratings        int
	MeanRating     float64 // mean of every rating given, 0 when none
	// Engaged is how many members attended five or more sessions and
	// received at least three mentoring sessions; EngagedShare that share.
	Engaged      int
	EngagedShare float64
}

// Thresholds of an engaged member (DESIGN.md section 1's evaluation).
const (
	EngagedAttendance = 5
	EngagedMentoring  = 3
)

// Held reports whether a session took place, or is taking place: an open
// session counts once someone has checked in (right after `session start`
// it would count as held with nobody there, and the attendance figures
// dropped for everyone).
func (s *Session) Held() bool {
	return s.Status == SessionClosed || (s.Status == SessionOpen && len(s.Attendees) > 0)
}

// ComputeStats computes a set's figures from its records. It is a pure
// function: the members are the people who have the member role now.
func ComputeStats(set *Set, sessions []*Session, commitments []*Commitment, feedback []*Feedback, mentoring []*MentoringSession) Stats {
	st := Stats{SetID: set.ID, SetName: set.Name}
	members := set.Members()
	idx := map[string]int{}
	st.Members = make([]MemberStats, len(members))
	for i, p := range members {
		idx[p.User.ID] = i
		st.Members[i] = MemberStats{UserID: p.User.ID, Name: PersonName(set, p.User.ID)}
	}
	member := func(id string) *MemberStats {
		if i, ok := idx[id]; ok {
			return &st.Members[i]
		}
		return nil
	}

	held := make([]*Session, 0, len(sessions))
	for _, s := range sessions {
		if s.Held() {
			held = append(held, s)
		}
	}
	slices.SortFunc(held, func(a, b *Session) int { return a.Number - b.Number })
	st.SessionsHeld = len(held)
	bySession := map[int]*SessionStats{}
	attended := map[int]map[string]bool{}
	st.Sessions = make([]SessionStats, len(held))
	for i, s := range held {
		ss := &st.Sessions[i]
		ss.Number, ss.Start = s.Number, s.Start
		bySession[s.Number] = ss
		attended[s.Number] = map[string]bool{}
		for _, a := range s.Attendees {
			if m := member(a.UserID); m != nil && !attended[s.Number][a.UserID] {
				attended[s.Number][a.UserID] = true
				m.Attended++
				ss.Attendance++
			}
		}
		for _, r := range s.Rounds {
			if m := member(r.Presenter); m != nil {
				m.Presentations++
			}
			if m := member(r.Observer); m != nil {
				m.Observations++
			}
		}
	}

	for _, c := range commitments {
		if ss := bySession[c.Session]; ss != nil && c.Session != 0 {
			ss.CommitmentsMade++
			if c.Status == CommitmentDone {
				ss.CommitmentsDone++
			}
		}
		m := member(c.UserID)
		if m == nil {
			continue
		}
		m.CommitmentsMade++
		if len(c.Reports) > 0 {
			m.ReportedOn++
		}
		m.ReportBacks += len(c.Reports)
		switch c.Status {
		case CommitmentDone:
			m.Done++
		case CommitmentDropped:
			m.Dropped++
		}
	}

	ratingSum := 0
	sessionSums := map[int]int{}
	for _, f := range feedback {
		ss := bySession[f.Session]
		if m := member(f.UserID); m != nil {
			m.FeedbackGiven++
		}
		st.Ratings++
		ratingSum += f.Rating
		if ss != nil {
			ss.Feedback++
			sessionSums[f.Session] += f.Rating
		}
	}
	if st.Ratings > 0 {
		st.MeanRating = float64(ratingSum) / float64(st.Ratings)
	}
	for i := range st.Sessions {
		ss := &st.Sessions[i]
		if ss.Feedback > 0 {
			ss.MeanRating = float64(sessionSums[ss.Number]) / float64(ss.Feedback)
		}
		if ss.Attendance > 0 {
			ss.FeedbackRate = float64(ss.Feedback) / float64(ss.Attendance)
		}
	}

	for _, ms := range mentoring {
		if m := member(ms.MenteeID); m != nil {
			m.MentoringSessions++
		}
	}

	for i := range st.Members {
		m := &st.Members[i]
		if st.SessionsHeld > 0 {
			m.AttendanceScore = float64(m.Attended) / float64(st.SessionsHeld)
		}
		st.Attended += m.Attended
		st.Presentations += m.Presentations
		st.Observations += m.Observations
		st.CommitmentsMade += m.CommitmentsMade
		st.ReportedOn += m.ReportedOn
		st.Done += m.Done
		st.Dropped += m.Dropped
		st.ReportBacks += m.ReportBacks
		st.MentoringSessions += m.MentoringSessions
		st.FeedbackGiven += m.FeedbackGiven
		if m.FeedbackGiven > 0 {
			st.FeedbackGivers++
		}
		if m.Attended >= EngagedAttendance && m.MentoringSessions >= EngagedMentoring {
			st.Engaged++
		}
	}
	if n := len(st.Members); n > 0 {
		st.FeedbackRate = float64(st.FeedbackGivers) / float64(n)
		st.EngagedShare = float64(st.Engaged) / float64(n)
		if st.SessionsHeld > 0 {
			st.AttendanceScore = float64(st.Attended) / float64(n*st.SessionsHeld)
		}
	}
	return st
}

// anonPrefix starts the ids that replace people who asked to be forgotten.
const anonPrefix = "anon-"

// IsAnonymous reports whether id replaced a person who asked to be
// forgotten: nothing is sent to it and it presents no more.
func IsAnonymous(id string) bool { return strings.HasPrefix(id, anonPrefix) }

// NextAnonymousID is the anonymous id the next forgotten person of set
// gets: "anon-<n>", n one more than the highest in the set.
func NextAnonymousID(set *Set) string {
	n := 0
	for _, p := range set.People {
		if k, err := strconv.Atoi(strings.TrimPrefix(p.User.ID, anonPrefix)); IsAnonymous(p.User.ID) && err == nil {
			n = max(n, k)
		}
	}
	return anonPrefix + strconv.Itoa(n+1)
}
