package bot

import "slices"

// The command registry: one entry per verb. Parsing (Parse, ParseForm), help
// (HelpText, Usage), and in handlers the dispatch, the role check, the
// archive check and the per-set lock all read the entry, so a verb is
// described here once. handlers binds one handler function per verb and a
// test there fails when a verb has none.

// RoleAnyone is the Spec.Role of a verb anyone may run: anyone with a role in
// the set for a verb run on a set, anyone at all for one that runs anywhere.
// It is never stored on a person.
const RoleAnyone Role = "anyone"

// Spec describes one verb.
type Spec struct {
	Verb    Verb
	Group   string // help group, one of the group* constants
	Usage   string // without the leading "/als "; "" only for Hidden verbs
	Desc    string
	Example string // without the leading "/als "; parses to Verb

	// Anywhere verbs run without resolving a set first (help, setup, home,
	// mydata, forget me): their handler finds what it needs itself.
	Anywhere bool
	// Role is who may run it: RoleAnyone, or the role they need in the set.
	Role Role
	// Deny completes "Only a facilitator of <set> can ..." when the actor
	// lacks Role, e.g. "add members".
	Deny string
	// Writes: the verb changes stored data. Writes take the per-set lock and
	// read the set under it; reads take no lock (issue 15) and may use the
	// set already read while resolving a DM.
	Writes bool
	// OnArchived: allowed on an archived set. Every read is; of the writes
	// only retention (an archived set's texts are kept for that long).
	OnArchived bool
	// Hidden verbs are never typed (home): not in help, no usage line.
	Hidden bool

	// parse reads the words after the verb; it returns the verb's *Args
	// value. Errors come from parser.fail so they carry the usage line.
	parse func(p parser, args []token) (any, error)
	// form, when set, reads a submitted form (Action.Values) together with
	// the words after the verb in Form.Command; ok false means the values
	// are not this verb's form and the command text is parsed as typed.
	form func(p parser, args []token, values map[string]string) (a any, ok bool, err error)
}

// Help groups, in the order help lists them.
const (
	groupSetup    = "Set-up"
	groupSessions = "Sessions"
	groupRounds   = "Rounds"
	groupActions  = "Actions"
	groupEval     = "Evaluation & privacy"
)

var helpGroups = []string{groupSetup, groupSessions, groupRounds, groupActions, groupEval, groupProgrammes}

// Shorthands of the registry table.
const (
	fac      = RoleFacilitator
	mem      = RoleMember
	anyone   = RoleAnyone
	settings = "change the set's settings"
)

// registry is the table of verbs, in help order: the package's one table,
// read-only by convention (nothing in bot writes to it; Specs and Lookup hand
// out copies). A package variable rather than a function returning a slice
// literal because every Parse reads it: built per call it cost 5 KB and a
// few microseconds per command (BenchmarkParse).
var registry = append([]Spec{
	{Verb: VerbHelp, Group: groupSetup, Usage: "help [<command>]", Desc: "Shows every command, or how to use one.", Example: "help round start",
		Anywhere: true, Role: anyone, OnArchived: true, parse: parseHelp},
	{Verb: VerbSetup, Group: groupSetup, Usage: "setup <set name>", Desc: "Creates a set in this channel; you become its facilitator.", Example: "setup West managers set",
		Anywhere: true, Role: anyone, Writes: true, parse: parseSetup},
	{Verb: VerbMembers, Group: groupSetup, Usage: "members", Desc: "Lists the set's members, facilitators and mentors.", Example: "members",
		Role: fac, Deny: "see the set's people and mentor pairings", OnArchived: true, parse: noArgs},
	{Verb: VerbMembersAdd, Group: groupSetup, Usage: "members add @a @b…", Desc: "Adds members to the set.", Example: "members add @ana @ben",
		Role: fac, Deny: "add members", Writes: true, parse: parseMentions},
	{Verb: VerbMembersRemove, Group: groupSetup, Usage: "members remove @a [withdrew [<reason>]]", Desc: "Removes members from the set; withdrew records that they left before the end (the reason stays with the facilitators).", Example: "members remove @ben withdrew moved to another post",
		Role: fac, Deny: "remove members", Writes: true, parse: parseMembersRemove},
	{Verb: VerbFacilitatorAdd, Group: groupSetup, Usage: "facilitator add @a", Desc: "Adds a co-facilitator.", Example: "facilitator add @cara",
		Role: fac, Deny: "add facilitators", Writes: true, parse: parseMentions},
	{Verb: VerbFacilitatorRemove, Group: groupSetup, Usage: "facilitator remove @a", Desc: "Removes a co-facilitator (never the last one); they keep any other role.", Example: "facilitator remove @cara",
		Role: fac, Deny: "remove facilitators", Writes: true, parse: parseMentions},
	{Verb: VerbMentor, Group: groupSetup, Usage: "mentor @mentor for @mentee", Desc: "Pairs a mentor with a member.", Example: "mentor @dev for @ana",
		Role: fac, Deny: "pair mentors with members", Writes: true, parse: parseMentor},
	{Verb: VerbSettings, Group: groupSetup, Usage: "settings", Desc: "Shows the set's settings: time zone, schedule, phases, observer, reminders, nudges and retention, with the command that changes each.", Example: "settings",
		Role: anyone, OnArchived: true, parse: noArgs},
	{Verb: VerbTimezone, Group: groupSetup, Usage: "timezone <zone>", Desc: "Sets the set's time zone: an IANA name (Europe/London), a place (London, UK) or an offset (UTC+1, which never moves to summer time).", Example: "timezone Europe/London",
		Role: fac, Deny: settings, Writes: true, parse: parseTimezone},
	{Verb: VerbPhases, Group: groupSetup, Usage: "phases presenting=10m questioning=25m action=5m process-review=10m", Desc: "Sets the time boxes of a round's phases (any of them, 1m to 4h each).", Example: "phases questioning=30m",
		Role: fac, Deny: settings, Writes: true, parse: parsePhases},
	{Verb: VerbObserver, Group: groupSetup, Usage: "observer on|off", Desc: "Whether rounds have an observer.", Example: "observer off",
		Role: fac, Deny: settings, Writes: true, parse: parseObserver},
	{Verb: VerbReminders, Group: groupSetup, Usage: "reminders 7d,1d,1h", Desc: "Sets how long before a session reminders go out (m, h or d; 1m to 60d).", Example: "reminders 2d,2h",
		Role: fac, Deny: settings, Writes: true, parse: parseReminders},
	{Verb: VerbRemindersCover, Group: groupSetup, Usage: "reminders cover [<lead>|off]", Desc: "Reminds each member by DM, this long before every session (1d to 60d, default 14d), to arrange cover for their duty work; off stops it.", Example: "reminders cover 14d",
		Role: fac, Deny: settings, Writes: true, parse: parseRemindersCover},
	{Verb: VerbRemindersFac, Group: groupSetup, Usage: "reminders facilitators on|off", Desc: "Whether facilitators get the session reminders by DM too (default on); a facilitator who is also a member gets one.", Example: "reminders facilitators off",
		Role: fac, Deny: settings, Writes: true, parse: parseRemindersFac},
	{Verb: VerbNudges, Group: groupSetup, Usage: `nudges "<cron spec>"`, Desc: "Sets when members are prompted about their actions between sessions.", Example: `nudges "0 9 * * 1"`,
		Role: fac, Deny: settings, Writes: true, parse: parseNudges},
	{Verb: VerbSessionAdd, Group: groupSessions, Usage: "session add <date> <time> [<length>] [<where>]", Desc: "Adds one session. Dates are day first (31/12/2026, 2026-12-31, 31 Dec, next friday); times 14:00, 2pm or 2.30pm; length 90 (minutes), 1.5h or 1h30, or an end time (14:00-16:00), 15 min to 12 h, default 3 h; where may be a room or a link.", Example: "session add 10/03/2026 09:30 2h Room 4",
		Role: fac, Deny: "add sessions", Writes: true, parse: parseSessionAdd},
	{Verb: VerbSchedule, Group: groupSessions, Usage: `schedule <every 4 weeks on thursday 14:00 | monthly first friday 14:00 | "<cron spec>"> [<length>]`, Desc: "Sets recurring sessions in the set's zone: in words (every 2 weeks on monday 10:00, monthly last tuesday 9.30am, monthly on the 15th 10:00) or as a 5-field cron spec. Shows the next dates and asks you to confirm first.", Example: "schedule every 4 weeks on thursday 14:00 2h",
		Role: fac, Deny: "set the schedule", Writes: true, parse: parseSchedule},
	{Verb: VerbScheduleOff, Group: groupSessions, Usage: "schedule off", Desc: "Stops recurring sessions.", Example: "schedule off",
		Role: fac, Deny: "change the schedule", Writes: true, parse: noArgs},
	{Verb: VerbSessions, Group: groupSessions, Usage: "sessions", Desc: "Lists upcoming and past sessions.", Example: "sessions",
		Role: anyone, OnArchived: true, parse: noArgs},
	{Verb: VerbCalendar, Group: groupSessions, Usage: "calendar", Desc: "Gives you a private calendar feed address with the sessions of all your sets.", Example: "calendar",
		Anywhere: true, Role: anyone, Writes: true, OnArchived: true, parse: noArgs},
	{Verb: VerbCalendarReset, Group: groupSessions, Usage: "calendar reset", Desc: "Stops your calendar feed address and gives you a new one.", Example: "calendar reset",
		Anywhere: true, Role: anyone, Writes: true, OnArchived: true, parse: noArgs},
	{Verb: VerbSessionCancel, Group: groupSessions, Usage: "session cancel <number or date>", Desc: "Cancels one session and its reminders.", Example: "session cancel 3",
		Role: fac, Deny: "cancel sessions", Writes: true, parse: parseSessionCancel},
	{Verb: VerbSessionStart, Group: groupSessions, Usage: "session start [<number>|extra]", Desc: "Opens today's planned session for check-in; a number opens that planned session (e.g. one that was missed), extra one outside the plan.", Example: "session start",
		Role: fac, Deny: "start sessions", Writes: true, parse: parseSessionStart},
	{Verb: VerbSessionEnd, Group: groupSessions, Usage: "session end", Desc: "Closes the open session and asks for feedback and actions.", Example: "session end",
		Role: fac, Deny: "end sessions", Writes: true, parse: noArgs},
	{Verb: VerbSessionUndo, Group: groupSessions, Usage: "session undo start", Desc: "Undoes a session start made by mistake: the session no longer counts as held (asks to confirm once someone has checked in).", Example: "session undo start",
		Role: fac, Deny: "undo a session start", Writes: true, parse: parseSessionUndo},
	{Verb: VerbSessionStatus, Group: groupSessions, Usage: "session status", Desc: "Shows the open session: who is checked in, who has bid (facilitators see the titles), who has presented and observed and who has not yet.", Example: "session status",
		Role: anyone, OnArchived: true, parse: noArgs},
	{Verb: VerbHere, Group: groupSessions, Usage: "here", Desc: "Checks you in to the open session (I'm here and I am here work too).", Example: "here",
		Role: mem, Deny: "check in", Writes: true, parse: selfOnly},
	{Verb: VerbNotHere, Group: groupSessions, Usage: "not here", Desc: "Undoes your check-in, while no round has counted you.", Example: "not here",
		Role: mem, Deny: "check in or out", Writes: true, parse: selfOnly},
	{Verb: VerbBid, Group: groupSessions, Usage: "bid [<short title>]", Desc: "Bids for presenting time in the open session.", Example: "bid Staff cover over summer",
		Role: mem, Deny: "bid for presenting time", Writes: true, parse: parseBid},
	{Verb: VerbRoundStart, Group: groupRounds, Usage: "round start [@presenter] [observer @x]", Desc: "Starts a round; roles not given are chosen fairly. Someone who already presented in this session needs again after their name (round start @ben again).", Example: "round start @ana observer @ben",
		Role: fac, Deny: "start rounds", Writes: true, parse: parseRoundStart},
	{Verb: VerbRoundNext, Group: groupRounds, Usage: "round next", Desc: "Moves the round to its next phase.", Example: "round next",
		Role: fac, Deny: "move rounds on", Writes: true, parse: noArgs},
	{Verb: VerbRoundEnd, Group: groupRounds, Usage: "round end", Desc: "Ends the round.", Example: "round end",
		Role: fac, Deny: "end rounds", Writes: true, parse: noArgs},
	{Verb: VerbRoundCancel, Group: groupRounds, Usage: "round cancel", Desc: "Cancels the round in progress, or the session's last round, started by mistake: it counts nowhere.", Example: "round cancel",
		Role: fac, Deny: "cancel rounds", Writes: true, parse: noArgs},
	{Verb: VerbRoundStatus, Group: groupRounds, Usage: "round status", Desc: "Shows the current round, its roles and time left.", Example: "round status",
		Role: anyone, OnArchived: true, parse: noArgs},
	{Verb: VerbCommit, Group: groupActions, Usage: "commit <text> [by <date>]", Desc: "Records your commitment, due at the next session unless you end with by and a date (by 31/12/2026, by next friday, by the end of the month).", Example: "commit Talk to the duty team about handovers by 31/03/2027",
		Role: mem, Deny: "record commitments", Writes: true, parse: parseCommit, form: formCommit},
	{Verb: VerbActions, Group: groupActions, Usage: "actions", Desc: "Lists your open commitments with their ids.", Example: "actions",
		Role: mem, Deny: "list their actions", OnArchived: true, parse: noArgs},
	{Verb: VerbReport, Group: groupActions, Usage: "report <id> <done|progress|blocked> <what I did and learned>", Desc: "Reports the action taken on one of your commitments.", Example: "report C-12 progress Met the duty team; handover notes now shared",
		Role: mem, Deny: "report on commitments", Writes: true, parse: parseReport, form: formReport},
	{Verb: VerbCommitmentDrop, Group: groupActions, Usage: "commitment drop <id> [<reason>]", Desc: "Drops one of your commitments (a duplicate, a slip); facilitators can drop anyone's, and the owner is told. It counts as dropped.", Example: "commitment drop C-3 duplicate of C-2",
		Role: anyone, Deny: "correct commitments", Writes: true, parse: parseCommitmentDrop},
	{Verb: VerbCommitmentEdit, Group: groupActions, Usage: "commitment edit <id> [<text>] [by <date>]", Desc: "Corrects a commitment's text, its due date, or both; facilitators can edit anyone's, and the owner is told.", Example: "commitment edit C-3 Talk to the agency about notice periods by 31/12/2026",
		Role: anyone, Deny: "correct commitments", Writes: true, parse: parseCommitmentEdit},
	{Verb: VerbFeedback, Group: groupEval, Usage: "feedback <1-5> [<comment>]", Desc: "Gives feedback on the last session.", Example: "feedback 4 Good questions today",
		Role: mem, Deny: "give feedback on sessions", Writes: true, parse: parseFeedback, form: formFeedback},
	{Verb: VerbMentoringLog, Group: groupEval, Usage: "mentoring log @mentee [<date>] [<note>]", Desc: "Logs a mentoring session with your mentee, today unless a date follows the mentee (16/12/2026, yesterday, last friday).", Example: "mentoring log @ana 16/12/2026 Talked through the rota",
		Role: RoleMentor, Deny: "log mentoring sessions", Writes: true, parse: parseMentoringLog},
	{Verb: VerbStats, Group: groupEval, Usage: "stats", Desc: "Shows the set's evaluation figures.", Example: "stats",
		Role: fac, Deny: "see the set's statistics", OnArchived: true, parse: noArgs},
	{Verb: VerbExport, Group: groupEval, Usage: "export", Desc: "Exports the set's records as CSV.", Example: "export",
		Role: fac, Deny: "export the set's records", OnArchived: true, parse: noArgs},
	{Verb: VerbMyData, Group: groupEval, Usage: "mydata", Desc: "Shows your own records.", Example: "mydata",
		Anywhere: true, Role: anyone, OnArchived: true, parse: noArgs},
	{Verb: VerbForgetMe, Group: groupEval, Usage: "forget me", Desc: "Erases your records, after you confirm.", Example: "forget me",
		Anywhere: true, Role: anyone, Writes: true, OnArchived: true, parse: parseForgetMe},
	{Verb: VerbSetArchive, Group: groupEval, Usage: "set archive", Desc: "Ends the set.", Example: "set archive",
		Role: fac, Deny: settings, Writes: true, parse: noArgs},
	{Verb: VerbRetention, Group: groupEval, Usage: "retention <days>", Desc: "How long an archived set's texts are kept (1 to 3650 days, default 365).", Example: "retention 180",
		Role: fac, Deny: settings, Writes: true, OnArchived: true, parse: parseRetention},
	{Verb: VerbHome, Hidden: true, Anywhere: true, Role: anyone, OnArchived: true, parse: noArgs},
}, programmeSpecs()...) // bot/programme_verbs.go

// Specs returns a copy of the registry, in help order.
func Specs() []Spec { return slices.Clone(registry) }

// Lookup returns the entry of v.
func Lookup(v Verb) (Spec, bool) {
	if s, ok := lookupIn(registry, v); ok {
		return *s, true
	}
	return Spec{}, false
}
