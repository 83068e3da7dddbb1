package bot

// Dates, times of day and durations the way people in the UK write them.
//
// The rule throughout is "nothing misread in silence": a word that looks like
// a date, a time or a duration either reads as one or is refused with an
// example of what works, so "by 31/02/2026" or "1.5x" never ends up stored
// as text. Numeric dates are always day first (31/12/2026); a month-first
// date such as 12/31/2026 is refused with the day-first spelling.
//
// Relative forms (tomorrow, next friday, in 2 weeks, 31 Dec) are kept as a
// DateSpec and resolved later against today in the set's zone, so the
// parser stays pure and the use case, which knows the set, decides "today".

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
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
	n       int          // dateOffset: days; dateMonths: months
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
		case delta == 0:
			delta = 7 // "friday" said on a Friday is next week's: today is "today"
		}
		return dateOf(t.AddDate(0, 0, delta)), nil
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
	return strings.HasPrefix(w, "next ") || strings.HasPrefix(w, "this ") || strings.HasPrefix(w, "coming ")
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

// Examples used in messages, so every refusal shows forms that work.
const (
	dateExamples     = "31/12/2026, 2026-12-31 (YYYY-MM-DD), 31 Dec, tomorrow, next friday or in 2 weeks"
	timeExamples     = "14:00 (HH:MM), 2pm, 2.30pm or noon"
	durationExamples = "90 (minutes), 90m, 1.5h, 1h30 or 2 h"
)

// monthByName reads a month name or abbreviation: dec, Dec., december, sept.
func monthByName(w string) (time.Month, bool) {
	w = strings.TrimSuffix(strings.ToLower(w), ".")
	if len(w) < 3 {
		return 0, false
	}
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if w == name || w == name[:3] || (len(w) >= 3 && strings.HasPrefix(name, w) && len(w) >= 4) || (m == time.September && w == "sept") {
			return m, true
		}
	}
	return 0, false
}

// ParseWeekday reads a weekday name or abbreviation: monday, mon, tues, thurs.
func ParseWeekday(w string) (time.Weekday, bool) {
	w = strings.TrimSuffix(strings.ToLower(w), ".")
	if len(w) < 3 {
		return 0, false
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if w == name || strings.HasPrefix(name, w) || w == name+"s" {
			return d, true
		}
	}
	return 0, false
}

// nearName returns the weekday or month name w is a likely typo of ("fryday",
// "decmber"), or "".
func nearName(w string) string {
	w = strings.ToLower(w)
	if len(w) < 4 {
		return ""
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if editDistance(w, strings.ToLower(d.String())) <= 2 {
			return strings.ToLower(d.String())
		}
	}
	for m := time.January; m <= time.December; m++ {
		n := strings.ToLower(m.String())
		if len(n) >= 5 && editDistance(w, n) <= 2 {
			return n
		}
	}
	return ""
}

// word normalises a word for matching: lower case, without the trailing
// comma or full stop of a sentence.
func word(w string) string { return strings.TrimRight(strings.ToLower(w), ",;") }

// ParseDate reads s as one whole date ("31/12/2026", "next friday").
func ParseDate(s string) (DateSpec, error) {
	words := strings.Fields(s)
	d, n, err := ReadDate(words)
	switch {
	case err != nil:
		return DateSpec{}, err
	case n == 0 || n < len(words):
		return DateSpec{}, Errorf(EINVALID, "%q is not a date. Write e.g. %s.", clip(s, 40), dateExamples)
	}
	return d, nil
}

// ReadDate reads a date from the start of words and says how many words it
// used. n == 0 with a nil error means the words do not start with anything
// date-like (so they are text); words that look like a date but are not one
// give an error with an example.
func ReadDate(words []string) (d DateSpec, n int, err error) {
	if len(words) == 0 {
		return DateSpec{}, 0, nil
	}
	d, n, err = readDate(words)
	if err != nil || n == 0 {
		return DateSpec{}, 0, err
	}
	d.written = strings.Join(words[:n], " ")
	return d, n, nil
}

func readDate(words []string) (DateSpec, int, error) {
	w := word(words[0])
	switch w {
	case "today":
		return DateSpec{kind: dateOffset}, 1, nil
	case "tomorrow", "tmrw", "tomorow":
		return DateSpec{kind: dateOffset, n: 1}, 1, nil
	case "yesterday":
		return DateSpec{kind: dateOffset, n: -1}, 1, nil
	case "in", "within":
		return readIn(words)
	case "next", "this", "coming", "last":
		if len(words) < 2 {
			return DateSpec{}, 0, nil
		}
		w1 := word(words[1])
		if wd, ok := ParseWeekday(w1); ok {
			return DateSpec{kind: dateWeekday, wd: wd, back: w == "last"}, 2, nil
		}
		switch w1 {
		case "week", "month", "year", "weekend", "term":
			return DateSpec{}, 0, Errorf(EINVALID, "%q is not a day. Say which day, e.g. %s friday, or write a date: %s.", w+" "+w1, w, dateExamples)
		}
		if near := nearName(w1); near != "" {
			return DateSpec{}, 0, Errorf(EINVALID, "%q is not a date. Did you mean %s %s?", clip(w+" "+w1, 40), w, near)
		}
		return DateSpec{}, 0, nil
	case "the":
		if len(words) < 2 {
			return DateSpec{}, 0, nil
		}
		if day, ok := ordinal(word(words[1])); ok {
			d, n, err := readDayThenMonth(day, words[2:], true)
			return d, n + 1, err
		}
		if word(words[1]) == "end" {
			d, n, err := readEndOf(words[1:])
			if n == 0 {
				return d, 0, err
			}
			return d, n + 1, err
		}
		return DateSpec{}, 0, nil
	case "end":
		return readEndOf(words)
	}
	if wd, ok := ParseWeekday(w); ok {
		// "friday", or "Fri 31 Dec" whose weekday is checked.
		if len(words) > 1 {
			if d, n, err := readDate(words[1:]); err != nil {
				return DateSpec{}, 0, err
			} else if n > 0 && d.kind != dateWeekday && d.kind != dateOffset && d.kind != dateMonths {
				d.wd, d.hasWD = wd, true
				return d, n + 1, nil
			}
		}
		return DateSpec{kind: dateWeekday, wd: wd}, 1, nil
	}
	if m, ok := monthByName(w); ok {
		// "Dec 31", "December 31st 2026": a month name is never ambiguous.
		if len(words) > 1 {
			if day, ok := ordinal(word(words[1])); ok {
				d, err := dayMonth(day, m)
				if err != nil {
					return DateSpec{}, 0, err
				}
				if len(words) > 2 {
					if y, ok := yearWord(words[2]); ok {
						return checkDay(y, m, day, 3)
					}
				}
				return d, 2, nil
			}
		}
		return DateSpec{}, 0, Errorf(EINVALID, "%q is a month, not a day. Write the day too, e.g. 1 %s or 28 %s.", clip(words[0], 20), m.String()[:3], m.String()[:3])
	}
	if strings.ContainsAny(w, "/-.") && startsWithDigit(w) {
		return numericDate(w)
	}
	if day, ok := ordinal(w); ok && startsWithDigit(w) {
		return readDayThenMonth(day, words[1:], !isAllDigits(w))
	}
	return DateSpec{}, 0, nil
}

// readEndOf reads "end of (the) (next) week" and "end of (the) (next)
// month"; "end of"
// followed by anything else is refused, since it names a date.
func readEndOf(words []string) (DateSpec, int, error) {
	if len(words) < 2 || word(words[1]) != "of" {
		return DateSpec{}, 0, nil // "end" alone is text
	}
	i := 2
	if i < len(words) && word(words[i]) == "the" {
		i++
	}
	next := 0
	if i < len(words) && (word(words[i]) == "next" || word(words[i]) == "this") {
		if word(words[i]) == "next" {
			next = 1
		}
		i++
	}
	if i < len(words) {
		switch strings.TrimSuffix(word(words[i]), ".") {
		case "week":
			return DateSpec{kind: dateEndOfWeek, n: next}, i + 1, nil
		case "month":
			return DateSpec{kind: dateEndOfMonth, n: next}, i + 1, nil
		}
	}
	return DateSpec{}, 0, Errorf(EINVALID, "%q is not a date I can work out. Write end of the week, end of next week, end of the month, end of next month, or a date such as %s.", clip(strings.Join(words[:min(len(words), i+1)], " "), 40), dateExamples)
}

// readIn reads "in 3 days", "in 2 weeks", "in a week", "in 1 month".
func readIn(words []string) (DateSpec, int, error) {
	if len(words) < 2 {
		return DateSpec{}, 0, nil
	}
	head := word(words[0])
	num, unitWord, used := word(words[1]), "", 2
	// "in 2weeks" is one word with its unit.
	if i := strings.IndexFunc(num, func(r rune) bool { return !unicode.IsDigit(r) }); i > 0 {
		num, unitWord = num[:i], num[i:]
	}
	var n int
	switch num {
	case "a", "one":
		n = 1
	case "two":
		n = 2
	case "three":
		n = 3
	case "four":
		n = 4
	default:
		v, err := strconv.Atoi(num)
		if err != nil || !isAllDigits(num) {
			return DateSpec{}, 0, nil // "in person", "within the team": text
		}
		n = v
	}
	if unitWord == "" {
		if len(words) < 3 {
			return DateSpec{}, 0, Errorf(EINVALID, "%q needs a unit. Write e.g. %s %s days or %s %s weeks.", clip(head+" "+num, 40), head, num, head, num)
		}
		unitWord, used = word(words[2]), 3
	}
	unitWord = strings.TrimSuffix(unitWord, ".")
	var spec DateSpec
	switch unitWord {
	case "day", "days", "d":
		spec = DateSpec{kind: dateOffset, n: n}
	case "week", "weeks", "wk", "wks", "w":
		spec = DateSpec{kind: dateOffset, n: 7 * n}
	case "fortnight", "fortnights":
		spec = DateSpec{kind: dateOffset, n: 14 * n}
	case "month", "months":
		spec = DateSpec{kind: dateMonths, n: n}
	default:
		if !isAllDigits(num) && num != "a" {
			return DateSpec{}, 0, nil
		}
		return DateSpec{}, 0, Errorf(EINVALID, "%q is not a date. Write e.g. %s %d days, %s %d weeks or %s %d months.", clip(strings.Join(words[:used], " "), 40), head, n, head, n, head, n)
	}
	if n < 0 || spec.n > 3660 || (spec.kind == dateMonths && n > 120) {
		return DateSpec{}, 0, Errorf(EINVALID, "%q is too far ahead. Write a date within ten years.", clip(strings.Join(words[:used], " "), 40))
	}
	return spec, used, nil
}

// readDayThenMonth reads what follows a day number: a month name and maybe
// a year ("31 Dec", "31st of December 2026"); a day written as an ordinal
// alone ("the 15th") is the nearest such day.
func readDayThenMonth(day int, rest []string, ordinalWritten bool) (DateSpec, int, error) {
	i := 0
	if i < len(rest) && word(rest[i]) == "of" {
		i++
	}
	if i < len(rest) {
		if m, ok := monthByName(word(rest[i])); ok {
			d, err := dayMonth(day, m)
			if err != nil {
				return DateSpec{}, 0, err
			}
			if i+1 < len(rest) {
				if y, ok := yearWord(rest[i+1]); ok {
					return checkDay(y, m, day, i+3)
				}
			}
			return d, i + 2, nil
		}
		if near := nearName(rest[i]); near != "" && i == 0 {
			return DateSpec{}, 0, Errorf(EINVALID, "%q is not a date. Did you mean %d %s?", clip(rest[0], 30), day, near)
		}
	}
	if ordinalWritten {
		if day < 1 || day > 31 {
			return DateSpec{}, 0, Errorf(EINVALID, "There is no day %d in a month. Write e.g. the 15th or %s.", day, dateExamples)
		}
		return DateSpec{kind: dateDayOnly, day: day}, 1, nil
	}
	return DateSpec{}, 0, nil // a bare number ("2 people") is text
}

func dayMonth(day int, m time.Month) (DateSpec, error) {
	// 29 Feb is fine without a year: the nearest leap year's is meant.
	if day < 1 || day > daysIn(2028, m) {
		return DateSpec{}, Errorf(EINVALID, "%s has no day %d. Write a real date, e.g. %s.", m, day, dateExamples)
	}
	return DateSpec{kind: dateDayMonth, month: m, day: day}, nil
}

// numericDate reads 2026-12-31, 2026/12/31, 31/12/2026, 31/12/26, 31/12,
// 31-12-2026 and 31.12.2026: day first unless the year comes first.
func numericDate(w string) (DateSpec, int, error) {
	sep := w[strings.IndexAny(w, "/-.")]
	parts := strings.Split(strings.TrimSuffix(w, "."), string(sep))
	for _, p := range parts {
		if p == "" || !isAllDigits(p) || len(p) > 4 {
			if sep == '.' {
				return DateSpec{}, 0, nil // "1.5h", "2.30pm" are not dates
			}
			return DateSpec{}, 0, Errorf(EINVALID, "%q is not a date. Write e.g. %s.", clip(w, 40), dateExamples)
		}
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		nums[i], _ = strconv.Atoi(p)
	}
	bad := func() (DateSpec, int, error) {
		return DateSpec{}, 0, Errorf(EINVALID, "%q is not a date. Write it day first, e.g. %s.", clip(w, 40), dateExamples)
	}
	switch len(parts) {
	case 2:
		if sep == '.' {
			return DateSpec{}, 0, nil // 14.30 is a time, not 14 of month 30
		}
		day, mon := nums[0], nums[1]
		if mon > 12 && day <= 12 {
			return monthFirst(w, day, mon, 0)
		}
		if mon < 1 || mon > 12 || len(parts[0]) > 2 || len(parts[1]) > 2 {
			return bad()
		}
		d, err := dayMonth(day, time.Month(mon))
		return d, 1, err
	case 3:
		if len(parts[0]) == 4 {
			// Year first: 2026-12-31 (ISO) or 2026/12/31.
			if len(parts[1]) > 2 || len(parts[2]) > 2 {
				return bad()
			}
			return namedDay(w, nums[0], time.Month(nums[1]), nums[2])
		}
		day, mon, y := nums[0], nums[1], nums[2]
		switch len(parts[2]) {
		case 2:
			y += 2000
		case 4:
		default:
			return bad()
		}
		if len(parts[0]) > 2 || len(parts[1]) > 2 {
			return bad()
		}
		if mon > 12 && day <= 12 {
			return monthFirst(w, day, mon, y)
		}
		return namedDay(w, y, time.Month(mon), day)
	}
	return bad()
}

// monthFirst refuses an American month-first date, giving the day-first one.
func monthFirst(w string, a, b, y int) (DateSpec, int, error) {
	if b > 31 {
		return DateSpec{}, 0, Errorf(EINVALID, "%q is not a date. Write it day first, e.g. %s.", clip(w, 40), dateExamples)
	}
	fix := fmt.Sprintf("%d/%d", b, a)
	if y != 0 {
		fix += fmt.Sprintf("/%d", y)
	}
	return DateSpec{}, 0, Errorf(EINVALID, "%q is not a date: there is no month %d. Dates are written day first here: did you mean %s?", clip(w, 40), b, fix)
}

// namedDay is checkDay for a one-word date, naming it in the error.
func namedDay(w string, y int, m time.Month, day int) (DateSpec, int, error) {
	d, n, err := checkDay(y, m, day, 1)
	if err != nil {
		return DateSpec{}, 0, Errorf(EINVALID, "%q is not a date. %s", clip(w, 40), ErrorMessage(err))
	}
	return d, n, nil
}

// checkDay validates a full date; used is how many words it took.
func checkDay(y int, m time.Month, day, used int) (DateSpec, int, error) {
	if y < 2000 || y > 2099 {
		return DateSpec{}, 0, Errorf(EINVALID, "%d is not a year I can use. Write a date such as %s.", y, dateExamples)
	}
	if m < 1 || m > 12 {
		return DateSpec{}, 0, Errorf(EINVALID, "There is no month %d. Write a date such as %s.", int(m), dateExamples)
	}
	if day < 1 || day > daysIn(y, m) {
		return DateSpec{}, 0, Errorf(EINVALID, "%s %d has no day %d (it has %d days). Write a real date, e.g. %s.", m, y, day, daysIn(y, m), dateExamples)
	}
	return DateSpec{kind: dateAbsolute, year: y, month: m, day: day}, used, nil
}

// ordinal reads 15, 15th, 1st, 2nd, 3rd.
func ordinal(w string) (int, bool) {
	w = strings.TrimSuffix(w, ".")
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf) {
			w = strings.TrimSuffix(w, suf)
			break
		}
	}
	if w == "" || len(w) > 2 || !isAllDigits(w) {
		return 0, false
	}
	n, _ := strconv.Atoi(w)
	return n, true
}

func yearWord(w string) (int, bool) {
	w = word(w)
	if len(w) != 4 || !isAllDigits(w) {
		return 0, false
	}
	y, _ := strconv.Atoi(w)
	return y, true
}

func isAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// ParseTimeOfDay reads s as one whole time of day ("14:00", "2.30pm").
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	words := strings.Fields(s)
	t, n, err := ReadTime(words)
	switch {
	case err != nil:
		return TimeOfDay{}, err
	case n == 0 || n < len(words):
		return TimeOfDay{}, Errorf(EINVALID, "%q is not a time. Write e.g. %s.", clip(s, 40), timeExamples)
	}
	return t, nil
}

// ReadTime reads a time of day from the start of words: 14:00, 14.30, 2pm,
// 2 pm, 2.30pm, 9:30am, noon, midday, midnight. n == 0 with a nil error
// means the first word is not time-like.
func ReadTime(words []string) (t TimeOfDay, n int, err error) {
	if len(words) == 0 {
		return TimeOfDay{}, 0, nil
	}
	w := word(words[0])
	switch w {
	case "noon", "midday", "12noon":
		return TimeOfDay{12, 0}, 1, nil
	case "midnight":
		return TimeOfDay{0, 0}, 1, nil
	}
	if !startsWithDigit(w) {
		return TimeOfDay{}, 0, nil
	}
	n = 1
	suffix := ""
	for _, s := range []string{"am", "pm", "a.m.", "p.m.", "a.m", "p.m"} {
		if strings.HasSuffix(w, s) {
			suffix, w = s[:1], strings.TrimSuffix(w, s)
			break
		}
	}
	if suffix == "" && len(words) > 1 {
		switch word(words[1]) {
		case "am", "a.m.", "a.m":
			suffix, n = "a", 2
		case "pm", "p.m.", "p.m":
			suffix, n = "p", 2
		}
	}
	bad := func(why string) (TimeOfDay, int, error) {
		return TimeOfDay{}, 0, Errorf(EINVALID, "%q is not a time%s. Write e.g. %s.", clip(strings.Join(words[:n], " "), 40), why, timeExamples)
	}
	hs, ms, hasMin := strings.Cut(w, ":")
	if !hasMin {
		hs, ms, hasMin = strings.Cut(w, ".")
	}
	if !isAllDigits(hs) || len(hs) > 2 || hasMin && (!isAllDigits(ms) || len(ms) != 2) {
		return bad("")
	}
	h, _ := strconv.Atoi(hs)
	m := 0
	if hasMin {
		m, _ = strconv.Atoi(ms)
	}
	if m > 59 {
		return bad(": minutes go up to 59")
	}
	switch suffix {
	case "":
		if !hasMin {
			return bad(" (a bare number is not a time)")
		}
		if h > 23 {
			return bad(": hours go from 00 to 23")
		}
		if len(hs) == 1 && h >= 1 && h <= 6 {
			// "2.30" is much more likely 2.30pm than half past two at night:
			// ask rather than guess.
			return TimeOfDay{}, 0, Errorf(EINVALID, "%q could be morning or afternoon. Write %d.%02dpm (or %02d:%02d), or %02d:%02d for the morning.", clip(words[0], 20), h, m, h+12, m, h, m)
		}
	default:
		if h < 1 || h > 12 {
			return bad(": with am or pm, hours go from 1 to 12")
		}
		if h == 12 {
			h = 0
		}
		if suffix == "p" {
			h += 12
		}
	}
	return TimeOfDay{h, m}, n, nil
}

// ParseDuration reads s as one whole duration ("90", "1h30", "2 h").
func ParseDuration(s string) (time.Duration, error) {
	words := strings.Fields(s)
	d, n, err := ReadDuration(words)
	switch {
	case err != nil:
		return 0, err
	case n == 0 || n < len(words):
		return 0, Errorf(EINVALID, "%q is not a length of time. Write e.g. %s.", clip(s, 40), durationExamples)
	}
	return d, nil
}

// ReadDuration reads a duration from the start of words: 90 (minutes), 90m,
// 90min, 90 minutes, 2h, 2 h, 2 hours, 1.5h, 1h30, 1h30m, 1h 30m, 1 hour 30.
// n == 0 with a nil error means the first word does not start with a digit;
// a word that starts with one but is not a duration ("1.5x") is an error.
func ReadDuration(words []string) (d time.Duration, n int, err error) {
	if len(words) == 0 || !startsWithDigit(words[0]) {
		return 0, 0, nil
	}
	var total float64 // minutes
	lastUnit := 0     // 0 none, 2 hours, 1 minutes: hours must come first
	for n < len(words) {
		w := word(words[n])
		if n > 0 && !startsWithDigit(w) {
			break
		}
		num, unit := splitNumber(w)
		if num == "" {
			break
		}
		used := 1
		if unit == "" && n+1 < len(words) {
			if u := unitOf(word(words[n+1])); u != 0 {
				unit, used = word(words[n+1]), 2
			}
		}
		v, perr := strconv.ParseFloat(num, 64)
		if perr != nil || strings.Count(num, ".") > 1 {
			return 0, 0, badDuration(words[:n+used])
		}
		u := unitOf(unit)
		switch {
		case unit == "" && n == 0:
			// A bare number is minutes; "1.5" alone is likely hours: ask.
			if strings.Contains(num, ".") {
				return 0, 0, Errorf(EINVALID, "%q needs a unit. Did you mean %sh? Write e.g. %s.", num, num, durationExamples)
			}
			return time.Duration(v) * time.Minute, 1, nil
		case unit == "":
			// After hours, a bare number is not read as minutes: in "2h 4
			// Elm Street" the 4 starts the place.
			return time.Duration(total * float64(time.Minute)).Round(time.Minute), n, nil
		case u == 0:
			return 0, 0, badDuration(words[:n+used])
		}
		if u == 2 && lastUnit != 0 || u == 1 && lastUnit == 1 {
			return 0, 0, badDuration(words[:n+used])
		}
		if u == 1 && strings.Contains(num, ".") {
			return 0, 0, badDuration(words[:n+used])
		}
		if u == 2 {
			total += v * 60
		} else {
			total += v
		}
		lastUnit = u
		n += used
		// The minutes may be glued to the hours: "1h30", "1h30m".
		if rest := trailingAfterUnit(w); rest != "" {
			if lastUnit != 2 {
				return 0, 0, badDuration(words[:n])
			}
			mnum, munit := splitNumber(rest)
			if mnum == "" || strings.Contains(mnum, ".") || munit != "" && unitOf(munit) != 1 {
				return 0, 0, badDuration(words[:n])
			}
			mv, _ := strconv.Atoi(mnum)
			total += float64(mv)
			lastUnit = 1
		}
		if lastUnit == 1 {
			break
		}
	}
	if total > 100*24*60 {
		return 0, 0, badDuration(words[:n])
	}
	return time.Duration(total * float64(time.Minute)).Round(time.Minute), n, nil
}

func badDuration(words []string) error {
	return Errorf(EINVALID, "%q is not a length of time. Write e.g. %s.", clip(strings.Join(words, " "), 40), durationExamples)
}

// splitNumber splits "1.5h" into "1.5" and "h", and "1h30" into "1" and
// "h30" (trailingAfterUnit finds the "30").
func splitNumber(w string) (num, unit string) {
	i := 0
	for i < len(w) && (w[i] >= '0' && w[i] <= '9' || w[i] == '.') {
		i++
	}
	num, rest := w[:i], w[i:]
	j := 0
	for j < len(rest) && (rest[j] < '0' || rest[j] > '9') {
		j++
	}
	return num, rest[:j]
}

// trailingAfterUnit returns what follows the first unit of w: "30" in "1h30".
func trailingAfterUnit(w string) string {
	num, unit := splitNumber(w)
	return w[len(num)+len(unit):]
}

// unitOf says whether a unit word is hours (2) or minutes (1), or neither (0).
func unitOf(u string) int {
	switch strings.TrimSuffix(u, ".") {
	case "h", "hr", "hrs", "hour", "hours":
		return 2
	case "m", "min", "mins", "minute", "minutes":
		return 1
	}
	return 0
}

// lengthText writes a length of time as answers do ("1 h 30 min"); the same
// as FormatDuration in bot/prompts.go once that lands (sched branch).
func lengthText(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// ReadDue splits "free text ... by <date>" as the commit command writes it.
// It returns how many leading words are the text and the due date, if one
// was given at the end after "by" (or "due"). A "by" followed by something
// date-like that is not a date ("by 31/02/2026", "by next fryday") is an
// error, and so is a date after "by" with more words after it ("by friday
// morning"), since the date would otherwise be read as text.
func ReadDue(words []string) (textLen int, due DateSpec, err error) {
	for i := len(words) - 2; i >= 0; i-- {
		if w := word(words[i]); w != "by" && w != "due" {
			continue
		}
		d, n, err := ReadDate(words[i+1:])
		if err != nil {
			return 0, DateSpec{}, err
		}
		if n == 0 {
			continue // "by phone", "by writing a checklist": text
		}
		if i+1+n != len(words) {
			return 0, DateSpec{}, Errorf(EINVALID, "Put the date at the end, after by: e.g. … by %s. (I read %q as a date and %q after it.)", d, d, clip(strings.Join(words[i+1+n:], " "), 30))
		}
		return i, d, nil
	}
	return len(words), DateSpec{}, nil
}

// SessionWhen is what "session add" reads before the place.
type SessionWhen struct {
	Date     DateSpec
	At       TimeOfDay
	Duration time.Duration // 0: not given
	// Rest is the index of the first word of the place or link.
	Rest int

	hasEnd, hasLength bool // an end time or a length was written
}

// ReadSessionWhen reads "<date> <time> [<duration> | -<end time> | to <end
// time>]" from the start of words; the words from Rest on are the place. A
// word right after the time that starts with a digit must be a duration or
// an end time: "session add 2026-12-23 14:00 90" is 90 minutes, never a
// place called "90", and "1.5x" is refused.
func ReadSessionWhen(words []string) (SessionWhen, error) {
	var sw SessionWhen
	d, n, err := ReadDate(words)
	if err != nil {
		return sw, err
	}
	if n == 0 {
		if len(words) == 0 {
			return sw, Errorf(EINVALID, "Give the date and the start time, e.g. 31/12/2026 14:00.")
		}
		return sw, Errorf(EINVALID, "%q is not a date. Start with the date, e.g. %s.", clip(words[0], 40), dateExamples)
	}
	sw.Date = d
	i := n
	// "at 14:00", "14:00-16:00", "2-4pm".
	if i < len(words) && word(words[i]) == "at" {
		i++
	}
	if i >= len(words) {
		return sw, Errorf(EINVALID, "Give the start time after the date, e.g. %s.", timeExamples)
	}
	startWords, end, endGiven, err := splitRange(words[i])
	if err != nil {
		return sw, err
	}
	tw := append([]string{startWords}, words[i+1:]...)
	if e := word(end); endGiven && !strings.ContainsAny(startWords, ":.apAP") && (strings.HasSuffix(e, "am") || strings.HasSuffix(e, "pm")) {
		// "2-4pm": the start takes the end's am/pm.
		tw[0] = startWords + e[len(e)-2:]
	}
	at, tn, err := ReadTime(tw)
	if err != nil {
		return sw, err
	}
	if tn == 0 {
		return sw, Errorf(EINVALID, "%q is not a time. Give the start time after the date, e.g. %s.", clip(words[i], 40), timeExamples)
	}
	sw.At = at
	lengthAt := i // where the length or the range starts, for messages
	if endGiven && tn > 1 {
		return sw, Errorf(EINVALID, "%q is not a time range. Write e.g. 14:00-16:00 or 2-4pm.", clip(strings.Join(words[i:i+tn], " "), 40))
	}
	i += tn
	if !endGiven && i < len(words) {
		switch w := word(words[i]); {
		case w == "to" || w == "until" || w == "till" || w == "-" || w == "–":
			if i+1 >= len(words) {
				return sw, Errorf(EINVALID, "Give the end time after %q, e.g. 14:00 to 16:00.", words[i])
			}
			end, endGiven, i = "", true, i+1
		case strings.HasPrefix(w, "-") && len(w) > 1:
			end, endGiven = w[1:], true
			i++
		}
		if endGiven && end == "" {
			et, en, err := ReadTime(words[i:])
			if err != nil {
				return sw, err
			}
			if en == 0 {
				return sw, Errorf(EINVALID, "%q is not an end time. Write e.g. 14:00 to 16:00.", clip(words[i], 40))
			}
			sw.Duration, sw.hasEnd, i = span(at, et), true, i+en
			endGiven = false
		}
	}
	if endGiven {
		et, en, err := ReadTime(append([]string{end}, words[i:]...))
		if err != nil {
			return sw, err
		}
		if en == 0 {
			return sw, Errorf(EINVALID, "%q is not an end time. Write e.g. 14:00-16:00 or 2-4pm.", clip(end, 40))
		}
		sw.Duration, sw.hasEnd, i = span(at, et), true, i+en-1
	}
	// "2nd floor", "4th Avenue": an ordinal starts the place.
	ordinalPlace := false
	if i < len(words) {
		w := word(words[i])
		ordinalPlace = len(w) > 2 && isAllDigits(w[:len(w)-2]) && strings.Contains("st nd rd th", w[len(w)-2:])
	}
	if !sw.hasEnd && !ordinalPlace && i < len(words) && startsWithDigit(words[i]) {
		// A second time ("14:00 16:00") is the end time; "1:30" that is not
		// after the start is neither, so it is refused below.
		if et, en, terr := ReadTime(words[i:]); terr == nil && en > 0 && span(at, et) > 0 {
			sw.Duration, sw.hasEnd, i = span(at, et), true, i+en
		} else if strings.ContainsRune(words[i], ':') {
			return sw, Errorf(EINVALID, "%q after the start time is neither a length nor an end time after %s. Write e.g. %s to 16:00, or a length such as %s.", clip(words[i], 20), at, at, durationExamples)
		}
	}
	if !sw.hasEnd && !ordinalPlace && i < len(words) && startsWithDigit(words[i]) {
		dur, dn, err := ReadDuration(words[i:])
		if err != nil {
			return sw, Errorf(EINVALID, "%s A session lasts from 15 min to 12 h.", ErrorMessage(err))
		}
		if dn == 0 {
			return sw, badDuration(words[i : i+1])
		}
		lengthAt = i
		if dur > 0 && dur < minSessionLength && dn == 1 && isAllDigits(word(words[i])) {
			return sw, Errorf(EINVALID, "A bare number after the time is minutes, and %s is shorter than a session can be (15 min to 12 h). Did you mean %sh? For a place that starts with a number, put it in quotes, e.g. \"4 Elm Street\".", lengthText(dur), word(words[i]))
		}
		sw.Duration, sw.hasLength, i = dur, true, i+dn
	}
	if sw.Duration < 0 {
		return sw, Errorf(EINVALID, "The end time is not after the start time %s. Write e.g. %s-16:00.", at, at)
	}
	if (sw.hasEnd || sw.hasLength) && (sw.Duration < minSessionLength || sw.Duration > maxSessionLength) {
		return sw, Errorf(EINVALID, "A session lasts from 15 min to 12 h; %q is %s. Write e.g. %s.", clip(strings.Join(words[lengthAt:i], " "), 40), lengthText(sw.Duration), durationExamples)
	}
	sw.Rest = i
	return sw, nil
}

// splitRange splits "14:00-16:00" or "2-4pm" into start and end; a plain
// time comes back as it is. A date-like dash ("2026-12-23") is not a range
// here since the date was read before.
func splitRange(w string) (start, end string, ok bool, err error) {
	for _, sep := range []string{"–", "-"} {
		if a, b, found := strings.Cut(w, sep); found && a != "" {
			if b == "" {
				return a, "", false, Errorf(EINVALID, "%q is not a time range. Write e.g. 14:00-16:00 or 2-4pm.", clip(w, 40))
			}
			return a, b, true, nil
		}
	}
	return w, "", false, nil
}

// span is the length from start to end on one day; -1 when the end is not
// after the start.
func span(start, end TimeOfDay) time.Duration {
	d := time.Duration(end.Hour-start.Hour)*time.Hour + time.Duration(end.Minute-start.Minute)*time.Minute
	if d <= 0 {
		return -1
	}
	return d
}
