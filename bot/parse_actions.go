package bot

import (
	"slices"
	"strconv"
	"strings"
)

// The argument parsers and form readers of the Actions and Evaluation
// verbs (see registry.go): commit, report, feedback, mentoring log.

func parseCommit(p parser, args []token) (any, error) {
	// "by <date>" at the end is the due date; a "by" followed by something
	// date-like that is not a date is refused, never kept as text.
	n, due, err := ReadDue(tokenWords(args))
	if err != nil {
		return nil, p.fail("%s", err)
	}
	s, err := p.text(args[:n])
	if err != nil {
		return nil, err
	}
	if s == "" {
		return nil, p.fail("Say what you will do, e.g. /als commit Talk to the duty team.")
	}
	return CommitArgs{Text: s, Due: due}, nil
}

// formCommit reads the commitment form (the action prompt's): its text and
// an optional due date from a date picker.
func formCommit(_ parser, _ []token, values map[string]string) (any, bool, error) {
	a := CommitArgs{Text: strings.TrimSpace(values["text"])}
	if err := CheckText(a.Text, "what you will do before the next session"); err != nil {
		return nil, true, err
	}
	if due := strings.TrimSpace(values["due"]); due != "" {
		d, err := ParseDate(due)
		if err != nil {
			return nil, true, err
		}
		a.Due = d
	}
	return a, true, nil
}

// reportHead reads a report's id and status, the words before its text.
func reportHead(p parser, args []token) (string, ReportStatus, error) {
	id, ok := normalizeShortID(args[0].val)
	if !ok {
		return "", "", p.fail("%q is not a commitment id; ids look like C-12 (see /als actions).", clip(args[0].val, 40))
	}
	switch args[1].lower() {
	case "done":
		return id, ReportDone, nil
	case "progress":
		return id, ReportProgress, nil
	case "blocked":
		return id, ReportBlocked, nil
	case "in":
		// "report C-1 in progress ..." is how people write it; the status
		// is the one word.
		return "", "", p.fail("Write progress on its own, without in, e.g. /als report %s progress Called HR once.", id)
	}
	return "", "", p.fail("%q is not a status; write done, progress or blocked.", clip(args[1].val, 40))
}

func parseReport(p parser, args []token) (any, error) {
	if len(args) == 2 {
		// Id and status given: say what is missing, not the whole form
		// again (a trial's "report C-1 done" was told to give the id).
		id, st, err := reportHead(p, args)
		if err != nil {
			return nil, err
		}
		return nil, p.fail("Add what you did and learned after %s, e.g. /als report %s %s Met HR on Tuesday; it is what the set hears at the report-back.", st, id, st)
	}
	if len(args) < 3 {
		return nil, p.fail("Give the commitment's id (see /als actions), done, progress or blocked, and what you did and learned.")
	}
	id, st, err := reportHead(p, args)
	if err != nil {
		return nil, err
	}
	s, err := p.text(args[2:])
	if err != nil {
		return nil, err
	}
	return ReportArgs{ID: id, Status: st, Text: s}, nil
}

// formReport reads the report form of a nudge's button ("report C-12 done"
// with the text in the form's "text" field, or "report C-12" with the status
// chosen in its "status" field).
func formReport(p parser, args []token, values map[string]string) (any, bool, error) {
	text, ok := values["text"]
	if !ok {
		return nil, false, nil
	}
	if st := strings.TrimSpace(values["status"]); len(args) == 1 && st != "" {
		args = append(args, token{val: st, raw: st})
	}
	if len(args) != 2 {
		return nil, true, p.fail("Give the commitment's id (see /als actions), done, progress or blocked, and what you did and learned.")
	}
	id, st, err := reportHead(p, args)
	if err != nil {
		return nil, true, err
	}
	text = strings.TrimSpace(text)
	if err := CheckText(text, "what you did and learned"); err != nil {
		return nil, true, err
	}
	return ReportArgs{ID: id, Status: st, Text: text}, true, nil
}

// normalizeShortID accepts C-12, c-12, C12 and 12 and returns "C-12".
func normalizeShortID(s string) (string, bool) {
	if len(s) > 0 && (s[0] == 'C' || s[0] == 'c') {
		s = strings.TrimPrefix(s[1:], "-")
	}
	if s == "" || len(s) > 9 {
		return "", false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	n, _ := strconv.Atoi(s)
	if n < 1 {
		return "", false
	}
	return "C-" + strconv.Itoa(n), true
}

func parseFeedback(p parser, args []token) (any, error) {
	if len(args) == 0 {
		return nil, p.fail("Give a rating from 1 to 5.")
	}
	n, err := strconv.Atoi(ratingWord(args[0].val))
	if err != nil || n < 1 || n > 5 {
		return nil, p.fail("%q is not a rating; give a whole number from 1 to 5.", clip(args[0].val, 40))
	}
	s, err := p.text(args[1:])
	if err != nil {
		return nil, err
	}
	return FeedbackArgs{Rating: n, Comment: s}, nil
}

// ratingWord reads the ways people write a rating: "4/5" and "four" are 4
// (a trial's "feedback 4/5 good session" and "feedback five" were refused).
func ratingWord(s string) string {
	s = strings.ToLower(s)
	if n, ok := strings.CutSuffix(s, "/5"); ok {
		return n
	}
	if i := slices.Index([]string{"one", "two", "three", "four", "five"}, s); i >= 0 {
		return strconv.Itoa(i + 1)
	}
	return s
}

// formFeedback reads the feedback form (the pulse's "Rate with a comment"):
// a rating and an optional comment.
func formFeedback(p parser, _ []token, values map[string]string) (any, bool, error) {
	raw, ok := values["rating"]
	if !ok {
		return nil, false, nil
	}
	raw = strings.TrimSpace(raw)
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 5 {
		return nil, true, Errorf(EINVALID, "%q is not a rating; pick a whole number from 1 to 5. Usage: %s", clip(raw, 40), p.usage())
	}
	comment := strings.TrimSpace(values["comment"])
	if comment != "" {
		if err := CheckText(comment, "a comment"); err != nil {
			return nil, true, err
		}
	}
	return FeedbackArgs{Rating: n, Comment: comment}, true, nil
}

func parseMentoringLog(p parser, args []token) (any, error) {
	if len(args) == 0 || !args[0].isMention() {
		return nil, p.fail("Mention your mentee first, e.g. @ana.")
	}
	a := MentoringLogArgs{Mentee: args[0].mention()}
	var err error
	// A date right after the mentee is the day of the meeting.
	if a.Date, a.Note, err = datedNote(p, args[1:]); err != nil {
		return nil, err
	}
	return a, nil
}

// readAgo reads "2 days ago", "a week ago", "3 weeks ago" from the start of
// words: a day counted back from today. n is 0 when words do not start so.
func readAgo(words []string) (DateSpec, int) {
	if len(words) < 3 || strings.ToLower(words[2]) != "ago" {
		return DateSpec{}, 0
	}
	count, err := strconv.Atoi(words[0])
	if strings.EqualFold(words[0], "a") || strings.EqualFold(words[0], "one") {
		count, err = 1, nil
	}
	if err != nil || count < 0 || count > 400 {
		return DateSpec{}, 0
	}
	days := count
	switch strings.ToLower(words[1]) {
	case "day", "days":
	case "week", "weeks":
		days = 7 * count
	default:
		return DateSpec{}, 0
	}
	return DateSpec{kind: dateOffset, n: -days, written: strings.Join(words[:3], " ")}, 3
}

// datedNote reads "[<date>] [<note>]" as the mentoring and practice logs
// take it: a date first is the day; something that looks like a date but is
// not one is refused, so it never becomes the note.
func datedNote(p parser, args []token) (DateSpec, string, error) {
	var d DateSpec
	if len(args) > 0 && !args[0].quoted {
		date, n, err := ReadDate(tokenWords(args))
		if err != nil {
			return DateSpec{}, "", p.fail("%s If the note starts with these words, put it in quotes.", err)
		}
		if n == 0 {
			// "2 days ago" was logged for today with the words as the
			// note in a trial: a meeting in the past is said this way.
			date, n = readAgo(tokenWords(args))
		}
		d, args = date, args[n:]
	}
	note, err := p.text(args)
	if err != nil {
		return DateSpec{}, "", err
	}
	return d, note, nil
}
