package bot

import (
	"fmt"
	"strings"
	"time"
)

// This file holds the messages both the command handlers and the scheduler
// send, so that a prompt looks the same whether a command or a timer caused it.

// FormatTime shows t to a person: "Tue 3 Dec 2026 18:00 (Europe/London)".
// A nil loc means UTC.
func FormatTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan 2006 15:04") + " (" + loc.String() + ")"
}

// PersonName is how a person of the set is named in messages: the display
// name the platform told us, else "@<user id>".
func PersonName(set *Set, userID string) string {
	if set != nil {
		if p := set.Person(userID); p != nil && p.User.Name != "" {
			return p.User.Name
		}
	}
	return "@" + userID
}

// CommitForm is the form a member fills in to record a commitment; submitting
// it runs the "commit" command with the values "text" and "due".
func CommitForm() *Form {
	return &Form{
		ID:      "commit",
		Title:   "Your commitment",
		Submit:  "Save",
		Command: "commit",
		Fields: []FormField{
			{Name: "text", Label: "What will you do before the next session?", Kind: FieldText, Required: true, Multiline: true, MaxLen: MaxTextLen},
			{Name: "due", Label: "By when?", Kind: FieldDate},
		},
	}
}

// ActionPrompt asks a presenter to record the action they will take before
// the next session. sess may be nil (no session context).
func ActionPrompt(set *Set, sess *Session) Message {
	where := "your action learning set"
	if set != nil && set.Name != "" {
		where = set.Name
	}
	text := fmt.Sprintf("Thank you for presenting in %s. What action will you take before the next session? Record it now so you can report back on it.", where)
	if sess != nil && sess.Number > 0 {
		text = fmt.Sprintf("Thank you for presenting in %s, session %d. What action will you take before the next session? Record it now so you can report back on it.", where, sess.Number)
	}
	// The prompt goes to a DM: the button and form carry the set so that a
	// member of several sets records the action in this one.
	form := CommitForm()
	var setID string
	if set != nil {
		setID = set.ID
	}
	form.SetID = setID
	return Message{
		Kind:  KindActionPrompt,
		Title: "Your action",
		Text:  text,
		Buttons: []Button{{
			Label:   "Record my commitment",
			Style:   StylePrimary,
			Command: "commit",
			Form:    form,
			SetID:   setID,
		}},
	}
}

// Digest is the report-back digest of a set: for each member, the
// commitments that are still open or were reported on since since, each with
// its latest report. Member texts are in it: send it only to the set's
// channel. Commitments of people no longer members are kept (their report
// still belongs to the set's record).
func Digest(set *Set, commitments []*Commitment, since time.Time, loc *time.Location) Message {
	byUser := map[string][]*Commitment{}
	for _, c := range commitments {
		if c == nil || (c.Status != CommitmentOpen && !reportedSince(c, since)) {
			continue
		}
		byUser[c.UserID] = append(byUser[c.UserID], c)
	}
	msg := Message{Kind: KindDigest, Title: "Report-back"}
	if set != nil && set.Name != "" {
		msg.Title = "Report-back: " + set.Name
	}
	msg.Text = "Each member's commitments and what they reported."
	if !since.IsZero() {
		msg.Text = "Each member's commitments and what they reported since " + FormatTime(since, loc) + "."
	}
	seen := map[string]bool{}
	var order []string
	if set != nil {
		for _, p := range set.People {
			if p.Has(RoleMember) || len(byUser[p.User.ID]) > 0 {
				order = append(order, p.User.ID)
				seen[p.User.ID] = true
			}
		}
	}
	for _, c := range commitments { // authors not in set.People, in creation order
		if c != nil && len(byUser[c.UserID]) > 0 && !seen[c.UserID] {
			order = append(order, c.UserID)
			seen[c.UserID] = true
		}
	}
	for _, id := range order {
		cs := byUser[id]
		sec := Section{Title: PersonName(set, id)}
		if len(cs) == 0 {
			sec.Text = "No open commitment."
		} else {
			lines := make([]string, 0, len(cs))
			for _, c := range cs {
				lines = append(lines, CommitmentLine(c, loc))
			}
			sec.Text = strings.Join(lines, "\n")
		}
		msg.Sections = append(msg.Sections, sec)
	}
	if len(msg.Sections) == 0 {
		msg.Text = "No members or commitments yet."
	}
	return msg
}

// CommitmentLine shows one commitment with its status, due date and latest
// report: "C-3 (open, due Tue 3 Dec 2026 18:00 (UTC)): text. Latest report (progress): text".
func CommitmentLine(c *Commitment, loc *time.Location) string {
	var b strings.Builder
	b.WriteString(c.ShortID)
	b.WriteString(" (")
	b.WriteString(string(c.Status))
	if !c.Due.IsZero() {
		b.WriteString(", due ")
		b.WriteString(FormatTime(c.Due, loc))
	}
	b.WriteString("): ")
	b.WriteString(c.Text)
	if n := len(c.Reports); n > 0 {
		r := c.Reports[n-1]
		fmt.Fprintf(&b, "\n    Latest report (%s, %s): %s", r.Status, FormatTime(r.At, loc), r.Text)
	} else {
		b.WriteString("\n    No report yet.")
	}
	return b.String()
}

func reportedSince(c *Commitment, since time.Time) bool {
	for _, r := range c.Reports {
		if !r.At.Before(since) {
			return true
		}
	}
	return false
}
