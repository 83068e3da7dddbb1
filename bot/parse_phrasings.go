package bot

import "strings"

// hereAlias reports whether phrase (a whole message, lower case) is a way
// people announce they have arrived; each means exactly `here`, so it runs
// rather than being answered with a guess.
func hereAlias(phrase string) bool {
	switch phrase {
	case "i am here", "im here", "i'm here", "iam here":
		return true
	}
	return false
}

// phrasingOf maps the everyday words people type for a command (the first
// one or two words, lower case) to the command they mean. Edit distance
// alone answered "start round" with "stats" and "next" with "not".
func phrasingOf(words string) string {
	switch words {
	case "check in", "checkin", "check-in", "checked in", "present", "arrived", "attending", "i'm", "im", "i am":
		return "here"
	case "start round", "begin round", "new round", "next round":
		return "round start"
	case "next", "next phase":
		return "round next"
	case "end round", "stop round", "finish round":
		return "round end"
	case "cancel round":
		return "round cancel"
	case "start session", "open session", "begin session", "session open", "session begin":
		return "session start"
	case "end session", "close session", "finish session", "session close", "session finish":
		return "session end"
	case "round begin":
		return "round start"
	case "round stop", "round finish":
		return "round end"
	case "add members", "add member":
		// Spelling alone answered "add members @ana" with "bid".
		return "members add @a @b"
	case "remove members", "remove member":
		return "members remove @a"
	case "add facilitator", "add co-facilitator":
		return "facilitator add @a"
	case "cancel session":
		return "session cancel <number or date>"
	case "add session":
		return "session add <date> <time>"
	case "start":
		return "round start or /als session start"
	case "end":
		return "round end or /als session end"
	case "status":
		return "session status or /als round status"
	case "commitments", "my actions", "my commitments", "my commitment", "todo", "action":
		return "actions"
	case "rating", "rate":
		return "feedback <1-5> [<comment>]"
	case "statistics", "figures":
		return "stats"
	case "undo", "oops":
		// The undo verbs, each named by what it undoes (docs/undo.md).
		return "session undo start, /als not here, /als round cancel or /als commitment drop <id>"
	}
	return ""
}

// normalizeWord lowers w and writes a typographic apostrophe plainly, so
// "I’m" from a phone keyboard reads as "i'm".
func normalizeWord(w string) string {
	return strings.ReplaceAll(strings.ToLower(w), "’", "'")
}

// isHereAlias reports whether toks, the whole message, is a way of saying
// `here` (ending punctuation aside: "I'm here!").
func isHereAlias(toks []token) bool {
	if len(toks) < 2 || len(toks) > 3 {
		return false
	}
	var w []string
	for _, t := range toks {
		if t.quoted {
			return false
		}
		w = append(w, normalizeWord(t.val))
	}
	return hereAlias(strings.TrimRight(strings.Join(w, " "), ".!"))
}

// phrasing names the command the first words of toks mean in everyday
// words, or "".
func phrasing(toks []token) string {
	var w []string
	for i := 0; i < len(toks) && i < 2; i++ {
		if toks[i].quoted {
			break
		}
		w = append(w, strings.TrimRight(normalizeWord(toks[i].val), ".!?"))
	}
	for n := len(w); n > 0; n-- {
		if s := phrasingOf(strings.Join(w[:n], " ")); s != "" {
			return s
		}
	}
	return ""
}

// trimmedVerb is the first word without ending punctuation, so "here!" and
// "here." are here; "" when nothing was trimmed.
func trimmedVerb(t token) string {
	if t.quoted {
		return ""
	}
	w := strings.TrimRight(t.lower(), ".!")
	if w == t.lower() || w == "" {
		return ""
	}
	return w
}
