package bot

import "strings"

// tokenWords gives the date, time and length readers (when.go) the words of
// a command: a quoted token stays one word with its quotes, so "by" or a
// number inside quotes is never read as a date or a length.
func tokenWords(toks []token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.val
		if t.quoted {
			out[i] = t.raw
		}
	}
	return out
}

// IsPlainSchedule reports whether a schedule is written in words (every 4
// weeks on thursday 14:00, monthly first friday 14:00) rather than as a
// cron spec: it starts with every, each, weekly, fortnightly or monthly.
func IsPlainSchedule(text string) bool {
	f := strings.Fields(strings.ToLower(text))
	if len(f) == 0 {
		return false
	}
	switch f[0] {
	case "every", "each", "weekly", "fortnightly", "monthly":
		return true
	}
	return false
}
