package handlers

// The verbs that undo a slip (issue 13, item 2). Each leaves the figures
// consistent: what it undoes no longer counts anywhere (stats, export,
// fairness), and the commitment corrections keep a trace.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// ownCommitment reads commitment id for its owner or a facilitator of the
// set; anyone else is told it does not exist (texts are confidential).
func (r *Router) ownCommitment(ctx context.Context, c *call, short string) (*bot.Commitment, error) {
	id := bot.CommitmentID(c.set.ID, short)
	missing := bot.Errorf(bot.ENOTFOUND, "You have no commitment %s. See yours with `/als actions`.", short)
	cm, err := r.store.GetCommitment(ctx, id)
	if err != nil {
		if isCode(err, bot.ENOTFOUND) {
			return nil, missing
		}
		return nil, fmt.Errorf("get commitment %s: %w", id, err)
	}
	if cm.UserID != c.actorID() && !c.set.HasRole(c.actorID(), bot.RoleFacilitator) {
		return nil, missing
	}
	if cm.Status != bot.CommitmentOpen {
		return nil, bot.Errorf(bot.ECONFLICT, "%s is already %s, so it cannot be changed; nothing changed.", cm.ShortID, cm.Status)
	}
	return cm, nil
}

// tellOwner lets the owner know a facilitator changed their commitment.
func (r *Router) tellOwner(ctx context.Context, c *call, cm *bot.Commitment, what string) {
	if cm.UserID == c.actorID() {
		return
	}
	r.notify(ctx, c, []bot.Outgoing{{
		To:      bot.Destination{Platform: c.set.Platform, UserID: cm.UserID},
		Message: bot.Message{Kind: bot.KindReply, Text: fmt.Sprintf("%s %s your commitment %s in %s: %s", bot.PersonName(c.set, c.actorID()), what, cm.ShortID, c.set.Name, cm.Text)},
		Key:     bot.CommitmentChangeKey(cm, len(cm.History)+1),
	}})
}

func (r *Router) commitmentDrop(ctx context.Context, c *call, a bot.CommitmentDropArgs) (bot.Message, error) {
	reason := strings.TrimSpace(a.Reason)
	if reason != "" {
		if err := bot.CheckText(reason, "a reason"); err != nil {
			return bot.Message{}, err
		}
	}
	cm, err := r.ownCommitment(ctx, c, a.ID)
	if err != nil {
		return bot.Message{}, err
	}
	change := bot.CommitmentChange{At: c.now, By: c.actorID(), Kind: bot.ChangeDropped, Reason: reason}
	if err := r.store.ReviseCommitment(ctx, cm.ID, cm.Text, cm.Due, bot.CommitmentDropped, change); err != nil {
		return bot.Message{}, fmt.Errorf("drop commitment %s: %w", cm.ID, err)
	}
	r.tellOwner(ctx, c, cm, "dropped")
	text := fmt.Sprintf("Dropped %s: %s\nIt is no longer open and counts as dropped in the figures", cm.ShortID, cm.Text)
	if reason != "" {
		text += " (reason: " + reason + ")"
	}
	return private(text + "."), nil
}

func (r *Router) commitmentEdit(ctx context.Context, c *call, a bot.CommitmentEditArgs) (bot.Message, error) {
	text := strings.TrimSpace(a.Text)
	if text != "" || a.Due.IsZero() {
		if err := bot.CheckText(text, "what you will do"); err != nil {
			return bot.Message{}, err
		}
	}
	cm, err := r.ownCommitment(ctx, c, a.ID)
	if err != nil {
		return bot.Message{}, err
	}
	if text == "" {
		// Only the due date moves.
		text = cm.Text
	}
	due := cm.Due
	loc := c.set.Location()
	if !a.Due.IsZero() {
		d, err := a.Due.Resolve(c.now.In(loc))
		if err != nil {
			return bot.Message{}, err
		}
		if due = d.In(loc, 23, 59); due.Before(c.now) {
			return bot.Message{}, bot.Errorf(bot.EINVALID, "The due date %s (%s) is in the past; nothing changed. Give today or a later date.", bot.FormatDate(d), d)
		}
		due = due.UTC()
	}
	change := bot.CommitmentChange{At: c.now, By: c.actorID(), Kind: bot.ChangeEdited}
	if err := r.store.ReviseCommitment(ctx, cm.ID, text, due, cm.Status, change); err != nil {
		return bot.Message{}, fmt.Errorf("edit commitment %s: %w", cm.ID, err)
	}
	cm.Text = text
	r.tellOwner(ctx, c, cm, "corrected")
	dueText := "no due date"
	if !due.IsZero() {
		dueText = "due " + bot.FormatTime(due, c.readerLoc())
	}
	return private(fmt.Sprintf("Corrected %s: %s\n%s.", cm.ShortID, text, bot.Capitalize(dueText))), nil
}

func (r *Router) facilitatorRemove(ctx context.Context, c *call, a bot.MentionArgs) (bot.Message, error) {
	users, err := resolve(c, a.People)
	if err != nil {
		return bot.Message{}, err
	}
	left := 0
	for _, p := range c.set.People {
		if p.Has(bot.RoleFacilitator) {
			left++
		}
	}
	var ids []string
	for _, u := range users {
		if !c.set.HasRole(u.ID, bot.RoleFacilitator) {
			return bot.Message{}, bot.Errorf(bot.ENOTFOUND, "%s does not facilitate %s; nothing changed. See who does with `/als members`.", bot.PersonName(c.set, u.ID), c.set.Name)
		}
		if !slices.Contains(ids, u.ID) {
			ids = append(ids, u.ID)
		}
	}
	if len(ids) >= left {
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "A set needs a facilitator, and that would leave %s with none; nothing changed. Add another first with `/als facilitator add @name`.", c.set.Name)
	}
	for _, id := range ids {
		p := c.set.Person(id)
		p.Roles = slices.DeleteFunc(p.Roles, func(x bot.Role) bool { return x == bot.RoleFacilitator })
	}
	if err := r.saveSet(ctx, c); err != nil {
		return bot.Message{}, err
	}
	r.setChanged(ctx, c.set)
	return reply(fmt.Sprintf("%s no longer facilitate%s %s: they cannot see the set's figures or feedback comments any more. Any other role stays.", names(c.set, ids), isAre(len(ids), "s", ""), c.set.Name)), nil
}

// sessionUndo undoes a session start: a session scheduled for today goes
// back to scheduled, one opened with nothing scheduled is cancelled; either
// way it is not held, so attendance scores stay as they were.
func (r *Router) sessionUndo(ctx context.Context, c *call, a bot.SessionUndoArgs) (bot.Message, error) {
	sess, err := r.openSession(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	rounds := len(sess.Rounds)
	if (len(sess.Attendees) > 0 || rounds > 0) && !a.Confirm {
		done := "no round was started"
		if rounds > 0 {
			done = fmt.Sprintf("%d round%s started", rounds, isAre(rounds, " was", "s were"))
		}
		msg := private(fmt.Sprintf("%d %s checked in to session %d and %s. Undoing the start forgets them, and the session will not count as held. Nothing changed yet.",
			len(sess.Attendees), isAre(len(sess.Attendees), "person has", "people have"), sess.Number, done))
		msg.Buttons = []bot.Button{{Label: "Undo the start", Command: "session undo start confirm", Style: bot.StyleDanger, SetID: c.set.ID}}
		msg.Text += " To go ahead, press the button or write `/als session undo start confirm`."
		return msg, nil
	}
	// Fairness counters: the rounds of a session that did not happen do not
	// count.
	undone := append([]bot.Round(nil), sess.Rounds...)
	checkedIn := append([]bot.Attendance(nil), sess.Attendees...)
	sess.CancelledRounds = append(sess.CancelledRounds, sess.Rounds...)
	sess.Rounds, sess.Attendees, sess.Bids = []bot.Round{}, []bot.Attendance{}, []bot.Bid{}
	sess.OpenedAt = time.Time{}
	what := "is scheduled again"
	seq := c.set.SessionSeq
	deleted := false
	if sess.Adhoc {
		// Opened with nothing scheduled: it never took place, so it goes,
		// and its number is free again, unless a commitment names it.
		sess.Status, what = bot.SessionCancelled, "is cancelled (it was opened with nothing scheduled)"
		if cs, err := r.store.ListCommitments(ctx, c.set.ID, "", false); err == nil &&
			!slices.ContainsFunc(cs, func(cm *bot.Commitment) bool { return cm.Session == sess.Number }) {
			if err := r.store.DeleteSession(ctx, sess.ID); err != nil {
				return bot.Message{}, fmt.Errorf("remove session %s: %w", sess.ID, err)
			}
			deleted, what = true, "is removed (it was opened with nothing scheduled)"
			if all, err := r.store.ListSessions(ctx, c.set.ID); err == nil {
				seq = 0
				for _, s := range all {
					seq = max(seq, s.Number)
				}
			}
		}
	} else {
		sess.Status = bot.SessionScheduled
	}
	if !deleted {
		if err := r.store.SaveSession(ctx, sess); err != nil {
			return bot.Message{}, fmt.Errorf("undo start of %s: %w", sess.ID, err)
		}
		// Check-ins are documents of their own (DeleteSession removes a
		// deleted session's with it).
		for _, a := range checkedIn {
			if a.Own {
				if _, err := r.store.DeleteCheckIn(ctx, sess.ID, a.UserID); err != nil {
					return bot.Message{}, fmt.Errorf("undo start of %s: %w", sess.ID, err)
				}
			}
		}
	}
	if err := r.saveSetAfter(ctx, c, func(s *bot.Set) {
		if s.OpenSession == sess.Number {
			s.OpenSession = 0
		}
		if deleted && s.SessionSeq == sess.Number {
			s.SessionSeq = seq
		}
		for _, rd := range undone {
			unrecordRoles(s, rd)
		}
	}); err != nil {
		return bot.Message{}, err
	}
	if deleted {
		r.setChanged(ctx, c.set)
	} else {
		r.sessionChanged(ctx, c.set, sess)
	}
	return reply(fmt.Sprintf("Undid the start of session %d: it %s and does not count as held.", sess.Number, what)), nil
}

// unrecordRoles takes back what bot.RecordRoles counted for a round.
func unrecordRoles(s *bot.Set, rd bot.Round) { bot.UnrecordRoles(s, rd) }

func (r *Router) notHere(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	sess, err := r.openSession(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	me := c.actorID()
	if !sess.Attended(me) {
		return private(fmt.Sprintf("You are not checked in to session %d; nothing changed.", sess.Number)), nil
	}
	for _, rd := range sess.Rounds {
		if rd.Presenter == me || rd.Observer == me || slices.Contains(rd.Enablers, me) {
			return bot.Message{}, bot.Errorf(bot.ECONFLICT, "Round %d already counts you, so your check-in stays; nothing changed. If that round was a mistake, a facilitator can cancel it with `/als round cancel`.", rd.Number)
		}
	}
	hadBid := slices.ContainsFunc(sess.Bids, func(b bot.Bid) bool { return b.UserID == me })
	// A check-in is a document of its own (SessionStore.CheckIn); only data
	// from before those has it in the session document too.
	inDoc := slices.ContainsFunc(sess.Attendees, func(a bot.Attendance) bool { return a.UserID == me && !a.Own }) ||
		slices.ContainsFunc(sess.Bids, func(b bot.Bid) bool { return b.UserID == me && !b.Own })
	sess.Attendees = slices.DeleteFunc(sess.Attendees, func(a bot.Attendance) bool { return a.UserID == me })
	sess.Bids = slices.DeleteFunc(sess.Bids, func(b bot.Bid) bool { return b.UserID == me })
	if inDoc {
		if err := r.store.SaveSession(ctx, sess); err != nil {
			return bot.Message{}, fmt.Errorf("check out of %s: %w", sess.ID, err)
		}
	}
	if _, err := r.store.DeleteCheckIn(ctx, sess.ID, me); err != nil {
		return bot.Message{}, fmt.Errorf("check out of %s: %w", sess.ID, err)
	}
	text := fmt.Sprintf("Your check-in to session %d is undone (%d here now).", sess.Number, len(sess.Attendees))
	if hadBid {
		text += " Your bid is withdrawn too."
	}
	return private(text + " Check in again with `/als here`."), nil
}

// roundCancel cancels the round in progress, or else the open session's
// last round: it counts nowhere, and its presenter and observer get their
// turn back.
func (r *Router) roundCancel(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	sess, err := r.openSession(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	n := len(sess.Rounds)
	if n == 0 {
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "Session %d has no round to cancel; nothing changed.", sess.Number)
	}
	rd := sess.Rounds[n-1]
	if rd.Phase != bot.PhaseDone {
		if err := sess.Rounds[n-1].End(c.now); err != nil {
			return bot.Message{}, err
		}
		rd = sess.Rounds[n-1]
	}
	sess.Rounds = sess.Rounds[:n-1]
	sess.CancelledRounds = append(sess.CancelledRounds, rd)
	if err := r.store.SaveSession(ctx, sess); err != nil {
		return bot.Message{}, fmt.Errorf("cancel round in %s: %w", sess.ID, err)
	}
	if err := r.saveSetAfter(ctx, c, func(s *bot.Set) { unrecordRoles(s, rd) }); err != nil {
		r.log.ErrorContext(ctx, "save fairness counters", "set", c.set.ID, "err", err)
	}
	r.sessionChanged(ctx, c.set, sess)
	return reply(fmt.Sprintf("Round %d (%s presenting) is cancelled: it counts nowhere, and %s can present again. Start a round with `/als round start`.", rd.Number, bot.PersonName(c.set, rd.Presenter), bot.PersonName(c.set, rd.Presenter))), nil
}

// sessionStatus shows the room: who is checked in, who has bid, who has
// presented and observed in this session and who has not yet. Bid titles
// are for facilitators (a member sees who bid).
func (r *Router) sessionStatus(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	sess, err := r.openSession(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	fac := c.set.HasRole(c.actorID(), bot.RoleFacilitator)
	var here, presented, observed, notYet []string
	for _, a := range sess.Attendees {
		here = append(here, a.UserID)
	}
	for _, rd := range sess.Rounds {
		if !slices.Contains(presented, rd.Presenter) {
			presented = append(presented, rd.Presenter)
		}
		if rd.Observer != "" && !slices.Contains(observed, rd.Observer) {
			observed = append(observed, rd.Observer)
		}
	}
	for _, id := range here {
		if !slices.Contains(presented, id) && c.set.HasRole(id, bot.RoleMember) {
			notYet = append(notYet, id)
		}
	}
	var bids []string
	for _, b := range sess.Bids {
		line := bot.PersonName(c.set, b.UserID)
		if fac && b.Title != "" {
			line += ": " + b.Title
		}
		bids = append(bids, line)
	}
	list := func(ids []string) string {
		if len(ids) == 0 {
			return "none"
		}
		return names(c.set, ids)
	}
	round := "no round in progress"
	if cur := sess.CurrentRound(); cur != nil {
		round = fmt.Sprintf("round %d in progress (%s, %s presenting)", cur.Number, cur.Phase, bot.PersonName(c.set, cur.Presenter))
	}
	bidText := "none"
	if len(bids) > 0 {
		bidText = strings.Join(bids, "\n")
	}
	msg := private(fmt.Sprintf("Session %d of %s: %d checked in, %d round%s held, %s.", sess.Number, c.set.Name, len(here), len(sess.Rounds), isAre(len(sess.Rounds), "", "s"), round))
	msg.Title = fmt.Sprintf("Session %d", sess.Number)
	// The bids are a section of their own, one line per bidder: as a
	// field value they ran on from the label in a trial ("Bids: ben: …").
	msg.Sections = []bot.Section{{Fields: []bot.Field{
		{Label: "Checked in", Value: list(here)},
		{Label: "Presented", Value: list(presented)},
		{Label: "Observed", Value: list(observed)},
		{Label: "Not presented yet", Value: list(notYet)},
	}}, {Title: fmt.Sprintf("Bids (%d)", len(bids)), Text: bidText}}
	return msg, nil
}

// leaveRound takes people removed from the set out of the round in
// progress (as enablers or observer), so the card and the figures do not
// keep them; it returns a sentence for the answer, or "". A presenter stays
// until the facilitator ends or cancels the round.
func (r *Router) leaveRound(ctx context.Context, c *call, ids []string) string {
	if c.set.OpenSession == 0 {
		return ""
	}
	sess, err := r.openSession(ctx, c)
	if err != nil {
		return ""
	}
	cur := sess.CurrentRound()
	if cur == nil {
		return ""
	}
	changed, presenter := false, false
	for _, id := range ids {
		if i := slices.Index(cur.Enablers, id); i >= 0 {
			cur.Enablers, changed = slices.Delete(cur.Enablers, i, i+1), true
		}
		if cur.Observer == id {
			cur.Observer, changed = "", true
		}
		presenter = presenter || cur.Presenter == id
	}
	text := ""
	if changed {
		if err := r.store.SaveSession(ctx, sess); err != nil {
			r.log.ErrorContext(ctx, "remove people from the round", "set", c.set.ID, "err", err)
			return ""
		}
		r.sessionChanged(ctx, c.set, sess)
		text = fmt.Sprintf(" They left round %d (enablers now: %s).", cur.Number, names(c.set, cur.Enablers))
	}
	if presenter {
		text += fmt.Sprintf(" They were presenting round %d: end it with `/als round end` or cancel it with `/als round cancel`.", cur.Number)
	}
	return text
}
