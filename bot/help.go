package bot

import (
	"fmt"
	"strings"
)

// commandDoc documents one command for help and for parser errors.
type commandDoc struct {
	verb    Verb
	group   string
	usage   string // without the leading "/als "
	desc    string
	example string // without the leading "/als "
}

// Help groups, in the order help lists them.
const (
	groupSetup    = "Set-up"
	groupSessions = "Sessions"
	groupRounds   = "Rounds"
	groupActions  = "Actions"
	groupEval     = "Evaluation & privacy"
)

var helpGroups = []string{groupSetup, groupSessions, groupRounds, groupActions, groupEval}

// commandDocs returns the documentation of every typed command, in help
// order. A function rather than a package variable so nothing can mutate it.
func commandDocs() []commandDoc {
	return []commandDoc{
		{VerbHelp, groupSetup, "help [<command>]", "Shows every command, or how to use one.", "help round start"},
		{VerbSetup, groupSetup, "setup <set name>", "Creates a set in this channel; you become its facilitator.", "setup West managers set"},
		{VerbMembers, groupSetup, "members", "Lists the set's members, facilitators and mentors.", "members"},
		{VerbMembersAdd, groupSetup, "members add @a @b…", "Adds members to the set.", "members add @ana @ben"},
		{VerbMembersRemove, groupSetup, "members remove @a", "Removes members from the set.", "members remove @ben"},
		{VerbFacilitatorAdd, groupSetup, "facilitator add @a", "Adds a co-facilitator.", "facilitator add @cara"},
		{VerbMentor, groupSetup, "mentor @mentor for @mentee", "Pairs a mentor with a member.", "mentor @dev for @ana"},
		{VerbTimezone, groupSetup, "timezone <IANA zone>", "Sets the set's time zone.", "timezone Europe/London"},
		{VerbPhases, groupSetup, "phases presenting=10m questioning=25m action=5m process-review=10m", "Sets the time boxes of a round's phases (any of them, 1m to 4h each).", "phases questioning=30m"},
		{VerbObserver, groupSetup, "observer on|off", "Whether rounds have an observer.", "observer off"},
		{VerbReminders, groupSetup, "reminders 7d,1d,1h", "Sets how long before a session reminders go out (m, h or d; 1m to 60d).", "reminders 2d,2h"},
		{VerbNudges, groupSetup, `nudges "<cron spec>"`, "Sets when members are prompted about their actions between sessions.", `nudges "0 9 * * 1"`},
		{VerbSessionAdd, groupSessions, "session add <YYYY-MM-DD> <HH:MM> [<duration>] [<where>]", "Adds one session (duration 15m to 12h, default 3h; where may be a room or a link).", "session add 2026-03-10 09:30 2h Room 4"},
		{VerbSchedule, groupSessions, `schedule "<cron spec>" [<duration>]`, "Sets recurring sessions (5-field cron in the set's zone).", `schedule "0 18 * * 2" 2h`},
		{VerbScheduleOff, groupSessions, "schedule off", "Stops recurring sessions.", "schedule off"},
		{VerbSessions, groupSessions, "sessions", "Lists upcoming and past sessions.", "sessions"},
		{VerbSessionCancel, groupSessions, "session cancel <number or YYYY-MM-DD>", "Cancels one session and its reminders.", "session cancel 3"},
		{VerbSessionStart, groupSessions, "session start", "Opens today's session (or an unscheduled one now) for check-in.", "session start"},
		{VerbSessionEnd, groupSessions, "session end", "Closes the open session and asks for feedback and actions.", "session end"},
		{VerbHere, groupSessions, "here", "Checks you in to the open session.", "here"},
		{VerbBid, groupSessions, "bid [<short title>]", "Bids for presenting time in the open session.", "bid Staff cover over summer"},
		{VerbRoundStart, groupRounds, "round start [@presenter] [observer @x]", "Starts a round; roles not given are chosen fairly.", "round start @ana observer @ben"},
		{VerbRoundNext, groupRounds, "round next", "Moves the round to its next phase.", "round next"},
		{VerbRoundEnd, groupRounds, "round end", "Ends the round.", "round end"},
		{VerbRoundStatus, groupRounds, "round status", "Shows the current round, its roles and time left.", "round status"},
		{VerbCommit, groupActions, "commit <text> [by <YYYY-MM-DD>]", "Records your commitment (due at the next session unless you give a date).", "commit Talk to the duty team about handovers by 2026-03-01"},
		{VerbActions, groupActions, "actions", "Lists your open commitments with their ids.", "actions"},
		{VerbReport, groupActions, "report <id> <done|progress|blocked> <what I did and learned>", "Reports the action taken on one of your commitments.", "report C-12 progress Met the duty team; handover notes now shared"},
		{VerbFeedback, groupEval, "feedback <1-5> [<comment>]", "Gives feedback on the last session.", "feedback 4 Good questions today"},
		{VerbMentoringLog, groupEval, "mentoring log @mentee [<YYYY-MM-DD>] [<note>]", "Logs a mentoring session with your mentee.", "mentoring log @ana 2026-02-20 Talked through the rota"},
		{VerbStats, groupEval, "stats", "Shows the set's evaluation figures.", "stats"},
		{VerbExport, groupEval, "export", "Exports the set's records as CSV.", "export"},
		{VerbMyData, groupEval, "mydata", "Shows your own records.", "mydata"},
		{VerbForgetMe, groupEval, "forget me", "Erases your records, after you confirm.", "forget me"},
		{VerbSetArchive, groupEval, "set archive", "Ends the set.", "set archive"},
		{VerbRetention, groupEval, "retention <days>", "How long an archived set's texts are kept (1 to 3650 days, default 365).", "retention 180"},
	}
}

func docOf(v Verb) (commandDoc, bool) {
	for _, d := range commandDocs() {
		if d.verb == v {
			return d, true
		}
	}
	return commandDoc{}, false
}

// Usage returns the usage line of v, e.g. "/als round start [@presenter]
// [observer @x]", or "" for a verb that is never typed (home).
func Usage(v Verb) string {
	d, ok := docOf(v)
	if !ok {
		return ""
	}
	return "/als " + d.usage
}

// HelpText returns help on topic: with an empty topic, every command grouped
// with one line each; else the command's usage, description and an example.
// The topic may be a verb ("round start"), a leading word ("round"), with or
// without "/als". An unknown topic is EINVALID.
func HelpText(topic string) (string, error) {
	words := strings.Fields(strings.ToLower(topic))
	if len(words) > 0 && words[0] == "/als" {
		words = words[1:]
	}
	if len(words) == 0 {
		return allHelp(), nil
	}
	t := strings.Join(words, " ")
	if d, ok := docOf(Verb(t)); ok {
		return fmt.Sprintf("/als %s\n%s\nExample: /als %s", d.usage, d.desc, d.example), nil
	}
	// A leading word ("round", "session") lists the commands it starts.
	var b strings.Builder
	for _, d := range commandDocs() {
		if strings.HasPrefix(string(d.verb), t+" ") || string(d.verb) == t {
			fmt.Fprintf(&b, "/als %s: %s\n", d.usage, d.desc)
		}
	}
	if b.Len() > 0 {
		return strings.TrimSuffix(b.String(), "\n"), nil
	}
	msg := fmt.Sprintf("There is no command %q.", clip(t, 40))
	if s := closestCommand(t); s != "" {
		msg += fmt.Sprintf(" Did you mean /als help %s?", s)
	}
	return "", Errorf(EINVALID, "%s Write /als help to see every command. Usage: %s", msg, Usage(VerbHelp))
}

func allHelp() string {
	var b strings.Builder
	b.WriteString("alsbot commands (a leading /als is optional outside Slack):\n")
	docs := commandDocs()
	for _, g := range helpGroups {
		fmt.Fprintf(&b, "\n*%s*\n", g)
		for _, d := range docs {
			if d.group == g {
				fmt.Fprintf(&b, "/als %s: %s\n", d.usage, d.desc)
			}
		}
	}
	b.WriteString("\nWrite /als help <command> for an example, e.g. /als help session add.")
	return b.String()
}

// clip shortens s to n runes so error messages never echo long input.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
