package bot

import (
	"fmt"
	"time"
)

// Verb names a command of the grammar (DESIGN.md section 3).
type Verb string

const (
	VerbHelp           Verb = "help"
	VerbSetup          Verb = "setup"
	VerbMembers        Verb = "members"
	VerbMembersAdd     Verb = "members add"
	VerbMembersRemove  Verb = "members remove"
	VerbFacilitatorAdd Verb = "facilitator add"
	VerbMentor         Verb = "mentor"
	VerbTimezone       Verb = "timezone"
	VerbPhases         Verb = "phases"
	VerbObserver       Verb = "observer"
	VerbReminders      Verb = "reminders"
	VerbNudges         Verb = "nudges"
	VerbSessionAdd     Verb = "session add"
	VerbSchedule       Verb = "schedule"
	VerbScheduleOff    Verb = "schedule off"
	VerbSessions       Verb = "sessions"
	VerbSessionCancel  Verb = "session cancel"
	VerbSessionStart   Verb = "session start"
	VerbSessionEnd     Verb = "session end"
	VerbHere           Verb = "here"
	VerbBid            Verb = "bid"
	VerbRoundStart     Verb = "round start"
	VerbRoundNext      Verb = "round next"
	VerbRoundEnd       Verb = "round end"
	VerbRoundStatus    Verb = "round status"
	VerbCommit         Verb = "commit"
	VerbActions        Verb = "actions"
	VerbReport         Verb = "report"
	VerbFeedback       Verb = "feedback"
	VerbMentoringLog   Verb = "mentoring log"
	VerbStats          Verb = "stats"
	VerbExport         Verb = "export"
	VerbMyData         Verb = "mydata"
	VerbForgetMe       Verb = "forget me"
	VerbSetArchive     Verb = "set archive"
	VerbRetention      Verb = "retention"
	// VerbHome is never typed: adapters ask for it to draw a home view (Slack
	// App Home) of the actor\'s sets, next sessions and open commitments.
	VerbHome Verb = "home"
)

// Command is a parsed command. Only the fields its Verb uses are set.
type Command struct {
	Verb Verb

	// Mentions are the mention tokens in order of appearance, without the
	// leading '@' (members add/remove, facilitator add, mentor: [mentor, mentee],
	// mentoring log: [mentee]). Adapters resolve them through Request.Mentions.
	Mentions  []string
	Presenter string // round start: mention token of the presenter, optional
	Observer  string // round start: mention token after "observer", optional

	Text   string     // setup: set name; bid: title; commit: text; report: text; feedback: comment; mentoring log: note; session add: where; help: topic
	Date   *Date      // session add, commit "by", mentoring log, session cancel by date
	At     *TimeOfDay // session add
	Number int        // session cancel by number; feedback rating; retention days

	Duration  time.Duration           // session add / schedule: session length (0: default)
	Durations []time.Duration         // reminders, longest first
	Phases    map[Phase]time.Duration // phases: only the ones given
	On        bool                    // observer on/off
	Spec      string                  // nudges / schedule: the cron spec as given (unvalidated)
	Zone      string                  // timezone: the IANA zone as given (unvalidated)
	ID        string                  // report: commitment short id, normalized to "C-12"
	Status    ReportStatus            // report
}

// Date is a civil date, interpreted in the set's zone by the use case.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// In returns the time at h:m on d in loc.
func (d Date) In(loc *time.Location, h, m int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, loc)
}

// TimeOfDay is a wall-clock time of day.
type TimeOfDay struct {
	Hour, Minute int
}

func (c TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }
