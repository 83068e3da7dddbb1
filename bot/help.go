package bot

import (
	"fmt"
	"strings"
)

// Usage returns the usage line of v, e.g. "/als round start [@presenter]
// [observer @x]", or "" for a verb that is never typed (home).
func Usage(v Verb) string {
	s, ok := Lookup(v)
	if !ok || s.Hidden {
		return ""
	}
	return "/als " + s.Usage
}

// HelpText returns help on topic: with an empty topic, every command grouped
// with one line each; else the command's usage, description and an example.
// The topic may be a verb ("round start"), a leading word ("round"), with or
// without "/als". An unknown topic is EINVALID.
func HelpText(topic string) (string, error) {
	words := strings.Fields(strings.ToLower(topic))
	if len(words) > 0 && words[0] == "/als" {
		words = words[1:]
	}
	// "help me", "help please", "help me with commit": what a stuck person
	// types; the filler words are not a topic ("me" once suggested "my").
	for len(words) > 0 && helpFiller(words[0]) {
		words = words[1:]
	}
	if len(words) > 0 {
		words[len(words)-1] = strings.TrimRight(words[len(words)-1], "!?.,")
	}
	if len(words) == 0 {
		return allHelp(), nil
	}
	t := strings.Join(words, " ")
	all := registry
	if d, ok := lookupIn(all, Verb(t)); ok && !d.Hidden {
		return fmt.Sprintf("/als %s\n%s\nExample: /als %s", d.Usage, d.Desc, d.Example), nil
	}
	// A leading word ("round", "session") lists the commands it starts.
	var b strings.Builder
	for _, d := range all {
		if !d.Hidden && (strings.HasPrefix(string(d.Verb), t+" ") || string(d.Verb) == t) {
			fmt.Fprintf(&b, "/als %s: %s\n", d.Usage, d.Desc)
		}
	}
	if b.Len() > 0 {
		return strings.TrimSuffix(b.String(), "\n"), nil
	}
	msg := fmt.Sprintf("There is no command %q.", clip(t, 40))
	if s := closestCommand(t); s != "" {
		msg += fmt.Sprintf(" Did you mean /als help %s?", s)
	}
	return "", Errorf(EINVALID, "%s Write /als help to see every command. Usage: %s", msg, Usage(VerbHelp))
}

// helpFiller reports whether w is a word people put between help and a
// topic, or bare punctuation ("help!").
func helpFiller(w string) bool {
	switch strings.Trim(w, "!?.,") {
	case "", "me", "please", "pls", "plz", "with", "us":
		return true
	}
	return false
}

func allHelp() string {
	var b strings.Builder
	b.WriteString("alsbot commands:\n")
	all := registry
	for _, g := range helpGroups {
		fmt.Fprintf(&b, "\n*%s*\n", g)
		for _, d := range all {
			if d.Group == g && !d.Hidden {
				fmt.Fprintf(&b, "/als %s: %s\n", d.Usage, d.Desc)
			}
		}
	}
	b.WriteString("\nWrite /als help <command> for an example, e.g. /als help session add.")
	return b.String()
}

// clip shortens s to n runes so error messages never echo long input.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
