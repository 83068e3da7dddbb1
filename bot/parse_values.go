package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The values the grammar reads: dates, times of day, durations and free
// text, shared by the verbs' parsers.

// CheckText refuses free text a person must write (what rounds, commitments
// and reports store) when it is empty or over the length limit; what names
// it in the message, e.g. "what you did and learned".
func CheckText(s, what string) error {
	if strings.TrimSpace(s) == "" {
		return Errorf(EINVALID, "Please write %s; it cannot be empty.", what)
	}
	if n := utf8.RuneCountInString(s); n > MaxTextLen {
		return Errorf(EINVALID, "That text is %d characters long; the limit is %d. Please shorten it.", n, MaxTextLen)
	}
	return nil
}

// looksLikeSpan reports whether s is shaped like a duration (digits and the
// unit letters d, h, m, s, ending in a letter), so "2h" is a length but
// "2nd" or "4" (as in "4 Elm Street") start a place.
func looksLikeSpan(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' || s[len(s)-1] < 'A' {
		return false
	}
	for _, r := range strings.ToLower(s) {
		if (r < '0' || r > '9') && !strings.ContainsRune("dhms", r) {
			return false
		}
	}
	return true
}

// parseSpan parses a duration of whole days, hours and minutes such as 7d,
// 90m or 1h30m. Each unit may appear once, largest first.
func parseSpan(s string) (time.Duration, error) {
	s = strings.ToLower(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	units := []struct {
		c byte
		d time.Duration
	}{{'d', 24 * time.Hour}, {'h', time.Hour}, {'m', time.Minute}}
	var total time.Duration
	next := 0 // index of the smallest unit already used + 1
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		// At most 5 digits per unit, so the sum cannot overflow.
		if i == 0 || i == len(s) || i > 5 {
			return 0, fmt.Errorf("bad duration")
		}
		n, _ := strconv.Atoi(s[:i])
		u := -1
		for k := next; k < len(units); k++ {
			if units[k].c == s[i] {
				u = k
				break
			}
		}
		if u < 0 {
			return 0, fmt.Errorf("bad duration unit")
		}
		total += time.Duration(n) * units[u].d
		next = u + 1
		s = s[i+1:]
	}
	return total, nil
}
