package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/scheduler"
)

// nextSession is the first session to come (scheduled, or open too when
// withOpen) starting after now, or nil.
func nextSession(sessions []*bot.Session, now time.Time, withOpen bool) *bot.Session {
	var best *bot.Session
	for _, s := range sessions {
		ok := (s.Status == bot.SessionScheduled && s.Start.After(now)) || (withOpen && s.Status == bot.SessionOpen)
		if ok && (best == nil || s.Start.Before(best.Start)) {
			best = s
		}
	}
	return best
}

func (r *Router) sessionAdd(ctx context.Context, c *call, a bot.SessionAddArgs) (bot.Message, error) {
	loc := c.set.Location()
	date, err := a.Date.Resolve(c.now.In(loc))
	if err != nil {
		return bot.Message{}, err
	}
	start := date.In(loc, a.At.Hour, a.At.Minute)
	if !start.After(c.now) {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "%s %s is in the past (in %s). Give a date and time to come, e.g. `/als session add %s 18:00`.", bot.FormatDate(date), a.At, loc, c.now.In(loc).AddDate(0, 0, 7).Format("02/01/2006"))
	}
	if err := r.refuseDuplicate(ctx, c, start); err != nil {
		return bot.Message{}, err
	}
	d := a.Duration
	if d == 0 {
		d = bot.DefaultSessionLength
	}
	sess := &bot.Session{Start: start.UTC(), Duration: d, Where: strings.TrimSpace(a.Where), Status: bot.SessionScheduled}
	saved, err := r.addSessionAndSet(ctx, c, sess, func(s *bot.Set) { s.SessionSeq = max(s.SessionSeq, sess.Number) })
	if !saved {
		return bot.Message{}, fmt.Errorf("create session: %w", err)
	}
	if err != nil {
		return bot.Message{}, err
	}
	r.sessionChanged(ctx, c.set, sess)
	msg := reply("Added " + sessionLine(sess, loc) + ".")
	if r.links != nil {
		// The session is stored: a link that cannot be made now leaves the
		// answer without it (the reminders carry it too), not an error.
		if url, err := r.links.SessionLink(ctx, sess); err != nil {
			r.log.ErrorContext(ctx, "make a session's calendar link", "set", c.set.ID, "err", err)
		} else {
			bot.AddCalendarLink(&msg, url)
		}
	}
	return msg, nil
}

func (r *Router) schedule(ctx context.Context, c *call, a bot.ScheduleArgs) (bot.Message, error) {
	loc := c.set.Location()
	spec, d, err := scheduler.ParseScheduleLength(a.Spec, loc, c.now)
	if err != nil {
		return bot.Message{}, err
	}
	if d == 0 {
		d = a.Duration
	}
	if d == 0 {
		d = bot.DefaultSessionLength
	}
	if !a.Confirm {
		// Nothing is created or posted before the facilitator has seen the
		// dates (issue 13, item 3).
		return schedulePreview(c, spec, d), nil
	}
	occurrences := scheduler.Occurrences(spec, c.now)
	if len(occurrences) == 0 {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "%q has no date in the next 120 days. Write a spec that recurs, e.g. \"0 18 * * 2\" for Tuesdays at 18:00.", spec.String())
	}
	// A second confirm of the same schedule (the button pressed twice, the
	// command typed again) changes nothing, so it is answered to the
	// facilitator alone instead of announced in the channel again.
	same := c.set.Schedule != nil && c.set.Schedule.Spec == spec.String() && c.set.Schedule.Duration == d && c.set.Schedule.Where == ""
	if c.set.Schedule != nil && c.set.Schedule.Spec != spec.String() {
		// A replaced schedule's sessions to come go, so they neither pile
		// up as cancelled ones nor push the next meeting's number up.
		if _, _, err := r.removeFutureRecurring(ctx, c, occurrences); err != nil {
			return bot.Message{}, err
		}
	}
	if !same {
		rec := &bot.Recurrence{Spec: spec.String(), Duration: d}
		if err := r.saveSetAfter(ctx, c, func(s *bot.Set) { s.Schedule = rec }); err != nil {
			return bot.Message{}, err
		}
	}
	// Recurring sessions are made by the planner's code only (one horizon,
	// one cap); it saves the set's SessionSeq.
	created, err := scheduler.Materialize(ctx, r.store, c.set, c.now)
	if err != nil {
		return bot.Message{}, err
	}
	r.setChanged(ctx, c.set)
	for _, s := range created {
		r.sessionChanged(ctx, c.set, s)
	}
	next := make([]string, 0, 3)
	for _, t := range occurrences[:min(3, len(occurrences))] {
		next = append(next, bot.FormatTime(t, loc))
	}
	if same && len(created) == 0 {
		return private(fmt.Sprintf("Sessions of %s already recur %s (%s), %s each, so I added 0 sessions: nothing changed. See them with `/als sessions`.",
			c.set.Name, describeSchedule(spec), loc, bot.FormatDuration(d))), nil
	}
	return reply(fmt.Sprintf("Sessions of %s now recur %s (%s), %s each. I added %d session%s for the next 120 days. Next: %s.",
		c.set.Name, describeSchedule(spec), loc, bot.FormatDuration(d), len(created), isAre(len(created), "", "s"), strings.Join(next, "; "))), nil
}

func (r *Router) scheduleOff(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	// Clear the schedule first so that the scheduler stops materializing.
	c.set.Schedule = nil
	if err := r.saveSet(ctx, c); err != nil {
		return bot.Message{}, err
	}
	removed, cancelled, err := r.removeFutureRecurring(ctx, c, nil)
	if err != nil {
		return bot.Message{}, err
	}
	r.setChanged(ctx, c.set)
	text := fmt.Sprintf("%s has no recurring schedule any more; I removed its %d upcoming session%s", c.set.Name, removed, isAre(removed, "", "s"))
	if cancelled > 0 {
		text += fmt.Sprintf(" (and %d cancelled one%s)", cancelled, isAre(cancelled, "", "s"))
	}
	return reply(text + ". Sessions added one by one, and those held, stay."), nil
}

// sessions lists upcoming and recent sessions, to anyone in the set.
func (r *Router) sessions(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	all, err := r.store.ListSessions(ctx, c.set.ID)
	if err != nil {
		return bot.Message{}, fmt.Errorf("list sessions of %s: %w", c.set.ID, err)
	}
	loc := c.readerLoc()
	// Past sessions are the ones held; a cancelled one is listed apart, and
	// only while it is still to come (issue 13: future cancelled sessions
	// were listed under Past).
	// A planned session whose end passed unstarted is listed apart, not as
	// upcoming (a trial saw last week's session under Upcoming).
	// A session being held is listed first, on its own (a trial read the
	// open session under Upcoming as not started yet).
	var open, upcoming, past, cancelled, missed []*bot.Session
	for _, s := range all {
		switch {
		case s.Status == bot.SessionOpen:
			open = append(open, s)
		case s.Status == bot.SessionScheduled && !s.Start.Add(s.Duration).After(c.now):
			missed = append(missed, s)
		case s.Status == bot.SessionScheduled:
			upcoming = append(upcoming, s)
		case s.Held():
			past = append(past, s)
		case s.Start.After(c.now):
			cancelled = append(cancelled, s)
		}
	}
	byStart := func(a, b *bot.Session) int { return a.Start.Compare(b.Start) }
	slices.SortFunc(upcoming, byStart)
	slices.SortFunc(past, byStart)
	past = past[max(0, len(past)-5):]
	lines := func(ss []*bot.Session) string {
		if len(ss) == 0 {
			return "none"
		}
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = sessionLine(s, loc)
		}
		return strings.Join(out, "\n")
	}
	msg := private(fmt.Sprintf("Sessions of %s (times in %s):", c.set.Name, loc))
	if len(open) > 0 {
		msg.Sections = append(msg.Sections, bot.Section{Title: "Being held now", Text: lines(open) + "\nCheck in with " + bot.Cmd("here") + "."})
	}
	msg.Sections = append(msg.Sections,
		bot.Section{Title: "Upcoming", Text: lines(upcoming)},
		bot.Section{Title: "Held (latest 5)", Text: lines(past)},
	)
	if len(missed) > 0 {
		slices.SortFunc(missed, byStart)
		n := missed[len(missed)-1].Number
		msg.Sections = append(msg.Sections, bot.Section{Title: "Not started, time passed",
			Text: lines(missed) + fmt.Sprintf("\nHold one now with %s, or record that it did not take place with %s.", bot.Cmd(fmt.Sprintf("session start %d", n)), bot.Cmd(fmt.Sprintf("session cancel %d", n)))})
	}
	if len(cancelled) > 0 {
		slices.SortFunc(cancelled, byStart)
		msg.Sections = append(msg.Sections, bot.Section{Title: "Cancelled", Text: lines(cancelled)})
	}
	return msg, nil
}

func (r *Router) sessionCancel(ctx context.Context, c *call, a bot.SessionCancelArgs) (bot.Message, error) {
	var sess *bot.Session
	if a.Date.IsZero() {
		s, err := r.store.GetSession(ctx, bot.SessionID(c.set.ID, a.Number))
		if err != nil {
			if isCode(err, bot.ENOTFOUND) {
				return bot.Message{}, bot.Errorf(bot.ENOTFOUND, "There is no session %d. See the sessions with `/als sessions`.", a.Number)
			}
			return bot.Message{}, fmt.Errorf("get session %d of %s: %w", a.Number, c.set.ID, err)
		}
		sess = s
	} else {
		all, err := r.store.ListSessions(ctx, c.set.ID)
		if err != nil {
			return bot.Message{}, fmt.Errorf("list sessions of %s: %w", c.set.ID, err)
		}
		loc := c.set.Location()
		day, err := a.Date.Resolve(c.now.In(loc))
		if err != nil {
			return bot.Message{}, err
		}
		for _, s := range all {
			y, m, d := s.Start.In(loc).Date()
			if y == day.Year && m == day.Month && d == day.Day && (sess == nil || sess.Status != bot.SessionScheduled) {
				sess = s
			}
		}
		if sess == nil {
			return bot.Message{}, bot.Errorf(bot.ENOTFOUND, "There is no session on %s. See the sessions with `/als sessions`.", bot.FormatDate(day))
		}
	}
	switch sess.Status {
	case bot.SessionScheduled:
	case bot.SessionCancelled:
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "Session %d (%s) is already cancelled; nothing changed.", sess.Number, bot.FormatTime(sess.Start, c.set.Location()))
	default:
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "Session %d is %s, so it cannot be cancelled; only sessions still to come can.", sess.Number, sess.Status)
	}
	sess.Status = bot.SessionCancelled
	if err := r.store.SaveSession(ctx, sess); err != nil {
		return bot.Message{}, fmt.Errorf("save session %s: %w", sess.ID, err)
	}
	r.sessionChanged(ctx, c.set, sess)
	return reply(fmt.Sprintf("Cancelled session %d (%s); its reminders will not be sent.", sess.Number, bot.FormatTime(sess.Start, c.set.Location()))), nil
}
