package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/alsbot/alsbot/bot"
)

// Tuning. The lease outlasts the send timeout, so a live instance finishes
// (or gives up) an attempt before anyone may take it over.
const (
	DefaultDigestLead = 24 * time.Hour   // the report-back digest goes out this long before a session
	DefaultWorkers    = 32               // sends in flight at once, across conversations
	claimLease        = 2 * time.Minute  // how long a claim keeps others off an attempt
	sendTimeout       = time.Minute      // one send, with its store writes
	baseBackoff       = 30 * time.Second // first retry after a failed send; doubles up to maxBackoff
	maxBackoff        = time.Hour
	// batchSize bounds one scan of the pending queue: a tick reads what is
	// due once, not once per set.
	batchSize = 20000
	// chunkSize is how many bulk deliveries are claimed, and then recorded,
	// in one round trip each. It bounds what a crash between sending and
	// recording could repeat.
	chunkSize      = 200
	claimRetention = 24 * time.Hour // claims are kept this long so a stale reader cannot win a finished attempt
	maintainEvery  = time.Hour
	// eventClaimRetention is how long incoming events' claims are kept.
	eventClaimRetention = 7 * 24 * time.Hour
	planEvery           = 24 * time.Hour
	messageTTL          = 24 * time.Hour // a Notify message is useless after this
	feedbackTTL         = 7 * 24 * time.Hour
	tickEvery           = 15 * time.Second
	// minTickGap keeps Run from spinning on a due delivery it cannot take
	// (another instance holds its claim).
	minTickGap = time.Second
)

// Deps are what a Scheduler works with.
type Deps struct {
	Store      Store
	Deliveries Deliveries
	Messenger  bot.Messenger
	Clock      bot.Clock
	Logger     *slog.Logger
	Instance   string        // this replica's name, for claims and logs
	DigestLead time.Duration // 0: DefaultDigestLead
	Observer   Observer      // optional: told how deliveries and ticks end (metrics)
	// Links gives reminders their session's "Add to calendar" address;
	// nil (no public address): reminders go without.
	Links bot.SessionLinks
	// Workers bounds the sends in flight at once, each to a different
	// conversation (0: DefaultWorkers). Sends to one conversation go one
	// after another, in due order; the shell is one conversation.
	Workers int
	// Ticks are Run's regular ticks; nil: a robfig/cron entry every 15 s.
	Ticks <-chan time.Time
	// Jitter spreads retries after a failed send: it returns the extra wait
	// for a backoff of d (nil: up to half of d at random, so that sends
	// failed together in an outage are not all retried at the same moment).
	Jitter func(d time.Duration) time.Duration
}

// Scheduler plans, claims and sends the time-driven messages of DESIGN.md
// section 4. It is a bot.Planner (use cases tell it what changed) and a
// bot.Notifier (their extra messages become deliveries sent once).
//
// Exactly once across replicas: every delivery has an idempotency key. An
// instance sends attempt n of a delivery only after inserting the claim
// "<key>#<n>" into a unique index. A sent, skipped or undeliverable
// delivery is recorded in the history and leaves the pending queue. A
// failed send moves the delivery to attempt n+1 with a later NotBefore. A
// stopping instance finishes the sends in flight, releases the claims it
// won but did not use, and claims nothing more. An instance that dies
// holding claims leaves them to expire (claimLease); another instance then
// moves each delivery to the next attempt, claims that, checks the history
// (the dead one may have sent it) and sends. Only a crash between a
// platform accepting a message and the history write (at most one chunk)
// can repeat it. docs/scheduling.md tells the whole story.
type Scheduler struct {
	store      Store
	deliveries Deliveries
	messenger  bot.Messenger
	clock      bot.Clock
	log        *slog.Logger
	instance   string
	digestLead time.Duration
	observer   Observer
	links      bot.SessionLinks
	workers    int
	ticks      <-chan time.Time
	jitter     func(time.Duration) time.Duration

	kick chan struct{} // Notify asks Run for a tick now

	mu           sync.Mutex
	lastMaintain time.Time
	lane         *lane // the running tick's lane for time-critical work; nil between ticks
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
	workers := d.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	jitter := d.Jitter
	if jitter == nil {
		jitter = func(d time.Duration) time.Duration { return time.Duration(mrand.Int64N(int64(d)/2 + 1)) }
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
		links:      d.Links,
		workers:    workers,
		ticks:      d.Ticks,
		jitter:     jitter,
		kick:       make(chan struct{}, 1),
	}
}

// Run ticks on its regular ticks (every 15 seconds), when the next pending
// delivery falls due before that, and at once when Notify has stored
// something, until ctx ends; it then lets the sends in flight finish and
// returns nil.
func (s *Scheduler) Run(ctx context.Context) error {
	ticks := s.ticks
	if ticks == nil {
		ch := make(chan time.Time, 1)
		c := cron.New(cron.WithSeconds(), cron.WithLocation(time.UTC))
		if _, err := c.AddFunc("*/15 * * * * *", func() {
			select {
			case ch <- time.Now():
			default: // a tick is already waiting
			}
		}); err != nil {
			return fmt.Errorf("schedule the scheduler's tick: %w", err)
		}
		c.Start()
		defer func() { <-c.Stop().Done() }()
		ticks = ch
	}
	if err := s.deliveries.EnsureDeliveryIndexes(ctx); err != nil {
		s.log.Warn("create delivery indexes failed", "err", err)
	}
	s.log.Info("scheduler started")
	s.tickLogged(ctx) // catch up at once after a restart
	for {
		var soon <-chan time.Time
		var timer *time.Timer
		if wait, ok := s.untilNextDue(ctx); ok {
			timer = time.NewTimer(wait)
			soon = timer.C
		}
		select {
		case <-ctx.Done():
			s.log.Info("scheduler stopped")
			return nil
		case <-ticks:
		case <-soon:
		case <-s.kick:
		}
		if timer != nil {
			timer.Stop()
		}
		s.tickLogged(ctx)
	}
}

// untilNextDue is how long until the earliest pending delivery may be sent,
// when that is before the next regular tick: a phase notice goes out at
// its second, not up to 15 s late.
func (s *Scheduler) untilNextDue(ctx context.Context) (time.Duration, bool) {
	next, err := s.deliveries.NextDue(ctx)
	now := s.clock.Now()
	if err != nil || !next.After(now) {
		// Nothing ahead; or something due already that a tick could not
		// take (another instance holds it): the regular tick sees to it.
		return 0, false
	}
	wait := max(next.Sub(now), minTickGap)
	return wait, wait < tickEvery
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

// Tick sends everything due at the injected clock's now and plans what
// comes next. It is a plain function of the clock: the shell's :advance and
// the tests call it directly. Time-critical deliveries (see urgent) go
// first and, while a bulk burst is being sent, as soon as they fall due.
// When ctx ends it finishes the sends in flight, records them and returns.
func (s *Scheduler) Tick(ctx context.Context) error {
	now := s.clock.Now()
	s.maintain(ctx, now)
	tc := newTickCache(s.store)
	done := newAttempts()
	// Passes repeat while they find new work: a late planning delivery adds
	// deliveries that are already due.
	for pass := 0; pass < 100; pass++ {
		if ctx.Err() != nil {
			return nil
		}
		// One scan of the pending queue: what is due, and the time-critical
		// deliveries falling due in the next minutes (sent at their time
		// if the tick is still busy then).
		due, err := s.deliveries.DueDeliveries(ctx, now.Add(laneLookahead), batchSize)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("tick: %w", err)
		}
		var plans, bulk, quick []*bot.Delivery
		for _, d := range due {
			if done.has(d) {
				continue
			}
			// The lane marks what it takes itself.
			switch {
			case d.NotBefore.After(now):
				if urgent(d, d.NotBefore) {
					quick = append(quick, d) // held in the lane until its time
				}
			case d.Kind == bot.DeliverPlan:
				plans = append(plans, d)
				done.add(d)
			case urgent(d, now):
				quick = append(quick, d)
			default:
				bulk = append(bulk, d)
				done.add(d)
			}
		}
		if len(plans)+len(bulk) == 0 && !dueIn(quick, now) {
			return nil
		}
		// Sends first, plans after: a plan adds what comes next (next
		// week's nudges), which is not due, and a late plan's additions
		// that are due go out in the next pass.
		if err := s.send(ctx, tc, now, bulk, quick, done); err != nil {
			return fmt.Errorf("tick: %w", err)
		}
		if err := s.runPlans(ctx, tc, now, plans); err != nil {
			return fmt.Errorf("tick: %w", err)
		}
	}
	return nil
}

func dueIn(ds []*bot.Delivery, now time.Time) bool {
	for _, d := range ds {
		if !d.NotBefore.After(now) {
			return true
		}
	}
	return false
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
	if _, err := s.store.DeleteClaimsBefore(ctx, now.Add(-eventClaimRetention)); err != nil {
		s.log.Warn("prune event claims failed", "err", err)
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
	var jobs []planJob
	for _, set := range sets {
		if !set.Archived && !planned[set.ID] {
			jobs = append(jobs, planJob{set: set, now: now})
		}
	}
	if err := s.planSets(ctx, jobs); err != nil {
		s.log.Warn("plan sets failed", "sets", len(jobs), "err", err)
	}
}

// Notify stores each message as a delivery due now under its Key; a key
// already pending or delivered is left alone. A running tick sends them in
// its lane for time-critical work, ahead of any bulk burst; otherwise Run
// ticks at once.
func (s *Scheduler) Notify(ctx context.Context, msgs []bot.Outgoing) error {
	if len(msgs) == 0 {
		return nil
	}
	now := s.clock.Now()
	ds := make([]*bot.Delivery, 0, len(msgs))
	for _, o := range msgs {
		key := o.Key
		if key.IsZero() {
			key = bot.AdHocKey("", "msg/"+randomHex(12))
		} else {
			_, err := s.deliveries.GetDelivered(ctx, key.String())
			if err == nil {
				continue // delivered already
			}
			if bot.ErrorCode(err) != bot.ENOTFOUND {
				return fmt.Errorf("notify: %w", err)
			}
		}
		to, m := o.To, o.Message
		ds = append(ds, &bot.Delivery{
			ID: key.String(), Kind: bot.DeliverMessage, SetID: string(key.Set()), UserID: to.UserID,
			To: &to, Message: &m,
			Due: now, NotBefore: now, Until: now.Add(messageTTL),
		})
	}
	added, err := s.deliveries.AddDeliveries(ctx, ds)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	s.mu.Lock()
	l := s.lane
	s.mu.Unlock()
	if l != nil {
		isAdded := map[string]bool{}
		for _, id := range added {
			isAdded[id] = true
		}
		for _, d := range ds {
			if isAdded[d.ID] {
				l.push(d)
			}
		}
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
