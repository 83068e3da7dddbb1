package scheduler

import (
	"context"
	"fmt"
	"slices"
	"sort"
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
			id := bot.FeedbackKey(sess, a.UserID).String()
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

// planJob is one set to plan as of now.
type planJob struct {
	set *bot.Set
	now time.Time
}

// runPlans claims and runs the due planning deliveries of a tick, all sets
// at once: one read of their sessions, one of their pending deliveries, one
// delete and one insert, then one history write.
func (s *Scheduler) runPlans(ctx context.Context, tc *tickCache, now time.Time, plans []*bot.Delivery) error {
	if len(plans) == 0 {
		return nil
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	claims := make([]bot.DeliveryClaim, len(plans))
	for i, d := range plans {
		claims[i] = bot.DeliveryClaim{ID: bot.ClaimKey(d.ID, d.Attempt), Instance: s.instance, At: now, LeaseUntil: now.Add(claimLease)}
	}
	won, err := s.deliveries.ClaimDeliveries(pctx, claims)
	if err != nil {
		return fmt.Errorf("claim plans: %w", err)
	}
	var mine []*bot.Delivery
	for i, d := range plans {
		if !won[i] {
			if ok, err := s.takeOver(pctx, now, d); err != nil || !ok {
				continue
			}
		}
		mine = append(mine, d)
	}
	if len(mine) == 0 {
		return nil
	}
	ids := make([]string, 0, len(mine))
	for _, d := range mine {
		ids = append(ids, d.SetID)
	}
	if err := tc.preload(pctx, ids); err != nil {
		return fmt.Errorf("read sets to plan: %w", err)
	}
	var jobs []planJob
	var gone []string
	var records []*bot.Delivery
	for _, d := range mine {
		set, err := tc.set(pctx, d.SetID)
		switch {
		case bot.ErrorCode(err) == bot.ENOTFOUND:
			gone = append(gone, d.SetID)
		case err != nil:
			s.retry(pctx, s.log.With("key", d.ID), d, err)
			continue
		default:
			// Plan as of the time this was due: after downtime, what would
			// have been planned then is added now and sent late or skipped.
			asOf := now
			if d.Due.Before(now) {
				asOf = d.Due
			}
			jobs = append(jobs, planJob{set: set, now: asOf})
		}
		records = append(records, historyRecord(d, now, s.instance, bot.DeliverySent, ""))
	}
	if err := s.unplanAll(pctx, gone); err != nil {
		return err
	}
	if err := s.planSets(pctx, jobs); err != nil {
		// Unrecorded plans stay claimed and are taken over after the lease.
		return err
	}
	tc.reset() // planning may have changed sets and sessions
	if err := s.deliveries.RecordDeliveries(pctx, records); err != nil {
		return fmt.Errorf("record plans: %w", err)
	}
	done := make([]string, len(records))
	for i, r := range records {
		done[i] = r.ID
		if s.observer != nil {
			s.observer.Delivered(bot.DeliverPlan, ObservedSent)
		}
	}
	return s.deliveries.DeletePending(pctx, done)
}

// unplanAll removes what was planned for sets that are gone.
func (s *Scheduler) unplanAll(ctx context.Context, setIDs []string) error {
	if len(setIDs) == 0 {
		return nil
	}
	pending, err := s.deliveries.PendingOfSets(ctx, setIDs)
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

// planSet brings one set's pending queue in line with its stored state.
// set may be changed (its SessionSeq, when recurring sessions are created).
func (s *Scheduler) planSet(ctx context.Context, set *bot.Set, now time.Time) error {
	return s.planSets(ctx, []planJob{{set: set, now: now}})
}

// planSets brings the sets' pending queues in line with their stored state,
// with one read of their sessions, one of their pending deliveries, one
// delete and one insert however many sets there are.
func (s *Scheduler) planSets(ctx context.Context, jobs []planJob) error {
	if len(jobs) == 0 {
		return nil
	}
	ids := make([]string, len(jobs))
	for i, j := range jobs {
		ids[i] = j.set.ID
	}
	all, err := s.store.SessionsOfSets(ctx, ids)
	if err != nil {
		return err
	}
	sessionsOf := map[string][]*bot.Session{}
	for _, sess := range all {
		sessionsOf[sess.SetID] = append(sessionsOf[sess.SetID], sess)
	}
	pending, err := s.deliveries.PendingOfSets(ctx, ids)
	if err != nil {
		return err
	}
	pendingOf := map[string][]*bot.Delivery{}
	for _, p := range pending {
		pendingOf[p.SetID] = append(pendingOf[p.SetID], p)
	}
	var del []string
	var add []*bot.Delivery
	for _, j := range jobs {
		set, now := j.set, j.now
		sessions := sessionsOf[set.ID]
		if set.Schedule != nil && !set.Archived {
			if sessions, _, err = materialize(ctx, s.store, set, sessions, now); err != nil {
				return err
			}
		}
		want := s.desired(set, sessions, now)
		have := map[string]bool{}
		for _, p := range pendingOf[set.ID] {
			have[p.ID] = true
			if planned(p.Kind) && want[p.ID] == nil {
				del = append(del, p.ID)
			}
		}
		var mine []*bot.Delivery
		for id, w := range want {
			// Only future ones are added: one due already was either sent or,
			// still pending, is kept above.
			if !have[id] && w.Due.After(now) {
				mine = append(mine, w)
			}
		}
		sort.Slice(mine, func(i, j int) bool { return mine[i].ID < mine[j].ID })
		add = append(add, mine...)
	}
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
	// Reminder DMs go to the members and, unless the set turned it off, to
	// the facilitators: one per person, as the key names the person, so a
	// facilitator who is also a member gets one reminder, not two.
	reminded := members
	if !set.FacRemindOff {
		for _, p := range set.People {
			if p.Has(bot.RoleFacilitator) && !p.Has(bot.RoleMember) && !bot.IsAnonymous(p.User.ID) {
				reminded = append(slices.Clip(reminded), p) // never into members' array
			}
		}
	}
	nextPlan := now.Add(planEvery)

	// Sessions: reminders and digest of the next session and of those whose
	// first delivery falls within two days.
	maxLead := s.digestLead
	for _, l := range set.Reminders {
		maxLead = max(maxLead, l)
	}
	maxLead = max(maxLead, set.CoverLead)
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
		channelLead := channelReminderLead(set.Reminders)
		for _, lead := range set.Reminders {
			due := reminderDue(start, lead, set.Location())
			// The channel at the longest lead, members' DMs at the others
			// (at the only one when there is one): nobody gets the same
			// reminder twice at once.
			if lead == channelLead {
				put(&bot.Delivery{ID: bot.ReminderKey(sess, lead, "").String(), Kind: bot.DeliverReminder, SessionID: sess.ID, Ref: start, Due: due, Until: start})
			}
			if lead != channelLead || len(set.Reminders) == 1 {
				for _, m := range reminded {
					put(&bot.Delivery{ID: bot.ReminderKey(sess, lead, m.User.ID).String(), Kind: bot.DeliverReminder, SessionID: sess.ID, UserID: m.User.ID, Ref: start, Due: due, Until: start})
				}
			}
		}
		// The cover reminder, to each member by DM: its own lead and key, so
		// it is planned, moved and dropped like the reminders but never
		// merged with one.
		if lead := set.CoverLead; lead > 0 {
			due := reminderDue(start, lead, set.Location())
			for _, m := range members {
				put(&bot.Delivery{ID: bot.CoverKey(sess, lead, m.User.ID).String(), Kind: bot.DeliverCover, SessionID: sess.ID, UserID: m.User.ID, Ref: start, Due: due, Until: start})
			}
		}
		put(&bot.Delivery{ID: bot.DigestKey(sess).String(), Kind: bot.DeliverDigest, SessionID: sess.ID, Ref: start, Due: start.Add(-s.digestLead), Until: start})
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
		common := bot.Delivery{SessionID: sess.ID, Round: r.Number, Phase: r.Phase, Ref: r.PhaseStartedAt}
		nearly, up := common, common
		nearly.ID, nearly.Kind, nearly.Due, nearly.Until = bot.PhaseKey(sess, r, bot.DeliverPhaseNearlyUp).String(), bot.DeliverPhaseNearlyUp, deadline.Add(-warn), deadline
		up.ID, up.Kind, up.Due = bot.PhaseKey(sess, r, bot.DeliverPhaseUp).String(), bot.DeliverPhaseUp, deadline
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
			for _, m := range members {
				put(&bot.Delivery{ID: bot.NudgeKey(set.ID, bot.DeliverNudge, occ, m.User.ID).String(), Kind: bot.DeliverNudge, UserID: m.User.ID, Ref: occ, Due: occ, Until: until})
			}
			for _, id := range mentors {
				put(&bot.Delivery{ID: bot.NudgeKey(set.ID, bot.DeliverMentorNudge, occ, id).String(), Kind: bot.DeliverMentorNudge, UserID: id, Ref: occ, Due: occ, Until: until})
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

	put(&bot.Delivery{ID: bot.PlanKey(set.ID, nextPlan).String(), Kind: bot.DeliverPlan, Due: nextPlan})
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

// channelReminderLead is the lead time at which the set's channel is
// reminded: the longest.
func channelReminderLead(leads []time.Duration) time.Duration {
	var longest time.Duration
	for _, l := range leads {
		longest = max(longest, l)
	}
	return longest
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
