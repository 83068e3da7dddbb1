package scheduler

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// Planning keeps in the pending queue exactly the deliveries the stored state
// calls for: the reminders and digest of the next session (and of any other
// session whose reminders start within two days), the current phase's
// notices, the next nudge to each member and mentor, and the set's next
// planning delivery, which runs this again (at the latest daily, at the next
// session's start and at the next nudge). Keys name what a delivery was
// planned from (a session's start, a nudge occurrence), so planning again is
// idempotent, a moved session gets fresh reminders and a sent one is never
// planned twice: only deliveries due after now are added.

// SetChanged plans the set's deliveries again after a change (lead times,
// nudges, zone, schedule, members, archive).
func (s *Scheduler) SetChanged(ctx context.Context, set *bot.Set) error {
	cp := *set
	if err := s.planSet(ctx, &cp, s.clock.Now()); err != nil {
		return fmt.Errorf("plan set %s: %w", set.ID, err)
	}
	return nil
}

// SessionChanged plans the set's deliveries again after a session changed
// (added, moved, cancelled, opened, a round moved on, closed). A session
// that has just closed gets its feedback pulse to each attendee.
func (s *Scheduler) SessionChanged(ctx context.Context, set *bot.Set, sess *bot.Session) error {
	now := s.clock.Now()
	if sess != nil && sess.Status == bot.SessionClosed && !set.Archived && now.Sub(sess.ClosedAt) < feedbackTTL {
		var ds []*bot.Delivery
		for _, a := range sess.Attendees {
			// Planning may run again for a closed session: a pulse already
			// sent (no longer pending) must not be added again.
			id := sess.ID + "/feedback/@" + a.UserID
			if _, err := s.deliveries.GetDelivered(ctx, id); err == nil {
				continue
			} else if bot.ErrorCode(err) != bot.ENOTFOUND {
				return fmt.Errorf("plan feedback for %s: %w", sess.ID, err)
			}
			ds = append(ds, &bot.Delivery{
				ID: id, Kind: bot.DeliverFeedback,
				SetID: set.ID, SessionID: sess.ID, UserID: a.UserID, Ref: sess.Start,
				Due: now, NotBefore: now, Until: now.Add(feedbackTTL),
			})
		}
		if _, err := s.deliveries.AddDeliveries(ctx, ds); err != nil {
			return fmt.Errorf("plan feedback for %s: %w", sess.ID, err)
		}
	}
	cp := *set
	if err := s.planSet(ctx, &cp, now); err != nil {
		return fmt.Errorf("plan set %s: %w", set.ID, err)
	}
	return nil
}

func (s *Scheduler) planByID(ctx context.Context, setID string, now time.Time) error {
	set, err := s.store.GetSet(ctx, setID)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return s.unplanAll(ctx, setID)
		}
		return err
	}
	return s.planSet(ctx, set, now)
}

func (s *Scheduler) unplanAll(ctx context.Context, setID string) error {
	pending, err := s.deliveries.PendingDeliveries(ctx, setID, "")
	if err != nil {
		return err
	}
	var del []string
	for _, p := range pending {
		if planned(p.Kind) {
			del = append(del, p.ID)
		}
	}
	return s.deliveries.DeletePending(ctx, del)
}

// planned reports whether deliveries of kind k are derived from the state
// (and so removed when the state no longer calls for them). Messages and
// feedback pulses were asked for once and stay until sent or useless.
func planned(k bot.DeliveryKind) bool {
	switch k {
	case bot.DeliverMessage, bot.DeliverFeedback:
		return false
	}
	return true
}

// planSet brings the set's pending queue in line with its stored state. set
// may be changed (its SessionSeq, when recurring sessions are created).
func (s *Scheduler) planSet(ctx context.Context, set *bot.Set, now time.Time) error {
	sessions, err := s.store.ListSessions(ctx, set.ID)
	if err != nil {
		return err
	}
	if set.Schedule != nil && !set.Archived {
		if sessions, err = s.materialize(ctx, set, sessions, now); err != nil {
			return err
		}
	}
	want := s.desired(set, sessions, now)
	pending, err := s.deliveries.PendingDeliveries(ctx, set.ID, "")
	if err != nil {
		return err
	}
	have := map[string]bool{}
	var del []string
	for _, p := range pending {
		have[p.ID] = true
		if planned(p.Kind) && want[p.ID] == nil {
			del = append(del, p.ID)
		}
	}
	var add []*bot.Delivery
	for id, w := range want {
		// Only future ones are added: one due already was either sent or,
		// still pending, is kept above.
		if !have[id] && w.Due.After(now) {
			add = append(add, w)
		}
	}
	sort.Slice(add, func(i, j int) bool { return add[i].ID < add[j].ID })
	if err := s.deliveries.DeletePending(ctx, del); err != nil {
		return err
	}
	if _, err := s.deliveries.AddDeliveries(ctx, add); err != nil {
		return err
	}
	return nil
}

// desired is every delivery the state calls for now, keyed by id, including
// ones already due that are still useful (they are kept if pending).
func (s *Scheduler) desired(set *bot.Set, sessions []*bot.Session, now time.Time) map[string]*bot.Delivery {
	want := map[string]*bot.Delivery{}
	if set.Archived {
		return want
	}
	put := func(d *bot.Delivery) {
		d.SetID = set.ID
		d.NotBefore = d.Due
		want[d.ID] = d
	}
	var members []bot.Person
	for _, m := range set.Members() {
		if !bot.IsAnonymous(m.User.ID) { // a forgotten person gets nothing
			members = append(members, m)
		}
	}
	nextPlan := now.Add(planEvery)

	// Sessions: reminders and digest of the next session and of those whose
	// first delivery falls within two days.
	maxLead := s.digestLead
	for _, l := range set.Reminders {
		maxLead = max(maxLead, l)
	}
	var upcoming []*bot.Session
	for _, sess := range sessions {
		if sess.Status == bot.SessionScheduled && sess.Start.After(now) {
			upcoming = append(upcoming, sess)
		}
	}
	sort.SliceStable(upcoming, func(i, j int) bool { return upcoming[i].Start.Before(upcoming[j].Start) })
	for i, sess := range upcoming {
		if i > 0 && sess.Start.Add(-maxLead).After(now.Add(2*planEvery)) {
			break
		}
		if i == 0 && sess.Start.Before(nextPlan) {
			nextPlan = sess.Start // plan the following session once this one starts
		}
		start := sess.Start
		stamp := strconv.FormatInt(start.Unix(), 10)
		for _, lead := range set.Reminders {
			base := sess.ID + "/reminder/" + lead.String() + "/" + stamp
			due := reminderDue(start, lead, set.Location())
			put(&bot.Delivery{ID: base + "/channel", Kind: bot.DeliverReminder, SessionID: sess.ID, Ref: start, Due: due, Until: start})
			for _, m := range members {
				put(&bot.Delivery{ID: base + "/@" + m.User.ID, Kind: bot.DeliverReminder, SessionID: sess.ID, UserID: m.User.ID, Ref: start, Due: due, Until: start})
			}
		}
		put(&bot.Delivery{ID: sess.ID + "/digest/" + stamp, Kind: bot.DeliverDigest, SessionID: sess.ID, Ref: start, Due: start.Add(-s.digestLead), Until: start})
	}

	// The open session's current phase: "nearly up" and "up".
	for _, sess := range sessions {
		if sess.Status != bot.SessionOpen {
			continue
		}
		r := sess.CurrentRound()
		if r == nil {
			continue
		}
		deadline := r.Deadline()
		box := deadline.Sub(r.PhaseStartedAt)
		warn := min(2*time.Minute, box/5)
		base := sess.ID + "/round/" + strconv.Itoa(r.Number) + "/" + string(r.Phase) + "/" + strconv.FormatInt(r.PhaseStartedAt.UnixMilli(), 10)
		common := bot.Delivery{SessionID: sess.ID, Round: r.Number, Phase: r.Phase, Ref: r.PhaseStartedAt}
		nearly, up := common, common
		nearly.ID, nearly.Kind, nearly.Due, nearly.Until = base+"/nearly-up", bot.DeliverPhaseNearlyUp, deadline.Add(-warn), deadline
		up.ID, up.Kind, up.Due = base+"/up", bot.DeliverPhaseUp, deadline
		put(&nearly)
		put(&up)
	}

	// Nudges: the next occurrence, to each member (sent only to those with
	// an open commitment) and to each mentor with mentees. Ones already due
	// and still useful (before the following occurrence) are kept.
	if spec, err := ParseSpec(set.NudgeSpec, set.Location()); err == nil {
		mentors := mentorsOf(set)
		add := func(occ time.Time) {
			until := spec.Next(occ)
			stamp := strconv.FormatInt(occ.Unix(), 10)
			for _, m := range members {
				put(&bot.Delivery{ID: set.ID + "/nudge/" + stamp + "/@" + m.User.ID, Kind: bot.DeliverNudge, UserID: m.User.ID, Ref: occ, Due: occ, Until: until})
			}
			for _, id := range mentors {
				put(&bot.Delivery{ID: set.ID + "/mentor-nudge/" + stamp + "/@" + id, Kind: bot.DeliverMentorNudge, UserID: id, Ref: occ, Due: occ, Until: until})
			}
		}
		if next := spec.Next(now); !next.IsZero() {
			add(next)
			if next.Before(nextPlan) {
				nextPlan = next
			}
		}
		// The current occurrence (the last one at or before now) is kept
		// while it is still useful, i.e. until the next one.
		if cur := lastOccurrence(spec, now); !cur.IsZero() {
			add(cur)
		}
	}

	put(&bot.Delivery{ID: set.ID + "/plan/" + strconv.FormatInt(nextPlan.Unix(), 10), Kind: bot.DeliverPlan, Due: nextPlan})
	return want
}

// mentorsOf returns the ids of people who mentor a member of the set.
func mentorsOf(set *bot.Set) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range set.Members() {
		if p.MentorID != "" && !seen[p.MentorID] && !bot.IsAnonymous(p.MentorID) {
			seen[p.MentorID] = true
			out = append(out, p.MentorID)
		}
	}
	return out
}

// materialize makes sure a session exists for every occurrence of the set's
// schedule in the next 120 days (plus a day), and moves future recurring
// sessions that no longer fall on an occurrence (the zone or the spec
// changed) to the nearest free occurrence within a day, or cancels them. An
// occurrence that has a session in any state, cancelled too, is left alone.
func (s *Scheduler) materialize(ctx context.Context, set *bot.Set, sessions []*bot.Session, now time.Time) ([]*bot.Session, error) {
	spec, err := ParseSchedule(set.Schedule.Spec, set.Location(), now)
	if err != nil {
		s.log.Warn("stored schedule does not parse", "set", set.ID, "err", err)
		return sessions, nil
	}
	// At most 200 sessions: a spec that fires every few minutes is a typo,
	// not a plan for thousands of sessions.
	occs := spec.Between(now, now.Add(materializeAhead), 200)
	taken := map[int64]bool{}
	for _, sess := range sessions {
		taken[sess.Start.UnixMilli()] = true
	}
	isOcc := map[int64]bool{}
	for _, o := range occs {
		isOcc[o.UnixMilli()] = true
	}
	for _, sess := range sessions {
		if !sess.Recurring || sess.Status != bot.SessionScheduled || !sess.Start.After(now) || isOcc[sess.Start.UnixMilli()] {
			continue
		}
		var best time.Time
		for _, o := range occs {
			if taken[o.UnixMilli()] {
				continue
			}
			if d := absDur(o.Sub(sess.Start)); d <= 26*time.Hour && (best.IsZero() || d < absDur(best.Sub(sess.Start))) {
				best = o
			}
		}
		if best.IsZero() {
			sess.Status = bot.SessionCancelled
		} else {
			delete(taken, sess.Start.UnixMilli())
			sess.Start = best
			taken[best.UnixMilli()] = true
		}
		if err := s.store.SaveSession(ctx, sess); err != nil && bot.ErrorCode(err) != bot.ECONFLICT {
			return sessions, fmt.Errorf("move recurring session %s: %w", sess.ID, err)
		}
	}
	dur := set.Schedule.Duration
	if dur <= 0 {
		dur = bot.DefaultSessionLength
	}
	seq := set.SessionSeq
	created := false
	for _, o := range occs {
		if taken[o.UnixMilli()] {
			continue
		}
		for try := 0; try < 20; try++ {
			seq++
			sess := &bot.Session{
				ID: bot.SessionID(set.ID, seq), SetID: set.ID, Number: seq, Start: o, Duration: dur,
				Where: set.Schedule.Where, Status: bot.SessionScheduled, Recurring: true,
				Attendees: []bot.Attendance{}, Bids: []bot.Bid{}, Rounds: []bot.Round{},
			}
			err := s.store.CreateSession(ctx, sess)
			if err == nil {
				sessions = append(sessions, sess)
				taken[o.UnixMilli()] = true
				created = true
				break
			}
			if bot.ErrorCode(err) != bot.EEXISTS {
				return sessions, fmt.Errorf("create recurring session: %w", err)
			}
		}
	}
	if created {
		if err := s.saveSessionSeq(ctx, set, seq); err != nil {
			return sessions, err
		}
	}
	return sessions, nil
}

// saveSessionSeq records the highest session number handed out, reloading
// the set when a command changed it meanwhile.
func (s *Scheduler) saveSessionSeq(ctx context.Context, set *bot.Set, seq int) error {
	for try := 0; try < 5; try++ {
		if set.SessionSeq >= seq {
			return nil
		}
		set.SessionSeq = seq
		err := s.store.SaveSet(ctx, set)
		if err == nil {
			return nil
		}
		if bot.ErrorCode(err) != bot.ECONFLICT {
			return fmt.Errorf("save session number: %w", err)
		}
		fresh, err := s.store.GetSet(ctx, set.ID)
		if err != nil {
			return fmt.Errorf("save session number: %w", err)
		}
		*set = *fresh
	}
	return fmt.Errorf("save session number of %s: %w", set.ID, bot.Errorf(bot.ECONFLICT, "the set kept changing"))
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// lastOccurrence is the spec's last occurrence at or before now (within 32
// days), searched in widening windows so a frequent spec stays cheap.
func lastOccurrence(spec *Spec, now time.Time) time.Time {
	for _, back := range []time.Duration{time.Hour, 25 * time.Hour, 8 * 24 * time.Hour, 32 * 24 * time.Hour} {
		var cur time.Time
		for t := spec.Next(now.Add(-back)); !t.IsZero() && !t.After(now); t = spec.Next(t) {
			cur = t
		}
		if !cur.IsZero() {
			return cur
		}
	}
	return time.Time{}
}

// reminderDue is lead before start, counting whole days on the calendar of
// the set's zone: a 7-day reminder comes at the session's wall-clock time a
// week before, also across a daylight-saving change.
func reminderDue(start time.Time, lead time.Duration, loc *time.Location) time.Time {
	days := int(lead / (24 * time.Hour))
	rest := lead % (24 * time.Hour)
	return start.In(loc).AddDate(0, 0, -days).Add(-rest).UTC()
}
