package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// token is one word of a command. Quoted tokens keep their raw form so that
// free text keeps the quotes a member wrote.
type token struct {
	val    string // the value, without quotes
	raw    string // as written
	quoted bool
}

func (t token) lower() string { return strings.ToLower(t.val) }

func (t token) isMention() bool {
	return !t.quoted && len(t.mention()) > 0 && t.val[0] == '@'
}

// mention is the mention's name: without the '@' and a trailing comma, as
// in "members add @ana, @ben".
func (t token) mention() string {
	if len(t.val) < 2 {
		return ""
	}
	return strings.TrimRight(t.val[1:], ",")
}

// Limits of the grammar.
const (
	minSessionLength = 15 * time.Minute
	maxSessionLength = 12 * time.Hour
	minReminder      = time.Minute
	maxReminder      = 60 * 24 * time.Hour
	minPhase         = time.Minute
	maxPhase         = 4 * time.Hour
	maxRetentionDays = 3650
)

// Parse parses a command of the grammar of DESIGN.md section 3. A leading
// "/als" is optional; keywords are case-insensitive; empty text asks for
// help. The verb is found in the registry (see Lookup) and its entry's
// parser reads the rest. Every error is EINVALID with a sentence and the
// command's usage.
func Parse(text string) (Command, error) {
	spec, args, err := match(text)
	if err != nil {
		return Command{}, err
	}
	a, err := spec.parse(parser{s: spec}, args)
	if err != nil {
		return Command{}, err
	}
	return Command{Verb: spec.Verb, Args: a}, nil
}

// ParseForm parses a submitted form: text is the form's command (e.g.
// "report C-12 done"), values its fields by name. The verb's form reader
// builds the arguments from the values directly; a verb without one, or
// values that are not its form, is parsed as typed text.
func ParseForm(text string, values map[string]string) (Command, error) {
	spec, args, err := match(text)
	if err != nil {
		return Command{}, err
	}
	if spec.form != nil {
		a, ok, err := spec.form(parser{s: spec}, args, values)
		if err != nil {
			return Command{}, err
		}
		if ok {
			return Command{Verb: spec.Verb, Args: a}, nil
		}
	}
	a, err := spec.parse(parser{s: spec}, args)
	if err != nil {
		return Command{}, err
	}
	return Command{Verb: spec.Verb, Args: a}, nil
}

// match finds the registry entry the text names (two words before one, so
// "schedule off" is not schedule with "off") and returns the words after it.
func match(text string) (*Spec, []token, error) {
	toks, err := tokenize(text)
	if len(toks) > 0 && !toks[0].quoted && toks[0].lower() == "/als" {
		toks = toks[1:]
	}
	all := registry
	if err != nil {
		return nil, nil, Errorf(EINVALID, "%s Usage: %s", err, Usage(guessVerb(all, toks)))
	}
	if len(toks) == 0 {
		s, _ := lookupIn(all, VerbHelp)
		return s, nil, nil
	}
	if isHereAlias(toks) {
		s, _ := lookupIn(all, VerbHere)
		return s, nil, nil
	}
	var head, sub string
	if !toks[0].quoted {
		head = toks[0].lower()
	}
	if len(toks) > 1 && !toks[1].quoted {
		sub = toks[1].lower()
	}
	if sub != "" {
		// A singular where the verb has a plural ("member add @ana",
		// "reminders facilitator off") is the same command, not an unknown
		// one: "member" alone is another verb, so it is tried first.
		for _, v := range []string{head + " " + sub, head + " " + sub + "s", head + "s " + sub} {
			if s, ok := lookupIn(all, Verb(v)); ok {
				return s, toks[2:], nil
			}
		}
	}
	if s, ok := lookupIn(all, Verb(head)); ok && head != "" {
		return s, toks[1:], nil
	}
	// "here!" and "here." are here; ending punctuation on a one-word verb
	// is how people type, not another command.
	if w := trimmedVerb(toks[0]); w != "" {
		if s, ok := lookupIn(all, Verb(w)); ok && !strings.Contains(string(s.Verb), " ") {
			return s, toks[1:], nil
		}
	}
	if p := phrasing(toks); p != "" {
		return nil, nil, Errorf(EINVALID, "I don't know the command %q. Did you mean /als %s? Write /als help to see every command. Usage: %s", clip(toks[0].val, 40), p, Usage(VerbHelp))
	}
	// A first word that only starts longer verbs ("round", "session"): name them.
	var family []string
	for _, s := range all {
		if !s.Hidden && head != "" && strings.HasPrefix(string(s.Verb), head+" ") {
			family = append(family, string(s.Verb))
		}
	}
	if len(family) > 0 {
		first, _ := lookupIn(registry, Verb(family[0]))
		return nil, nil, parser{s: first}.fail("Write %s; see /als help %s.", orList(family), head)
	}
	word := toks[0].val
	msg := fmt.Sprintf("I don't know the command %q.", clip(word, 40))
	guess := ""
	if len(toks) > 1 {
		guess = closestCommand(strings.ToLower(word + " " + toks[1].val))
	}
	if guess == "" {
		guess = closestCommand(strings.ToLower(word))
	}
	if guess != "" {
		msg += fmt.Sprintf(" Did you mean /als %s?", guess)
	}
	return nil, nil, Errorf(EINVALID, "%s Write /als help to see every command. Usage: %s", msg, Usage(VerbHelp))
}

// lookupIn finds v's entry; the pointer is into all, so nothing is copied
// on the hot path of Parse.
func lookupIn(all []Spec, v Verb) (*Spec, bool) {
	for i := range all {
		if all[i].Verb == v {
			return &all[i], true
		}
	}
	return nil, false
}

// orList joins words as "a, b or c".
func orList(xs []string) string {
	if len(xs) == 1 {
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// tokenize splits on white space; a token that starts with a straight or
// typographic double quote runs to the next closing quote.
func tokenize(text string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		start := i
		if isQuote(r) {
			i += size
			end := -1
			for j := i; j < len(text); {
				q, n := utf8.DecodeRuneInString(text[j:])
				if isQuote(q) {
					end = j
					i = j + n
					break
				}
				j += n
			}
			if end < 0 {
				return toks, fmt.Errorf("A quote is not closed; close every quoted text with a matching \", e.g. nudges \"0 9 * * 1\".")
			}
			toks = append(toks, token{val: text[start+size : end], raw: text[start:i], quoted: true})
			continue
		}
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(r) {
				break
			}
			i += size
		}
		toks = append(toks, token{val: text[start:i], raw: text[start:i]})
	}
	return toks, nil
}

// guessVerb names the command the tokens start, for the usage line of an
// error found before the command was parsed.
func guessVerb(all []Spec, toks []token) Verb {
	var w []string
	for i := 0; i < len(toks) && i < 2; i++ {
		w = append(w, toks[i].lower())
	}
	for n := len(w); n > 0; n-- {
		if s, ok := lookupIn(all, Verb(strings.Join(w[:n], " "))); ok && !s.Hidden {
			return s.Verb
		}
	}
	return VerbHelp
}

func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' }

// closestCommand returns the command keyword nearest to w (edit distance at
// most 2), or "".
func closestCommand(w string) string {
	if w == "" || utf8.RuneCountInString(w) > 30 {
		return ""
	}
	seen := map[string]bool{}
	best, bestD := "", 3
	for _, d := range registry {
		if d.Hidden {
			continue
		}
		for _, cand := range []string{string(d.Verb), strings.Fields(string(d.Verb))[0]} {
			if seen[cand] {
				continue
			}
			seen[cand] = true
			if dist := editDistance(w, cand); dist < bestD {
				best, bestD = cand, dist
			}
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
