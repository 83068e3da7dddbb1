package bot

// Reading dates from words: "31/12/2026", "31 Dec", "next friday", "in 2
// weeks", with a refusal and an example for anything date-like that is not one.

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
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
	return readWhole(s, ReadDate, "a date", dateExamples)
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
		// "friday week" (UK): a week after the coming friday.
		if len(words) > 1 && strings.TrimSuffix(word(words[1]), ".") == "week" {
			return DateSpec{kind: dateWeekday, wd: wd, n: 7}, 2, nil
		}
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
