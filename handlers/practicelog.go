package handlers

// The practice log: members note accompanied visits and group supervisions
// when their programme keeps one.

import (
	"context"
	"fmt"

	"github.com/alsbot/alsbot/bot"
)

func (r *Router) programmePracticeLog(ctx context.Context, c *call, a bot.PracticeLogArgs) (bot.Message, error) {
	ps, p, err := r.asLead(ctx, c, "", "switch the practice log")
	if err != nil {
		return bot.Message{}, err
	}
	if err := saveProgramme(ctx, ps, p, func(p *bot.Programme) error { p.PracticeLog = a.On; return nil }); err != nil {
		return bot.Message{}, fmt.Errorf("save programme %s: %w", p.ID, err)
	}
	if a.On {
		return private(fmt.Sprintf("Members of %s's sets can now keep a practice log: `/als log visit [<date>] [<note>]` and `/als log group-supervision [<date>] [<note>]`. Notes stay confidential like commitments; the programme's figures count the entries.", p.Name)), nil
	}
	return private(fmt.Sprintf("The practice log of %s is off; entries made so far are kept and counted.", p.Name)), nil
}

func (r *Router) practiceLog(ctx context.Context, c *call, a bot.LogArgs) (bot.Message, error) {
	ps, err := r.programmes()
	if err != nil {
		return bot.Message{}, err
	}
	link, err := ps.ProgrammeOfSet(ctx, c.set.ID)
	if isCode(err, bot.ENOTFOUND) {
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "%s is not part of a programme, so it keeps no practice log; nothing was saved.", c.set.Name)
	}
	if err != nil {
		return bot.Message{}, fmt.Errorf("read the programme of %s: %w", c.set.ID, err)
	}
	p, err := ps.GetProgramme(ctx, link.ProgrammeID)
	if err != nil {
		return bot.Message{}, fmt.Errorf("read programme %s: %w", link.ProgrammeID, err)
	}
	if !p.PracticeLog {
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "The programme %s keeps no practice log (its lead can switch it on with `/als programme practice-log on`); nothing was saved.", p.Name)
	}
	loc := c.set.Location()
	date := c.now.In(loc).Format("2006-01-02")
	if !a.Date.IsZero() {
		d, err := a.Date.ResolvePast(c.now.In(loc))
		if err != nil {
			return bot.Message{}, err
		}
		if d.In(loc, 0, 0).After(c.now) {
			return bot.Message{}, bot.Errorf(bot.EINVALID, "%s is in the future; log what has happened. Nothing was saved.", bot.FormatDate(d))
		}
		date = d.String()
	}
	e := &bot.LogEntry{ID: bot.LogEntryID(c.set.ID, c.actorID(), a.Kind, c.now), SetID: c.set.ID, UserID: c.actorID(), Kind: a.Kind, Date: date, Note: a.Note, LoggedAt: c.now}
	if err := ps.AddLogEntry(ctx, e); err != nil {
		return bot.Message{}, fmt.Errorf("add practice log entry: %w", err)
	}
	what := "accompanied visit"
	if a.Kind == bot.LogGroupSupervision {
		what = "group supervision"
	}
	return private(fmt.Sprintf("Logged a %s on %s. Your note stays between you and the set's facilitators; the programme counts the entry.", what, date)), nil
}
