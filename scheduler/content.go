package scheduler

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// tickCache keeps what one tick read, so a batch of deliveries for one set
// (a reminder to the channel and to each member) reads the set once. Content
// is still built from the state at send time.
type tickCache struct {
	store    bot.Store
	sets     map[string]*bot.Set
	sessions map[string]*bot.Session
	lists    map[string][]*bot.Session
	open     map[string][]*bot.Commitment
	all      map[string][]*bot.Commitment
}

func newTickCache(store bot.Store) *tickCache {
	return &tickCache{store: store, sets: map[string]*bot.Set{}, sessions: map[string]*bot.Session{},
		lists: map[string][]*bot.Session{}, open: map[string][]*bot.Commitment{}, all: map[string][]*bot.Commitment{}}
}

// forget drops what was read of a set (planning may have changed it).
func (c *tickCache) forget(setID string) {
	delete(c.sets, setID)
	delete(c.lists, setID)
	delete(c.open, setID)
	delete(c.all, setID)
	for id := range c.sessions {
		if strings.HasPrefix(id, setID+"/") {
			delete(c.sessions, id)
		}
	}
}

func (c *tickCache) set(ctx context.Context, id string) (*bot.Set, error) {
	if s, ok := c.sets[id]; ok {
		return s, nil
	}
	s, err := c.store.GetSet(ctx, id)
	if err != nil {
		return nil, err
	}
	c.sets[id] = s
	return s, nil
}

func (c *tickCache) session(ctx context.Context, id string) (*bot.Session, error) {
	if s, ok := c.sessions[id]; ok {
		return s, nil
	}
	s, err := c.store.GetSession(ctx, id)
	if err != nil {
		return nil, err
	}
	c.sessions[id] = s
	return s, nil
}

func (c *tickCache) sessionList(ctx context.Context, setID string) ([]*bot.Session, error) {
	if l, ok := c.lists[setID]; ok {
		return l, nil
	}
	l, err := c.store.ListSessions(ctx, setID)
	if err != nil {
		return nil, err
	}
	c.lists[setID] = l
	return l, nil
}

func (c *tickCache) openCommitments(ctx context.Context, setID, userID string) ([]*bot.Commitment, error) {
	all, ok := c.open[setID]
	if !ok {
		var err error
		if all, err = c.store.ListCommitments(ctx, setID, "", true); err != nil {
			return nil, err
		}
		c.open[setID] = all
	}
	var out []*bot.Commitment
	for _, cm := range all {
		if cm.UserID == userID {
			out = append(out, cm)
		}
	}
	return out, nil
}

func (c *tickCache) commitments(ctx context.Context, setID string) ([]*bot.Commitment, error) {
	if all, ok := c.all[setID]; ok {
		return all, nil
	}
	all, err := c.store.ListCommitments(ctx, setID, "", false)
	if err != nil {
		return nil, err
	}
	c.all[setID] = all
	return all, nil
}

// build makes the message of d from the current state. A nil message with a
// reason means the delivery is skipped: it is no longer useful or nobody is
// left to send it to. Member texts go only to the set's channel or to the
// member's own DM (a mentor sees mentees' commitments, never reports).
func (s *Scheduler) build(ctx context.Context, tc *tickCache, now time.Time, d *bot.Delivery) (*bot.Outgoing, string, error) {
	if d.Kind == bot.DeliverMessage {
		if d.To == nil || d.Message == nil {
			return nil, "nothing stored to send", nil
		}
		return &bot.Outgoing{To: *d.To, Message: *d.Message, Key: d.ID}, "", nil
	}
	set, err := tc.set(ctx, d.SetID)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return nil, "the set is gone", nil
		}
		return nil, "", err
	}
	if set.Archived {
		return nil, "the set is archived", nil
	}
	channel := bot.Destination{Platform: set.Platform, ChannelID: set.Channel.ID}
	dm := bot.Destination{Platform: set.Platform, UserID: d.UserID}
	if d.UserID != "" && (set.Person(d.UserID) == nil || bot.IsAnonymous(d.UserID)) {
		return nil, "no longer in the set", nil
	}

	switch d.Kind {
	case bot.DeliverReminder, bot.DeliverDigest:
		sess, reason, err := s.upcomingSession(ctx, tc, now, d)
		if sess == nil {
			return nil, reason, err
		}
		if d.Kind == bot.DeliverDigest {
			cs, err := tc.commitments(ctx, set.ID)
			if err != nil {
				return nil, "", err
			}
			since, err := s.lastSessionStart(ctx, tc, set.ID, sess)
			if err != nil {
				return nil, "", err
			}
			m := bot.Digest(set, cs, since, set.Location())
			m.Text = fmt.Sprintf("Session %d is %s: %s. %s", sess.Number, inWords(sess.Start.Sub(now)), bot.FormatTime(sess.Start, set.Location()), m.Text)
			return &bot.Outgoing{To: channel, Message: m, Key: d.ID}, "", nil
		}
		if d.UserID == "" {
			return &bot.Outgoing{To: channel, Message: reminderMessage(set, sess, now, set.Location(), nil, false), Key: d.ID}, "", nil
		}
		if !set.HasRole(d.UserID, bot.RoleMember) {
			return nil, "no longer a member", nil
		}
		open, err := tc.openCommitments(ctx, set.ID, d.UserID)
		if err != nil {
			return nil, "", err
		}
		return &bot.Outgoing{To: dm, Message: reminderMessage(set, sess, now, readerLocation(set, d.UserID), open, true), Key: d.ID}, "", nil

	case bot.DeliverPhaseNearlyUp, bot.DeliverPhaseUp:
		sess, err := tc.session(ctx, d.SessionID)
		if err != nil {
			if bot.ErrorCode(err) == bot.ENOTFOUND {
				return nil, "the session is gone", nil
			}
			return nil, "", err
		}
		r := sess.CurrentRound()
		if sess.Status != bot.SessionOpen || r == nil || r.Number != d.Round || r.Phase != d.Phase || !r.PhaseStartedAt.Equal(d.Ref) {
			return nil, "the round has moved on", nil
		}
		to := channel
		if r.Card.ID != "" && r.Card.Platform == set.Platform {
			// In the thread of the round's live card, not as a channel post.
			to.ThreadID = r.Card.ID
		}
		return &bot.Outgoing{To: to, Message: phaseMessage(d.Kind, r, now, set.Location()), Key: d.ID}, "", nil

	case bot.DeliverNudge:
		if !set.HasRole(d.UserID, bot.RoleMember) {
			return nil, "no longer a member", nil
		}
		open, err := tc.openCommitments(ctx, set.ID, d.UserID)
		if err != nil {
			return nil, "", err
		}
		if len(open) == 0 {
			return nil, "no open commitment", nil
		}
		return &bot.Outgoing{To: dm, Message: nudgeMessage(set, open, readerLocation(set, d.UserID)), Key: d.ID}, "", nil

	case bot.DeliverMentorNudge:
		var mentees []bot.Person
		for _, p := range set.Members() {
			if p.MentorID == d.UserID {
				mentees = append(mentees, p)
			}
		}
		if len(mentees) == 0 {
			return nil, "no mentees", nil
		}
		loc := readerLocation(set, d.UserID)
		m := bot.Message{
			Kind:  bot.KindMentorNudge,
			Title: "Your mentees in " + set.Name,
			Text:  "Here are your mentees' open commitments. When you have met one of them, log it with `/als mentoring log @mentee [YYYY-MM-DD] [note]`.",
		}
		for _, p := range mentees {
			open, err := tc.openCommitments(ctx, set.ID, p.User.ID)
			if err != nil {
				return nil, "", err
			}
			sec := bot.Section{Title: bot.PersonName(set, p.User.ID), Text: "No open commitment."}
			var lines []string
			for _, c := range open {
				// The commitment only: report texts stay in the set.
				line := c.ShortID + ": " + c.Text
				if !c.Due.IsZero() {
					line += " (due " + bot.FormatTime(c.Due, loc) + ")"
				}
				lines = append(lines, line)
			}
			if len(lines) > 0 {
				sec.Text = strings.Join(lines, "\n")
			}
			m.Sections = append(m.Sections, sec)
		}
		return &bot.Outgoing{To: dm, Message: m, Key: d.ID}, "", nil

	case bot.DeliverFeedback:
		sess, err := tc.session(ctx, d.SessionID)
		if err != nil {
			if bot.ErrorCode(err) == bot.ENOTFOUND {
				return nil, "the session is gone", nil
			}
			return nil, "", err
		}
		if sess.Status != bot.SessionClosed || !sess.Attended(d.UserID) {
			return nil, "not an attendee of a closed session", nil
		}
		return &bot.Outgoing{To: dm, Message: feedbackMessage(set, sess), Key: d.ID}, "", nil
	}
	return nil, "unknown kind " + string(d.Kind), nil
}

// upcomingSession returns d's session while a reminder for it is useful:
// still scheduled, at the start it was planned for, not started.
func (s *Scheduler) upcomingSession(ctx context.Context, tc *tickCache, now time.Time, d *bot.Delivery) (*bot.Session, string, error) {
	sess, err := tc.session(ctx, d.SessionID)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return nil, "the session is gone", nil
		}
		return nil, "", err
	}
	switch {
	case sess.Status != bot.SessionScheduled:
		return nil, "the session is " + string(sess.Status), nil
	case !sess.Start.Equal(d.Ref):
		return nil, "the session moved", nil
	case !now.Before(sess.Start):
		return nil, "the session has started", nil
	}
	return sess, "", nil
}

// lastSessionStart is when the set last met before sess (zero if never):
// the digest covers reports since then.
func (s *Scheduler) lastSessionStart(ctx context.Context, tc *tickCache, setID string, sess *bot.Session) (time.Time, error) {
	list, err := tc.sessionList(ctx, setID)
	if err != nil {
		return time.Time{}, err
	}
	var last time.Time
	for _, x := range list {
		if x.ID == sess.ID || x.Status != bot.SessionClosed || !x.Start.Before(sess.Start) {
			continue
		}
		at := x.Start
		if !x.OpenedAt.IsZero() {
			at = x.OpenedAt
		}
		if at.After(last) {
			last = at
		}
	}
	return last, nil
}

// readerLocation is the zone the platform told us for the person, else the set's.
func readerLocation(set *bot.Set, userID string) *time.Location {
	if p := set.Person(userID); p != nil && p.User.TZ != "" {
		if loc, err := time.LoadLocation(p.User.TZ); err == nil {
			return loc
		}
	}
	return set.Location()
}

func reminderMessage(set *bot.Set, sess *bot.Session, now time.Time, loc *time.Location, open []*bot.Commitment, dm bool) bot.Message {
	m := bot.Message{
		Kind:  bot.KindReminder,
		Title: fmt.Sprintf("Reminder: %s, session %d", set.Name, sess.Number),
		Text:  fmt.Sprintf("Session %d is %s: %s.", sess.Number, inWords(sess.Start.Sub(now)), bot.FormatTime(sess.Start, loc)),
	}
	fields := []bot.Field{{Label: "When", Value: bot.FormatTime(sess.Start, loc)}, {Label: "Length", Value: humanDuration(sess.Duration)}}
	if sess.Where != "" {
		fields = append(fields, bot.Field{Label: "Where", Value: sess.Where})
	}
	m.Sections = append(m.Sections, bot.Section{Fields: fields})
	if dm {
		sec := bot.Section{Title: "Your open commitment", Text: "You have no open commitment. Record one with `/als commit <text>`."}
		if len(open) > 0 {
			lines := make([]string, 0, len(open))
			for _, c := range open {
				lines = append(lines, bot.CommitmentLine(c, loc))
			}
			sec.Text = strings.Join(lines, "\n") + "\nReport on it with `/als report <id> <done|progress|blocked> <what you did and learned>`."
		}
		m.Sections = append(m.Sections, sec)
	}
	return m
}

func phaseMessage(kind bot.DeliveryKind, r *bot.Round, now time.Time, loc *time.Location) bot.Message {
	until := r.Deadline().In(loc).Format("15:04")
	m := bot.Message{Kind: bot.KindPhase, Title: fmt.Sprintf("Round %d", r.Number)}
	if kind == bot.DeliverPhaseNearlyUp {
		left := max(time.Minute, r.Deadline().Sub(now).Round(time.Minute))
		m.Text = fmt.Sprintf("Round %d: %s is nearly up (%s left, until %s). The facilitator moves on with `/als round next`.", r.Number, r.Phase, humanDuration(left), until)
	} else {
		m.Text = fmt.Sprintf("Round %d: time is up for %s (%s). The facilitator moves on with `/als round next`.", r.Number, r.Phase, until)
	}
	return m
}

// ReportForm is the form a nudge's buttons open: submitting it runs
// "report <id> <status>" with the value "text".
func ReportForm(shortID string, status bot.ReportStatus) *bot.Form {
	cmd := "report " + shortID + " " + string(status)
	return &bot.Form{
		ID: "report", Title: "Report on " + shortID, Submit: "Report", Command: cmd,
		Fields: []bot.FormField{{Name: "text", Label: "What did you do and learn?", Kind: bot.FieldText, Required: true, Multiline: true, MaxLen: bot.MaxTextLen}},
	}
}

func nudgeMessage(set *bot.Set, open []*bot.Commitment, loc *time.Location) bot.Message {
	m := bot.Message{
		Kind:  bot.KindNudge,
		Title: "How is your action going?",
		Text:  fmt.Sprintf("A between-sessions check-in from %s. Tell the set what you did and learned: your report is ready for the next session's report-back.", set.Name),
	}
	labels := map[bot.ReportStatus]string{bot.ReportDone: "Done", bot.ReportProgress: "Progress", bot.ReportBlocked: "Blocked"}
	for _, c := range open {
		m.Sections = append(m.Sections, bot.Section{Text: bot.CommitmentLine(c, loc)})
		for _, st := range []bot.ReportStatus{bot.ReportDone, bot.ReportProgress, bot.ReportBlocked} {
			label := labels[st]
			if len(open) > 1 {
				label = c.ShortID + " " + strings.ToLower(label)
			}
			// Sent to a DM: button and form carry the set for members of several sets.
			f := ReportForm(c.ShortID, st)
			f.SetID = set.ID
			b := bot.Button{Label: label, Command: "report " + c.ShortID + " " + string(st), Form: f, SetID: set.ID}
			if st == bot.ReportDone {
				b.Style = bot.StylePrimary
			}
			m.Buttons = append(m.Buttons, b)
		}
	}
	return m
}

func feedbackMessage(set *bot.Set, sess *bot.Session) bot.Message {
	m := bot.Message{
		Kind:  bot.KindFeedback,
		Title: fmt.Sprintf("How was session %d?", sess.Number),
		Text:  fmt.Sprintf("Thank you for taking part in session %d of %s. How useful was it, from 1 (not at all) to 5 (very)? You can add a comment: `/als feedback <1-5> [comment]`.", sess.Number, set.Name),
	}
	var opts []bot.Option
	for i := 1; i <= 5; i++ {
		n := strconv.Itoa(i)
		m.Buttons = append(m.Buttons, bot.Button{Label: n, Command: "feedback " + n, SetID: set.ID})
		opts = append(opts, bot.Option{Label: n, Value: n})
	}
	m.Buttons = append(m.Buttons, bot.Button{Label: "Rate with a comment", Command: "feedback", SetID: set.ID, Form: &bot.Form{
		ID: "feedback", Title: fmt.Sprintf("Session %d feedback", sess.Number), Submit: "Send", Command: "feedback", SetID: set.ID,
		Fields: []bot.FormField{
			{Name: "rating", Label: "How useful was the session (1-5)?", Kind: bot.FieldChoice, Required: true, Options: opts},
			{Name: "comment", Label: "Comment (optional)", Kind: bot.FieldText, Multiline: true, MaxLen: bot.MaxTextLen},
		},
	}})
	return m
}

// inWords says how far ahead d is: "in 7 days", "in 3 hours", "in 20 minutes".
func inWords(d time.Duration) string {
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

// humanDuration shows a duration as "3h", "1h30m", "25 min".
func humanDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int((d%time.Hour)/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	default:
		return fmt.Sprintf("%dh%02dm", h, m)
	}
}
