package bot

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// token is one word of a command. Quoted tokens keep their raw form so that
// free text keeps the quotes a member wrote.
type token struct {
	val    string // the value, without quotes
	raw    string // as written
	quoted bool
}

func (t token) lower() string { return strings.ToLower(t.val) }

func (t token) isMention() bool {
	return !t.quoted && len(t.mention()) > 0 && t.val[0] == '@'
}

// mention is the mention's name: without the '@' and a trailing comma, as
// in "members add @ana, @ben".
func (t token) mention() string {
	if len(t.val) < 2 {
		return ""
	}
	return strings.TrimRight(t.val[1:], ",")
}

// Limits of the grammar.
const (
	minSessionLength = 15 * time.Minute
	maxSessionLength = 12 * time.Hour
	minReminder      = time.Minute
	maxReminder      = 60 * 24 * time.Hour
	minPhase         = time.Minute
	maxPhase         = 4 * time.Hour
	maxRetentionDays = 3650
)

// Parse parses a command of the grammar of DESIGN.md section 3. A leading
// "/als" is optional; keywords are case-insensitive; empty text asks for
// help. Every error is EINVALID with a sentence and the command's usage.
func Parse(text string) (Command, error) {
	toks, err := tokenize(text)
	if len(toks) > 0 && !toks[0].quoted && toks[0].lower() == "/als" {
		toks = toks[1:]
	}
	if err != nil {
		return Command{}, Errorf(EINVALID, "%s Usage: %s", err, Usage(guessVerb(toks)))
	}
	if len(toks) == 0 {
		return Command{Verb: VerbHelp}, nil
	}
	p := parser{}
	head := ""
	if !toks[0].quoted {
		head = toks[0].lower()
	}
	sub := ""
	if len(toks) > 1 && !toks[1].quoted {
		sub = toks[1].lower()
	}
	args := toks[1:]
	switch head {
	case "help":
		return p.help(args)
	case "home":
		return p.noArgs(VerbHome, args)
	case "setup":
		return p.setup(args)
	case "members":
		switch sub {
		case "add":
			return p.mentions(VerbMembersAdd, toks[2:], 1, -1)
		case "remove":
			return p.mentions(VerbMembersRemove, toks[2:], 1, -1)
		}
		return p.noArgs(VerbMembers, args)
	case "facilitator":
		if sub == "add" {
			return p.mentions(VerbFacilitatorAdd, toks[2:], 1, -1)
		}
		return Command{}, p.fail(VerbFacilitatorAdd, "Write facilitator add followed by the people to add.")
	case "mentor":
		return p.mentor(args)
	case "timezone":
		return p.timezone(args)
	case "phases":
		return p.phases(args)
	case "observer":
		return p.observer(args)
	case "reminders":
		return p.reminders(args)
	case "nudges":
		return p.nudges(args)
	case "schedule":
		return p.schedule(args)
	case "sessions":
		return p.noArgs(VerbSessions, args)
	case "session":
		switch sub {
		case "add":
			return p.sessionAdd(toks[2:])
		case "cancel":
			return p.sessionCancel(toks[2:])
		case "start":
			return p.noArgs(VerbSessionStart, toks[2:])
		case "end":
			return p.noArgs(VerbSessionEnd, toks[2:])
		}
		return Command{}, p.fail(VerbSessionAdd, "Write session add, session cancel, session start or session end (or sessions to list them).")
	case "here":
		return p.noArgs(VerbHere, args)
	case "bid":
		return p.freeText(VerbBid, args, false)
	case "round":
		switch sub {
		case "start":
			return p.roundStart(toks[2:])
		case "next":
			return p.noArgs(VerbRoundNext, toks[2:])
		case "end":
			return p.noArgs(VerbRoundEnd, toks[2:])
		case "status":
			return p.noArgs(VerbRoundStatus, toks[2:])
		}
		return Command{}, p.fail(VerbRoundStart, "Write round start, round next, round end or round status.")
	case "commit":
		return p.commit(args)
	case "actions":
		return p.noArgs(VerbActions, args)
	case "report":
		return p.report(args)
	case "feedback":
		return p.feedback(args)
	case "mentoring":
		if sub == "log" {
			return p.mentoringLog(toks[2:])
		}
		return Command{}, p.fail(VerbMentoringLog, "Write mentoring log followed by your mentee.")
	case "stats":
		return p.noArgs(VerbStats, args)
	case "export":
		return p.noArgs(VerbExport, args)
	case "mydata":
		return p.noArgs(VerbMyData, args)
	case "forget":
		if sub == "me" {
			// "forget me confirm" is the second step (the button under the
			// first answer): Command.On marks it.
			if rest := toks[2:]; len(rest) == 1 && !rest[0].quoted && rest[0].lower() == "confirm" {
				return Command{Verb: VerbForgetMe, On: true}, nil
			}
			return p.noArgs(VerbForgetMe, toks[2:])
		}
		return Command{}, p.fail(VerbForgetMe, "Write forget me to erase your own records.")
	case "set":
		if sub == "archive" {
			return p.noArgs(VerbSetArchive, toks[2:])
		}
		return Command{}, p.fail(VerbSetArchive, "Write set archive to end the set.")
	case "retention":
		return p.retention(args)
	}
	word := toks[0].val
	msg := fmt.Sprintf("I don't know the command %q.", clip(word, 40))
	guess := ""
	if len(toks) > 1 {
		guess = closestCommand(strings.ToLower(word + " " + toks[1].val))
	}
	if guess == "" {
		guess = closestCommand(strings.ToLower(word))
	}
	if guess != "" {
		msg += fmt.Sprintf(" Did you mean /als %s?", guess)
	}
	return Command{}, Errorf(EINVALID, "%s Write /als help to see every command. Usage: %s", msg, Usage(VerbHelp))
}

// tokenize splits on white space; a token that starts with a straight or
// typographic double quote runs to the next closing quote.
func tokenize(text string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		start := i
		if isQuote(r) {
			i += size
			end := -1
			for j := i; j < len(text); {
				q, n := utf8.DecodeRuneInString(text[j:])
				if isQuote(q) {
					end = j
					i = j + n
					break
				}
				j += n
			}
			if end < 0 {
				return toks, fmt.Errorf("A quote is not closed; close every quoted text with a matching \", e.g. nudges \"0 9 * * 1\".")
			}
			toks = append(toks, token{val: text[start+size : end], raw: text[start:i], quoted: true})
			continue
		}
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(r) {
				break
			}
			i += size
		}
		toks = append(toks, token{val: text[start:i], raw: text[start:i]})
	}
	return toks, nil
}

// guessVerb names the command the tokens start, for the usage line of an
// error found before the command was parsed.
func guessVerb(toks []token) Verb {
	var w []string
	for i := 0; i < len(toks) && i < 2; i++ {
		w = append(w, toks[i].lower())
	}
	for n := len(w); n > 0; n-- {
		if _, ok := docOf(Verb(strings.Join(w[:n], " "))); ok {
			return Verb(strings.Join(w[:n], " "))
		}
	}
	return VerbHelp
}

func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' }

// parser holds no state; its methods share the error format.
type parser struct{}

// fail returns EINVALID with the sentence and the usage line of v.
func (parser) fail(v Verb, format string, args ...any) error {
	return Errorf(EINVALID, "%s Usage: %s", fmt.Sprintf(format, args...), Usage(v))
}

func (p parser) noArgs(v Verb, args []token) (Command, error) {
	if len(args) > 0 {
		if v == VerbHome {
			return Command{}, Errorf(EINVALID, "home takes nothing after it. Usage: %s", Usage(VerbHelp))
		}
		return Command{}, p.fail(v, "%s takes nothing after it.", v)
	}
	return Command{Verb: v}, nil
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

func (p parser) freeText(v Verb, args []token, required bool) (Command, error) {
	s, err := p.text(v, args)
	if err != nil {
		return Command{}, err
	}
	if required && s == "" {
		return Command{}, p.fail(v, "Some text is needed after %s.", v)
	}
	return Command{Verb: v, Text: s}, nil
}

func (p parser) help(args []token) (Command, error) {
	words := make([]string, 0, len(args))
	for _, t := range args {
		words = append(words, strings.ToLower(t.val))
	}
	if len(words) > 0 && words[0] == "/als" {
		words = words[1:]
	}
	topic := strings.Join(words, " ")
	if utf8.RuneCountInString(topic) > MaxTextLen {
		return Command{}, p.fail(VerbHelp, "The topic is longer than %d characters.", MaxTextLen)
	}
	return Command{Verb: VerbHelp, Text: topic}, nil
}

func (p parser) setup(args []token) (Command, error) {
	c, err := p.freeText(VerbSetup, args, false)
	if err == nil && c.Text == "" {
		err = p.fail(VerbSetup, "The set needs a name.")
	}
	return c, err
}

// mentions parses a list of at least `least` mentions (at most `most`; -1: any).
func (p parser) mentions(v Verb, args []token, least, most int) (Command, error) {
	var ms []string
	for _, t := range args {
		if !t.isMention() {
			return Command{}, p.fail(v, "%q is not a mention; mention people with @, e.g. @ana.", clip(t.val, 40))
		}
		ms = append(ms, t.mention())
	}
	if len(ms) < least {
		return Command{}, p.fail(v, "Mention who you mean with @, e.g. @ana.")
	}
	if most >= 0 && len(ms) > most {
		return Command{}, p.fail(v, "Mention only %d person here.", most)
	}
	return Command{Verb: v, Mentions: ms}, nil
}

func (p parser) mentor(args []token) (Command, error) {
	if len(args) != 3 || !args[0].isMention() || args[1].lower() != "for" || !args[2].isMention() {
		return Command{}, p.fail(VerbMentor, "Mention the mentor, then for, then the member they mentor.")
	}
	return Command{Verb: VerbMentor, Mentions: []string{args[0].mention(), args[2].mention()}}, nil
}

func (p parser) timezone(args []token) (Command, error) {
	if len(args) != 1 || args[0].val == "" || len(args[0].val) > 64 {
		return Command{}, p.fail(VerbTimezone, "Give one IANA time zone name, e.g. Europe/London.")
	}
	return Command{Verb: VerbTimezone, Zone: args[0].val}, nil
}

func (p parser) phases(args []token) (Command, error) {
	valid := make([]string, len(Phases))
	for i, ph := range Phases {
		valid[i] = string(ph)
	}
	if len(args) == 0 {
		return Command{}, p.fail(VerbPhases, "Give at least one phase and its time box, e.g. questioning=25m.")
	}
	out := make(map[Phase]time.Duration, len(args))
	for _, t := range args {
		name, val, ok := strings.Cut(t.val, "=")
		name = strings.ToLower(name)
		if !ok {
			return Command{}, p.fail(VerbPhases, "%q should be written as phase=time, e.g. questioning=25m.", clip(t.val, 40))
		}
		ph := Phase(name)
		known := false
		for _, x := range Phases {
			known = known || x == ph
		}
		if !known {
			return Command{}, p.fail(VerbPhases, "%q is not a phase; the phases are %s.", clip(name, 40), strings.Join(valid, ", "))
		}
		if _, dup := out[ph]; dup {
			return Command{}, p.fail(VerbPhases, "%s is given twice.", name)
		}
		d, err := parseSpan(val)
		if err != nil || d < minPhase || d > maxPhase {
			return Command{}, p.fail(VerbPhases, "%q is not a time box from 1m to 4h for %s (write e.g. 10m or 1h30m).", clip(val, 40), name)
		}
		out[ph] = d
	}
	return Command{Verb: VerbPhases, Phases: out}, nil
}

func (p parser) observer(args []token) (Command, error) {
	if len(args) == 1 {
		switch args[0].lower() {
		case "on":
			return Command{Verb: VerbObserver, On: true}, nil
		case "off":
			return Command{Verb: VerbObserver, On: false}, nil
		}
	}
	return Command{}, p.fail(VerbObserver, "Write observer on or observer off.")
}

func (p parser) reminders(args []token) (Command, error) {
	var ds []time.Duration
	for _, t := range args {
		for _, part := range strings.Split(t.val, ",") {
			if part == "" {
				continue
			}
			d, err := parseSpan(part)
			if err != nil || d < minReminder || d > maxReminder {
				return Command{}, p.fail(VerbReminders, "%q is not a lead time from 1m to 60d (write minutes, hours or days such as 30m, 2h, 7d).", clip(part, 40))
			}
			for _, x := range ds {
				if x == d {
					return Command{}, p.fail(VerbReminders, "%s is given twice.", part)
				}
			}
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return Command{}, p.fail(VerbReminders, "Give at least one lead time, e.g. 1d.")
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] > ds[j] })
	return Command{Verb: VerbReminders, Durations: ds}, nil
}

func (p parser) nudges(args []token) (Command, error) {
	spec := ""
	switch {
	case len(args) == 1:
		spec = args[0].val
	case len(args) > 1:
		for _, t := range args {
			if t.quoted {
				return Command{}, p.fail(VerbNudges, "Put the whole cron spec in one pair of quotes.")
			}
		}
		spec, _ = p.text(VerbNudges, args)
	}
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return Command{}, p.fail(VerbNudges, "Give a cron spec, e.g. \"0 9 * * 1\" for Mondays at 09:00.")
	}
	if len(spec) > 200 {
		return Command{}, p.fail(VerbNudges, "The cron spec is too long.")
	}
	return Command{Verb: VerbNudges, Spec: spec}, nil
}

func (p parser) schedule(args []token) (Command, error) {
	if len(args) == 1 && !args[0].quoted && args[0].lower() == "off" {
		return Command{Verb: VerbScheduleOff}, nil
	}
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
		return Command{}, p.fail(VerbSchedule, "Put the cron spec in quotes, e.g. schedule \"0 18 * * 2\" 2h, or write schedule off.")
	}
	spec = strings.TrimSpace(spec)
	if spec == "" || len(spec) > 200 {
		return Command{}, p.fail(VerbSchedule, "Give a 5-field cron spec, e.g. \"0 18 * * 2\".")
	}
	c := Command{Verb: VerbSchedule, Spec: spec}
	if len(rest) > 1 {
		return Command{}, p.fail(VerbSchedule, "Only a duration may follow the cron spec.")
	}
	if len(rest) == 1 {
		d, err := p.sessionLength(VerbSchedule, rest[0].val)
		if err != nil {
			return Command{}, err
		}
		c.Duration = d
	}
	return c, nil
}

func (p parser) sessionLength(v Verb, s string) (time.Duration, error) {
	d, err := parseSpan(s)
	if err != nil || d < minSessionLength || d > maxSessionLength {
		return 0, p.fail(v, "%q is not a session length from 15m to 12h (write e.g. 90m, 2h or 1h30m).", clip(s, 40))
	}
	return d, nil
}

func (p parser) sessionAdd(args []token) (Command, error) {
	v := VerbSessionAdd
	if len(args) < 2 {
		return Command{}, p.fail(v, "Give the date and the start time.")
	}
	date, err := parseDate(args[0].val)
	if err != nil {
		return Command{}, p.fail(v, "%s", err)
	}
	at, err := parseClock(args[1].val)
	if err != nil {
		return Command{}, p.fail(v, "%s", err)
	}
	c := Command{Verb: v, Date: &date, At: &at}
	rest := args[2:]
	if len(rest) > 0 && !rest[0].quoted && looksLikeSpan(rest[0].val) {
		if c.Duration, err = p.sessionLength(v, rest[0].val); err != nil {
			return Command{}, err
		}
		rest = rest[1:]
	}
	if c.Text, err = p.text(v, rest); err != nil {
		return Command{}, err
	}
	return c, nil
}

func (p parser) sessionCancel(args []token) (Command, error) {
	v := VerbSessionCancel
	if len(args) != 1 {
		return Command{}, p.fail(v, "Give the session's number (see /als sessions) or its date.")
	}
	s := strings.TrimPrefix(args[0].val, "#")
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 {
			return Command{}, p.fail(v, "Session numbers start at 1.")
		}
		return Command{Verb: v, Number: n}, nil
	}
	d, err := parseDate(s)
	if err != nil {
		return Command{}, p.fail(v, "%s", err)
	}
	return Command{Verb: v, Date: &d}, nil
}

func (p parser) roundStart(args []token) (Command, error) {
	v := VerbRoundStart
	c := Command{Verb: v}
	for i := 0; i < len(args); i++ {
		t := args[i]
		switch {
		case !t.quoted && t.lower() == "observer":
			if i+1 >= len(args) || !args[i+1].isMention() || c.Observer != "" {
				return Command{}, p.fail(v, "Mention the observer after the word observer, e.g. observer @ben.")
			}
			c.Observer = args[i+1].mention()
			i++
		case t.isMention() && c.Presenter == "":
			c.Presenter = t.mention()
		default:
			return Command{}, p.fail(v, "%q is not expected here; mention at most a presenter and an observer.", clip(t.val, 40))
		}
	}
	if c.Presenter != "" && c.Presenter == c.Observer {
		return Command{}, p.fail(v, "The presenter cannot also be the observer.")
	}
	return c, nil
}

func (p parser) commit(args []token) (Command, error) {
	v := VerbCommit
	c := Command{Verb: v}
	if n := len(args); n >= 2 && !args[n-2].quoted && args[n-2].lower() == "by" && looksLikeDate(args[n-1].val) {
		d, err := parseDate(args[n-1].val)
		if err != nil {
			return Command{}, p.fail(v, "%s", err)
		}
		c.Date = &d
		args = args[:n-2]
	}
	s, err := p.text(v, args)
	if err != nil {
		return Command{}, err
	}
	if s == "" {
		return Command{}, p.fail(v, "Say what you will do, e.g. /als commit Talk to the duty team.")
	}
	c.Text = s
	return c, nil
}

func (p parser) report(args []token) (Command, error) {
	v := VerbReport
	if len(args) < 3 {
		return Command{}, p.fail(v, "Give the commitment's id (see /als actions), done, progress or blocked, and what you did and learned.")
	}
	id, ok := normalizeShortID(args[0].val)
	if !ok {
		return Command{}, p.fail(v, "%q is not a commitment id; ids look like C-12 (see /als actions).", clip(args[0].val, 40))
	}
	var st ReportStatus
	switch args[1].lower() {
	case "done":
		st = ReportDone
	case "progress":
		st = ReportProgress
	case "blocked":
		st = ReportBlocked
	default:
		return Command{}, p.fail(v, "%q is not a status; write done, progress or blocked.", clip(args[1].val, 40))
	}
	s, err := p.text(v, args[2:])
	if err != nil {
		return Command{}, err
	}
	return Command{Verb: v, ID: id, Status: st, Text: s}, nil
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

func (p parser) feedback(args []token) (Command, error) {
	v := VerbFeedback
	if len(args) == 0 {
		return Command{}, p.fail(v, "Give a rating from 1 to 5.")
	}
	n, err := strconv.Atoi(args[0].val)
	if err != nil || n < 1 || n > 5 {
		return Command{}, p.fail(v, "%q is not a rating; give a whole number from 1 to 5.", clip(args[0].val, 40))
	}
	s, err := p.text(v, args[1:])
	if err != nil {
		return Command{}, err
	}
	return Command{Verb: v, Number: n, Text: s}, nil
}

func (p parser) mentoringLog(args []token) (Command, error) {
	v := VerbMentoringLog
	if len(args) == 0 || !args[0].isMention() {
		return Command{}, p.fail(v, "Mention your mentee first, e.g. @ana.")
	}
	c := Command{Verb: v, Mentions: []string{args[0].mention()}}
	rest := args[1:]
	if len(rest) > 0 && !rest[0].quoted && looksLikeDate(rest[0].val) {
		d, err := parseDate(rest[0].val)
		if err != nil {
			return Command{}, p.fail(v, "%s", err)
		}
		c.Date = &d
		rest = rest[1:]
	}
	s, err := p.text(v, rest)
	if err != nil {
		return Command{}, err
	}
	c.Text = s
	return c, nil
}

func (p parser) retention(args []token) (Command, error) {
	v := VerbRetention
	if len(args) != 1 {
		return Command{}, p.fail(v, "Give the number of days, from 1 to %d.", maxRetentionDays)
	}
	n, err := strconv.Atoi(args[0].val)
	if err != nil || n < 1 || n > maxRetentionDays {
		return Command{}, p.fail(v, "%q is not a number of days from 1 to %d.", clip(args[0].val, 40), maxRetentionDays)
	}
	return Command{Verb: v, Number: n}, nil
}

// looksLikeDate reports whether s is shaped like YYYY-MM-DD (digits and
// dashes), so a malformed date there is reported rather than read as text.
func looksLikeDate(s string) bool {
	if len(s) < 8 || len(s) > 10 || strings.Count(s, "-") != 2 {
		return false
	}
	for _, r := range s {
		if r != '-' && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// parseDate parses a real calendar date YYYY-MM-DD.
func parseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date; write a real date as YYYY-MM-DD, e.g. 2026-03-10.", clip(s, 40))
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// parseClock parses HH:MM from 00:00 to 23:59 (H:MM is accepted too).
func parseClock(s string) (TimeOfDay, error) {
	bad := fmt.Errorf("%q is not a time; write HH:MM from 00:00 to 23:59, e.g. 09:30.", clip(s, 40))
	hs, ms, ok := strings.Cut(s, ":")
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 {
		return TimeOfDay{}, bad
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || hs[0] == '+' || hs[0] == '-' || ms[0] == '+' || ms[0] == '-' {
		return TimeOfDay{}, bad
	}
	return TimeOfDay{Hour: h, Minute: m}, nil
}

// looksLikeSpan reports whether s is shaped like a duration (digits and the
// unit letters d, h, m, s, ending in a letter), so "2h" is a length but
// "2nd" or "4" (as in "4 Elm Street") start a place.
func looksLikeSpan(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' || s[len(s)-1] < 'A' {
		return false
	}
	for _, r := range strings.ToLower(s) {
		if (r < '0' || r > '9') && !strings.ContainsRune("dhms", r) {
			return false
		}
	}
	return true
}

// parseSpan parses a duration of whole days, hours and minutes such as 7d,
// 90m or 1h30m. Each unit may appear once, largest first.
func parseSpan(s string) (time.Duration, error) {
	s = strings.ToLower(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	units := []struct {
		c byte
		d time.Duration
	}{{'d', 24 * time.Hour}, {'h', time.Hour}, {'m', time.Minute}}
	var total time.Duration
	next := 0 // index of the smallest unit already used + 1
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		// At most 5 digits per unit, so the sum cannot overflow.
		if i == 0 || i == len(s) || i > 5 {
			return 0, fmt.Errorf("bad duration")
		}
		n, _ := strconv.Atoi(s[:i])
		u := -1
		for k := next; k < len(units); k++ {
			if units[k].c == s[i] {
				u = k
				break
			}
		}
		if u < 0 {
			return 0, fmt.Errorf("bad duration unit")
		}
		total += time.Duration(n) * units[u].d
		next = u + 1
		s = s[i+1:]
	}
	return total, nil
}

// closestCommand returns the command keyword nearest to w (edit distance at
// most 2), or "".
func closestCommand(w string) string {
	if w == "" || utf8.RuneCountInString(w) > 30 {
		return ""
	}
	seen := map[string]bool{}
	best, bestD := "", 3
	for _, d := range commandDocs() {
		for _, cand := range []string{string(d.verb), strings.Fields(string(d.verb))[0]} {
			if seen[cand] {
				continue
			}
			seen[cand] = true
			if dist := editDistance(w, cand); dist < bestD {
				best, bestD = cand, dist
			}
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
