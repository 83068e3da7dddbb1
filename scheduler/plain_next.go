package scheduler

// A plain schedule's canonical form, description and occurrences.

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

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
