package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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

// PeopleNames lists people of the set by name: "Ana, Ben and Cy" ("none"
// for nobody).
func PeopleNames(set *Set, ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = PersonName(set, id)
	}
	return JoinAnd(out)
}

// JoinAnd joins "a, b and c".
func JoinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// Capitalize puts the first letter in upper case.
func Capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
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
	return actionPrompt(set, "Your action", text)
}

// ActionPromptRound asks a presenter who presented again in sess, in round
// round, for the action on this second issue: a trial found the second
// prompt worded as the first, so it read as a repeat sent by mistake.
func ActionPromptRound(set *Set, sess *Session, round int) Message {
	text := fmt.Sprintf("Thank you for presenting again in %s, session %d (round %d). This is a second action prompt, for the issue of round %d: what action will you take on it before the next session? Record it as its own commitment so you can report back on both.", setName(set), sess.Number, round, round)
	return actionPrompt(set, fmt.Sprintf("Your action for round %d", round), text)
}

// ActionPromptAgain is the follow-up at the end of sess to a presenter who
// has recorded no action yet; rounds are the rounds they presented in.
func ActionPromptAgain(set *Set, sess *Session, rounds []int) Message {
	nums := make([]string, len(rounds))
	for i, n := range rounds {
		nums[i] = strconv.Itoa(n)
	}
	which := "round " + strings.Join(nums, "")
	if n := len(nums); n > 1 {
		which = "rounds " + strings.Join(nums[:n-1], ", ") + " and " + nums[n-1]
	}
	if len(nums) == 0 {
		which = "a round"
	}
	text := fmt.Sprintf("A follow-up: you presented in %s, session %d (%s), and have not recorded an action yet. What will you do before the next session? Record it now so you can report back on it.", setName(set), sess.Number, which)
	return actionPrompt(set, "Your action: a follow-up", text)
}

// setName is the set's name for prompts, or a neutral phrase without one.
func setName(set *Set) string {
	if set != nil && set.Name != "" {
		return set.Name
	}
	return "your action learning set"
}

// actionPrompt is an action prompt with its commit button and form.
func actionPrompt(set *Set, title, text string) Message {
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
		Title: title,
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
// still belongs to the set's record), under their name marked as such.
func Digest(set *Set, commitments []*Commitment, since, now time.Time, loc *time.Location) Message {
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
	if len(byUser) == 0 {
		// Nothing to report back on (e.g. before the first session): one
		// line, not a "No open commitment" per member.
		msg.Text = "No commitments yet."
		return msg
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
		if set != nil && !set.InSet(id) {
			// Kept for the record; they cannot report on it any more.
			sec.Title += " (no longer in the set)"
		}
		if len(cs) == 0 {
			sec.Text = "No open commitment."
		} else {
			lines := make([]string, 0, len(cs))
			for _, c := range cs {
				lines = append(lines, CommitmentLine(c, loc, now))
			}
			sec.Text = strings.Join(lines, "\n")
		}
		msg.Sections = append(msg.Sections, sec)
	}
	return msg
}

// CommitmentLine shows one commitment with its status, due date and latest
// report: "C-3 (open, due Tue 3 Dec 2026 18:00 (UTC)): text. Latest report (progress): text".
func CommitmentLine(c *Commitment, loc *time.Location, now time.Time) string {
	var b strings.Builder
	b.WriteString(c.ShortID)
	b.WriteString(" (")
	b.WriteString(string(c.Status))
	if !c.Due.IsZero() {
		b.WriteString(", ")
		b.WriteString(dueWords(c, now))
		b.WriteString(" ")
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

// dueWords is "due", or "overdue since" for an open commitment whose due
// time passed more than overdueGrace before now (a trial's report-back
// showed a commitment due two months earlier as plainly "due"). A zero now
// never says overdue.
func dueWords(c *Commitment, now time.Time) string {
	if c.Status == CommitmentOpen && !now.IsZero() && !c.Due.IsZero() && c.Due.Before(now.Add(-overdueGrace)) {
		return "overdue since"
	}
	return "due"
}

// overdueGrace: a commitment with no date given is due when the next
// session starts, and is reported on in that session; it is not late there.
const overdueGrace = 24 * time.Hour

func reportedSince(c *Commitment, since time.Time) bool {
	for _, r := range c.Reports {
		if !r.At.Before(since) {
			return true
		}
	}
	return false
}

// FeedbackPulse is the message that asks an attendee of a closed session for
// feedback: buttons 1 to 5 ("feedback <n>") and a form (ID "feedback",
// fields "rating" and "comment") for a rating with a comment. It goes to a
// DM, so buttons and form carry the set.
func FeedbackPulse(set *Set, sess *Session) Message {
	m := Message{
		Kind:  KindFeedback,
		Title: "How was session " + strconv.Itoa(sess.Number) + "?",
		Text:  "Thank you for taking part in session " + strconv.Itoa(sess.Number) + " of " + set.Name + ". How useful was it, from 1 (not at all) to 5 (very)? You can add a comment: `/als feedback <1-5> [comment]`.",
	}
	opts := make([]Option, 0, 5)
	for i := 1; i <= 5; i++ {
		n := strconv.Itoa(i)
		m.Buttons = append(m.Buttons, Button{Label: n, Command: "feedback " + n, SetID: set.ID})
		opts = append(opts, Option{Label: n, Value: n})
	}
	m.Buttons = append(m.Buttons, Button{Label: "Rate with a comment", Command: "feedback", SetID: set.ID, Form: &Form{
		ID: "feedback", Title: "Session " + strconv.Itoa(sess.Number) + " feedback", Submit: "Send", Command: "feedback", SetID: set.ID,
		Fields: []FormField{
			{Name: "rating", Label: "How useful was the session (1-5)?", Kind: FieldChoice, Required: true, Options: opts},
			{Name: "comment", Label: "Comment (optional)", Kind: FieldText, Multiline: true, MaxLen: MaxTextLen},
		},
	}})
	return m
}

// FormatDuration is how every message writes a length of time: "25 min",
// "3 h", "1 h 30 min" (rounded to the minute).
func FormatDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int((d%time.Hour)/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	default:
		return fmt.Sprintf("%d h %d min", h, m)
	}
}

// InWords says how far ahead d is: "in 7 days", "in 3 hours", "in 20 minutes".
func InWords(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "in 1 " + unit
		}
		return fmt.Sprintf("in %d %ss", n, unit)
	}
	switch {
	case d >= 23*time.Hour+30*time.Minute:
		return plural(int64((d+12*time.Hour)/(24*time.Hour)), "day")
	case d >= 55*time.Minute:
		return plural(int64((d+30*time.Minute)/time.Hour), "hour")
	default:
		return plural(max(1, int64((d+30*time.Second)/time.Minute)), "minute")
	}
}

// Reminder is a session reminder sent at now, with times in loc. For a
// member's DM (dm true) it adds their open commitments; a member with none
// is asked to record one only once they have presented (before that they
// have nothing to commit to).
func Reminder(set *Set, sess *Session, now time.Time, loc *time.Location, open []*Commitment, dm, presented bool) Message {
	m := Message{
		Kind:  KindReminder,
		Title: fmt.Sprintf("Reminder: %s, session %d", set.Name, sess.Number),
		Text:  fmt.Sprintf("Session %d is %s: %s.", sess.Number, InWords(sess.Start.Sub(now)), FormatTime(sess.Start, loc)),
	}
	fields := []Field{{Label: "When", Value: FormatTime(sess.Start, loc)}, {Label: "Length", Value: FormatDuration(sess.Duration)}}
	if sess.Where != "" {
		fields = append(fields, Field{Label: "Where", Value: sess.Where})
	}
	m.Sections = append(m.Sections, Section{Fields: fields})
	if !dm {
		return m
	}
	switch {
	case len(open) > 0:
		lines := make([]string, 0, len(open))
		for _, c := range open {
			lines = append(lines, CommitmentLine(c, loc, now))
		}
		m.Sections = append(m.Sections, Section{Title: "Your open commitment",
			Text: strings.Join(lines, "\n") + "\nReport on it with `/als report <id> <done|progress|blocked> <what you did and learned>`."})
	case presented:
		m.Sections = append(m.Sections, Section{Title: "Your open commitment",
			Text: "You have no open commitment. Record one with `/als commit <text>`."})
	}
	return m
}

// FacilitatorReminder is a session reminder to a facilitator who is not a
// member: the session's when and where, and how to open it (they have no
// commitments of their own to report on).
func FacilitatorReminder(set *Set, sess *Session, now time.Time, loc *time.Location) Message {
	m := Reminder(set, sess, now, loc, nil, false, false)
	m.Sections = append(m.Sections, Section{Title: "You facilitate",
		Text: fmt.Sprintf("Open it with %s when the set meets; %s shows who has checked in and bid. %s stops these messages.", Cmd("session start"), Cmd("session status"), Cmd("reminders facilitators off"))})
	return m
}

// PhaseMoved is the channel's line when the facilitator moves round r on
// to its current phase; times in loc. The action and process-review phases
// say by name who speaks now, so the observer is prompted to feed back
// (issue 13: process review did not prompt the observer).
func PhaseMoved(set *Set, r *Round, loc *time.Location) Message {
	text := fmt.Sprintf("Round %d: %s (%s, until %s)", r.Number, r.Phase, FormatDuration(r.Durations[r.Phase]), r.Deadline().In(loc).Format("15:04"))
	presenter := PersonName(set, r.Presenter)
	switch r.Phase {
	case PhaseAction:
		text += fmt.Sprintf(". %s, name the action you will take before the next session.", presenter)
	case PhaseProcessReview:
		if r.Observer != "" {
			text += fmt.Sprintf(". %s, as observer, feed back on how the questioning went; then %s says what helped.", PersonName(set, r.Observer), presenter)
		} else {
			text += fmt.Sprintf(". No observer this round: everyone, how did the questioning go? Then %s says what helped.", presenter)
		}
	}
	return Message{Kind: KindPhase, Text: text}
}

// AddCalendarLink adds to m, a message about one session, the address of
// that session's calendar file (SessionLinks); nothing when url is empty.
// The address is written out bare: Slack and Teams both make a bare URL a
// link, and neither needs a button for it.
func AddCalendarLink(m *Message, url string) {
	if url == "" {
		return
	}
	m.Sections = append(m.Sections, Section{Text: "Add to calendar: " + url})
}

// CoverReminder asks a member, the set's cover lead before a session
// (Set.CoverLead), to arrange cover for duty work then; times in loc.
// Missed sessions are most often down to day-to-day pressure and cover not
// arranged in time, so it comes early and says only that.
func CoverReminder(set *Set, sess *Session, now time.Time, loc *time.Location) Message {
	fields := []Field{{Label: "When", Value: FormatTime(sess.Start, loc)}, {Label: "Length", Value: FormatDuration(sess.Duration)}}
	if sess.Where != "" {
		fields = append(fields, Field{Label: "Where", Value: sess.Where})
	}
	return Message{
		Kind:  KindReminder,
		Title: fmt.Sprintf("Arrange cover: %s, session %d", set.Name, sess.Number),
		Text: fmt.Sprintf("Session %d of %s is %s: %s. If you have duty work or other commitments then, arrange cover now so you can be there for the whole session.",
			sess.Number, set.Name, InWords(sess.Start.Sub(now)), FormatTime(sess.Start, loc)),
		Sections: []Section{{Fields: fields}},
	}
}

// PhaseNotice tells the set's channel at now that round r's phase is nearly
// up (nearly true) or up; times in loc.
func PhaseNotice(r *Round, nearly bool, now time.Time, loc *time.Location) Message {
	until := r.Deadline().In(loc).Format("15:04")
	m := Message{Kind: KindPhase, Title: fmt.Sprintf("Round %d", r.Number)}
	if nearly {
		left := max(time.Minute, r.Deadline().Sub(now).Round(time.Minute))
		m.Text = fmt.Sprintf("Round %d: %s is nearly up (%s left, until %s). The facilitator moves on with `/als round next`.", r.Number, r.Phase, FormatDuration(left), until)
	} else {
		m.Text = fmt.Sprintf("Round %d: time is up for %s (%s). The facilitator moves on with `/als round next`.", r.Number, r.Phase, until)
	}
	return m
}

// ReportForm is the form a nudge's button opens: submitting it runs
// "report <id> <status>" with the value "text".
func ReportForm(setID, shortID string, status ReportStatus) *Form {
	return &Form{
		ID: "report", Title: "Report on " + shortID, Submit: "Report", Command: "report " + shortID + " " + string(status), SetID: setID,
		Fields: []FormField{{Name: "text", Label: "What did you do and learn?", Kind: FieldText, Required: true, Multiline: true, MaxLen: MaxTextLen}},
	}
}

// ReportChoiceForm is the form of a nudge's button when the member has
// several commitments: one button per commitment, the status chosen in the
// form ("status") with the text ("text"); it runs "report <id>".
func ReportChoiceForm(setID, shortID string) *Form {
	return &Form{
		ID: "report", Title: "Report on " + shortID, Submit: "Report", Command: "report " + shortID, SetID: setID,
		Fields: []FormField{
			{Name: "status", Label: "How is it going?", Kind: FieldChoice, Required: true, Options: []Option{
				{Label: "Done", Value: string(ReportDone)}, {Label: "Progress", Value: string(ReportProgress)}, {Label: "Blocked", Value: string(ReportBlocked)},
			}},
			{Name: "text", Label: "What did you do and learn?", Kind: FieldText, Required: true, Multiline: true, MaxLen: MaxTextLen},
		},
	}
}

// Nudge asks a member between sessions how their open commitments are
// going; open must not be empty (a nudge that says nothing is not sent).
// One commitment gets Done / Progress / Blocked buttons; several get one
// button each (a form with the status in it), not three each.
func Nudge(set *Set, open []*Commitment, now time.Time, loc *time.Location) Message {
	m := Message{
		Kind:  KindNudge,
		Title: "How is your action going?",
		Text:  fmt.Sprintf("A between-sessions check-in from %s. Tell the set what you did and learned: what you report now is shown in the next session's report-back.", set.Name),
	}
	labels := map[ReportStatus]string{ReportDone: "Done", ReportProgress: "Progress", ReportBlocked: "Blocked"}
	for _, c := range open {
		sec := Section{Text: CommitmentLine(c, loc, now)}
		if dueWords(c, now) != "due" {
			// Week after week the same late line, and nothing to do about it.
			sec.Text += fmt.Sprintf("\n    Past its date? Move it with `/als commitment edit %s by <date>`, or drop it with `/als commitment drop %s`.", c.ShortID, c.ShortID)
		}
		m.Sections = append(m.Sections, sec)
		// Sent to a DM: buttons and forms carry the set for members of several sets.
		if len(open) > 1 {
			m.Buttons = append(m.Buttons, Button{Label: "Report on " + c.ShortID, Command: "report " + c.ShortID, Form: ReportChoiceForm(set.ID, c.ShortID), SetID: set.ID})
			continue
		}
		for _, st := range []ReportStatus{ReportDone, ReportProgress, ReportBlocked} {
			b := Button{Label: labels[st], Command: "report " + c.ShortID + " " + string(st), Form: ReportForm(set.ID, c.ShortID, st), SetID: set.ID}
			if st == ReportDone {
				b.Style = StylePrimary
			}
			m.Buttons = append(m.Buttons, b)
		}
	}
	return m
}

// Mentee is a mentor's mentee with their open commitments.
type Mentee struct {
	UserID string
	Open   []*Commitment
}

// MentorNudge lists a mentor's mentees' open commitments (never reports:
// those stay in the set) and asks them to log their meetings. Mentees
// without an open commitment are left out; with none left, nothing is sent.
func MentorNudge(set *Set, mentees []Mentee, now time.Time, loc *time.Location) Message {
	m := Message{
		Kind:  KindMentorNudge,
		Title: "Your mentees in " + set.Name,
		Text:  "Here are your mentees' open commitments. When you have met one of them, log it with `/als mentoring log @mentee [<date>] [<note>]` (e.g. `yesterday` or `16/12/2026`).",
	}
	for _, p := range mentees {
		if len(p.Open) == 0 {
			continue
		}
		lines := make([]string, 0, len(p.Open))
		for _, c := range p.Open {
			line := c.ShortID + ": " + c.Text
			if !c.Due.IsZero() {
				line += " (" + dueWords(c, now) + " " + FormatTime(c.Due, loc) + ")"
			}
			lines = append(lines, line)
		}
		m.Sections = append(m.Sections, Section{Title: PersonName(set, p.UserID), Text: strings.Join(lines, "\n")})
	}
	return m
}

// DigestBefore is the report-back digest sent at now ahead of sess.
func DigestBefore(set *Set, sess *Session, commitments []*Commitment, since, now time.Time) Message {
	m := Digest(set, commitments, since, now, set.Location())
	m.Text = fmt.Sprintf("Session %d is %s: %s. %s", sess.Number, InWords(sess.Start.Sub(now)), FormatTime(sess.Start, set.Location()), m.Text)
	return m
}

// Undelivered tells a facilitator that a message meant for the set's
// channel could not be posted, and what to do about it. reason is the
// platform's word for it ("not_in_channel", "channel_not_found", ...).
func Undelivered(set *Set, kind MessageKind, reason string) Message {
	what := "A message"
	if kind != "" {
		what = "A " + strings.ReplaceAll(string(kind), "-", " ") + " message"
	}
	hint := "Check the bot can still post there."
	switch reason {
	case "not_in_channel":
		hint = "Invite the bot to the channel (in Slack: `/invite @alsbot`)."
	case "channel_not_found", "is_archived":
		hint = "The channel is gone or archived: archive the set or set it up in a new channel."
	}
	return Message{
		Kind:  KindReply,
		Title: "Could not post to " + set.Name,
		Text:  fmt.Sprintf("%s for the channel of %s could not be delivered (%s), and will not be tried again. %s", what, set.Name, reason, hint),
	}
}
