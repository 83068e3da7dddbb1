package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// mentoringLog records a mentoring session, by the mentee's mentor only.
func (r *Router) mentoringLog(ctx context.Context, c *call, a bot.MentoringLogArgs) (bot.Message, error) {
	users, err := resolve(c, []string{a.Mentee})
	if err != nil {
		return bot.Message{}, err
	}
	if len(users) != 1 {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "Name one mentee. Usage: %s", bot.Usage(c.cmd.Verb))
	}
	mentee := c.set.Person(users[0].ID)
	if mentee == nil || !mentee.Has(bot.RoleMember) {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "%s is not a member of %s. Usage: %s", bot.PersonName(c.set, users[0].ID), c.set.Name, bot.Usage(c.cmd.Verb))
	}
	if mentee.MentorID != c.actorID() {
		return bot.Message{}, bot.Errorf(bot.EFORBIDDEN, "You are not %s's mentor in %s, so you cannot log their mentoring; a facilitator pairs mentors with `/als mentor @mentor for @mentee`.", bot.PersonName(c.set, mentee.User.ID), c.set.Name)
	}
	note := strings.TrimSpace(a.Note)
	if note != "" {
		if err := bot.CheckText(note, "a note"); err != nil {
			return bot.Message{}, err
		}
	}
	loc := c.set.Location()
	today := c.now.In(loc).Format("2006-01-02")
	date := today
	if !a.Date.IsZero() {
		d, err := a.Date.ResolvePast(c.now.In(loc))
		if err != nil {
			return bot.Message{}, err
		}
		date = d.String()
		if date > today {
			return bot.Message{}, bot.Errorf(bot.EINVALID, "%s is still to come; log a mentoring session on or after the day it took place (today is %s in %s).", bot.FormatDate(d), bot.FormatDate(dateOf(c.now.In(loc))), loc)
		}
	}
	m := &bot.MentoringSession{
		ID: bot.MentoringID(c.set.ID, c.now), SetID: c.set.ID,
		MentorID: c.actorID(), MenteeID: mentee.User.ID,
		Date: date, Note: note, LoggedAt: c.now,
	}
	// The id is the log time: two logs at the same instant (a clock that
	// stands still, as in the shell) take the next nanosecond.
	const mentoringTries = 5
	for try := 0; ; try++ {
		m.ID = bot.MentoringID(c.set.ID, c.now.Add(time.Duration(try)))
		err := r.store.AddMentoring(ctx, m)
		if err == nil {
			break
		}
		if !isCode(err, bot.EEXISTS) || try == mentoringTries-1 {
			return bot.Message{}, fmt.Errorf("log mentoring %s: %w", m.ID, err)
		}
	}
	count := 0
	if all, err := r.store.ListMentoring(ctx, c.set.ID); err == nil {
		for _, x := range all {
			if x.MenteeID == mentee.User.ID {
				count++
			}
		}
	} else {
		r.log.ErrorContext(ctx, "count mentoring sessions", "set", c.set.ID, "err", err)
	}
	shown := date
	if t, err := time.Parse("2006-01-02", date); err == nil {
		shown = bot.FormatDate(dateOf(t))
	}
	text := fmt.Sprintf("Logged a mentoring session with %s on %s.", bot.PersonName(c.set, mentee.User.ID), shown)
	if count > 0 {
		text += fmt.Sprintf(" %s has had %d in %s.", bot.PersonName(c.set, mentee.User.ID), count, c.set.Name)
	}
	return private(text), nil
}
