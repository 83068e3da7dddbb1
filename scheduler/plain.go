package scheduler

// Plain-language schedules beside cron, so a facilitator who is not a
// programmer can write "every 4 weeks on thursday 14:00" or "monthly first
// friday 14:00" instead of a cron spec that cannot say either (cron has no
// "every 4 weeks", and "0 14 1-7 * 5" means every day of the first week
// AND every Friday). Both kinds are a Recurring with robfig/cron's
// Schedule semantics (Next(t) is the first occurrence strictly after t), so
// the planner and previews treat them alike; both are DST-correct in the
// set's zone through wallInstant.

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
			return fail("Give a date after %s, e.g. from 2027-01-07.", w)
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

// firstFrom is the first occurrence at or after start, ignoring the
// interval (used to anchor it).
func (p *Plain) firstFrom(start time.Time) time.Time {
	q := *p
	q.every, q.from = 1, bot.Date{}
	return q.Next(start.Add(-time.Nanosecond))
}

// Location implements Recurring.
func (p *Plain) Location() *time.Location { return p.loc }

// String is the canonical form, which ParseSchedule reads back: e.g.
// "every 4 weeks on thursday at 14:00 from 2026-12-10".
func (p *Plain) String() string {
	var b strings.Builder
	day := strings.ToLower(p.weekday.String())
	switch {
	case !p.monthly && p.every == 1:
		fmt.Fprintf(&b, "every week on %s", day)
	case !p.monthly:
		fmt.Fprintf(&b, "every %d weeks on %s", p.every, day)
	default:
		if p.every == 1 {
			b.WriteString("monthly on the ")
		} else {
			fmt.Fprintf(&b, "every %d months on the ", p.every)
		}
		switch {
		case p.dom == -1:
			b.WriteString("last day")
		case p.dom > 0:
			b.WriteString(plainOrdinal(p.dom))
		case p.nth == -1:
			b.WriteString("last " + day)
		default:
			b.WriteString([]string{"", "first", "second", "third", "fourth"}[p.nth] + " " + day)
		}
	}
	fmt.Fprintf(&b, " at %s", p.at)
	if p.from.Year != 0 {
		fmt.Fprintf(&b, " from %s", p.from)
	}
	return b.String()
}

func plainOrdinal(n int) string {
	suf := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suf = "st"
	case n%10 == 2:
		suf = "nd"
	case n%10 == 3:
		suf = "rd"
	}
	return strconv.Itoa(n) + suf
}

// Describe says the schedule in a sentence for answers: "every 4 weeks on
// Thursday at 14:00, from Thu 10 Dec 2026".
func (p *Plain) Describe() string {
	s := p.String()
	if i := strings.Index(s, " from "); i >= 0 {
		s = s[:i] + ", from " + bot.FormatDate(p.from)
	}
	return s
}

// Next implements cron.Schedule: the first occurrence strictly after t, or
// the zero time when there is none within ten years. Occurrences are wall
// times in the schedule's zone; one that falls in a spring-forward gap
// happens at the jump, one that occurs twice happens once (wallInstant).
func (p *Plain) Next(t time.Time) time.Time {
	loc := p.loc
	origin := t.Location()
	lt := t.In(loc)
	// A day early: a fall-back day's first instant of a wall time can
	// precede t's own wall reading.
	day := plainCivil(lt.Year(), lt.Month(), lt.Day()-1)
	if p.from.Year != 0 {
		if f := plainCivil(p.from.Year, p.from.Month, p.from.Day); f.After(day) {
			day = f
		}
	}
	limit := day.AddDate(10, 0, 0)
	if !p.monthly {
		// Move to the first matching weekday on or after day, then step
		// whole intervals from the anchor.
		day = day.AddDate(0, 0, (int(p.weekday)-int(day.Weekday())+7)%7)
		if p.every > 1 && p.from.Year != 0 {
			anchor := plainCivil(p.from.Year, p.from.Month, p.from.Day)
			weeks := int(day.Sub(anchor).Hours()/24+0.5) / 7
			if r := weeks % p.every; r != 0 {
				day = day.AddDate(0, 0, 7*(p.every-r))
			}
		}
		for ; day.Before(limit); day = day.AddDate(0, 0, 7*p.every) {
			if at := wallInstant(day.Year(), day.Month(), day.Day(), p.at.Hour, p.at.Minute, loc); at.After(t) {
				return at.In(origin)
			}
		}
		return time.Time{}
	}
	month := plainCivil(day.Year(), day.Month(), 1)
	for ; month.Before(limit); month = month.AddDate(0, 1, 0) {
		if p.every > 1 && p.from.Year != 0 {
			diff := (month.Year()-p.from.Year)*12 + int(month.Month()) - int(p.from.Month)
			if diff < 0 || diff%p.every != 0 {
				continue
			}
		}
		d := p.dayIn(month)
		if d.Before(day) {
			continue
		}
		if at := wallInstant(d.Year(), d.Month(), d.Day(), p.at.Hour, p.at.Minute, loc); at.After(t) {
			return at.In(origin)
		}
	}
	return time.Time{}
}

// dayIn is the schedule's day in the month starting at first.
func (p *Plain) dayIn(first time.Time) time.Time {
	last := first.AddDate(0, 1, -1)
	switch {
	case p.dom == -1:
		return last
	case p.dom > 0:
		return first.AddDate(0, 0, p.dom-1)
	case p.nth == -1:
		return last.AddDate(0, 0, -((int(last.Weekday()) - int(p.weekday) + 7) % 7))
	}
	d := first.AddDate(0, 0, (int(p.weekday)-int(first.Weekday())+7)%7)
	return d.AddDate(0, 0, 7*(p.nth-1))
}

// plainCivil is a calendar day as a UTC noon, for day arithmetic free of DST.
func plainCivil(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
}

// Between implements Recurring.
func (p *Plain) Between(from, until time.Time, max int) []time.Time {
	var out []time.Time
	for t := p.Next(from); !t.IsZero() && !t.After(until) && len(out) < max; t = p.Next(t) {
		out = append(out, t)
	}
	return out
}

// PreviewHorizon is how far ahead the planner creates recurring sessions;
// a preview counts the sessions a schedule makes within it.
const PreviewHorizon = materializeAhead

// PreviewMax is the most sessions the planner creates for one schedule.
const PreviewMax = 200

// Preview is what a facilitator sees before a schedule is set.
type Preview struct {
	Next  []time.Time // the next five occurrences
	Count int         // occurrences within PreviewHorizon (at most PreviewMax)
	// Warning explains a cron spec that is probably not what was meant
	// (day of month and day of week both given).
	Warning string
}

// PreviewSchedule lists the next five occurrences after now and counts those
// within the planner's horizon.
func PreviewSchedule(r Recurring, now time.Time) Preview {
	all := r.Between(now, now.Add(PreviewHorizon), PreviewMax)
	pv := Preview{Next: r.Between(now, now.AddDate(10, 0, 0), 5), Count: len(all)}
	if s, ok := r.(*Spec); ok {
		pv.Warning = ExplainDayRule(s.String(), len(all))
	}
	return pv
}

// ExplainDayRule explains cron's rule when a spec restricts both the day of
// the month and the day of the week: cron then runs on days matching
// EITHER, which is rarely what was meant ("0 14 1-7 * 5" is every day of the
// first week and every Friday, not the first Friday). count is how many
// sessions the spec makes within the horizon. Empty when the rule does not
// apply.
func ExplainDayRule(spec string, count int) string {
	f := strings.Fields(spec)
	if len(f) > 0 && strings.HasPrefix(f[0], "CRON_TZ=") || len(f) > 0 && strings.HasPrefix(f[0], "TZ=") {
		f = f[1:]
	}
	if len(f) != 5 || f[2] == "*" || f[2] == "?" || f[4] == "*" || f[4] == "?" {
		return ""
	}
	msg := fmt.Sprintf("This spec gives both a day of the month (%s) and a day of the week (%s). Cron runs on days that match EITHER of them, not both, so it makes %d sessions in the next %d days.", f[2], f[4], count, int(PreviewHorizon.Hours()/24)-1)
	nth := map[string]string{"1-7": "first", "8-14": "second", "15-21": "third", "22-28": "fourth"}[f[2]]
	if wd, err := strconv.Atoi(f[4]); err == nil && nth != "" && wd >= 0 && wd <= 6 {
		if h, err1 := strconv.Atoi(f[1]); err1 == nil {
			if m, err2 := strconv.Atoi(f[0]); err2 == nil {
				msg += fmt.Sprintf(" For the %s %s of each month, write: schedule monthly %s %s %02d:%02d.", nth, time.Weekday(wd), nth, strings.ToLower(time.Weekday(wd).String()), h, m)
				return msg
			}
		}
	}
	return msg + " For one weekday of the month, write e.g. schedule monthly first friday 14:00."
}

// cronFields name the five fields with the values each may take.
func cronFields() [5]struct{ name, values string } {
	return [5]struct{ name, values string }{
		{"minute", "0-59"},
		{"hour", "0-23"},
		{"day of month", "1-31"},
		{"month", "1-12 or jan-dec"},
		{"day of week", "0-6 (Sunday=0) or sun-sat"},
	}
}

// checkCron explains what is wrong with a cron spec in plain words, field by
// field, instead of robfig/cron's "end of range (8) above maximum (6): 8".
func checkCron(spec string) error {
	f := strings.Fields(spec)
	if len(f) > 0 && (strings.HasPrefix(f[0], "CRON_TZ=") || strings.HasPrefix(f[0], "TZ=")) {
		f = f[1:]
	}
	if len(f) == 1 && strings.HasPrefix(f[0], "@") {
		return nil // descriptors: ParseSpec says what it thinks of them
	}
	if len(f) != 5 {
		return bot.Errorf(bot.EINVALID, "A cron spec has 5 fields (minute hour day-of-month month day-of-week), e.g. \"0 14 * * 4\" for Thursdays at 14:00; %q has %d. Or write a plain schedule, e.g. %s.", plainClip(spec), len(f), plainExamples)
	}
	for i := range f {
		probe := []string{"0", "0", "*", "*", "*"}
		probe[i] = f[i]
		_, err := specParser.Parse(strings.Join(probe, " "))
		if err == nil {
			continue
		}
		// robfig/cron says "end of range (8) above maximum (6): 8"; say
		// which field and what it may hold.
		why := " is not a number, a range (1-5), a list (1,3) or a step (*/2)"
		if e := err.Error(); strings.Contains(e, "above maximum") || strings.Contains(e, "below minimum") {
			why = " is out of range"
		}
		fd := cronFields()[i]
		return bot.Errorf(bot.EINVALID, "In the cron spec %q (minute hour day-of-month month day-of-week) the %s %q%s: the %s must be %s. Or write a plain schedule, e.g. %s.", plainClip(spec), fd.name, f[i], why, fd.name, fd.values, plainExamples)
	}
	return nil
}
