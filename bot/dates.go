package bot

// Dates as written (DateSpec) and resolving them against today in the set's
// zone; reading them from words is in datewords.go.

import (
	"fmt"
	"strings"
	"time"
)

// dateKind is the shape of a DateSpec.
type dateKind int

const (
	dateNone       dateKind = iota
	dateAbsolute            // year, month and day given
	dateDayMonth            // day and month given: the year nearest today
	dateDayOnly             // "the 15th": the month nearest today
	dateOffset              // today plus days (today, tomorrow, in 3 days, in 2 weeks)
	dateMonths              // today plus calendar months (in 2 months)
	dateWeekday             // friday, next friday, last friday
	dateEndOfWeek           // end of the week: this week's Friday
	dateEndOfMonth          // end of the month: its last day
)

// DateSpec is a date as written, before it is resolved against a day.
type DateSpec struct {
	kind    dateKind
	year    int
	month   time.Month
	day     int
	n       int          // dateOffset: days; dateMonths: months; dateWeekday: days after the weekday ("friday week": 7)
	wd      time.Weekday // dateWeekday; or the weekday written before a date ("Fri 31 Dec")
	hasWD   bool         // wd was written
	back    bool         // dateWeekday: "last friday"
	written string
}

// IsZero reports whether no date was given.
func (s DateSpec) IsZero() bool { return s.kind == dateNone }

// String is the date as written (normalised to single spaces).
func (s DateSpec) String() string { return s.written }

// Relative reports whether the date depends on the day it is read
// (tomorrow, friday, 31 Dec): answers should then show the date it became.
func (s DateSpec) Relative() bool { return s.kind != dateAbsolute && s.kind != dateNone }

// AbsoluteDate is the spec of a date given as year, month and day.
func AbsoluteDate(d Date) DateSpec {
	return DateSpec{kind: dateAbsolute, year: d.Year, month: d.Month, day: d.Day, written: d.String()}
}

// Resolve returns the date s names, reading it forward from today's date in
// today's location: a bare weekday is the next one after today, a day and
// month without a year is the one nearest today (so 2 Jan written in late
// December is next year's).
func (s DateSpec) Resolve(today time.Time) (Date, error) { return s.resolve(today, false) }

// ResolvePast is Resolve for things that already happened (a mentoring
// session): a bare weekday is the last one before today, and a day and
// month without a year the latest one not after today.
func (s DateSpec) ResolvePast(today time.Time) (Date, error) { return s.resolve(today, true) }

func (s DateSpec) resolve(today time.Time, past bool) (Date, error) {
	t := time.Date(today.Year(), today.Month(), today.Day(), 12, 0, 0, 0, time.UTC)
	var d Date
	switch s.kind {
	case dateNone:
		return Date{}, Errorf(EINVALID, "No date was given.")
	case dateAbsolute:
		d = Date{s.year, s.month, s.day}
	case dateOffset:
		d = dateOf(t.AddDate(0, 0, s.n))
	case dateMonths:
		d = addMonthsClamped(dateOf(t), s.n)
	case dateWeekday:
		delta := (int(s.wd) - int(t.Weekday()) + 7) % 7
		back := s.back || past && !s.explicitNext()
		switch {
		case back:
			delta = -((int(t.Weekday()) - int(s.wd) + 7) % 7)
			if delta == 0 {
				delta = -7
			}
		case delta == 0 && s.n == 0:
			delta = 7 // "friday" said on a Friday is next week's: today is "today"
		}
		// "friday week" said on a Friday is a week today.
		return dateOf(t.AddDate(0, 0, delta+s.n)), nil // n: 7 for "friday week"
	case dateEndOfWeek:
		// This week's Friday (today on a Friday); at the weekend, the next.
		d = dateOf(t.AddDate(0, 0, (int(time.Friday)-int(t.Weekday())+7)%7+7*s.n))
	case dateEndOfMonth:
		// n is 1 for "end of next month".
		first := time.Date(t.Year(), t.Month()+time.Month(s.n), 1, 12, 0, 0, 0, time.UTC)
		d = Date{first.Year(), first.Month(), daysIn(first.Year(), first.Month())}
	case dateDayMonth:
		y, ok := nearestYear(t, s.month, s.day, past)
		if !ok {
			return Date{}, Errorf(EINVALID, "%d %s is not in the next few years. Write the year too, e.g. %d %s %d.", s.day, s.month, s.day, s.month.String()[:3], t.Year())
		}
		d = Date{y, s.month, s.day}
	case dateDayOnly:
		d = nearestDayOfMonth(t, s.day, past)
	}
	if s.hasWD {
		if wd := d.In(time.UTC, 12, 0).Weekday(); wd != s.wd {
			return Date{}, Errorf(EINVALID, "%s is a %s, not a %s. Write the date alone (e.g. %s) or check the day.", FormatDate(d), wd, s.wd, d.UK())
		}
	}
	return d, nil
}

// explicitNext reports whether a weekday was written with "next", "this" or
// "coming", which point forward even where the past is expected.
func (s DateSpec) explicitNext() bool {
	w := strings.ToLower(s.written)
	return s.n > 0 || strings.HasPrefix(w, "next ") || strings.HasPrefix(w, "this ") || strings.HasPrefix(w, "coming ")
}

func dateOf(t time.Time) Date { return Date{t.Year(), t.Month(), t.Day()} }

// addMonthsClamped adds months keeping the day, or the month's last day when
// it is shorter (31 Jan + 1 month = 28 Feb, not 3 Mar).
func addMonthsClamped(d Date, n int) Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 12, 0, 0, 0, time.UTC)
	last := daysIn(first.Year(), first.Month())
	return Date{first.Year(), first.Month(), min(d.Day, last)}
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

// nearestYear picks the year of day/month: going forward, the first one
// from a month ago on (a date a few weeks back is more likely a slip, which
// the use case then refuses as past, than a date eleven months ahead); for
// the past, the latest one not after t. Years without the day (29 Feb) are
// skipped.
func nearestYear(t time.Time, m time.Month, day int, past bool) (int, bool) {
	from := t.AddDate(0, 0, -31)
	if past {
		for y := t.Year(); y >= t.Year()-4; y-- {
			if day <= daysIn(y, m) && !time.Date(y, m, day, 12, 0, 0, 0, time.UTC).After(t) {
				return y, true
			}
		}
		return 0, false
	}
	for y := from.Year(); y <= from.Year()+4; y++ {
		if day <= daysIn(y, m) && !time.Date(y, m, day, 12, 0, 0, 0, time.UTC).Before(from) {
			return y, true
		}
	}
	return 0, false
}

// nearestDayOfMonth picks the month of "the 15th": the next one from today
// on, or for the past the latest one not after today; months too short for
// the day are skipped.
func nearestDayOfMonth(t time.Time, day int, past bool) Date {
	step := 1
	if past {
		step = -1
	}
	for k := 0; ; k += step {
		first := time.Date(t.Year(), t.Month()+time.Month(k), 1, 12, 0, 0, 0, time.UTC)
		if day > daysIn(first.Year(), first.Month()) {
			continue
		}
		c := time.Date(first.Year(), first.Month(), day, 12, 0, 0, 0, time.UTC)
		if past && !c.After(t) || !past && !c.Before(t) {
			return dateOf(c)
		}
	}
}

// FormatDate writes a date the way answers show it: "Thu 31 Dec 2026".
func FormatDate(d Date) string { return d.In(time.UTC, 12, 0).Format("Mon 2 Jan 2006") }

// UK writes a date day first with slashes: "31/12/2026".
func (d Date) UK() string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year) }
