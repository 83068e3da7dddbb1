package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxMentions is the most people one command may mention. No command
// needs more (a set is a handful of people); without a cap a 1 MiB input
// carried 349,525 mentions (issue 11, finding 10).
const MaxMentions = 50

// SanitizeRequest is what every request goes through before it is parsed:
// it refuses a request whose actor has an anonymous id (a forgotten
// person's id must never be matchable by an incoming platform id), drops
// mentions that resolve to one (so "@anon-1" is an unknown user), refuses
// more than MaxMentions mentions, and strips control and bidirectional
// override characters from everything a member wrote, so that what is
// stored and shown cannot hide or reorder text (ESC, NUL, U+202E).
// It returns a copy; req is not changed.
func SanitizeRequest(req Request) (Request, error) {
	if IsAnonymous(req.Actor.ID) {
		return req, Errorf(EINVALID, "I can't accept commands from this account: its id is reserved for people who asked to be forgotten.")
	}
	if n := countMentions(req.Text); n > MaxMentions {
		return req, Errorf(EINVALID, "That command mentions %d people; one command may mention at most %d.", n, MaxMentions)
	}
	req.Text = CleanText(req.Text)
	req.Actor.Name = CleanText(req.Actor.Name)
	req.Conv.Name = CleanText(req.Conv.Name)
	if req.Mentions != nil {
		ms := make(map[string]UserRef, len(req.Mentions))
		for k, u := range req.Mentions {
			if IsAnonymous(u.ID) {
				continue
			}
			u.Name = CleanText(u.Name)
			ms[k] = u
		}
		req.Mentions = ms
	}
	if req.Action != nil {
		a := &Action{FormID: req.Action.FormID, Values: make(map[string]string, len(req.Action.Values))}
		for k, v := range req.Action.Values {
			a.Values[k] = CleanText(v)
		}
		req.Action = a
	}
	return req, nil
}

// countMentions counts the words of text that are mentions: "@ana" as
// typed in the shell and Teams, "<@U123>" as Slack sends them.
func countMentions(text string) int {
	n := 0
	for _, w := range strings.Fields(text) {
		if strings.HasPrefix(w, "@") || strings.HasPrefix(w, "<@") {
			n++
		}
	}
	return n
}

// CleanText drops control characters (but newline and tab, which members
// use to lay out text), bidirectional embedding, override and isolate
// characters, and invalid UTF-8.
func CleanText(s string) string {
	if !needsCleaning(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if dropRune(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

func needsCleaning(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if dropRune(r) {
			return true
		}
	}
	return false
}

func dropRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case unicode.IsControl(r): // C0, DEL, C1: ESC, NUL, ...
		return true
	case r >= 0x202A && r <= 0x202E, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069,            // LRI, RLI, FSI, PDI
		r == 0x200E, r == 0x200F, r == 0x061C: // LRM, RLM, ALM
		return true
	}
	return false
}
