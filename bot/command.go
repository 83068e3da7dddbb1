package bot

import (
	"fmt"
	"time"
)

// Verb names a command of the grammar (DESIGN.md section 3).
type Verb string

const (
	VerbHelp              Verb = "help"
	VerbSetup             Verb = "setup"
	VerbMembers           Verb = "members"
	VerbSettings          Verb = "settings"
	VerbMembersAdd        Verb = "members add"
	VerbMembersRemove     Verb = "members remove"
	VerbFacilitatorAdd    Verb = "facilitator add"
	VerbFacilitatorRemove Verb = "facilitator remove"
	VerbCommitmentDrop    Verb = "commitment drop"
	VerbCommitmentEdit    Verb = "commitment edit"
	VerbSessionUndo       Verb = "session undo" // session undo start
	VerbNotHere           Verb = "not here"
	VerbRoundCancel       Verb = "round cancel"
	VerbSessionStatus     Verb = "session status"
	VerbMentor            Verb = "mentor"
	VerbTimezone          Verb = "timezone"
	VerbPhases            Verb = "phases"
	VerbObserver          Verb = "observer"
	VerbReminders         Verb = "reminders"
	VerbRemindersCover    Verb = "reminders cover"
	VerbRemindersFac      Verb = "reminders facilitators"
	VerbNudges            Verb = "nudges"
	VerbSessionAdd        Verb = "session add"
	VerbSchedule          Verb = "schedule"
	VerbScheduleOff       Verb = "schedule off"
	VerbCalendar          Verb = "calendar"
	VerbCalendarReset     Verb = "calendar reset"
	VerbSessions          Verb = "sessions"
	VerbSessionCancel     Verb = "session cancel"
	VerbSessionStart      Verb = "session start"
	VerbSessionEnd        Verb = "session end"
	VerbHere              Verb = "here"
	VerbBid               Verb = "bid"
	VerbRoundStart        Verb = "round start"
	VerbRoundNext         Verb = "round next"
	VerbRoundEnd          Verb = "round end"
	VerbRoundStatus       Verb = "round status"
	VerbCommit            Verb = "commit"
	VerbActions           Verb = "actions"
	VerbReport            Verb = "report"
	VerbFeedback          Verb = "feedback"
	VerbMentoringLog      Verb = "mentoring log"
	VerbStats             Verb = "stats"
	VerbExport            Verb = "export"
	VerbMyData            Verb = "mydata"
	VerbForgetMe          Verb = "forget me"
	VerbSetArchive        Verb = "set archive"
	VerbRetention         Verb = "retention"
	// VerbHome is never typed: adapters ask for it to draw a home view (Slack
	// App Home) of the actor\'s sets, next sessions and open commitments.
	VerbHome Verb = "home"
)

// Command is a parsed command: its verb and the verb's own argument struct
// (one of the *Args types below; NoArgs for a verb that takes none). The
// registry entry of the verb (see Lookup) says which one its parser makes.
type Command struct {
	Verb Verb
	Args any
}

// NoArgs are the arguments of a verb that takes none.
type NoArgs struct{}

// HelpArgs: help [<topic>]. Topic is lower-cased, without a leading /als.
type HelpArgs struct{ Topic string }

// SetupArgs: setup <name>.
type SetupArgs struct{ Name string }

// MentionArgs: members add / members remove / facilitator add. People are the
// mention tokens in order, without '@'; adapters resolve them through
// Request.Mentions.
type MentionArgs struct {
	People []string
	// Withdrew (members remove … withdrew [<reason>] only): they left before
	// the end; Reason is confidential to the set's facilitators.
	Withdrew bool
	Reason   string
}

// MentorArgs: mentor @mentor for @mentee (mention tokens).
type MentorArgs struct{ Mentor, Mentee string }

// TimezoneArgs: timezone <zone>, the IANA zone as given (unvalidated).
type TimezoneArgs struct{ Zone string }

// PhasesArgs: phases name=box...; only the phases given.
type PhasesArgs struct{ Phases map[Phase]time.Duration }

// ObserverArgs: observer on|off.
type ObserverArgs struct{ On bool }

// RemindersArgs: reminders 7d,1d; lead times, longest first.
type RemindersArgs struct{ Leads []time.Duration }

// RemindersCoverArgs: reminders cover [<lead>|off]; Lead 0 turns cover
// reminders off.
type RemindersCoverArgs struct{ Lead time.Duration }

// SessionStartArgs: session start [<number>|extra]. Zero values: today's
// planned session.
type SessionStartArgs struct {
	Number int  // a planned session to open, e.g. one whose day passed
	Extra  bool // a session outside the plan, now
}

// RemindersFacArgs: reminders facilitators on|off.
type RemindersFacArgs struct{ On bool }

// NudgesArgs: nudges "<cron spec>", as given (unvalidated).
type NudgesArgs struct{ Spec string }

// SessionAddArgs: session add <date> <time> [<length>] [<where>].
type SessionAddArgs struct {
	Date     DateSpec // as written (31/12, next friday): the use case resolves it in the set's zone
	At       TimeOfDay
	Duration time.Duration // 0: the default length
	Where    string
}

// ScheduleArgs: schedule "<cron spec>" [<length>] [confirm], or a plain
// schedule: schedule every 4 weeks on thursday 14:00 [<length>] [confirm].
type ScheduleArgs struct {
	// Spec is the cron spec, or the whole plain schedule with its length
	// (IsPlainSchedule), as given (unvalidated: scheduler.ParseScheduleLength).
	Spec     string
	Duration time.Duration // cron only; 0: the default length
	// Confirm is the second step: create the sessions the first answer
	// previewed (the button under it).
	Confirm bool
}

// SessionCancelArgs: session cancel <number or date>; exactly one is set.
type SessionCancelArgs struct {
	Number int
	Date   DateSpec
}

// CommitmentDropArgs: commitment drop <id> [<reason>]. ID is normalized.
type CommitmentDropArgs struct {
	ID     string
	Reason string
}

// CommitmentEditArgs: commitment edit <id> [<text>] [by <date>].
type CommitmentEditArgs struct {
	ID   string
	Text string   // empty with a Due: the text stays ("commitment edit C-4 by 15/01/2027")
	Due  DateSpec // zero: the due date stays
}

// SessionUndoArgs: session undo start [confirm]; Confirm is needed once
// someone has checked in.
type SessionUndoArgs struct{ Confirm bool }

// BidArgs: bid [<title>].
type BidArgs struct{ Title string }

// RoundStartArgs: round start [@presenter] [observer @x] (mention tokens, optional).
type RoundStartArgs struct {
	Presenter, Observer string
	// Again lets a presenter who already presented in this session present
	// once more (round start @ben again).
	Again bool
}

// CommitArgs: commit <text> [by <date>].
type CommitArgs struct {
	Text string
	Due  DateSpec // zero: due at the next session
}

// ReportArgs: report <id> <status> <text>. ID is normalized to "C-12".
type ReportArgs struct {
	ID     string
	Status ReportStatus
	Text   string
}

// FeedbackArgs: feedback <1-5> [<comment>].
type FeedbackArgs struct {
	Rating  int
	Comment string
}

// MentoringLogArgs: mentoring log @mentee [<date>] [<note>].
type MentoringLogArgs struct {
	Mentee string   // mention token
	Date   DateSpec // zero: today; resolved into the past (ResolvePast)
	Note   string
}

// ForgetMeArgs: forget me [confirm]; Confirm is the second step (the button
// under the first answer).
type ForgetMeArgs struct{ Confirm bool }

// RetentionArgs: retention <days>.
type RetentionArgs struct{ Days int }

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
