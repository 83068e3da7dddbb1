package bot

// Reading times of day: 14:00, 2.30pm, noon.

import (
	"strconv"
	"strings"
)

// ParseTimeOfDay reads s as one whole time of day ("14:00", "2.30pm").
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	return readWhole(s, ReadTime, "a time", timeExamples)
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
