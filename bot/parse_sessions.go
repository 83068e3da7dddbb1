package bot

import (
	"strconv"
	"strings"
	"time"
)

// The argument parsers of the Sessions and Rounds verbs (see registry.go).

func parseSessionAdd(p parser, args []token) (any, error) {
	if len(args) < 2 {
		return nil, p.fail("Give the date and the start time.")
	}
	date, err := parseDate(args[0].val)
	if err != nil {
		return nil, p.fail("%s", err)
	}
	at, err := parseClock(args[1].val)
	if err != nil {
		return nil, p.fail("%s", err)
	}
	a := SessionAddArgs{Date: date, At: at}
	rest := args[2:]
	if len(rest) > 0 && !rest[0].quoted && looksLikeSpan(rest[0].val) {
		if a.Duration, err = p.sessionLength(rest[0].val); err != nil {
			return nil, err
		}
		rest = rest[1:]
	}
	if a.Where, err = p.text(rest); err != nil {
		return nil, err
	}
	return a, nil
}

func parseSchedule(p parser, args []token) (any, error) {
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
		return nil, p.fail("Put the cron spec in quotes, e.g. schedule \"0 18 * * 2\" 2h, or write schedule off.")
	}
	spec = strings.TrimSpace(spec)
	if spec == "" || len(spec) > 200 {
		return nil, p.fail("Give a 5-field cron spec, e.g. \"0 18 * * 2\".")
	}
	a := ScheduleArgs{Spec: spec}
	if len(rest) > 1 {
		return nil, p.fail("Only a duration may follow the cron spec.")
	}
	if len(rest) == 1 {
		d, err := p.sessionLength(rest[0].val)
		if err != nil {
			return nil, err
		}
		a.Duration = d
	}
	return a, nil
}

func (p parser) sessionLength(s string) (time.Duration, error) {
	d, err := parseSpan(s)
	if err != nil || d < minSessionLength || d > maxSessionLength {
		return 0, p.fail("%q is not a session length from 15m to 12h (write e.g. 90m, 2h or 1h30m).", clip(s, 40))
	}
	return d, nil
}

func parseSessionCancel(p parser, args []token) (any, error) {
	if len(args) != 1 {
		return nil, p.fail("Give the session's number (see /als sessions) or its date.")
	}
	s := strings.TrimPrefix(args[0].val, "#")
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 {
			return nil, p.fail("Session numbers start at 1.")
		}
		return SessionCancelArgs{Number: n}, nil
	}
	d, err := parseDate(s)
	if err != nil {
		return nil, p.fail("%s", err)
	}
	return SessionCancelArgs{Date: &d}, nil
}

func parseBid(p parser, args []token) (any, error) {
	s, err := p.text(args)
	if err != nil {
		return nil, err
	}
	return BidArgs{Title: s}, nil
}

func parseRoundStart(p parser, args []token) (any, error) {
	var a RoundStartArgs
	for i := 0; i < len(args); i++ {
		t := args[i]
		switch {
		case !t.quoted && t.lower() == "observer":
			if i+1 >= len(args) || !args[i+1].isMention() || a.Observer != "" {
				return nil, p.fail("Mention the observer after the word observer, e.g. observer @ben.")
			}
			a.Observer = args[i+1].mention()
			i++
		case t.isMention() && a.Presenter == "":
			a.Presenter = t.mention()
		default:
			return nil, p.fail("%q is not expected here; mention at most a presenter and an observer.", clip(t.val, 40))
		}
	}
	if a.Presenter != "" && a.Presenter == a.Observer {
		return nil, p.fail("The presenter cannot also be the observer.")
	}
	return a, nil
}
