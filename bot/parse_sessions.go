package bot

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// The argument parsers of the Sessions and Rounds verbs (see registry.go).

func parseSessionAdd(p parser, args []token) (any, error) {
	// What follows the time and starts with a digit is a length or an end
	// time, never the place (ReadSessionWhen).
	words := tokenWords(args)
	sw, err := ReadSessionWhen(words)
	if err != nil {
		return nil, p.fail("%s", err)
	}
	// "2pm for 2 hours": the length after "for" is a length, not the start
	// of the place (a trial stored "for 2 hours in Room 4" as the place of
	// a 3-hour session).
	if r := sw.Rest; sw.Duration == 0 && r+1 < len(args) && !args[r].quoted && args[r].lower() == "for" && startsWithDigit(words[r+1]) {
		sw2, err := ReadSessionWhen(append(slices.Clip(words[:r]), words[r+1:]...))
		if err != nil {
			return nil, p.fail("%s", err)
		}
		if sw2.Rest > r {
			sw, sw.Rest = sw2, sw2.Rest+1
		}
	}
	a := SessionAddArgs{Date: sw.Date, At: sw.At, Duration: sw.Duration}
	if a.Where, err = p.text(args[sw.Rest:]); err != nil {
		return nil, err
	}
	return a, nil
}

func parseSchedule(p parser, args []token) (any, error) {
	confirm := false
	if n := len(args); n > 0 && !args[n-1].quoted && args[n-1].lower() == "confirm" {
		confirm, args = true, args[:n-1]
	}
	if confirm && len(args) == 0 {
		// "schedule confirm" after a preview: nothing remembers the preview,
		// so say what to write rather than the general schedule help.
		return nil, p.fail("To confirm a schedule, press the button under its preview, or write the schedule again with confirm at the end, e.g. schedule every 4 weeks on thursday 14:00 2h confirm.")
	}
	if len(args) > 0 && !args[0].quoted && IsPlainSchedule(args[0].val) {
		// A plain schedule: the scheduler reads it with its length.
		spec := strings.Join(tokenWords(args), " ")
		if len(spec) > 200 {
			return nil, p.fail("That schedule is too long; write e.g. every 4 weeks on thursday 14:00 2h.")
		}
		return ScheduleArgs{Spec: spec, Confirm: confirm}, nil
	}
	a, err := parseCron(p, args)
	if err != nil {
		return nil, err
	}
	ca := a.(ScheduleArgs)
	ca.Confirm = confirm
	return ca, nil
}

// parseCron reads schedule "<cron spec>" [<length>].
func parseCron(p parser, args []token) (any, error) {
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
		return nil, p.fail("Write a plain schedule such as every 4 weeks on thursday 14:00 2h or monthly first friday 14:00, or a cron spec in quotes, e.g. schedule \"0 18 * * 2\" 2h, or schedule off.")
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
		return 0, p.fail("%q is not a session length from 15 min to 12 h (write e.g. 90m, 2h or 1h30m).", clip(s, 40))
	}
	return d, nil
}

func parseSessionCancel(p parser, args []token) (any, error) {
	if len(args) == 0 {
		return nil, p.fail("Give the session's number (see /als sessions) or its date.")
	}
	s := strings.TrimPrefix(args[0].val, "#")
	if n, err := strconv.Atoi(s); err == nil && len(args) == 1 {
		if n < 1 {
			return nil, p.fail("Session numbers start at 1.")
		}
		return SessionCancelArgs{Number: n}, nil
	}
	d, err := ParseDate(strings.Join(tokenWords(args), " "))
	if err != nil {
		return nil, p.fail("%s", err)
	}
	return SessionCancelArgs{Date: d}, nil
}

func parseSessionStart(p parser, args []token) (any, error) {
	switch {
	case len(args) == 0:
		return SessionStartArgs{}, nil
	case len(args) > 1:
		return nil, p.fail("Give one session number (see /als sessions), or extra.")
	case args[0].lower() == "extra":
		return SessionStartArgs{Extra: true}, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(args[0].val, "#"))
	if err != nil || n < 1 {
		return nil, p.fail("%q is not a session number (see /als sessions); write extra for a session outside the plan.", clip(args[0].val, 40))
	}
	return SessionStartArgs{Number: n}, nil
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
		case !t.quoted && t.lower() == "again" && a.Presenter != "" && !a.Again:
			a.Again = true
		default:
			return nil, p.fail("%q is not expected here; mention at most a presenter and an observer.", clip(t.val, 40))
		}
	}
	if a.Presenter != "" && a.Presenter == a.Observer {
		return nil, p.fail("The presenter cannot also be the observer.")
	}
	return a, nil
}
