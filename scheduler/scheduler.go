package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/alsbot/alsbot/bot"
)

// Tuning. The lease outlasts the send timeout, so a live instance finishes
// (or gives up) an attempt before anyone may take it over.
const (
	DefaultDigestLead = 24 * time.Hour   // the report-back digest goes out this long before a session
	claimLease        = 2 * time.Minute  // how long a claim keeps others off an attempt
	sendTimeout       = time.Minute      // one send, with its store writes
	baseBackoff       = 30 * time.Second // first retry after a failed send; doubles up to maxBackoff
	maxBackoff        = time.Hour
	batchSize         = 500
	claimRetention    = 24 * time.Hour // claims are kept this long so a stale reader cannot win a finished attempt
	maintainEvery     = time.Hour
	// eventClaimRetention is how long incoming events' claims are kept.
	eventClaimRetention = 7 * 24 * time.Hour
	planEvery           = 24 * time.Hour
	materializeAhead    = 121 * 24 * time.Hour // recurring sessions exist at least 120 days ahead
	messageTTL          = 24 * time.Hour       // a Notify message is useless after this
	feedbackTTL         = 7 * 24 * time.Hour
)

// Deps are what a Scheduler works with.
type Deps struct {
	Store      bot.Store
	Deliveries bot.DeliveryStore
	Messenger  bot.Messenger
	Clock      bot.Clock
	Logger     *slog.Logger
	Instance   string        // this replica's name, for claims and logs
	DigestLead time.Duration // 0: DefaultDigestLead
	Observer   Observer      // optional: told how deliveries and ticks end (metrics)
}

// Observer is told how each delivery attempt ended ("sent", "skipped", or
// "failed" when it will be retried) and how long each tick of Run took.
type Observer interface {
	Delivered(kind bot.DeliveryKind, status string)
	Ticked(d time.Duration, err error)
}

// Scheduler plans, claims and sends the time-driven messages of DESIGN.md
// section 4. It is a bot.Planner (use cases tell it what changed) and a
// bot.Notifier (their extra messages become deliveries sent once).
//
// Exactly once across replicas: every delivery has an idempotency key. An
// instance sends attempt n of a delivery only after inserting the claim
// "<key>#<n>" into a unique index, immediately before the send, one delivery
// at a time. A sent or skipped delivery is recorded in the history and
// leaves the pending queue. A failed send moves the delivery to attempt n+1
// with a later NotBefore. A stopping instance finishes the send it claimed
// and claims nothing more, so it holds no unsent claims. An instance that
// dies holding a claim leaves it to expire (claimLease); another instance
// then moves the delivery to the next attempt, claims that, checks the
// history (the dead one may have sent it) and sends. Only a crash between a
// platform accepting a message and the history write can repeat it.
type Scheduler struct {
	store      bot.Store
	deliveries bot.DeliveryStore
	messenger  bot.Messenger
	clock      bot.Clock
	log        *slog.Logger
	instance   string
	digestLead time.Duration
	observer   Observer

	kick chan struct{} // Notify asks Run for a tick now

	mu           sync.Mutex
	lastMaintain time.Time
}

var (
	_ bot.Planner  = (*Scheduler)(nil)
	_ bot.Notifier = (*Scheduler)(nil)
)

// New returns a Scheduler.
func New(d Deps) *Scheduler {
	log := d.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	inst := d.Instance
	if inst == "" {
		inst = "alsbot-" + randomHex(4)
	}
	lead := d.DigestLead
	if lead <= 0 {
		lead = DefaultDigestLead
	}
	return &Scheduler{
		store:      d.Store,
		deliveries: d.Deliveries,
		messenger:  d.Messenger,
		clock:      d.Clock,
		log:        log.With("component", "scheduler", "instance", inst),
		instance:   inst,
		digestLead: lead,
		observer:   d.Observer,
		kick:       make(chan struct{}, 1),
	}
}

// Run ticks every 15 seconds (a robfig/cron entry, seconds-enabled) and when
// Notify has stored something, until ctx ends; it then lets the send in
// flight finish and returns nil.
func (s *Scheduler) Run(ctx context.Context) error {
	ticks := make(chan struct{}, 1)
	c := cron.New(cron.WithSeconds(), cron.WithLocation(time.UTC))
	if _, err := c.AddFunc("*/15 * * * * *", func() {
		select {
		case ticks <- struct{}{}:
		default: // a tick is already waiting
		}
	}); err != nil {
		return fmt.Errorf("schedule the scheduler's tick: %w", err)
	}
	// The store's secondary indexes serve MongoDB; correctness needs none.
	if ix, ok := s.deliveries.(interface{ EnsureDeliveryIndexes(context.Context) error }); ok {
		if err := ix.EnsureDeliveryIndexes(ctx); err != nil {
			s.log.Warn("create delivery indexes failed", "err", err)
		}
	}
	c.Start()
	defer func() { <-c.Stop().Done() }()
	s.log.Info("scheduler started")
	s.tickLogged(ctx) // catch up at once after a restart
	for {
		select {
		case <-ctx.Done():
			s.log.Info("scheduler stopped")
			return nil
		case <-ticks:
		case <-s.kick:
		}
		s.tickLogged(ctx)
	}
}

func (s *Scheduler) tickLogged(ctx context.Context) {
	start := time.Now()
	err := s.Tick(ctx)
	if s.observer != nil {
		s.observer.Ticked(time.Since(start), err)
	}
	if err != nil && ctx.Err() == nil {
		s.log.Error("tick failed", "err", err)
	}
}

// Tick sends everything due at the injected clock's now, in due order, and
// plans what comes next. It is a plain function of the clock: the shell's
// :advance and the tests call it directly. When ctx ends it finishes the
// delivery in flight, records it and returns.
func (s *Scheduler) Tick(ctx context.Context) error {
	now := s.clock.Now()
	s.maintain(ctx, now)
	tc := newTickCache(s.store)
	done := map[string]bool{} // attempts handled in this tick
	// Passes repeat while they find new work: a late planning delivery adds
	// deliveries that are already due.
	for pass := 0; pass < 1000; pass++ {
		if ctx.Err() != nil {
			return nil
		}
		due, err := s.deliveries.DueDeliveries(ctx, now, batchSize)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("tick: %w", err)
		}
		handled := 0
		var finished []string
		for _, d := range due {
			if ctx.Err() != nil {
				break // stopping: claim nothing more
			}
			k := bot.ClaimKey(d.ID, d.Attempt)
			if done[k] {
				continue
			}
			done[k] = true
			handled++
			// A claimed delivery is finished even when ctx ends meanwhile.
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
			if s.deliver(dctx, tc, now, d) {
				finished = append(finished, d.ID)
			}
			cancel()
		}
		// Recorded deliveries leave the queue in one delete per pass. Until
		// then their claims keep others off them, and after a crash a
		// takeover finds them in the history.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
		err = s.deliveries.DeletePending(dctx, finished)
		cancel()
		if err != nil {
			return fmt.Errorf("tick: remove finished deliveries: %w", err)
		}
		if handled == 0 || ctx.Err() != nil {
			return nil
		}
	}
	return nil
}

// NextDue is when the next pending delivery may be sent (zero: none), so
// the shell's :advance can step from due time to due time.
func (s *Scheduler) NextDue(ctx context.Context) (time.Time, error) {
	t, err := s.deliveries.NextDue(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("next due delivery: %w", err)
	}
	return t, nil
}

// maintain prunes old claims and makes sure every set has its planning
// delivery (a set created without a SetChanged call), at most once an hour
// per instance.
func (s *Scheduler) maintain(ctx context.Context, now time.Time) {
	s.mu.Lock()
	if !s.lastMaintain.IsZero() && now.Sub(s.lastMaintain) < maintainEvery && !now.Before(s.lastMaintain) {
		s.mu.Unlock()
		return
	}
	s.lastMaintain = now
	s.mu.Unlock()

	if err := s.deliveries.PruneClaims(ctx, now.Add(-claimRetention)); err != nil {
		s.log.Warn("prune claims failed", "err", err)
	}
	// Incoming events (Slack, Teams) are claimed once in the store's claims;
	// platforms retry for minutes, so a week's claims are plenty.
	if c, ok := s.store.(interface {
		DeleteClaimsBefore(context.Context, time.Time) (int64, error)
	}); ok {
		if _, err := c.DeleteClaimsBefore(ctx, now.Add(-eventClaimRetention)); err != nil {
			s.log.Warn("prune event claims failed", "err", err)
		}
	}
	sets, err := s.store.FindSets(ctx, "", "")
	if err != nil {
		s.log.Warn("list sets failed", "err", err)
		return
	}
	if purged, err := PurgeDue(ctx, s.store, sets, now); err != nil {
		s.log.Warn("retention failed", "err", err)
	} else if len(purged) > 0 {
		s.log.Info("retention erased the texts of archived sets", "sets", len(purged))
	}
	plans, err := s.deliveries.PendingDeliveries(ctx, "", bot.DeliverPlan)
	if err != nil {
		s.log.Warn("list plans failed", "err", err)
		return
	}
	planned := map[string]bool{}
	for _, p := range plans {
		planned[p.SetID] = true
	}
	for _, set := range sets {
		if set.Archived || planned[set.ID] {
			continue
		}
		if err := s.planSet(ctx, set, now); err != nil {
			s.log.Warn("plan set failed", "set", set.ID, "err", err)
		}
	}
}

// deliver claims one attempt of d and sends it, skips it, or schedules a
// retry. It reports whether d is finished (recorded in the history) and so
// is to leave the pending queue.
func (s *Scheduler) deliver(ctx context.Context, tc *tickCache, now time.Time, d *bot.Delivery) bool {
	log := s.log.With("key", d.ID, "kind", d.Kind, "attempt", d.Attempt)
	won, err := s.claim(ctx, now, d)
	if err != nil {
		log.Warn("claim failed", "err", err)
		return false
	}
	if !won {
		return false
	}
	if d.Attempt > 0 {
		// A retry or a takeover: an earlier attempt may have been recorded.
		if _, err := s.deliveries.GetDelivered(ctx, d.ID); err == nil {
			return true
		} else if bot.ErrorCode(err) != bot.ENOTFOUND {
			log.Warn("read history failed", "err", err)
			s.retry(ctx, log, d, err)
			return false
		}
	}
	if !d.Until.IsZero() && !now.Before(d.Until) {
		return s.finish(ctx, log, d, now, bot.DeliverySkipped, "too late to be useful")
	}
	if d.Kind == bot.DeliverPlan {
		// Plan as of the time this was due: after downtime, what would have
		// been planned then is added now and sent late or skipped, in order.
		asOf := now
		if d.Due.Before(now) {
			asOf = d.Due
		}
		if err := s.planByID(ctx, d.SetID, asOf); err != nil {
			log.Warn("plan failed", "err", err)
			s.retry(ctx, log, d, err)
			return false
		}
		tc.forget(d.SetID)
		return s.finish(ctx, log, d, now, bot.DeliverySent, "")
	}
	out, reason, err := s.build(ctx, tc, now, d)
	if err != nil {
		log.Warn("build message failed", "err", err)
		s.retry(ctx, log, d, err)
		return false
	}
	if out == nil {
		return s.finish(ctx, log, d, now, bot.DeliverySkipped, reason)
	}
	if _, err := s.messenger.Send(ctx, out.To, out.Message); err != nil {
		switch bot.ErrorCode(err) {
		case bot.EINVALID, bot.ENOTFOUND, bot.EFORBIDDEN:
			// The platform will never take it (no such user, no messenger).
			log.Warn("send refused", "err", err)
			return s.finish(ctx, log, d, now, bot.DeliverySkipped, "refused: "+bot.ErrorCode(err))
		default:
			log.Warn("send failed", "err", err)
			s.retry(ctx, log, d, err)
			return false
		}
	}
	return s.finish(ctx, log, d, now, bot.DeliverySent, "")
}

// claim wins attempt d.Attempt, or takes over an attempt whose claim lease
// ran out (its holder died) by moving to the next attempt and claiming that.
func (s *Scheduler) claim(ctx context.Context, now time.Time, d *bot.Delivery) (bool, error) {
	c := bot.DeliveryClaim{ID: bot.ClaimKey(d.ID, d.Attempt), Instance: s.instance, At: now, LeaseUntil: now.Add(claimLease)}
	won, err := s.deliveries.ClaimDelivery(ctx, c)
	if err != nil || won {
		return won, err
	}
	// Taken. Its lease cannot have run out before NotBefore+lease: skip the read.
	if now.Before(d.NotBefore.Add(claimLease)) {
		return false, nil
	}
	held, err := s.deliveries.GetClaim(ctx, c.ID)
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
	c = bot.DeliveryClaim{ID: bot.ClaimKey(d.ID, d.Attempt), Instance: s.instance, At: now, LeaseUntil: now.Add(claimLease)}
	return s.deliveries.ClaimDelivery(ctx, c)
}

// retry moves d to its next attempt: exactly Retry-After later when the
// platform said so, else with exponential backoff.
func (s *Scheduler) retry(ctx context.Context, log *slog.Logger, d *bot.Delivery, cause error) {
	now := s.clock.Now()
	wait := baseBackoff << min(d.Attempt, 10)
	if wait > maxBackoff || wait <= 0 {
		wait = maxBackoff
	}
	var ra *bot.RetryAfterError
	if errors.As(cause, &ra) && ra.After > 0 {
		wait = ra.After
	}
	if _, err := s.deliveries.RetryDelivery(ctx, d.ID, d.Attempt+1, now.Add(wait)); err != nil {
		log.Warn("schedule retry failed", "err", err)
		return
	}
	if s.observer != nil {
		s.observer.Delivered(d.Kind, "failed")
	}
	log.Info("delivery will be retried", "after", wait)
}

func (s *Scheduler) finish(ctx context.Context, log *slog.Logger, d *bot.Delivery, now time.Time, st bot.DeliveryStatus, reason string) bool {
	rec := *d
	rec.Status, rec.Done, rec.Instance, rec.Reason = st, now, s.instance, reason
	// The history keeps what went where and when, not what it said: a
	// stored message may quote what members wrote.
	rec.Message = nil
	if err := s.deliveries.RecordDelivery(ctx, &rec); err != nil {
		// Still pending under a held claim: after the lease another
		// instance takes over (and may send it again: logged as an error).
		log.Error("record delivery failed", "err", err)
		return false
	}
	if s.observer != nil {
		s.observer.Delivered(d.Kind, string(st))
	}
	if st == bot.DeliverySkipped {
		log.Info("delivery skipped", "reason", reason, "due", d.Due)
	}
	return true
}

// Notify stores each message as a delivery due now under its Key; a key
// already pending or delivered is left alone. Run sends them at once.
func (s *Scheduler) Notify(ctx context.Context, msgs []bot.Outgoing) error {
	if len(msgs) == 0 {
		return nil
	}
	now := s.clock.Now()
	ds := make([]*bot.Delivery, 0, len(msgs))
	for _, o := range msgs {
		key := o.Key
		if key == "" {
			key = "msg/" + randomHex(12)
		} else {
			_, err := s.deliveries.GetDelivered(ctx, key)
			if err == nil {
				continue // delivered already
			}
			if bot.ErrorCode(err) != bot.ENOTFOUND {
				return fmt.Errorf("notify: %w", err)
			}
		}
		to, m := o.To, o.Message
		ds = append(ds, &bot.Delivery{
			ID: key, Kind: bot.DeliverMessage, SetID: setIDOfKey(key), UserID: to.UserID,
			To: &to, Message: &m,
			Due: now, NotBefore: now, Until: now.Add(messageTTL),
		})
	}
	if _, err := s.deliveries.AddDeliveries(ctx, ds); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
	return nil
}

// setIDOfKey reads the set id ("platform:channel") off a key such as
// "slack:C1/3/round/1/action-prompt", so the history can be listed by set.
func setIDOfKey(key string) string {
	if i := strings.IndexByte(key, '/'); i > 0 && strings.Contains(key[:i], ":") {
		return key[:i]
	}
	return ""
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
