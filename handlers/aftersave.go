package handlers

// What a handler does with a change: save the set, then tell the planner
// and the Notifier.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// saveSet writes the set, refreshing the actor's name and zone on the way
// since it is written anyway.
func (r *Router) saveSet(ctx context.Context, c *call) error {
	refreshActor(c)
	if err := r.store.SaveSet(ctx, c.set); err != nil {
		return fmt.Errorf("save set %s: %w", c.set.ID, err)
	}
	return nil
}

// saveSetAfter saves the set after another document already changed (a
// session or commitment stored first). A concurrent change to the set must
// not lose that work: on ECONFLICT the set is read again, apply is redone on
// it and it is saved once more.
//
// It never returns a stale conflict: what was stored first is not undone,
// so the command must not be applied again from the start.
func (r *Router) saveSetAfter(ctx context.Context, c *call, apply func(*bot.Set)) error {
	apply(c.set)
	return r.saveSetAgain(ctx, c, apply, r.saveSet(ctx, c))
}

// saveSessionAndSet saves sess and then the set changed by apply, in one
// round trip where the store can. saved reports whether the session was:
// when it was not, nothing was, and err is the session's (a stale one runs
// the command again); when the set's save lost to a concurrent one after
// the session's, it is redone as saveSetAfter does.
func (r *Router) saveSessionAndSet(ctx context.Context, c *call, sess *bot.Session, apply func(*bot.Set)) (saved bool, err error) {
	apply(c.set)
	return r.withSet(ctx, c, apply, func() error { return r.store.SaveSessionAndSet(ctx, sess, c.set) })
}

// addSessionAndSet is saveSessionAndSet for a new session of the set,
// numbered by the store (apply sees its number).
func (r *Router) addSessionAndSet(ctx context.Context, c *call, sess *bot.Session, apply func(*bot.Set)) (saved bool, err error) {
	sess.SetID = c.set.ID
	return r.withSet(ctx, c, apply, func() error { return r.store.AddSessionAndSet(ctx, sess, c.set, apply) })
}

// withSet runs write, a save of a session and the set, and redoes the
// set's save when only the session's was stored.
func (r *Router) withSet(ctx context.Context, c *call, apply func(*bot.Set), write func() error) (saved bool, err error) {
	refreshActor(c)
	err = write()
	var notSaved *bot.SetNotSavedError
	if !errors.As(err, &notSaved) {
		return err == nil, err
	}
	return true, r.saveSetAgain(ctx, c, apply, fmt.Errorf("save set %s: %w", c.set.ID, notSaved.Err))
}

// saveSetAgain is saveSetAfter once the first save of the set gave err.
func (r *Router) saveSetAgain(ctx context.Context, c *call, apply func(*bot.Set), err error) error {
	for try := 1; bot.IsStale(err) && try < staleTries; try++ {
		if werr := jitter(ctx, try); werr != nil {
			return werr
		}
		fresh, gerr := r.store.GetSet(ctx, c.set.ID)
		if gerr != nil {
			return fmt.Errorf("read set %s again: %w", c.set.ID, gerr)
		}
		apply(fresh)
		c.set = fresh
		err = r.saveSet(ctx, c)
	}
	if bot.IsStale(err) {
		return bot.Errorf(bot.ECONFLICT, "That was saved, but %s could not be brought up to date because of changes at the same moment. Check with `/als sessions`, and tell a facilitator if something looks wrong.", c.set.Name)
	}
	return err
}

func refreshActor(c *call) {
	p := c.set.Person(c.actorID())
	if p == nil {
		return
	}
	if a := c.req.Actor; a.Name != "" && a.Name != p.User.Name {
		p.User.Name = a.Name
	}
	if a := c.req.Actor; a.TZ != "" && a.TZ != p.User.TZ {
		if _, err := time.LoadLocation(a.TZ); err == nil {
			p.User.TZ = a.TZ
		}
	}
}

// setChanged and sessionChanged tell the planner after a change is saved. A
// planning failure does not undo the change the person made, so it is logged
// rather than returned.
func (r *Router) setChanged(ctx context.Context, s *bot.Set) {
	if r.planner == nil {
		return
	}
	if err := r.planner.SetChanged(ctx, s); err != nil {
		r.log.ErrorContext(ctx, "plan set", "set", s.ID, "err", err)
	}
}

func (r *Router) sessionChanged(ctx context.Context, s *bot.Set, sess *bot.Session) {
	if r.planner == nil {
		return
	}
	if err := r.planner.SessionChanged(ctx, s, sess); err != nil {
		r.log.ErrorContext(ctx, "plan session", "set", s.ID, "session", sess.ID, "err", err)
	}
}

// notify hands messages to the Notifier; like planning, a failure there does
// not undo the saved change.
func (r *Router) notify(ctx context.Context, c *call, msgs []bot.Outgoing) {
	if r.notifier == nil || len(msgs) == 0 {
		return
	}
	if err := r.notifier.Notify(ctx, msgs); err != nil {
		r.log.ErrorContext(ctx, "notify", "set", c.set.ID, "messages", len(msgs), "err", err)
	}
}
