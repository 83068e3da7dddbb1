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
//
// This file holds the readers that combine them (ReadDue, ReadSessionWhen);
// the parts are in dates.go, datewords.go, times.go and durations.go.

import (
	"strings"
	"time"
)

// Examples used in messages, so every refusal shows forms that work.
const (
	dateExamples     = "31/12/2026, 2026-12-31 (YYYY-MM-DD), 31 Dec, tomorrow, next friday or in 2 weeks"
	timeExamples     = "14:00 (HH:MM), 2pm, 2.30pm or noon"
	durationExamples = "90 (minutes), 90m, 1.5h, 1h30 or 2 h"
)

// readWhole reads s as exactly one value of read (ReadDate, ReadTime,
// ReadDuration): nothing before or after it. Anything else is refused with
// what was expected ("a date") and examples of forms that work.
func readWhole[T any](s string, read func([]string) (T, int, error), what, examples string) (T, error) {
	var zero T
	words := strings.Fields(s)
	v, n, err := read(words)
	switch {
	case err != nil:
		return zero, err
	case n == 0 || n < len(words):
		return zero, Errorf(EINVALID, "%q is not %s. Write e.g. %s.", clip(s, 40), what, examples)
	}
	return v, nil
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
