package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

func (r *Router) commit(ctx context.Context, c *call, a bot.CommitArgs) (bot.Message, error) {
	text := strings.TrimSpace(a.Text)
	if err := bot.CheckText(text, "what you will do before the next session"); err != nil {
		return bot.Message{}, err
	}
	loc := c.set.Location()
	var due time.Time
	if !a.Due.IsZero() {
		d, err := a.Due.Resolve(c.now.In(loc))
		if err != nil {
			return bot.Message{}, err
		}
		// Due by a date means by the end of that day in the set's zone.
		due = d.In(loc, 23, 59)
		if due.Before(c.now) {
			return bot.Message{}, bot.Errorf(bot.EINVALID, "The due date %s (%s) is in the past. Give today or a later date, e.g. `by %s`.", bot.FormatDate(d), d, c.now.In(loc).AddDate(0, 0, 14).Format("02/01/2006"))
		}
	} else {
		sessions, err := r.store.ListSessions(ctx, c.set.ID)
		if err != nil {
			return bot.Message{}, fmt.Errorf("list sessions of %s: %w", c.set.ID, err)
		}
		if next := nextSession(sessions, c.now, false); next != nil {
			due = next.Start
		}
	}
	cm := &bot.Commitment{
		SetID:     c.set.ID,
		UserID:    c.actorID(),
		Text:      text,
		Due:       due.UTC(),
		Session:   c.set.OpenSession,
		Status:    bot.CommitmentOpen,
		CreatedAt: c.now,
	}
	if due.IsZero() {
		cm.Due = time.Time{}
	}
	// The same words as an open commitment of the caller's: most often a
	// retry after an answer that was not seen (a trial's member had three
	// copies). It is recorded, and the answer says how to drop it.
	var same string
	if open, err := r.store.ListCommitments(ctx, c.set.ID, c.actorID(), true); err != nil {
		r.log.ErrorContext(ctx, "list open commitments for a duplicate check", "set", c.set.ID, "err", err)
	} else {
		for _, o := range open {
			if sameWords(o.Text, text) {
				same = o.ShortID
				break
			}
		}
	}
	// The store numbers it and keeps the counter (CommitSeq is where older
	// versions' counter had got to).
	if _, err := r.store.AddCommitment(ctx, cm, c.set.CommitSeq); err != nil {
		return bot.Message{}, fmt.Errorf("create commitment: %w", err)
	}
	dueText := "no due date (no session is scheduled yet)"
	if !cm.Due.IsZero() {
		dueText = "due " + bot.FormatTime(cm.Due, c.readerLoc())
	}
	msg := private(fmt.Sprintf("Recorded %s: %s\n%s. Report on it with `/als report %s <done|progress|blocked> <what you did and learned>`.", cm.ShortID, cm.Text, bot.Capitalize(dueText), cm.ShortID))
	if same != "" {
		msg.Text += fmt.Sprintf("\nYou already have %s with the same words. If %s is a repeat, drop it with %s.", same, cm.ShortID, bot.Cmd("commitment drop "+cm.ShortID+" duplicate"))
	}
	return msg, nil
}

// sameWords reports whether two commitment texts say the same, ignoring
// case, spacing and a full stop at the end.
func sameWords(a, b string) bool {
	norm := func(s string) string {
		return strings.TrimRight(strings.Join(strings.Fields(strings.ToLower(s)), " "), ".!")
	}
	return norm(a) == norm(b)
}

// actions lists the caller's own open commitments.
func (r *Router) actions(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	cs, err := r.store.ListCommitments(ctx, c.set.ID, c.actorID(), true)
	if err != nil {
		return bot.Message{}, fmt.Errorf("list commitments in %s: %w", c.set.ID, err)
	}
	if len(cs) == 0 {
		return private("You have no open commitments. Record one with `/als commit <text> [by <date>]`, e.g. `/als commit Call the duty team by next friday`."), nil
	}
	loc := c.readerLoc()
	lines := make([]string, len(cs))
	for i, cm := range cs {
		lines[i] = bot.CommitmentLine(cm, loc, c.now)
	}
	msg := private(fmt.Sprintf("Your open commitments in %s:\n%s", c.set.Name, strings.Join(lines, "\n")))
	msg.Title = "Your actions"
	return msg, nil
}

// report records action taken on the caller's own commitment.
func (r *Router) report(ctx context.Context, c *call, a bot.ReportArgs) (bot.Message, error) {
	text := strings.TrimSpace(a.Text)
	if err := bot.CheckText(text, "what you did and learned"); err != nil {
		return bot.Message{}, err
	}
	id := bot.CommitmentID(c.set.ID, a.ID)
	notYours := bot.Errorf(bot.ENOTFOUND, "You have no commitment %s. See yours with `/als actions`.", a.ID)
	cm, err := r.store.GetCommitment(ctx, id)
	if err != nil {
		if isCode(err, bot.ENOTFOUND) {
			return bot.Message{}, notYours
		}
		return bot.Message{}, fmt.Errorf("get commitment %s: %w", id, err)
	}
	if cm.UserID != c.actorID() {
		// Someone else's commitment is reported as missing: ids are no secret
		// but texts are, and one may only report on one's own.
		return bot.Message{}, notYours
	}
	if cm.Status != bot.CommitmentOpen {
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "%s is already %s, so it takes no more reports. Record a new commitment with `/als commit <text>`.", cm.ShortID, cm.Status)
	}
	status := bot.CommitmentOpen
	if a.Status == bot.ReportDone {
		status = bot.CommitmentDone
	}
	if err := r.store.AddReport(ctx, id, bot.Report{Status: a.Status, Text: text, At: c.now}, status); err != nil {
		return bot.Message{}, fmt.Errorf("add report to %s: %w", id, err)
	}
	var text2 string
	switch a.Status {
	case bot.ReportDone:
		text2 = fmt.Sprintf("Well done: %s is marked done and your report is saved for the next report-back.", cm.ShortID)
	case bot.ReportBlocked:
		text2 = fmt.Sprintf("Saved your report on %s (blocked); it stays open. The set can help at the next session's report-back.", cm.ShortID)
	default:
		text2 = fmt.Sprintf("Saved your progress report on %s; it stays open.", cm.ShortID)
	}
	return private(text2), nil
}
