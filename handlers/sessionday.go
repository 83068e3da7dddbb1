package handlers

// Holding a session: starting and ending it, check-ins and bids (planning
// sessions is in sessions.go).

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// sessionStart opens today's scheduled session, or an unscheduled one now,
// and posts the check-in with the report-back digest to the set's channel.
func (r *Router) sessionStart(ctx context.Context, c *call, a bot.SessionStartArgs) (bot.Message, error) {
	if c.req.Conv.DM {
		// The digest holds members' reports: it goes to the set's channel only.
		return bot.Message{}, bot.Errorf(bot.EINVALID, "Start sessions in the set's channel, not in a direct message: the check-in and report-back are posted there.")
	}
	if c.set.OpenSession != 0 {
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "Session %d is already open. Close it with `/als session end` before starting another.", c.set.OpenSession)
	}
	all, err := r.store.ListSessions(ctx, c.set.ID)
	if err != nil {
		return bot.Message{}, fmt.Errorf("list sessions of %s: %w", c.set.ID, err)
	}
	loc := c.set.Location()
	var prev *bot.Session
	for _, s := range all {
		if s.Status == bot.SessionClosed && (prev == nil || s.OpenedAt.After(prev.OpenedAt)) {
			prev = s
		}
	}
	sess, which, err := pickSession(c, a, all, prev)
	if err != nil {
		return bot.Message{}, err
	}
	// The session, and the set with its open session.
	opened := func(s *bot.Set) { s.OpenSession, s.SessionSeq = sess.Number, max(s.SessionSeq, sess.Number) }
	var saved bool
	if sess != nil {
		sess.Status, sess.OpenedAt = bot.SessionOpen, c.now
		saved, err = r.saveSessionAndSet(ctx, c, sess, opened)
	} else {
		sess = &bot.Session{Start: c.now.UTC(), Duration: bot.DefaultSessionLength, Status: bot.SessionOpen, OpenedAt: c.now, Adhoc: true}
		saved, err = r.addSessionAndSet(ctx, c, sess, opened)
	}
	if !saved {
		return bot.Message{}, fmt.Errorf("open session %d of %s: %w", sess.Number, c.set.ID, err)
	}
	if err != nil {
		return bot.Message{}, err
	}
	r.sessionChanged(ctx, c.set, sess)

	// Reports since the previous session opened: its own digest showed
	// everything before that.
	var since time.Time
	if prev != nil {
		since = prev.OpenedAt
	}
	msg := bot.Message{
		Kind:    bot.KindCheckIn,
		Title:   fmt.Sprintf("%s: session %d", c.set.Name, sess.Number),
		Text:    fmt.Sprintf("Session %d is open: check in with `/als here`", sess.Number),
		Buttons: []bot.Button{{Label: "I'm here", Command: "here", Style: bot.StylePrimary, SetID: c.set.ID}},
	}
	if sess.Adhoc {
		which = extraSession(c, all, sess)
	}
	if which != "" {
		msg.Text += "\n" + which
	}
	commitments, err := r.store.ListCommitments(ctx, c.set.ID, "", false)
	if err != nil {
		// The session is open; only the digest is missing.
		r.log.ErrorContext(ctx, "list commitments for digest", "set", c.set.ID, "err", err)
		msg.Text += "\n(The report-back digest could not be loaded just now.)"
		return msg, nil
	}
	d := bot.Digest(c.set, commitments, since, c.now, loc)
	msg.Sections = append([]bot.Section{{Title: d.Title, Text: d.Text}}, d.Sections...)
	return msg, nil
}

// pickSession is the planned session session start opens (nil: an extra
// one, outside the plan) and, where it is not plainly today's only one, a
// sentence saying which it is. A planned session whose day passed without
// it being started is never skipped in silence (a trial's facilitator got
// an unplanned extra session that counted as held beside the missed one):
// session start asks whether to hold it (session start <n>) or an extra one.
func pickSession(c *call, a bot.SessionStartArgs, all []*bot.Session, prev *bot.Session) (*bot.Session, string, error) {
	loc := c.set.Location()
	if a.Extra {
		return nil, "", nil
	}
	if a.Number > 0 {
		for _, s := range all {
			if s.Number != a.Number {
				continue
			}
			if s.Status != bot.SessionScheduled {
				return nil, "", bot.Errorf(bot.ECONFLICT, "Session %d is %s, so it cannot be started. See %s; %s opens today's planned session.", s.Number, s.Status, bot.Cmd("sessions"), bot.Cmd("session start"))
			}
			return s, fmt.Sprintf("This is session %d, planned for %s.", s.Number, bot.FormatTime(s.Start, loc)), nil
		}
		return nil, "", bot.Errorf(bot.ENOTFOUND, "%s has no session %d. See %s for the numbers.", c.set.Name, a.Number, bot.Cmd("sessions"))
	}
	ty, tm, td := c.now.In(loc).Date()
	var today []*bot.Session
	var missed *bot.Session
	for _, s := range all {
		if s.Status != bot.SessionScheduled {
			continue
		}
		if y, m, d := s.Start.In(loc).Date(); y == ty && m == tm && d == td {
			today = append(today, s)
			continue
		}
		// Missed: planned before today, after the set last met.
		if s.Start.Before(c.now) && (prev == nil || s.Start.After(prev.Start)) && (missed == nil || s.Start.After(missed.Start)) {
			missed = s
		}
	}
	if len(today) > 0 {
		// The most recent one whose time has come, else the next of today.
		slices.SortFunc(today, func(x, y *bot.Session) int { return x.Start.Compare(y.Start) })
		pick := today[0]
		for _, s := range today {
			if !s.Start.After(c.now.Add(30 * time.Minute)) {
				pick = s
			}
		}
		if len(today) == 1 {
			return pick, "", nil
		}
		return pick, fmt.Sprintf("This is session %d, planned for %s; today has %d planned sessions (%s opens another).", pick.Number, clock(pick.Start, loc), len(today), bot.Cmd("session start <number>")), nil
	}
	if missed != nil {
		return nil, "", bot.Errorf(bot.ECONFLICT, "Session %d was planned for %s and was never started. To hold it now, write %s; for a session outside the plan, %s. If it did not take place, %s.",
			missed.Number, bot.FormatTime(missed.Start, loc), bot.Cmd(fmt.Sprintf("session start %d", missed.Number)), bot.Cmd("session start extra"), bot.Cmd(fmt.Sprintf("session cancel %d", missed.Number)))
	}
	return nil, "", nil
}

// extraSession says that sess, just opened, is outside the plan, which
// planned session comes next, and how to undo a start made by mistake.
func extraSession(c *call, all []*bot.Session, sess *bot.Session) string {
	var next *bot.Session
	for _, s := range all {
		if s.Status == bot.SessionScheduled && s.Start.After(c.now) && (next == nil || s.Start.Before(next.Start)) {
			next = s
		}
	}
	loc := c.set.Location()
	ty, tm, td := c.now.In(loc).Date()
	plannedToday := slices.ContainsFunc(all, func(s *bot.Session) bool {
		y, m, d := s.Start.In(loc).Date()
		return s.ID != sess.ID && s.Status != bot.SessionCancelled && y == ty && m == tm && d == td
	})
	text := "This is an extra session, outside the plan: it counts as held."
	if !plannedToday {
		text = "Nothing was planned for today, so this is an extra session, outside the plan: it counts as held."
	}
	if sess.Number > 1 && next != nil {
		// A trial's facilitator read "session 7" before sessions 2-6 as a slip.
		text += fmt.Sprintf(" It is session %d because sessions up to %d are numbered already.", sess.Number, sess.Number-1)
	}
	if next != nil {
		text += fmt.Sprintf(" The next planned one is session %d, %s: if you meant that one, write %s, then %s.", next.Number, bot.FormatTime(next.Start, c.set.Location()), bot.Cmd("session undo start"), bot.Cmd(fmt.Sprintf("session start %d", next.Number)))
		return text
	}
	return text + fmt.Sprintf(" Started by mistake? %s.", bot.Cmd("session undo start"))
}

// openSession reads the set's open session; none -> ECONFLICT saying how to open one.
func (r *Router) openSession(ctx context.Context, c *call) (*bot.Session, error) {
	id, err := openSessionID(c)
	if err != nil {
		return nil, err
	}
	sess, err := r.store.GetSession(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get open session %s: %w", id, err)
	}
	return sess, nil
}

// sessionEnd closes the open session, ends a round in progress and prompts
// presenters who have not recorded a commitment yet.
func (r *Router) sessionEnd(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	// The whole list, not the one session: it says whether a next one is
	// planned, and on MongoDB the same read brings the commitments the
	// prompts need (one round trip for all three).
	id, err := openSessionID(c)
	if err != nil {
		return bot.Message{}, err
	}
	all, err := r.store.ListSessions(ctx, c.set.ID)
	if err != nil {
		return bot.Message{}, fmt.Errorf("list sessions of %s: %w", c.set.ID, err)
	}
	i := slices.IndexFunc(all, func(s *bot.Session) bool { return s.ID == id })
	if i < 0 {
		return bot.Message{}, fmt.Errorf("get open session %s: %w", id, bot.Errorf(bot.ENOTFOUND, "That session does not exist (any more)."))
	}
	sess := all[i]
	// No action prompt has gone out for a round the session end closes, so
	// its presenter gets the first prompt, not a "follow-up" to none.
	endedBy := ""
	if cur := sess.CurrentRound(); cur != nil {
		if err := cur.End(c.now); err != nil {
			return bot.Message{}, err
		}
		endedBy = cur.Presenter
	}
	sess.Status, sess.ClosedAt = bot.SessionClosed, c.now
	// The session, and the set with no session open.
	saved, err := r.saveSessionAndSet(ctx, c, sess, func(s *bot.Set) {
		if s.OpenSession == sess.Number {
			s.OpenSession = 0
		}
	})
	if !saved {
		return bot.Message{}, fmt.Errorf("close session %s: %w", sess.ID, err)
	}
	if err != nil {
		return bot.Message{}, err
	}
	r.sessionChanged(ctx, c.set, sess)

	var presenters []string
	for _, rd := range sess.Rounds {
		if rd.Presenter != "" && !slices.Contains(presenters, rd.Presenter) {
			presenters = append(presenters, rd.Presenter)
		}
	}
	if len(presenters) > 0 {
		commitments, err := r.store.ListCommitments(ctx, c.set.ID, "", false)
		if err != nil {
			r.log.ErrorContext(ctx, "list commitments for action prompts", "set", c.set.ID, "err", err)
		} else {
			var out []bot.Outgoing
			for _, p := range presenters {
				if slices.ContainsFunc(commitments, func(cm *bot.Commitment) bool {
					return cm.UserID == p && !cm.CreatedAt.Before(sess.OpenedAt)
				}) {
					continue
				}
				var rounds []int
				for _, rd := range sess.Rounds {
					if rd.Presenter == p {
						rounds = append(rounds, rd.Number)
					}
				}
				prompt := bot.Outgoing{
					To:      bot.Destination{Platform: c.set.Platform, UserID: p},
					Message: bot.ActionPromptAgain(c.set, sess, rounds),
					Key:     bot.ActionPromptAgainKey(sess, p),
				}
				if p == endedBy && len(rounds) == 1 {
					// Same key: it is still the one prompt sent at the end.
					prompt.Message = bot.ActionPrompt(c.set, sess)
				}
				out = append(out, prompt)
			}
			r.notify(ctx, c, out)
		}
	}
	attendees := make([]string, len(sess.Attendees))
	for i, a := range sess.Attendees {
		attendees[i] = a.UserID
	}
	// The feedback pulse: the scheduler (the planner) sends it, once, when
	// told the session closed; without one it goes out now.
	if r.planner == nil && len(attendees) > 0 {
		pulse := make([]bot.Outgoing, 0, len(attendees))
		for _, id := range attendees {
			if !c.set.InSet(id) {
				continue // removed since: `feedback` would refuse them
			}
			pulse = append(pulse, bot.Outgoing{To: bot.Destination{Platform: c.set.Platform, UserID: id}, Message: bot.FeedbackPulse(c.set, sess), Key: bot.FeedbackKey(sess, id)})
		}
		r.notify(ctx, c, pulse)
	}
	msg := reply(fmt.Sprintf("Session %d of %s is closed. Thank you all.", sess.Number, c.set.Name))
	msg.Title = fmt.Sprintf("Session %d closed", sess.Number)
	msg.Sections = []bot.Section{{Fields: []bot.Field{
		{Label: fmt.Sprintf("Attendees (%d)", len(attendees)), Value: names(c.set, attendees)},
		{Label: "Rounds", Value: fmt.Sprint(len(sess.Rounds))},
		{Label: "Presenters", Value: names(c.set, presenters)},
	}}}
	if c.set.Schedule == nil {
		// Offer to plan the next meeting when none is (issue 13, item 5).
		if nextSession(all, c.now, false) == nil {
			next := c.now.In(c.set.Location()).AddDate(0, 0, 28)
			msg.Text += fmt.Sprintf("\nNo next session is planned yet. Add one with `/als session add %s %s`, or a schedule such as `/als schedule every 4 weeks on %s %s 2h`.",
				next.Format("02/01/2006"), sess.Start.In(c.set.Location()).Format("15:04"), strings.ToLower(next.Weekday().String()), sess.Start.In(c.set.Location()).Format("15:04"))
		}
	}
	return msg, nil
}

// openSessionID is the id of the set's open session; none -> ECONFLICT
// saying how to open one. Check-ins and bids need no more than this: they
// are documents of their own, not edits of the session.
func openSessionID(c *call) (string, error) {
	if c.set.OpenSession == 0 {
		return "", bot.Errorf(bot.ECONFLICT, "No session of %s is open. A facilitator opens one with `/als session start`.", c.set.Name)
	}
	return bot.SessionID(c.set.ID, c.set.OpenSession), nil
}

// here checks the actor in: one insert under "<session>/<user>", which no
// other member's check-in at the same moment can undo, so "checked in" is
// said only once it is stored.
func (r *Router) here(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	id, err := openSessionID(c)
	if err != nil {
		return bot.Message{}, err
	}
	// The session first: whether they are here already, and the round a
	// late arrival joins (one read, which checks the set too).
	sess, err := r.store.GetSession(ctx, id)
	if err != nil {
		return bot.Message{}, fmt.Errorf("get session %s: %w", id, err)
	}
	if sess.Attended(c.actorID()) {
		return private("You're already checked in."), nil
	}
	added, n, err := r.store.CheckIn(ctx, bot.CheckIn{SetID: c.set.ID, SessionID: id, UserID: c.actorID(), At: c.now})
	if err != nil {
		return bot.Message{}, fmt.Errorf("check in to %s: %w", id, err)
	}
	if !added {
		return private("You're already checked in."), nil
	}
	so := ""
	if n > 0 {
		so = fmt.Sprintf(" (%d here so far)", n)
	}
	checked := private(fmt.Sprintf("You're checked in to session %d%s. Want presenting time? Send `/als bid`, with a short title after it if you like.", c.set.OpenSession, so))
	// A late arrival joins the round in progress as an enabler.
	sess, cur, err := r.joinRound(ctx, c, sess)
	if err != nil {
		// The check-in is stored, and that is what was asked; joining the
		// round is the facilitator's to fix (round status shows it).
		r.log.ErrorContext(ctx, "join the round in progress", "set", c.set.ID, "session", id, "err", err)
		return checked, nil
	}
	if cur == nil {
		return checked, nil
	}
	r.sessionChanged(ctx, c.set, sess)
	return reply(fmt.Sprintf("%s checked in late and joins round %d as an enabler (enablers now: %s).", bot.PersonName(c.set, c.actorID()), cur.Number, names(c.set, cur.Enablers))), nil
}

// joinRound adds the actor to the enablers of the round in progress of
// sess (as read; read again after a lost save), if there is one they have
// no role in, and returns the saved session and
// that round (nil: nothing to join). The round is part of the session
// document, so this is a versioned save, retried here on a stale version:
// the check-in before it is stored, so the command is not applied again.
func (r *Router) joinRound(ctx context.Context, c *call, sess *bot.Session) (*bot.Session, *bot.Round, error) {
	me, id := c.actorID(), sess.ID
	for try := 1; ; try++ {
		var err error
		if try > 1 {
			if sess, err = r.store.GetSession(ctx, id); err != nil {
				return nil, nil, fmt.Errorf("get session %s: %w", id, err)
			}
		}
		cur := sess.CurrentRound()
		if cur == nil || cur.Presenter == me || cur.Observer == me || slices.Contains(cur.Enablers, me) {
			return sess, nil, nil
		}
		cur.Enablers = append(cur.Enablers, me)
		err = r.store.SaveSession(ctx, sess)
		if err == nil {
			return sess, cur, nil
		}
		if !bot.IsStale(err) || try == staleTries {
			return nil, nil, fmt.Errorf("join round in %s: %w", id, err)
		}
		if err := jitter(ctx, try); err != nil {
			return nil, nil, err
		}
	}
}

// bid records the actor's bid (their own document, as a check-in) and
// checks them in when they were not.
func (r *Router) bid(ctx context.Context, c *call, a bot.BidArgs) (bot.Message, error) {
	title := strings.TrimSpace(a.Title)
	if title != "" {
		if err := bot.CheckText(title, "a short title"); err != nil {
			return bot.Message{}, err
		}
	}
	id, err := openSessionID(c)
	if err != nil {
		return bot.Message{}, err
	}
	replaced, checked, err := r.store.PutBid(ctx, bot.CheckIn{SetID: c.set.ID, SessionID: id, UserID: c.actorID(), At: c.now},
		bot.Bid{UserID: c.actorID(), Title: title, At: c.now})
	if err != nil {
		return bot.Message{}, fmt.Errorf("bid in %s: %w", id, err)
	}
	text := "Your bid for presenting time is in."
	if replaced {
		text = "Your bid for presenting time is updated."
	}
	if checked {
		text += " You're checked in too."
	}
	return private(text), nil
}
