package bot

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The argument parsers of the registry's verbs (see registry.go): the
// shared helpers and the Set-up verbs here, the others by help group in
// parse_sessions.go and parse_actions.go. Each reads the words after its verb
// and returns the verb's *Args value; every error comes from parser.fail, so
// it carries the usage line.

// parser reads the arguments of one verb; its methods share the error
// format, which names the verb's usage.
type parser struct{ s *Spec }

// usage is the verb's usage line, "/als round start [@presenter] ...".
func (p parser) usage() string { return "/als " + p.s.Usage }

// fail returns EINVALID with the sentence and the verb's usage line.
func (p parser) fail(format string, args ...any) error {
	return Errorf(EINVALID, "%s Usage: %s", fmt.Sprintf(format, args...), p.usage())
}

func noArgs(p parser, args []token) (any, error) {
	if len(args) > 0 {
		if p.s.Hidden {
			// Never typed, so no usage line of its own.
			return nil, Errorf(EINVALID, "%s takes nothing after it. Write /als help to see every command.", p.s.Verb)
		}
		return nil, p.fail("%s takes nothing after it.", p.s.Verb)
	}
	return NoArgs{}, nil
}

// selfOnly is noArgs for check-in and check-out, which act for the writer
// alone: a facilitator who names someone ("not here @dev") is told so, not
// that the verb "takes nothing after it".
func selfOnly(p parser, args []token) (any, error) {
	if len(args) > 0 && args[0].isMention() {
		return nil, p.fail("Each member checks in and out for themselves, so %s takes no @name after it: ask them to write /als %s.", p.s.Verb, p.s.Verb)
	}
	return noArgs(p, args)
}

// text joins tokens as written and enforces the length limit on free text.
func (p parser) text(args []token) (string, error) {
	if len(args) == 1 && args[0].quoted {
		args = []token{{val: args[0].val, raw: args[0].val}}
	}
	parts := make([]string, len(args))
	for i, t := range args {
		parts[i] = t.raw
	}
	s := strings.Join(parts, " ")
	if n := utf8.RuneCountInString(s); n > MaxTextLen {
		return "", p.fail("The text is %d characters long; the limit is %d. Please shorten it.", n, MaxTextLen)
	}
	return s, nil
}

func parseHelp(p parser, args []token) (any, error) {
	words := make([]string, 0, len(args))
	for _, t := range args {
		words = append(words, strings.ToLower(t.val))
	}
	if len(words) > 0 && words[0] == "/als" {
		words = words[1:]
	}
	topic := strings.Join(words, " ")
	if utf8.RuneCountInString(topic) > MaxTextLen {
		return nil, p.fail("The topic is longer than %d characters.", MaxTextLen)
	}
	return HelpArgs{Topic: topic}, nil
}

func parseSetup(p parser, args []token) (any, error) {
	s, err := p.text(args)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return nil, p.fail("The set needs a name.")
	}
	return SetupArgs{Name: s}, nil
}

// parseMentions reads one or more mentions.
func parseMentions(p parser, args []token) (any, error) {
	var ms []string
	for _, t := range args {
		if !t.isMention() {
			return nil, p.fail("%q is not a mention; mention people with @, e.g. @ana.", clip(t.val, 40))
		}
		ms = append(ms, t.mention())
	}
	if len(ms) == 0 {
		return nil, p.fail("Mention who you mean with @, e.g. @ana.")
	}
	return MentionArgs{People: ms}, nil
}

func parseMentor(p parser, args []token) (any, error) {
	if len(args) != 3 || !args[0].isMention() || args[1].lower() != "for" || !args[2].isMention() {
		return nil, p.fail("Mention the mentor, then for, then the member they mentor.")
	}
	return MentorArgs{Mentor: args[0].mention(), Mentee: args[2].mention()}, nil
}

func parseTimezone(p parser, args []token) (any, error) {
	if len(args) != 1 || args[0].val == "" || len(args[0].val) > 64 {
		return nil, p.fail("Give one IANA time zone name, e.g. Europe/London. `/als settings` shows the current settings.")
	}
	return TimezoneArgs{Zone: args[0].val}, nil
}

func parsePhases(p parser, args []token) (any, error) {
	valid := make([]string, len(Phases))
	for i, ph := range Phases {
		valid[i] = string(ph)
	}
	if len(args) == 0 {
		return nil, p.fail("Give at least one phase and its time box, e.g. questioning=25m. `/als settings` shows the current settings.")
	}
	out := make(map[Phase]time.Duration, len(args))
	for _, t := range args {
		name, val, ok := strings.Cut(t.val, "=")
		name = strings.ToLower(name)
		if !ok {
			return nil, p.fail("%q should be written as phase=time, e.g. questioning=25m.", clip(t.val, 40))
		}
		ph := Phase(name)
		known := false
		for _, x := range Phases {
			known = known || x == ph
		}
		if !known {
			return nil, p.fail("%q is not a phase; the phases are %s.", clip(name, 40), strings.Join(valid, ", "))
		}
		if _, dup := out[ph]; dup {
			return nil, p.fail("%s is given twice.", name)
		}
		d, err := parseSpan(val)
		if err != nil {
			// A bare 30 is minutes here as in session add (and 1.5h or
			// 1h30 are read the same way too).
			d, err = ParseDuration(val)
		}
		if err != nil || d < minPhase || d > maxPhase {
			return nil, p.fail("%q is not a time box from 1m to 4h for %s (write e.g. 10m, 30 for minutes, or 1h30m).", clip(val, 40), name)
		}
		out[ph] = d
	}
	return PhasesArgs{Phases: out}, nil
}

func parseObserver(p parser, args []token) (any, error) {
	if len(args) == 1 {
		switch args[0].lower() {
		case "on":
			return ObserverArgs{On: true}, nil
		case "off":
			return ObserverArgs{On: false}, nil
		}
	}
	return nil, p.fail("Write observer on or observer off. `/als settings` shows the current settings.")
}

func parseReminders(p parser, args []token) (any, error) {
	if len(args) == 1 && !args[0].quoted && args[0].lower() == "off" {
		return nil, p.fail("Session reminders stay on: set fewer with e.g. /als reminders 1d, or stop the facilitators' copies with /als reminders facilitators off.")
	}
	var ds []time.Duration
	for _, part := range reminderParts(args) {
		d, err := parseSpan(part)
		if err != nil || d < minReminder || d > maxReminder {
			return nil, p.fail("%q is not a lead time from 1m to 60d (write minutes, hours or days such as 30m, 2h, 7d).", clip(part, 40))
		}
		for _, x := range ds {
			if x == d {
				return nil, p.fail("%s is given twice.", part)
			}
		}
		ds = append(ds, d)
	}
	if len(ds) == 0 {
		return nil, p.fail("Give at least one lead time, e.g. 1d. `/als settings` shows the current settings.")
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] > ds[j] })
	return RemindersArgs{Leads: ds}, nil
}

// reminderParts splits the lead times at commas and spaces, and joins a
// number with the unit word after it, so "1 day, 1 hour" reads as 1d and 1h
// (a trial found "reminders 1 day, 1 hour" refused over its "1").
func reminderParts(args []token) []string {
	var words []string
	for _, t := range args {
		for _, w := range strings.Split(t.val, ",") {
			words = append(words, strings.Fields(w)...)
		}
	}
	var parts []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if i+1 < len(words) && strings.Trim(w, "0123456789") == "" {
			unit := ""
			switch strings.ToLower(words[i+1]) {
			case "minute", "minutes", "min", "mins":
				unit = "m"
			case "hour", "hours", "hr", "hrs":
				unit = "h"
			case "day", "days":
				unit = "d"
			}
			if unit != "" {
				parts = append(parts, w+unit)
				i++
				continue
			}
		}
		parts = append(parts, w)
	}
	return parts
}

// Cover is arranged in days: a lead under a day would come too late to help.
const (
	minCoverLead = 24 * time.Hour
	maxCoverLead = maxReminder
)

func parseRemindersCover(p parser, args []token) (any, error) {
	switch {
	case len(args) == 0:
		return RemindersCoverArgs{Lead: DefaultCoverLead}, nil
	case len(args) > 1:
		return nil, p.fail("Give one lead time, such as 14d, or off.")
	case args[0].lower() == "off":
		return RemindersCoverArgs{}, nil
	}
	d, err := parseSpan(args[0].val)
	if err != nil || d < minCoverLead || d > maxCoverLead {
		return nil, p.fail("%q is not a lead time from 1d to 60d for cover reminders (write days such as 14d, or off).", clip(args[0].val, 40))
	}
	return RemindersCoverArgs{Lead: d}, nil
}

func parseRemindersFac(p parser, args []token) (any, error) {
	if len(args) == 1 {
		switch args[0].lower() {
		case "on":
			return RemindersFacArgs{On: true}, nil
		case "off":
			return RemindersFacArgs{}, nil
		}
	}
	return nil, p.fail("Write on or off, e.g. `/als reminders facilitators off`.")
}

func parseNudges(p parser, args []token) (any, error) {
	spec := ""
	switch {
	case len(args) == 1:
		spec = args[0].val
	case len(args) > 1:
		for _, t := range args {
			if t.quoted {
				return nil, p.fail("Put the whole cron spec in one pair of quotes.")
			}
		}
		spec, _ = p.text(args)
	}
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, p.fail("Give a cron spec, e.g. \"0 9 * * 1\" for Mondays at 09:00. `/als settings` shows the current settings.")
	}
	if len(spec) > 200 {
		return nil, p.fail("The cron spec is too long.")
	}
	return NudgesArgs{Spec: spec}, nil
}

func parseForgetMe(p parser, args []token) (any, error) {
	if len(args) == 1 && !args[0].quoted && args[0].lower() == "confirm" {
		return ForgetMeArgs{Confirm: true}, nil
	}
	if _, err := noArgs(p, args); err != nil {
		return nil, err
	}
	return ForgetMeArgs{}, nil
}

func parseRetention(p parser, args []token) (any, error) {
	if len(args) != 1 {
		return nil, p.fail("Give the number of days, from 1 to %d.", maxRetentionDays)
	}
	n, err := strconv.Atoi(args[0].val)
	if err != nil || n < 1 || n > maxRetentionDays {
		return nil, p.fail("%q is not a number of days from 1 to %d.", clip(args[0].val, 40), maxRetentionDays)
	}
	return RetentionArgs{Days: n}, nil
}
