package scheduler

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// tickCache keeps what one tick read, so the deliveries of a chunk (a
// reminder to the channel and to each member, every set's nudges at 09:00)
// are built from one read of their sets, sessions and commitments. Content
// is still built from the state at send time. Workers share it.
type tickCache struct {
	store Store

	mu       sync.Mutex
	allSets  bool // every set was read: one not in sets is gone
	sets     map[string]*bot.Set
	gone     map[string]bool // sets not found
	sessions map[string]*bot.Session
	lists    map[string][]*bot.Session
	all      map[string][]*bot.Commitment
}

func newTickCache(store Store) *tickCache {
	c := &tickCache{store: store}
	c.reset()
	return c
}

// reset forgets everything read (planning may have changed it).
func (c *tickCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.allSets = false
	c.sets, c.gone, c.sessions = map[string]*bot.Set{}, map[string]bool{}, map[string]*bot.Session{}
	c.lists, c.all = map[string][]*bot.Session{}, map[string][]*bot.Commitment{}
}

// preloadAllSets: from this many sets not read yet, one read of every set
// is cheaper than one read each (a scan each on FerretDB).
const preloadAllSets = 4

// preload reads the sets, their sessions and their commitments in one round
// trip each, for the sets not read yet.
func (c *tickCache) preload(ctx context.Context, setIDs []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var missing []string
	seen := map[string]bool{}
	for _, id := range setIDs {
		if id == "" || seen[id] || c.gone[id] {
			continue
		}
		seen[id] = true
		if _, ok := c.all[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var needSets []string
	for _, id := range missing {
		if _, ok := c.sets[id]; !ok {
			needSets = append(needSets, id)
		}
	}
	switch {
	case len(needSets) > preloadAllSets && !c.allSets:
		all, err := c.store.FindSets(ctx, "", "")
		if err != nil {
			return err
		}
		for _, s := range all {
			if _, ok := c.sets[s.ID]; !ok {
				c.sets[s.ID] = s
			}
		}
		c.allSets = true
	default:
		for _, id := range needSets {
			if _, err := c.setLocked(ctx, id); err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
				return err
			}
		}
	}
	var live []string
	for _, id := range missing {
		if _, ok := c.sets[id]; ok {
			live = append(live, id)
		} else {
			c.gone[id] = true
		}
	}
	if len(live) == 0 {
		return nil
	}
	sessions, err := c.store.SessionsOfSets(ctx, live)
	if err != nil {
		return err
	}
	commitments, err := c.store.CommitmentsOfSets(ctx, live, false)
	if err != nil {
		return err
	}
	for _, id := range live {
		c.lists[id] = []*bot.Session{}
		c.all[id] = []*bot.Commitment{}
	}
	for _, s := range sessions {
		c.lists[s.SetID] = append(c.lists[s.SetID], s)
		c.sessions[s.ID] = s
	}
	for _, cm := range commitments {
		c.all[cm.SetID] = append(c.all[cm.SetID], cm)
	}
	return nil
}

func (c *tickCache) set(ctx context.Context, id string) (*bot.Set, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.setLocked(ctx, id)
}

func (c *tickCache) setLocked(ctx context.Context, id string) (*bot.Set, error) {
	if s, ok := c.sets[id]; ok {
		return s, nil
	}
	if c.gone[id] || c.allSets {
		return nil, bot.Errorf(bot.ENOTFOUND, "no set %s", id)
	}
	s, err := c.store.GetSet(ctx, id)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			c.gone[id] = true
		}
		return nil, err
	}
	c.sets[id] = s
	return s, nil
}

func (c *tickCache) session(ctx context.Context, id string) (*bot.Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.sessions[id]; ok {
		return s, nil
	}
	s, err := c.store.GetSession(ctx, id)
	if err != nil {
		return nil, err
	}
	c.sessions[id] = s
	return s, nil
}

func (c *tickCache) sessionList(ctx context.Context, setID string) ([]*bot.Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.lists[setID]; ok {
		return l, nil
	}
	l, err := c.store.ListSessions(ctx, setID)
	if err != nil {
		return nil, err
	}
	c.lists[setID] = l
	return l, nil
}

func (c *tickCache) commitments(ctx context.Context, setID string) ([]*bot.Commitment, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if all, ok := c.all[setID]; ok {
		return all, nil
	}
	all, err := c.store.ListCommitments(ctx, setID, "", false)
	if err != nil {
		return nil, err
	}
	c.all[setID] = all
	return all, nil
}

// openCommitments are the user's open commitments in the set.
func (c *tickCache) openCommitments(ctx context.Context, setID, userID string) ([]*bot.Commitment, error) {
	all, err := c.commitments(ctx, setID)
	if err != nil {
		return nil, err
	}
	var out []*bot.Commitment
	for _, cm := range all {
		if cm.UserID == userID && cm.Status == bot.CommitmentOpen {
			out = append(out, cm)
		}
	}
	return out, nil
}

// hasPresented reports whether the user has presented in the set, or has
// recorded a commitment (and so knows what one is for).
func (c *tickCache) hasPresented(ctx context.Context, setID, userID string) (bool, error) {
	all, err := c.commitments(ctx, setID)
	if err != nil {
		return false, err
	}
	for _, cm := range all {
		if cm.UserID == userID {
			return true, nil
		}
	}
	list, err := c.sessionList(ctx, setID)
	if err != nil {
		return false, err
	}
	for _, s := range list {
		for _, r := range s.Rounds {
			if r.Presenter == userID {
				return true, nil
			}
		}
	}
	return false, nil
}

// build makes the message of d from the current state. A nil message with a
// reason means the delivery is skipped: it is no longer useful or nobody is
// left to send it to, or it would say nothing. Member texts go only to the
// set's channel or to the member's own DM (a mentor sees mentees'
// commitments, never reports).
func (s *Scheduler) build(ctx context.Context, tc *tickCache, now time.Time, d *bot.Delivery) (*bot.Outgoing, string, error) {
	if d.Kind == bot.DeliverMessage {
		if d.To == nil || d.Message == nil {
			return nil, "nothing stored to send", nil
		}
		return &bot.Outgoing{To: *d.To, Message: *d.Message}, "", nil
	}
	set, err := tc.set(ctx, d.SetID)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return nil, "the set is gone", nil
		}
		return nil, "", err
	}
	if set.Archived {
		return nil, "the set is archived", nil
	}
	channel := bot.Destination{Platform: set.Platform, ChannelID: set.Channel.ID}
	dm := bot.Destination{Platform: set.Platform, UserID: d.UserID}
	if d.UserID != "" && (set.Person(d.UserID) == nil || bot.IsAnonymous(d.UserID)) {
		return nil, "no longer in the set", nil
	}

	switch d.Kind {
	case bot.DeliverReminder, bot.DeliverDigest:
		sess, reason, err := s.upcomingSession(ctx, tc, now, d)
		if sess == nil {
			return nil, reason, err
		}
		if d.Kind == bot.DeliverDigest {
			cs, err := tc.commitments(ctx, set.ID)
			if err != nil {
				return nil, "", err
			}
			since, err := s.lastSessionStart(ctx, tc, set.ID, sess)
			if err != nil {
				return nil, "", err
			}
			return &bot.Outgoing{To: channel, Message: bot.DigestBefore(set, sess, cs, since, now)}, "", nil
		}
		if d.UserID == "" {
			m := bot.Reminder(set, sess, now, set.Location(), nil, false, false)
			if err := s.addLink(ctx, &m, sess); err != nil {
				return nil, "", err
			}
			return &bot.Outgoing{To: channel, Message: m}, "", nil
		}
		if !set.HasRole(d.UserID, bot.RoleMember) {
			if !set.HasRole(d.UserID, bot.RoleFacilitator) {
				return nil, "no longer a member", nil
			}
			if set.FacRemindOff {
				return nil, "facilitators' reminders are off", nil
			}
			m := bot.FacilitatorReminder(set, sess, now, readerLocation(set, d.UserID))
			if err := s.addLink(ctx, &m, sess); err != nil {
				return nil, "", err
			}
			return &bot.Outgoing{To: dm, Message: m}, "", nil
		}
		open, err := tc.openCommitments(ctx, set.ID, d.UserID)
		if err != nil {
			return nil, "", err
		}
		presented, err := tc.hasPresented(ctx, set.ID, d.UserID)
		if err != nil {
			return nil, "", err
		}
		m := bot.Reminder(set, sess, now, readerLocation(set, d.UserID), open, true, presented)
		if err := s.addLink(ctx, &m, sess); err != nil {
			return nil, "", err
		}
		return &bot.Outgoing{To: dm, Message: m}, "", nil

	case bot.DeliverCover:
		if !set.HasRole(d.UserID, bot.RoleMember) {
			return nil, "no longer a member", nil
		}
		sess, reason, err := s.upcomingSession(ctx, tc, now, d)
		if sess == nil {
			return nil, reason, err
		}
		m := bot.CoverReminder(set, sess, now, readerLocation(set, d.UserID))
		if err := s.addLink(ctx, &m, sess); err != nil {
			return nil, "", err
		}
		return &bot.Outgoing{To: dm, Message: m}, "", nil

	case bot.DeliverPhaseNearlyUp, bot.DeliverPhaseUp:
		sess, err := tc.session(ctx, d.SessionID)
		if err != nil {
			if bot.ErrorCode(err) == bot.ENOTFOUND {
				return nil, "the session is gone", nil
			}
			return nil, "", err
		}
		r := sess.CurrentRound()
		if sess.Status != bot.SessionOpen || r == nil || r.Number != d.Round || r.Phase != d.Phase || !r.PhaseStartedAt.Equal(d.Ref) {
			return nil, "the round has moved on", nil
		}
		to := channel
		if r.Card.ID != "" && r.Card.Platform == set.Platform {
			// In the thread of the round's live card, not as a channel post.
			to.ThreadID = r.Card.ID
		}
		return &bot.Outgoing{To: to, Message: bot.PhaseNotice(r, d.Kind == bot.DeliverPhaseNearlyUp, now, set.Location())}, "", nil

	case bot.DeliverNudge:
		if !set.HasRole(d.UserID, bot.RoleMember) {
			return nil, "no longer a member", nil
		}
		open, err := tc.openCommitments(ctx, set.ID, d.UserID)
		if err != nil {
			return nil, "", err
		}
		if len(open) == 0 {
			return nil, "no open commitment", nil
		}
		return &bot.Outgoing{To: dm, Message: bot.Nudge(set, open, now, readerLocation(set, d.UserID))}, "", nil

	case bot.DeliverMentorNudge:
		var mentees []bot.Mentee
		for _, p := range set.Members() {
			if p.MentorID != d.UserID || bot.IsAnonymous(p.User.ID) {
				continue
			}
			open, err := tc.openCommitments(ctx, set.ID, p.User.ID)
			if err != nil {
				return nil, "", err
			}
			if len(open) > 0 {
				mentees = append(mentees, bot.Mentee{UserID: p.User.ID, Open: open})
			}
		}
		if len(mentees) == 0 {
			return nil, "no mentee with an open commitment", nil
		}
		return &bot.Outgoing{To: dm, Message: bot.MentorNudge(set, mentees, now, readerLocation(set, d.UserID))}, "", nil

	case bot.DeliverFeedback:
		sess, err := tc.session(ctx, d.SessionID)
		if err != nil {
			if bot.ErrorCode(err) == bot.ENOTFOUND {
				return nil, "the session is gone", nil
			}
			return nil, "", err
		}
		if sess.Status != bot.SessionClosed || !sess.Attended(d.UserID) {
			return nil, "not an attendee of a closed session", nil
		}
		if !set.InSet(d.UserID) {
			return nil, "no longer in the set", nil // `feedback` would refuse them
		}
		return &bot.Outgoing{To: dm, Message: bot.FeedbackPulse(set, sess)}, "", nil
	}
	return nil, "unknown kind " + string(d.Kind), nil
}

// addLink adds the session's "Add to calendar" address to m, when the bot
// has one to give. The address is derived from the session and stored once,
// so a failure to store it is the store's failure: the delivery is retried
// like any other read that failed.
func (s *Scheduler) addLink(ctx context.Context, m *bot.Message, sess *bot.Session) error {
	if s.links == nil {
		return nil
	}
	url, err := s.links.SessionLink(ctx, sess)
	if err != nil {
		return fmt.Errorf("calendar link of session %s: %w", sess.ID, err)
	}
	bot.AddCalendarLink(m, url)
	return nil
}

// upcomingSession returns d's session while a reminder for it is useful:
// still scheduled, at the start it was planned for, not started.
func (s *Scheduler) upcomingSession(ctx context.Context, tc *tickCache, now time.Time, d *bot.Delivery) (*bot.Session, string, error) {
	sess, err := tc.session(ctx, d.SessionID)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return nil, "the session is gone", nil
		}
		return nil, "", err
	}
	switch {
	case sess.Status != bot.SessionScheduled:
		return nil, "the session is " + string(sess.Status), nil
	case !sess.Start.Equal(d.Ref):
		return nil, "the session moved", nil
	case !now.Before(sess.Start):
		return nil, "the session has started", nil
	}
	return sess, "", nil
}

// lastSessionStart is when the set last met before sess (zero if never):
// the digest covers reports since then.
func (s *Scheduler) lastSessionStart(ctx context.Context, tc *tickCache, setID string, sess *bot.Session) (time.Time, error) {
	list, err := tc.sessionList(ctx, setID)
	if err != nil {
		return time.Time{}, err
	}
	var last time.Time
	for _, x := range list {
		if x.ID == sess.ID || x.Status != bot.SessionClosed || !x.Start.Before(sess.Start) {
			continue
		}
		at := x.Start
		if !x.OpenedAt.IsZero() {
			at = x.OpenedAt
		}
		if at.After(last) {
			last = at
		}
	}
	return last, nil
}

// readerLocation is the zone the platform told us for the person, else the set's.
func readerLocation(set *bot.Set, userID string) *time.Location {
	if p := set.Person(userID); p != nil && p.User.TZ != "" {
		if loc, err := time.LoadLocation(p.User.TZ); err == nil {
			return loc
		}
	}
	return set.Location()
}
