package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// Sending. A tick sends its due deliveries in two lanes:
//
//   - the lane for time-critical work (urgent): messages a command asked
//     for (role cards, action prompts), phase notices and reminders of a
//     session about to start. They are claimed and recorded one by one, and
//     every worker serves them before it takes the next bulk send, so a
//     burst delays them by at most one send. The lane also holds the ones
//     falling due in the next minutes (sent at their time while the tick is
//     still busy) and what Notify adds while the tick runs;
//   - bulk (nudges, digests, feedback pulses, early reminders), in chunks:
//     each chunk is claimed in one round trip, built from state read for
//     all its sets at once, sent concurrently across conversations (one
//     conversation's sends in order, one at a time, so a platform's
//     per-conversation limit and a Retry-After there hold up nobody else),
//     and recorded and removed from the queue in one round trip each.

const (
	// laneLookahead is how far ahead a tick looks for time-critical
	// deliveries to send at their time while it is busy.
	laneLookahead = 5 * time.Minute
	// urgentReminder: a reminder this close to its session is time-critical.
	urgentReminder = 15 * time.Minute
)

// urgent reports whether d, sent at now, belongs in the lane for
// time-critical work.
func urgent(d *bot.Delivery, now time.Time) bool {
	switch d.Kind {
	case bot.DeliverMessage, bot.DeliverPhaseNearlyUp, bot.DeliverPhaseUp:
		return true
	case bot.DeliverReminder:
		return !d.Until.IsZero() && d.Until.Sub(now) <= urgentReminder
	}
	return false
}

// attempts are the delivery attempts a tick has taken on, safe for the
// workers to share.
type attempts struct {
	mu   sync.Mutex
	seen map[string]bool
}

func newAttempts() *attempts { return &attempts{seen: map[string]bool{}} }

func (a *attempts) has(d *bot.Delivery) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.seen[bot.ClaimKey(d.ID, d.Attempt)]
}

func (a *attempts) add(d *bot.Delivery) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen[bot.ClaimKey(d.ID, d.Attempt)] = true
}

// take marks d taken and reports whether it was not taken before.
func (a *attempts) take(d *bot.Delivery) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := bot.ClaimKey(d.ID, d.Attempt)
	if a.seen[k] {
		return false
	}
	a.seen[k] = true
	return true
}

// lane holds time-critical deliveries by NotBefore until they are taken.
// Workers take them concurrently, but one conversation's one at a time and
// in order, so a send waiting out a rate limit holds up only its own
// conversation.
type lane struct {
	mu    sync.Mutex
	items []*bot.Delivery
	busy  map[string]bool // conversations with a lane send in flight
}

func newLane(ds []*bot.Delivery) *lane {
	l := &lane{items: append([]*bot.Delivery(nil), ds...), busy: map[string]bool{}}
	l.sort()
	return l
}

func (l *lane) sort() {
	sort.SliceStable(l.items, func(i, j int) bool { return l.items[i].NotBefore.Before(l.items[j].NotBefore) })
}

func (l *lane) push(d *bot.Delivery) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, d)
	l.sort()
}

// pop returns the first delivery whose NotBefore is not after now and whose
// conversation has no lane send in flight, and marks that conversation
// busy until done is called; nil when there is none.
func (l *lane) pop(now time.Time) (*bot.Delivery, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, d := range l.items {
		if d.NotBefore.After(now) {
			return nil, ""
		}
		c := laneConversation(d)
		if l.busy[c] {
			continue
		}
		l.busy[c] = true
		l.items = append(l.items[:i:i], l.items[i+1:]...)
		return d, c
	}
	return nil, ""
}

func (l *lane) done(conv string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.busy, conv)
}

// due counts the deliveries due at now.
func (l *lane) due(now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, d := range l.items {
		if !d.NotBefore.After(now) {
			n++
		}
	}
	return n
}

// laneConversation is the conversation of a delivery before its message is
// built: a stored message's destination, else the set's channel or the
// person's DM.
func laneConversation(d *bot.Delivery) string {
	if d.To != nil {
		return conversation(*d.To)
	}
	if strings.HasPrefix(d.SetID, string(bot.Shell)+":") {
		return string(bot.Shell)
	}
	return "set|" + d.SetID + "|" + d.UserID
}

// job is one claimed delivery of a bulk chunk and its message.
type job struct {
	d   *bot.Delivery
	out *bot.Outgoing
}

// conversation names where a message goes, for sending one conversation's
// messages in order. The shell prints to one terminal: one conversation.
func conversation(to bot.Destination) string {
	if to.Platform == bot.Shell {
		return string(bot.Shell)
	}
	return string(to.Platform) + "|" + to.ChannelID + "|" + to.UserID
}

// sendRun is one tick's sending: what was finished, for one history write
// and one removal from the queue per chunk.
type sendRun struct {
	s    *Scheduler
	tc   *tickCache
	now  time.Time
	lane *lane
	done *attempts

	mu       sync.Mutex
	records  []*bot.Delivery // bulk deliveries finished, to record
	finished []string        // ids recorded, to remove from the pending queue
	unused   []string        // claims won but not sent (stopping)
	notices  []bot.Outgoing  // facilitators to tell of undeliverable channel posts
}

// send sends bulk and the lane's deliveries (quick) that are due at now or
// fall due while bulk is being sent.
func (s *Scheduler) send(ctx context.Context, tc *tickCache, now time.Time, bulk, quick []*bot.Delivery, done *attempts) error {
	r := &sendRun{s: s, tc: tc, now: now, lane: newLane(quick), done: done}
	s.mu.Lock()
	s.lane = r.lane
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.lane = nil
		s.mu.Unlock()
	}()
	// The state of every set with bulk work, read once for the tick.
	setIDs := make([]string, 0, len(bulk))
	for _, d := range bulk {
		setIDs = append(setIDs, d.SetID)
	}
	if err := tc.preload(ctx, setIDs); err != nil {
		s.log.Warn("read state for the tick failed", "err", err)
	}
	// While one chunk is being sent the next is claimed and built.
	prepared := make(chan [][]*job, 1)
	go func() {
		defer close(prepared)
		for start := 0; start < len(bulk) && ctx.Err() == nil; start += chunkSize {
			prepared <- r.prepare(ctx, bulk[start:min(start+chunkSize, len(bulk))])
		}
	}()
	var err error
	for convs := range prepared {
		// A chunk prepared as ctx ended is not sent: dispatch releases it.
		r.dispatch(ctx, convs)
		if ferr := r.flushRecords(ctx); ferr != nil && err == nil {
			err = ferr
		}
	}
	if ctx.Err() == nil {
		r.dispatch(ctx, nil) // what is left in the lane and due
	}
	if ferr := r.flush(ctx); ferr != nil && err == nil {
		err = ferr
	}
	// Claims won but not used are released, so another instance can send
	// them at once rather than after the lease.
	r.mu.Lock()
	unused, notices := r.unused, r.notices
	r.unused, r.notices = nil, nil
	r.mu.Unlock()
	if len(unused) > 0 {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
		if rerr := s.deliveries.ReleaseClaims(rctx, unused); rerr != nil {
			s.log.Warn("release claims failed", "claims", len(unused), "err", rerr)
		}
		cancel()
	}
	if len(notices) > 0 {
		if nerr := s.Notify(context.WithoutCancel(ctx), notices); nerr != nil {
			s.log.Warn("tell facilitators of an undeliverable post failed", "err", nerr)
		}
	}
	return err
}

// prepare claims a bulk chunk in one round trip, reads the state of its sets
// and builds each message. Deliveries that need no send (another instance
// has them, or they are to be skipped) are dealt with here.
func (r *sendRun) prepare(ctx context.Context, chunk []*bot.Delivery) [][]*job {
	s := r.s
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	claims := make([]bot.DeliveryClaim, len(chunk))
	for i, d := range chunk {
		claims[i] = bot.DeliveryClaim{ID: bot.ClaimKey(d.ID, d.Attempt), Instance: s.instance, At: r.now, LeaseUntil: r.now.Add(claimLease)}
	}
	won, err := s.deliveries.ClaimDeliveries(cctx, claims)
	if err != nil {
		s.log.Warn("claim deliveries failed", "deliveries", len(chunk), "err", err)
		return nil
	}
	var mine []*bot.Delivery
	for i, d := range chunk {
		if won[i] {
			mine = append(mine, d)
			continue
		}
		// Taken: by a live instance, or by a dead one whose lease ran out.
		if ok, err := s.takeOver(cctx, r.now, d); err != nil {
			s.log.Warn("claim failed", "key", d.ID, "err", err)
		} else if ok {
			mine = append(mine, d)
		}
	}
	setIDs := make([]string, 0, len(mine))
	for _, d := range mine {
		setIDs = append(setIDs, d.SetID)
	}
	if err := r.tc.preload(cctx, setIDs); err != nil {
		s.log.Warn("read state for a chunk failed", "err", err)
	}
	byConv := map[string][]*job{}
	var order []string
	for _, d := range mine {
		out, ok := r.open(cctx, d, r.now, false)
		if !ok {
			continue
		}
		c := conversation(out.To)
		if _, seen := byConv[c]; !seen {
			order = append(order, c)
		}
		byConv[c] = append(byConv[c], &job{d: d, out: out})
	}
	convs := make([][]*job, 0, len(order))
	for _, c := range order {
		convs = append(convs, byConv[c])
	}
	return convs
}

// open makes a claimed delivery ready to send: it checks the history for a
// retry or takeover, skips it when useless and builds its message. It
// returns false when there is nothing to send (the delivery is then dealt
// with: finished, or moved to a retry).
func (r *sendRun) open(ctx context.Context, d *bot.Delivery, now time.Time, single bool) (*bot.Outgoing, bool) {
	s := r.s
	log := s.log.With("key", d.ID, "kind", d.Kind, "attempt", d.Attempt)
	if d.Attempt > 0 {
		// A retry or a takeover: an earlier attempt may have been recorded.
		if _, err := s.deliveries.GetDelivered(ctx, d.ID); err == nil {
			r.finished1(d.ID)
			return nil, false
		} else if bot.ErrorCode(err) != bot.ENOTFOUND {
			log.Warn("read history failed", "err", err)
			s.retry(ctx, log, d, err)
			return nil, false
		}
	}
	if !d.Until.IsZero() && !now.Before(d.Until) {
		r.end(ctx, log, d, now, bot.DeliverySkipped, "too late to be useful", single)
		return nil, false
	}
	out, reason, err := s.build(ctx, r.tc, now, d)
	if err != nil {
		log.Warn("build message failed", "err", err)
		s.retry(ctx, log, d, err)
		return nil, false
	}
	if out == nil {
		r.end(ctx, log, d, now, bot.DeliverySkipped, reason, single)
		return nil, false
	}
	return out, true
}

// dispatch sends the conversations' jobs on the workers, each of which
// serves the lane before every bulk send. With no jobs it serves the lane
// until nothing in it is due.
func (r *sendRun) dispatch(ctx context.Context, convs [][]*job) {
	queue := make(chan []*job, len(convs))
	for _, c := range convs {
		queue <- c
	}
	close(queue)
	workers := max(1, min(r.s.workers, max(len(convs), r.lane.due(r.s.clock.Now()))))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				r.serveLane(ctx)
				conv, ok := <-queue
				if !ok {
					return
				}
				r.sendConversation(ctx, conv)
			}
		}()
	}
	wg.Wait()
}

// sendConversation sends one conversation's jobs in order. When the
// platform asks to wait (a rate limit) the rest of them wait as long; when
// ctx ends the rest are left unsent and their claims released.
func (r *sendRun) sendConversation(ctx context.Context, conv []*job) {
	var wait *bot.RetryAfterError
	for i, j := range conv {
		if i > 0 {
			r.serveLane(ctx)
		}
		log := r.s.log.With("key", j.d.ID, "kind", j.d.Kind, "attempt", j.d.Attempt)
		switch {
		case ctx.Err() != nil:
			r.mu.Lock()
			r.unused = append(r.unused, bot.ClaimKey(j.d.ID, j.d.Attempt))
			r.mu.Unlock()
			continue
		case wait != nil:
			r.s.retry(ctx, log, j.d, wait)
			continue
		}
		err := r.deliver(ctx, log, j.d, j.out, r.now, false)
		errors.As(err, &wait)
	}
}

// serveLane sends every lane delivery due at the clock's now.
func (r *sendRun) serveLane(ctx context.Context) {
	for ctx.Err() == nil {
		now := r.s.clock.Now()
		d, conv := r.lane.pop(now)
		if d == nil {
			return
		}
		if r.done.take(d) { // else a later pass, or Notify, handed it in again
			if now.Before(r.now) {
				now = r.now
			}
			r.sendOne(ctx, d, now)
		}
		r.lane.done(conv)
	}
}

// sendOne claims, builds, sends and records one time-critical delivery.
func (r *sendRun) sendOne(ctx context.Context, d *bot.Delivery, now time.Time) {
	s := r.s
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	won, err := s.claim(dctx, now, d)
	if err != nil {
		s.log.Warn("claim failed", "key", d.ID, "err", err)
		return
	}
	if !won {
		return
	}
	out, ok := r.open(dctx, d, now, true)
	if !ok {
		return
	}
	_ = r.deliver(dctx, s.log.With("key", d.ID, "kind", d.Kind, "attempt", d.Attempt), d, out, now, true)
}

// deliver sends out for d and records the outcome: sent; undeliverable (the
// platform refused it for good); skipped (refused by our own checks); or a
// retry later. It returns the send's error.
func (r *sendRun) deliver(ctx context.Context, log *slog.Logger, d *bot.Delivery, out *bot.Outgoing, now time.Time, single bool) error {
	s := r.s
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	_, err := s.messenger.Send(sctx, out.To, out.Message)
	st, reason := bot.DeliverySent, ""
	if err != nil {
		if why, ok := bot.PermanentReason(err); ok {
			// Logged once, here: the delivery ends and is never tried again.
			log.Warn("send refused for good", "reason", why, "err", err)
			st, reason = bot.DeliveryUndeliverable, why
			if out.To.ChannelID != "" && out.To.UserID == "" && d.SetID != "" {
				r.tellFacilitators(ctx, d, out, why)
			}
		} else {
			switch bot.ErrorCode(err) {
			case bot.EINVALID, bot.ENOTFOUND, bot.EFORBIDDEN:
				// We know it can never be sent (no such user, no messenger).
				log.Warn("send refused", "err", err)
				st, reason = bot.DeliverySkipped, "refused: "+bot.ErrorCode(err)
			default:
				log.Warn("send failed", "err", err)
				s.retry(sctx, log, d, err)
				return err
			}
		}
	}
	r.end(sctx, log, d, now, st, reason, single)
	return err
}

// end records d's outcome: at once for lane work, with the chunk for bulk.
func (r *sendRun) end(ctx context.Context, log *slog.Logger, d *bot.Delivery, now time.Time, st bot.DeliveryStatus, reason string, single bool) {
	if single {
		r.finish(ctx, log, d, now, st, reason)
	} else {
		r.record(log, d, now, st, reason)
	}
}

// tellFacilitators queues, once per set and reason, a DM to each of the
// set's facilitators saying a channel post could not be delivered.
func (r *sendRun) tellFacilitators(ctx context.Context, d *bot.Delivery, out *bot.Outgoing, reason string) {
	set, err := r.tc.set(ctx, d.SetID)
	if err != nil {
		r.s.log.Warn("read set to tell facilitators failed", "set", d.SetID, "err", err)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range set.People {
		if !p.Has(bot.RoleFacilitator) || bot.IsAnonymous(p.User.ID) {
			continue
		}
		r.notices = append(r.notices, bot.Outgoing{
			To:      bot.Destination{Platform: set.Platform, UserID: p.User.ID},
			Message: bot.Undelivered(set, out.Message.Kind, reason),
			Key:     bot.UndeliveredKey(set.ID, reason, p.User.ID),
		})
	}
}

// record keeps a bulk delivery's outcome for the chunk's history write.
func (r *sendRun) record(log *slog.Logger, d *bot.Delivery, now time.Time, st bot.DeliveryStatus, reason string) {
	rec := historyRecord(d, now, r.s.instance, st, reason)
	r.mu.Lock()
	r.records = append(r.records, rec)
	r.mu.Unlock()
	r.s.observed(log, d, st, reason)
}

// finish records one delivery's outcome at once (lane work, skips).
func (r *sendRun) finish(ctx context.Context, log *slog.Logger, d *bot.Delivery, now time.Time, st bot.DeliveryStatus, reason string) {
	if err := r.s.deliveries.RecordDelivery(ctx, historyRecord(d, now, r.s.instance, st, reason)); err != nil {
		// Still pending under a held claim: after the lease another
		// instance takes over (and may send it again: logged as an error).
		log.Error("record delivery failed", "err", err)
		return
	}
	r.finished1(d.ID)
	r.s.observed(log, d, st, reason)
}

func (r *sendRun) finished1(id string) {
	r.mu.Lock()
	r.finished = append(r.finished, id)
	r.mu.Unlock()
}

// flushRecords writes the chunk's history in one round trip. Until then
// the deliveries' claims keep others off them, and after a crash a
// takeover finds them in the history.
func (r *sendRun) flushRecords(ctx context.Context) error {
	r.mu.Lock()
	records := r.records
	r.records = nil
	r.mu.Unlock()
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	if err := r.s.deliveries.RecordDeliveries(fctx, records); err != nil {
		r.s.log.Error("record deliveries failed", "deliveries", len(records), "err", err)
		return nil // still pending under held claims: taken over after the lease
	}
	r.mu.Lock()
	for _, rec := range records {
		r.finished = append(r.finished, rec.ID)
	}
	r.mu.Unlock()
	return nil
}

// flush records what is left and removes every finished delivery from the
// pending queue in one round trip: a delete scans the queue on FerretDB, so
// it is done once per pass, not once per chunk or per delivery.
func (r *sendRun) flush(ctx context.Context) error {
	if err := r.flushRecords(ctx); err != nil {
		return err
	}
	r.mu.Lock()
	ids := r.finished
	r.finished = nil
	r.mu.Unlock()
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	return r.s.deliveries.DeletePending(fctx, ids)
}

// historyRecord is what the history keeps of d: what went where and when,
// not what it said (a stored message may quote what members wrote).
func historyRecord(d *bot.Delivery, now time.Time, instance string, st bot.DeliveryStatus, reason string) *bot.Delivery {
	rec := *d
	rec.Status, rec.Done, rec.Instance, rec.Reason = st, now, instance, reason
	rec.Message = nil
	return &rec
}

func (s *Scheduler) observed(log *slog.Logger, d *bot.Delivery, st bot.DeliveryStatus, reason string) {
	if s.observer != nil {
		s.observer.Delivered(d.Kind, string(st))
	}
	if st == bot.DeliverySkipped {
		log.Info("delivery skipped", "reason", reason, "due", d.Due)
	}
}

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
