package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// claim wins attempt d.Attempt, or takes it over when its lease ran out.
func (s *Scheduler) claim(ctx context.Context, now time.Time, d *bot.Delivery) (bool, error) {
	c := bot.DeliveryClaim{ID: bot.ClaimKey(d.ID, d.Attempt), Instance: s.instance, At: now, LeaseUntil: now.Add(claimLease)}
	won, err := s.deliveries.ClaimDelivery(ctx, c)
	if err != nil || won {
		return won, err
	}
	return s.takeOver(ctx, now, d)
}

// takeOver takes an attempt someone else claimed whose lease ran out (its
// holder died) by moving to the next attempt and claiming that.
func (s *Scheduler) takeOver(ctx context.Context, now time.Time, d *bot.Delivery) (bool, error) {
	// Its lease cannot have run out before NotBefore+lease: skip the read.
	if now.Before(d.NotBefore.Add(claimLease)) {
		return false, nil
	}
	key := bot.ClaimKey(d.ID, d.Attempt)
	held, err := s.deliveries.GetClaim(ctx, key)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return false, nil
		}
		return false, err
	}
	if now.Before(held.LeaseUntil) {
		return false, nil
	}
	ok, err := s.deliveries.RetryDelivery(ctx, d.ID, d.Attempt+1, now)
	if err != nil || !ok {
		return false, err
	}
	s.log.Info("taking over an expired claim", "key", d.ID, "attempt", d.Attempt, "holder", held.Instance)
	d.Attempt++
	d.NotBefore = now
	c := bot.DeliveryClaim{ID: bot.ClaimKey(d.ID, d.Attempt), Instance: s.instance, At: now, LeaseUntil: now.Add(claimLease)}
	return s.deliveries.ClaimDelivery(ctx, c)
}

// retry moves d to its next attempt: exactly Retry-After later when the
// platform said so, else with exponential backoff and jitter.
func (s *Scheduler) retry(ctx context.Context, log *slog.Logger, d *bot.Delivery, cause error) {
	now := s.clock.Now()
	wait := baseBackoff << min(d.Attempt, 10)
	if wait > maxBackoff || wait <= 0 {
		wait = maxBackoff
	}
	var ra *bot.RetryAfterError
	if errors.As(cause, &ra) && ra.After > 0 {
		wait = ra.After
	} else {
		wait += s.jitter(wait)
	}
	if _, err := s.deliveries.RetryDelivery(ctx, d.ID, d.Attempt+1, now.Add(wait)); err != nil {
		log.Warn("schedule retry failed", "err", err)
		return
	}
	if s.observer != nil {
		s.observer.Delivered(d.Kind, ObservedRetried)
	}
	log.Info("delivery will be retried", "after", wait)
}
