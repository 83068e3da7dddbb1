package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// Recurring sessions are made here and only here: the planner keeps them
// materializeAhead ahead, and the schedule command calls Materialize.
const (
	// materializeAhead: recurring sessions exist at least 120 days ahead
	// (plus a day, so the 120th day is always covered).
	materializeAhead = 121 * 24 * time.Hour
	// maxMaterialize: a spec that fires every few minutes is a typo, not a
	// plan for thousands of sessions.
	maxMaterialize = 200
)

// Materialize makes the sessions of set's schedule for the next 120 days
// (see materialize) and returns those it created. The set's SessionSeq is
// saved when sessions were created.
func Materialize(ctx context.Context, store bot.Store, set *bot.Set, now time.Time) ([]*bot.Session, error) {
	if set.Schedule == nil {
		return nil, nil
	}
	sessions, err := store.ListSessions(ctx, set.ID)
	if err != nil {
		return nil, fmt.Errorf("list sessions of %s: %w", set.ID, err)
	}
	_, created, err := materialize(ctx, store, set, sessions, now)
	return created, err
}

// Occurrences are the times of spec that Materialize would fill from now.
func Occurrences(spec Recurring, now time.Time) []time.Time {
	return spec.Between(now, now.Add(materializeAhead), maxMaterialize)
}

// materialize makes sure a session exists for every occurrence of the set's
// schedule in the next 120 days (plus a day), and moves future recurring
// sessions that no longer fall on an occurrence (the zone or the spec
// changed) to the nearest free occurrence within a day, or cancels them. An
// occurrence that has a session in any state, cancelled too, is left alone.
// It returns the set's sessions and those it created.
func materialize(ctx context.Context, store bot.Store, set *bot.Set, sessions []*bot.Session, now time.Time) ([]*bot.Session, []*bot.Session, error) {
	spec, err := ParseSchedule(set.Schedule.Spec, set.Location(), now)
	if err != nil {
		// The command checked the spec; a stored one that no longer parses
		// (a zone renamed) materializes nothing rather than failing planning.
		return sessions, nil, nil
	}
	occs := Occurrences(spec, now)
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
		if err := store.SaveSession(ctx, sess); err != nil && bot.ErrorCode(err) != bot.ECONFLICT {
			return sessions, nil, fmt.Errorf("move recurring session %s: %w", sess.ID, err)
		}
	}
	dur := set.Schedule.Duration
	if dur <= 0 {
		dur = bot.DefaultSessionLength
	}
	seq := set.SessionSeq
	for _, sess := range sessions {
		seq = max(seq, sess.Number)
	}
	var created []*bot.Session
	for _, o := range occs {
		if taken[o.UnixMilli()] {
			continue
		}
		// The store hands out the number (another replica or a command may
		// be adding a session at the same moment).
		sess := &bot.Session{
			SetID: set.ID, Start: o, Duration: dur,
			Where: set.Schedule.Where, Status: bot.SessionScheduled, Recurring: true,
			Attendees: []bot.Attendance{}, Bids: []bot.Bid{}, Rounds: []bot.Round{},
		}
		if err := store.AddSession(ctx, sess, seq); err != nil {
			return sessions, created, fmt.Errorf("create recurring session: %w", err)
		}
		seq = max(seq, sess.Number)
		sessions = append(sessions, sess)
		created = append(created, sess)
		taken[o.UnixMilli()] = true
	}
	if len(created) > 0 {
		if err := saveSessionSeq(ctx, store, set, seq); err != nil {
			return sessions, created, err
		}
	}
	return sessions, created, nil
}

// saveSessionSeq records the highest session number handed out, reloading
// the set when a command changed it meanwhile.
func saveSessionSeq(ctx context.Context, store bot.Store, set *bot.Set, seq int) error {
	for try := 0; try < 5; try++ {
		if set.SessionSeq >= seq {
			return nil
		}
		set.SessionSeq = seq
		err := store.SaveSet(ctx, set)
		if err == nil {
			return nil
		}
		if bot.ErrorCode(err) != bot.ECONFLICT {
			return fmt.Errorf("save session number: %w", err)
		}
		fresh, err := store.GetSet(ctx, set.ID)
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
