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

func dateOf(t time.Time) bot.Date { return bot.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()} }

// refuseDuplicate refuses a session at the same start as another session
// of the set that is not cancelled: every reminder and digest would go out
// twice (issue 13, item 4).
func (r *Router) refuseDuplicate(ctx context.Context, c *call, start time.Time) error {
	sessions, err := r.store.ListSessions(ctx, c.set.ID)
	if err != nil {
		return fmt.Errorf("list sessions of %s: %w", c.set.ID, err)
	}
	for _, s := range sessions {
		if s.Status != bot.SessionCancelled && s.Start.Equal(start) {
			return bot.Errorf(bot.EEXISTS, "Session %d is already at %s, so I did not add another (every reminder would go out twice). Pick another time, or cancel session %d first with `/als session cancel %d`.", s.Number, bot.FormatTime(s.Start, c.set.Location()), s.Number, s.Number)
		}
	}
	return nil
}

// schedulePreview shows what a schedule would create, with a button that
// confirms it: the next five dates, how many sessions the planner's horizon
// holds, and cron's day-of-month OR day-of-week rule when it applies.
func schedulePreview(c *call, spec scheduler.Recurring, d time.Duration) bot.Message {
	loc := c.set.Location()
	pv := scheduler.PreviewSchedule(spec, c.now)
	if len(pv.Next) == 0 {
		msg := private(fmt.Sprintf("%q has no date to come, so it would create no sessions. Write a schedule that recurs, e.g. every 4 weeks on thursday 14:00 or monthly first friday 14:00.", spec.String()))
		return msg
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Preview: sessions of %s would be %s (%s), %s each.", c.set.Name, describeSchedule(spec), loc, bot.FormatDuration(d))
	if c.set.Schedule != nil {
		fmt.Fprintf(&b, " This replaces the schedule %q.", c.set.Schedule.Spec)
	}
	b.WriteString("\nNext:")
	for _, t := range pv.Next {
		b.WriteString("\n• " + bot.FormatTime(t, loc))
	}
	days := int(scheduler.PreviewHorizon.Hours()/24) - 1
	fmt.Fprintf(&b, "\nThat makes %d session%s in the next %d days. Nothing is created or posted until you confirm.", pv.Count, isAre(pv.Count, "", "s"), days)
	if pv.Warning != "" {
		b.WriteString("\nWarning: " + pv.Warning)
	}
	msg := private(b.String())
	cmd := "schedule " + dayFirstFrom(spec.String())
	if _, cron := spec.(*scheduler.Spec); cron {
		cmd = fmt.Sprintf("schedule %q", spec.String())
	}
	cmd += " " + typedLength(d) + " confirm"
	msg.Buttons = []bot.Button{{Label: fmt.Sprintf("Create %d session%s", pv.Count, isAre(pv.Count, "", "s")), Command: cmd, Style: bot.StylePrimary, SetID: c.set.ID}}
	msg.Text += "\nTo confirm, press the button or write `/als " + cmd + "`."
	return msg
}

// dayFirstFrom writes a plain schedule's "from 2026-12-10" day first
// ("from 10/12/2026"), as every other answer teaches dates; the schedule
// parser reads both and stores the same canonical form.
func dayFirstFrom(spec string) string {
	i := strings.LastIndex(spec, " from ")
	if i < 0 {
		return spec
	}
	t, err := time.Parse(time.DateOnly, spec[i+len(" from "):])
	if err != nil {
		return spec
	}
	return spec[:i] + " from " + t.Format("02/01/2006")
}

// typedLength writes d as a facilitator would type it: 2h, 90m.
func typedLength(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dm", int(d/time.Minute))
}

// describeSchedule says a schedule in words: a plain one as it reads, a cron
// spec as written.
func describeSchedule(spec scheduler.Recurring) string {
	if p, ok := spec.(*scheduler.Plain); ok {
		return p.Describe()
	}
	return fmt.Sprintf("at the cron spec %q", spec.String())
}

// removeFutureRecurring deletes the recurring sessions still to come that
// never took place (scheduled or cancelled, nobody checked in), except
// those on one of keep, and lowers the set's session counter to the
// highest number left, so the next meeting after session 1 is session 2.
func (r *Router) removeFutureRecurring(ctx context.Context, c *call, keep []time.Time) (removed, cancelled int, err error) {
	sessions, err := r.store.ListSessions(ctx, c.set.ID)
	if err != nil {
		return 0, 0, fmt.Errorf("list sessions of %s: %w", c.set.ID, err)
	}
	top := 0
	for _, s := range sessions {
		gone := s.Recurring && s.Start.After(c.now) && len(s.Attendees) == 0 &&
			(s.Status == bot.SessionScheduled || s.Status == bot.SessionCancelled) &&
			!slices.ContainsFunc(keep, func(t time.Time) bool { return t.Equal(s.Start) && s.Status == bot.SessionScheduled })
		if !gone {
			top = max(top, s.Number)
			continue
		}
		if err := r.store.DeleteSession(ctx, s.ID); err != nil {
			return removed, cancelled, fmt.Errorf("remove session %s: %w", s.ID, err)
		}
		if s.Status == bot.SessionCancelled {
			cancelled++
		} else {
			removed++
		}
	}
	if err := r.saveSetAfter(ctx, c, func(s *bot.Set) { s.SessionSeq = top }); err != nil {
		return removed, cancelled, err
	}
	return removed, cancelled, nil
}
