package bot

// Reading lengths of time (90, 1h30, 2 h) and writing them as answers do.

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration reads s as one whole duration ("90", "1h30", "2 h").
func ParseDuration(s string) (time.Duration, error) {
	return readWhole(s, ReadDuration, "a length of time", durationExamples)
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
