package scheduler

// Plain-language schedules beside cron, so a facilitator who is not a
// programmer can write "every 4 weeks on thursday 14:00" or "monthly first
// friday 14:00" instead of a cron spec that cannot say either (cron has no
// "every 4 weeks", and "0 14 1-7 * 5" means every day of the first week
// AND every Friday). Both kinds are a Recurring with robfig/cron's
// Schedule semantics (Next(t) is the first occurrence strictly after t), so
// the planner and previews treat them alike; both are DST-correct in the
// set's zone through wallInstant.
//
// This file reads them; plain_next.go writes them back and finds their
// occurrences, preview.go previews a schedule and explains a cron spec.

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/alsbot/alsbot/bot"
)

// Recurring is a recurring session time: a cron spec or a plain one.
type Recurring interface {
	cron.Schedule
	// String is the schedule's stored form; ParseSchedule reads it back.
	String() string
	// Between returns the occurrences in (from, until], at most max.
	Between(from, until time.Time, max int) []time.Time
	// Location is the zone the schedule is evaluated in.
	Location() *time.Location
}

var (
	_ Recurring = (*Spec)(nil)
	_ Recurring = (*Plain)(nil)
)

// Plain is a plain-language schedule: every N weeks on a weekday, or every
// N months on the nth (or last) weekday or on a day of the month.
type Plain struct {
	monthly bool
	every   int          // weeks or months between sessions, at least 1
	weekday time.Weekday // weekly, and monthly by weekday
	nth     int          // monthly by weekday: 1-4, or -1 for the last
	dom     int          // monthly by day: 1-28, or -1 for the last day; 0 when by weekday
	at      bot.TimeOfDay
	from    bot.Date // the first week or month counted; no occurrence before it
	loc     *time.Location
}

// IsPlain reports whether text is written as a plain schedule rather than a
// cron spec (bot.IsPlainSchedule).
func IsPlain(text string) bool { return bot.IsPlainSchedule(text) }

// ParseSchedule reads a plain schedule or a 5-field cron spec, evaluated in
// loc. A plain schedule that does not say where it starts ("every 4 weeks
// on thursday") starts at its first occurrence after now; its String says
// so ("… from 2026-12-10"), so the stored form reads back the same.
func ParseSchedule(text string, loc *time.Location, now time.Time) (Recurring, error) {
	if !IsPlain(text) {
		if err := checkCron(text); err != nil {
			return nil, err
		}
		return ParseSpec(text, loc)
	}
	p, rest, err := ReadPlain(strings.Fields(text), loc, now)
	if err != nil {
		return nil, err
	}
	if rest < len(strings.Fields(text)) {
		return nil, bot.Errorf(bot.EINVALID, "%q is not part of a schedule. Write e.g. every 4 weeks on thursday 14:00, or monthly first friday 14:00.", strings.Join(strings.Fields(text)[rest:], " "))
	}
	return p, nil
}

// ParseScheduleLength reads what follows "schedule": a plain schedule and
// an optional session length ("every 4 weeks on thursday 14:00 2h"), or a
// cron spec alone (its length is a separate argument).
func ParseScheduleLength(text string, loc *time.Location, now time.Time) (Recurring, time.Duration, error) {
	if !IsPlain(text) {
		r, err := ParseSchedule(text, loc, now)
		return r, 0, err
	}
	words := strings.Fields(text)
	p, n, err := ReadPlain(words, loc, now)
	if err != nil {
		return nil, 0, err
	}
	d, dn, err := bot.ReadDuration(words[n:])
	if err != nil {
		return nil, 0, err
	}
	if dn > 0 && (d < 15*time.Minute || d > 12*time.Hour) {
		return nil, 0, bot.Errorf(bot.EINVALID, "A session lasts from 15 min to 12 h; %q is outside that. Write e.g. 2h or 90m after the time.", strings.Join(words[n:n+dn], " "))
	}
	if rest := words[n+dn:]; len(rest) > 0 {
		return nil, 0, bot.Errorf(bot.EINVALID, "%q is not part of a schedule: after the time only a session length may follow (e.g. 2h). Write e.g. %s.", plainClip(strings.Join(rest, " ")), plainExamples)
	}
	return p, d, nil
}

// plainExamples are shown with every refusal of a plain schedule.
const plainExamples = "every 4 weeks on thursday 14:00, every week on monday 10:00, monthly first friday 14:00, monthly last tuesday 9.30am or monthly on the 15th 10:00"

// ReadPlain reads a plain schedule from the start of words and returns how
// many words it used; what follows (a session length) is the caller's.
//
//	every [N] week[s] on <weekday> [at] <time> [from <date>]
//	every <weekday> [at] <time>, weekly on <weekday> …, fortnightly on …
//	monthly [on the] first|second|third|fourth|last <weekday> [at] <time>
//	monthly on the 15th [at] <time>, monthly on the last day …
//	every [N] month[s] on the first friday …
func ReadPlain(words []string, loc *time.Location, now time.Time) (*Plain, int, error) {
	if loc == nil {
		loc = time.UTC
	}
	p := &Plain{every: 1, loc: loc}
	lw := func(i int) string {
		if i < len(words) {
			return strings.TrimRight(strings.ToLower(words[i]), ",")
		}
		return ""
	}
	fail := func(format string, args ...any) (*Plain, int, error) {
		return nil, 0, bot.Errorf(bot.EINVALID, "%s Write e.g. %s.", fmt.Sprintf(format, args...), plainExamples)
	}
	i := 0
	switch lw(0) {
	case "weekly":
		i = 1
	case "fortnightly":
		p.every, i = 2, 1
	case "monthly":
		p.monthly, i = true, 1
	case "every", "each":
		i = 1
		switch w := lw(1); {
		case w == "other":
			p.every, i = 2, 2
		case plainNumber(w):
			n, _ := strconv.Atoi(w)
			if n < 1 || n > 52 {
				return fail("%q is not a number of weeks or months from 1 to 52.", words[1])
			}
			p.every, i = n, 2
		}
		switch u := lw(i); u {
		case "week", "weeks", "wk", "wks":
			i++
		case "fortnight":
			p.every *= 2
			i++
		case "month", "months":
			p.monthly = true
			i++
		default:
			if _, ok := bot.ParseWeekday(u); ok && p.every == 1 && i == 1 {
				break // "every thursday 14:00"
			}
			if p.every > 1 && i == 2 {
				return fail("Say weeks or months after %d.", p.every)
			}
			if _, ok := bot.ParseWeekday(u); !ok {
				return fail("%q is not weeks, months or a weekday.", plainClip(u))
			}
		}
	default:
		return fail("A plain schedule starts with every, weekly, fortnightly or monthly.")
	}
	if lw(i) == "on" {
		i++
	}
	if lw(i) == "the" {
		i++
	}
	if p.monthly {
		w := lw(i)
		if _, isDay := bot.ParseWeekday(lw(i + 1)); isDay {
			// "the 1st friday" is the first Friday; "the 1st" alone a day.
			if word, ok := map[string]string{"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth"}[w]; ok {
				w = word
			}
		}
		switch w {
		case "first":
			p.nth = 1
		case "second":
			p.nth = 2
		case "third":
			p.nth = 3
		case "fourth":
			p.nth = 4
		case "last":
			p.nth = -1
		case "fifth":
			return fail("Not every month has a fifth %s; use last instead.", strings.TrimSuffix(lw(i+1), "s"))
		default:
			d, ok := plainDayOfMonth(w)
			if !ok {
				return fail("%q is not first, second, third, fourth, last or a day of the month such as the 15th.", plainClip(w))
			}
			if d > 28 {
				return fail("Not every month has a %s; write monthly on the last day, or a day up to the 28th.", w)
			}
			p.dom = d
		}
		i++
		if p.nth != 0 {
			w := lw(i)
			if p.nth == -1 && w == "day" {
				p.nth, p.dom = 0, -1
			} else if wd, ok := bot.ParseWeekday(w); ok {
				p.weekday = wd
			} else {
				return fail("%q is not a weekday.", plainClip(w))
			}
			i++
		}
	} else {
		wd, ok := bot.ParseWeekday(lw(i))
		if !ok {
			return fail("Say which day, e.g. on thursday.")
		}
		p.weekday = wd
		i++
	}
	if lw(i) == "at" {
		i++
	}
	at, n, err := bot.ReadTime(words[i:])
	if err != nil {
		return nil, 0, err
	}
	if n == 0 {
		return fail("Give the time after the day, e.g. %s 14:00.", strings.Join(words[:i], " "))
	}
	p.at, i = at, i+n
	// "from <date>" or "starting <date>": where the count begins.
	start := now.In(loc)
	fromGiven := false
	if w := lw(i); w == "from" || w == "starting" || w == "start" {
		spec, n, err := bot.ReadDate(words[i+1:])
		if err != nil {
			return nil, 0, err
		}
		if n == 0 {
			return fail("Give a date after %s, e.g. from 07/01/2027.", w)
		}
		d, err := spec.Resolve(now.In(loc))
		if err != nil {
			return nil, 0, err
		}
		start, fromGiven, i = time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc), true, i+1+n
	}
	// Anchor on the first occurrence, so "every 4 weeks" counts from the
	// first session and String says where that is.
	first := p.firstFrom(start)
	if first.IsZero() {
		return fail("This schedule never happens.")
	}
	ft := first.In(loc)
	switch fd := (bot.Date{Year: ft.Year(), Month: ft.Month(), Day: ft.Day()}); {
	case p.monthly && p.every > 1:
		p.from = bot.Date{Year: fd.Year, Month: fd.Month, Day: 1}
	case p.every > 1 || fromGiven:
		p.from = fd
	}
	return p, i, nil
}

func plainNumber(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// plainDayOfMonth reads 15, 15th, 1st, 2nd, 3rd, 22nd.
func plainDayOfMonth(w string) (int, bool) {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		w = strings.TrimSuffix(w, suf)
	}
	if !plainNumber(w) {
		return 0, false
	}
	d, _ := strconv.Atoi(w)
	return d, d >= 1 && d <= 31
}

func plainClip(s string) string {
	if r := []rune(s); len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}
