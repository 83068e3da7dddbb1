package bot

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The argument parsers of the registry's verbs (see registry.go), in help
// order. Each reads the words after its verb and returns the verb's *Args
// value; every error comes from parser.fail, so it carries the usage line.

// parser holds no state; its methods share the error format.
type parser struct{}

// fail returns EINVALID with the sentence and the usage line of v.
func (parser) fail(v Verb, format string, args ...any) error {
	return Errorf(EINVALID, "%s Usage: %s", fmt.Sprintf(format, args...), Usage(v))
}

func noArgs(p parser, v Verb, args []token) (any, error) {
	if len(args) > 0 {
		if s, _ := Lookup(v); s.Hidden {
			return nil, Errorf(EINVALID, "%s takes nothing after it. Usage: %s", v, Usage(VerbHelp))
		}
		return nil, p.fail(v, "%s takes nothing after it.", v)
	}
	return NoArgs{}, nil
}

// text joins tokens as written and enforces the length limit on free text.
func (p parser) text(v Verb, args []token) (string, error) {
	if len(args) == 1 && args[0].quoted {
		args = []token{{val: args[0].val, raw: args[0].val}}
	}
	parts := make([]string, len(args))
	for i, t := range args {
		parts[i] = t.raw
	}
	s := strings.Join(parts, " ")
	if n := utf8.RuneCountInString(s); n > MaxTextLen {
		return "", p.fail(v, "The text is %d characters long; the limit is %d. Please shorten it.", n, MaxTextLen)
	}
	return s, nil
}

func parseHelp(p parser, v Verb, args []token) (any, error) {
	words := make([]string, 0, len(args))
	for _, t := range args {
		words = append(words, strings.ToLower(t.val))
	}
	if len(words) > 0 && words[0] == "/als" {
		words = words[1:]
	}
	topic := strings.Join(words, " ")
	if utf8.RuneCountInString(topic) > MaxTextLen {
		return nil, p.fail(v, "The topic is longer than %d characters.", MaxTextLen)
	}
	return HelpArgs{Topic: topic}, nil
}

func parseSetup(p parser, v Verb, args []token) (any, error) {
	s, err := p.text(v, args)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return nil, p.fail(v, "The set needs a name.")
	}
	return SetupArgs{Name: s}, nil
}

// parseMentions reads one or more mentions.
func parseMentions(p parser, v Verb, args []token) (any, error) {
	var ms []string
	for _, t := range args {
		if !t.isMention() {
			return nil, p.fail(v, "%q is not a mention; mention people with @, e.g. @ana.", clip(t.val, 40))
		}
		ms = append(ms, t.mention())
	}
	if len(ms) == 0 {
		return nil, p.fail(v, "Mention who you mean with @, e.g. @ana.")
	}
	return MentionArgs{People: ms}, nil
}

func parseMentor(p parser, v Verb, args []token) (any, error) {
	if len(args) != 3 || !args[0].isMention() || args[1].lower() != "for" || !args[2].isMention() {
		return nil, p.fail(v, "Mention the mentor, then for, then the member they mentor.")
	}
	return MentorArgs{Mentor: args[0].mention(), Mentee: args[2].mention()}, nil
}

func parseTimezone(p parser, v Verb, args []token) (any, error) {
	if len(args) != 1 || args[0].val == "" || len(args[0].val) > 64 {
		return nil, p.fail(v, "Give one IANA time zone name, e.g. Europe/London.")
	}
	return TimezoneArgs{Zone: args[0].val}, nil
}

func parsePhases(p parser, v Verb, args []token) (any, error) {
	valid := make([]string, len(Phases))
	for i, ph := range Phases {
		valid[i] = string(ph)
	}
	if len(args) == 0 {
		return nil, p.fail(v, "Give at least one phase and its time box, e.g. questioning=25m.")
	}
	out := make(map[Phase]time.Duration, len(args))
	for _, t := range args {
		name, val, ok := strings.Cut(t.val, "=")
		name = strings.ToLower(name)
		if !ok {
			return nil, p.fail(v, "%q should be written as phase=time, e.g. questioning=25m.", clip(t.val, 40))
		}
		ph := Phase(name)
		known := false
		for _, x := range Phases {
			known = known || x == ph
		}
		if !known {
			return nil, p.fail(v, "%q is not a phase; the phases are %s.", clip(name, 40), strings.Join(valid, ", "))
		}
		if _, dup := out[ph]; dup {
			return nil, p.fail(v, "%s is given twice.", name)
		}
		d, err := parseSpan(val)
		if err != nil || d < minPhase || d > maxPhase {
			return nil, p.fail(v, "%q is not a time box from 1m to 4h for %s (write e.g. 10m or 1h30m).", clip(val, 40), name)
		}
		out[ph] = d
	}
	return PhasesArgs{Phases: out}, nil
}

func parseObserver(p parser, v Verb, args []token) (any, error) {
	if len(args) == 1 {
		switch args[0].lower() {
		case "on":
			return ObserverArgs{On: true}, nil
		case "off":
			return ObserverArgs{On: false}, nil
		}
	}
	return nil, p.fail(v, "Write observer on or observer off.")
}

func parseReminders(p parser, v Verb, args []token) (any, error) {
	var ds []time.Duration
	for _, t := range args {
		for _, part := range strings.Split(t.val, ",") {
			if part == "" {
				continue
			}
			d, err := parseSpan(part)
			if err != nil || d < minReminder || d > maxReminder {
				return nil, p.fail(v, "%q is not a lead time from 1m to 60d (write minutes, hours or days such as 30m, 2h, 7d).", clip(part, 40))
			}
			for _, x := range ds {
				if x == d {
					return nil, p.fail(v, "%s is given twice.", part)
				}
			}
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return nil, p.fail(v, "Give at least one lead time, e.g. 1d.")
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] > ds[j] })
	return RemindersArgs{Leads: ds}, nil
}

func parseNudges(p parser, v Verb, args []token) (any, error) {
	spec := ""
	switch {
	case len(args) == 1:
		spec = args[0].val
	case len(args) > 1:
		for _, t := range args {
			if t.quoted {
				return nil, p.fail(v, "Put the whole cron spec in one pair of quotes.")
			}
		}
		spec, _ = p.text(v, args)
	}
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, p.fail(v, "Give a cron spec, e.g. \"0 9 * * 1\" for Mondays at 09:00.")
	}
	if len(spec) > 200 {
		return nil, p.fail(v, "The cron spec is too long.")
	}
	return NudgesArgs{Spec: spec}, nil
}

func parseSessionAdd(p parser, v Verb, args []token) (any, error) {
	if len(args) < 2 {
		return nil, p.fail(v, "Give the date and the start time.")
	}
	date, err := parseDate(args[0].val)
	if err != nil {
		return nil, p.fail(v, "%s", err)
	}
	at, err := parseClock(args[1].val)
	if err != nil {
		return nil, p.fail(v, "%s", err)
	}
	a := SessionAddArgs{Date: date, At: at}
	rest := args[2:]
	if len(rest) > 0 && !rest[0].quoted && looksLikeSpan(rest[0].val) {
		if a.Duration, err = p.sessionLength(v, rest[0].val); err != nil {
			return nil, err
		}
		rest = rest[1:]
	}
	if a.Where, err = p.text(v, rest); err != nil {
		return nil, err
	}
	return a, nil
}

func parseSchedule(p parser, v Verb, args []token) (any, error) {
	var spec string
	var rest []token
	switch {
	case len(args) >= 1 && args[0].quoted:
		spec, rest = args[0].val, args[1:]
	case len(args) == 5 || len(args) == 6:
		// An unquoted spec is its 5 fields, then an optional duration.
		f := make([]string, 5)
		for i := range f {
			f[i] = args[i].val
		}
		spec, rest = strings.Join(f, " "), args[5:]
	default:
		return nil, p.fail(v, "Put the cron spec in quotes, e.g. schedule \"0 18 * * 2\" 2h, or write schedule off.")
	}
	spec = strings.TrimSpace(spec)
	if spec == "" || len(spec) > 200 {
		return nil, p.fail(v, "Give a 5-field cron spec, e.g. \"0 18 * * 2\".")
	}
	a := ScheduleArgs{Spec: spec}
	if len(rest) > 1 {
		return nil, p.fail(v, "Only a duration may follow the cron spec.")
	}
	if len(rest) == 1 {
		d, err := p.sessionLength(v, rest[0].val)
		if err != nil {
			return nil, err
		}
		a.Duration = d
	}
	return a, nil
}

func (p parser) sessionLength(v Verb, s string) (time.Duration, error) {
	d, err := parseSpan(s)
	if err != nil || d < minSessionLength || d > maxSessionLength {
		return 0, p.fail(v, "%q is not a session length from 15m to 12h (write e.g. 90m, 2h or 1h30m).", clip(s, 40))
	}
	return d, nil
}

func parseSessionCancel(p parser, v Verb, args []token) (any, error) {
	if len(args) != 1 {
		return nil, p.fail(v, "Give the session's number (see /als sessions) or its date.")
	}
	s := strings.TrimPrefix(args[0].val, "#")
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 {
			return nil, p.fail(v, "Session numbers start at 1.")
		}
		return SessionCancelArgs{Number: n}, nil
	}
	d, err := parseDate(s)
	if err != nil {
		return nil, p.fail(v, "%s", err)
	}
	return SessionCancelArgs{Date: &d}, nil
}

func parseBid(p parser, v Verb, args []token) (any, error) {
	s, err := p.text(v, args)
	if err != nil {
		return nil, err
	}
	return BidArgs{Title: s}, nil
}

func parseRoundStart(p parser, v Verb, args []token) (any, error) {
	var a RoundStartArgs
	for i := 0; i < len(args); i++ {
		t := args[i]
		switch {
		case !t.quoted && t.lower() == "observer":
			if i+1 >= len(args) || !args[i+1].isMention() || a.Observer != "" {
				return nil, p.fail(v, "Mention the observer after the word observer, e.g. observer @ben.")
			}
			a.Observer = args[i+1].mention()
			i++
		case t.isMention() && a.Presenter == "":
			a.Presenter = t.mention()
		default:
			return nil, p.fail(v, "%q is not expected here; mention at most a presenter and an observer.", clip(t.val, 40))
		}
	}
	if a.Presenter != "" && a.Presenter == a.Observer {
		return nil, p.fail(v, "The presenter cannot also be the observer.")
	}
	return a, nil
}

func parseCommit(p parser, v Verb, args []token) (any, error) {
	var a CommitArgs
	if n := len(args); n >= 2 && !args[n-2].quoted && args[n-2].lower() == "by" && looksLikeDate(args[n-1].val) {
		d, err := parseDate(args[n-1].val)
		if err != nil {
			return nil, p.fail(v, "%s", err)
		}
		a.Due = &d
		args = args[:n-2]
	}
	s, err := p.text(v, args)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return nil, p.fail(v, "Say what you will do, e.g. /als commit Talk to the duty team.")
	}
	a.Text = s
	return a, nil
}

// formCommit reads the commitment form (the action prompt's): its text and
// an optional due date from a date picker.
func formCommit(_ parser, _ Verb, _ []token, values map[string]string) (any, bool, error) {
	a := CommitArgs{Text: strings.TrimSpace(values["text"])}
	if err := CheckText(a.Text, "what you will do before the next session"); err != nil {
		return nil, true, err
	}
	if due := strings.TrimSpace(values["due"]); due != "" {
		t, err := time.Parse("2006-01-02", due)
		if err != nil {
			return nil, true, Errorf(EINVALID, "%q is not a date I can read. Write the date as YYYY-MM-DD, e.g. 2026-12-03.", clip(due, 40))
		}
		a.Due = &Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	}
	return a, true, nil
}

// reportHead reads a report's id and status, the words before its text.
func reportHead(p parser, v Verb, args []token) (string, ReportStatus, error) {
	id, ok := normalizeShortID(args[0].val)
	if !ok {
		return "", "", p.fail(v, "%q is not a commitment id; ids look like C-12 (see /als actions).", clip(args[0].val, 40))
	}
	switch args[1].lower() {
	case "done":
		return id, ReportDone, nil
	case "progress":
		return id, ReportProgress, nil
	case "blocked":
		return id, ReportBlocked, nil
	}
	return "", "", p.fail(v, "%q is not a status; write done, progress or blocked.", clip(args[1].val, 40))
}

func parseReport(p parser, v Verb, args []token) (any, error) {
	if len(args) < 3 {
		return nil, p.fail(v, "Give the commitment's id (see /als actions), done, progress or blocked, and what you did and learned.")
	}
	id, st, err := reportHead(p, v, args)
	if err != nil {
		return nil, err
	}
	s, err := p.text(v, args[2:])
	if err != nil {
		return nil, err
	}
	return ReportArgs{ID: id, Status: st, Text: s}, nil
}

// formReport reads the report form of a nudge's button ("report C-12 done"
// with the text in the form's "text" field).
func formReport(p parser, v Verb, args []token, values map[string]string) (any, bool, error) {
	text, ok := values["text"]
	if !ok {
		return nil, false, nil
	}
	if len(args) != 2 {
		return nil, true, p.fail(v, "Give the commitment's id (see /als actions), done, progress or blocked, and what you did and learned.")
	}
	id, st, err := reportHead(p, v, args)
	if err != nil {
		return nil, true, err
	}
	text = strings.TrimSpace(text)
	if err := CheckText(text, "what you did and learned"); err != nil {
		return nil, true, err
	}
	return ReportArgs{ID: id, Status: st, Text: text}, true, nil
}

// normalizeShortID accepts C-12, c-12, C12 and 12 and returns "C-12".
func normalizeShortID(s string) (string, bool) {
	if len(s) > 0 && (s[0] == 'C' || s[0] == 'c') {
		s = strings.TrimPrefix(s[1:], "-")
	}
	if s == "" || len(s) > 9 {
		return "", false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	n, _ := strconv.Atoi(s)
	if n < 1 {
		return "", false
	}
	return "C-" + strconv.Itoa(n), true
}

func parseFeedback(p parser, v Verb, args []token) (any, error) {
	if len(args) == 0 {
		return nil, p.fail(v, "Give a rating from 1 to 5.")
	}
	n, err := strconv.Atoi(args[0].val)
	if err != nil || n < 1 || n > 5 {
		return nil, p.fail(v, "%q is not a rating; give a whole number from 1 to 5.", clip(args[0].val, 40))
	}
	s, err := p.text(v, args[1:])
	if err != nil {
		return nil, err
	}
	return FeedbackArgs{Rating: n, Comment: s}, nil
}

// formFeedback reads the feedback form (the pulse's "Rate with a comment"):
// a rating and an optional comment.
func formFeedback(p parser, v Verb, _ []token, values map[string]string) (any, bool, error) {
	raw, ok := values["rating"]
	if !ok {
		return nil, false, nil
	}
	raw = strings.TrimSpace(raw)
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 5 {
		return nil, true, Errorf(EINVALID, "%q is not a rating; pick a whole number from 1 to 5. Usage: %s", clip(raw, 40), Usage(v))
	}
	comment := strings.TrimSpace(values["comment"])
	if comment != "" {
		if err := CheckText(comment, "a comment"); err != nil {
			return nil, true, err
		}
	}
	return FeedbackArgs{Rating: n, Comment: comment}, true, nil
}

func parseMentoringLog(p parser, v Verb, args []token) (any, error) {
	if len(args) == 0 || !args[0].isMention() {
		return nil, p.fail(v, "Mention your mentee first, e.g. @ana.")
	}
	a := MentoringLogArgs{Mentee: args[0].mention()}
	rest := args[1:]
	if len(rest) > 0 && !rest[0].quoted && looksLikeDate(rest[0].val) {
		d, err := parseDate(rest[0].val)
		if err != nil {
			return nil, p.fail(v, "%s", err)
		}
		a.Date = &d
		rest = rest[1:]
	}
	s, err := p.text(v, rest)
	if err != nil {
		return nil, err
	}
	a.Note = s
	return a, nil
}

func parseForgetMe(p parser, v Verb, args []token) (any, error) {
	if len(args) == 1 && !args[0].quoted && args[0].lower() == "confirm" {
		return ForgetMeArgs{Confirm: true}, nil
	}
	if _, err := noArgs(p, v, args); err != nil {
		return nil, err
	}
	return ForgetMeArgs{}, nil
}

func parseRetention(p parser, v Verb, args []token) (any, error) {
	if len(args) != 1 {
		return nil, p.fail(v, "Give the number of days, from 1 to %d.", maxRetentionDays)
	}
	n, err := strconv.Atoi(args[0].val)
	if err != nil || n < 1 || n > maxRetentionDays {
		return nil, p.fail(v, "%q is not a number of days from 1 to %d.", clip(args[0].val, 40), maxRetentionDays)
	}
	return RetentionArgs{Days: n}, nil
}
