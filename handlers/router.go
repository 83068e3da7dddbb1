// Package handlers holds the use cases: one file per command group, and a
// Router that parses a request, finds the set it is about, checks who may do
// it and runs it against the store.
package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// Deps are what a Router needs.
type Deps struct {
	Store    bot.Store
	Clock    bot.Clock
	Notifier bot.Notifier
	Planner  bot.Planner // may be nil: then nothing is planned
	Rand     *rand.Rand  // nil: seeded from the time
	Logger   *slog.Logger
	// Calendar keeps calendar feed tokens and PublicURL is the bot's public
	// https:// base (ALSBOT_PUBLIC_URL) the feed addresses are built on;
	// with either unset, calendar answers that feeds are not set up.
	Calendar  bot.CalendarStore
	PublicURL string
	// Live are the platforms that can update a message they sent: there a
	// round's card is posted once and updated in place. Absent: the card is
	// the answer to round start, and each phase answers anew (the shell).
	Live map[bot.Platform]bot.LiveMessenger
	// SessionLinks gives a session's "Add to calendar" address for the
	// session add answer; nil: the answer goes without.
	SessionLinks bot.SessionLinks
}

// Router implements bot.Handler.
type Router struct {
	store    bot.Store
	clock    bot.Clock
	notifier bot.Notifier
	planner  bot.Planner
	live     map[bot.Platform]bot.LiveMessenger
	log      *slog.Logger
	calStore bot.CalendarStore
	pubURL   string
	links    bot.SessionLinks
	locks    keyedMutex
	zones    zoneCache
	verbs    map[bot.Verb]binding // one per registered verb; see verbs.go

	rngMu sync.Mutex // *rand.Rand is not safe for concurrent use
	rng   *rand.Rand
}

var _ bot.Handler = (*Router)(nil)

// New returns a Router.
func New(d Deps) *Router {
	r := &Router{store: d.Store, clock: d.Clock, notifier: d.Notifier, planner: d.Planner, live: d.Live, rng: d.Rand,
		calStore: d.Calendar, pubURL: strings.TrimRight(d.PublicURL, "/"), links: d.SessionLinks}
	if d.Logger != nil {
		r.log = d.Logger.With("component", "handlers")
	}
	if r.clock == nil {
		r.clock = bot.SystemClock{}
	}
	if r.log == nil {
		r.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if r.rng == nil {
		seed := uint64(time.Now().UnixNano())
		r.rng = rand.New(rand.NewPCG(seed, seed>>1|1))
	}
	r.locks.m = map[string]*lockEntry{}
	r.verbs = r.handlers()
	return r
}

// call is one request being handled: what was asked, by whom, about which set.
type call struct {
	req   bot.Request
	cmd   bot.Command
	spec  bot.Spec
	set   *bot.Set
	now   time.Time
	zones *zoneCache
}

// actorID is the user id of who asked.
func (c *call) actorID() string { return c.req.Actor.ID }

// readerLoc is the zone to show times to the actor in: theirs if the platform
// told it, else the set's.
func (c *call) readerLoc() *time.Location {
	if loc := c.zones.load(c.req.Actor.TZ); loc != nil {
		return loc
	}
	if c.set != nil {
		if loc := c.zones.load(c.set.TZ); loc != nil {
			return loc
		}
		return c.set.Location()
	}
	return time.UTC
}

// zoneCache remembers loaded zones: time.LoadLocation reads and parses the
// zone file on every call, which a profile of a cached `actions` showed as
// a sixth of its CPU. A zone's rules do not change while the process runs.
type zoneCache struct {
	m sync.Map // name -> *time.Location
}

// load returns the named zone, or nil for "" and names that are not zones
// (a nil *zoneCache loads every time).
func (z *zoneCache) load(name string) *time.Location {
	if name == "" {
		return nil
	}
	if z != nil {
		if loc, ok := z.m.Load(name); ok {
			return loc.(*time.Location)
		}
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	if z != nil {
		z.m.Store(name, loc)
	}
	return loc
}

// Handle implements bot.Handler. Every failure comes back as a private error
// message with the error, so adapters can always show the message; only
// internal errors are logged, once, here.
func (r *Router) Handle(ctx context.Context, req bot.Request) (bot.Message, error) {
	msg, err := r.handle(ctx, req)
	if err != nil {
		if bot.ErrorCode(err) == bot.EINTERNAL {
			// The error text may carry store details but never what members
			// wrote: handlers wrap errors with ids only.
			r.log.ErrorContext(ctx, "command failed", "platform", string(req.Platform), "conversation", req.Conv.ID, "err", err)
		}
		return bot.Message{Kind: bot.KindError, Private: true, Text: bot.ErrorMessage(err)}, err
	}
	return msg, nil
}

// handle is the pipeline every command goes through; each step reads the
// verb's registry entry (c.spec) and is a function of its own below:
// parse -> resolve the set -> lock (writes only) -> load the set ->
// authorise -> run -> repost. The lock comes before load and authorise so
// that a write is checked against, and applied to, the set as the last
// write in this process saved it.
func (r *Router) handle(ctx context.Context, req bot.Request) (bot.Message, error) {
	req, err := bot.SanitizeRequest(req) // before anything reads member text
	if err != nil {
		return bot.Message{}, err
	}
	cmd, err := parse(req)
	if err != nil {
		return bot.Message{}, err
	}
	spec, _ := bot.Lookup(cmd.Verb) // parse only returns registered verbs
	c := &call{req: req, cmd: cmd, spec: spec, now: r.clock.Now(), zones: &r.zones}
	if spec.Anywhere {
		// help, setup, home, mydata, forget me: no set to resolve first.
		return r.run(ctx, c)
	}
	setID, found, err := r.resolve(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	unlock := r.lock(c, setID)
	defer unlock()
	for try := 1; ; try++ {
		rctx, err := r.load(ctx, c, setID, found)
		if err != nil {
			return bot.Message{}, err
		}
		msg, err := r.attempt(rctx, c)
		if err == nil {
			return r.repost(ctx, c, msg), nil
		}
		if !bot.IsStale(err) || try == staleTries {
			return bot.Message{}, err
		}
		// A versioned save lost to a change made at the same moment (in
		// another replica: this one's writes of a set queue on the lock),
		// or a read ran on a remembered set that has changed since.
		// Nothing of this command was stored: the first write a handler
		// makes is the one that can be stale (saveSetAfter retries its
		// own), so read everything again and apply the command once more.
		if err := jitter(ctx, try); err != nil {
			return bot.Message{}, err
		}
		found = nil
	}
}

// staleTries bounds how often a command is applied again after its save
// met a concurrent change, before the person is told to try again. Another
// replica busy with the same set wins about half of the races, so a few
// tries are not enough: ten leave about one command in a thousand.
const staleTries = 10

// jitter waits a little, at random and a little longer with each try, so
// that writers that collided do not collide again in step; short, because
// while it waits the other replica's next command runs.
func jitter(ctx context.Context, try int) error {
	if err := bot.Sleep(ctx, rand.N(time.Duration(try)*3*time.Millisecond)); err != nil {
		return fmt.Errorf("wait to retry: %w", err)
	}
	return nil
}

// parse turns a request into a command: typed text, or a submitted form
// whose values the verb's form reader takes directly (bot.ParseForm).
func parse(req bot.Request) (bot.Command, error) {
	if req.Action == nil {
		return bot.Parse(req.Text)
	}
	return bot.ParseForm(req.Text, req.Action.Values)
}

// lock takes the per-set lock for a write and returns its release; a read
// takes none (issue 15: holding it across a read's store round trips
// serialised a whole set's traffic). Versioned saves catch other replicas.
func (r *Router) lock(c *call, setID string) (unlock func()) {
	if !c.spec.Writes {
		return func() {}
	}
	return r.locks.lock(setID)
}

// attempt authorises and runs the command on c.set. A command that ran on
// a remembered set (load) is checked after it, refused or not: a refusal
// may come from the set as it was (someone just added), and a stale set
// makes the whole attempt stale. (A write was checked before it wrote.)
func (r *Router) attempt(ctx context.Context, c *call) (bot.Message, error) {
	msg, err := r.authorised(ctx, c)
	if bot.IsStale(err) {
		return msg, err
	}
	if rc, ok := r.store.(bot.ReadChecker); ok {
		if cerr := rc.EndRead(ctx); cerr != nil {
			return bot.Message{}, cerr
		}
	}
	return msg, err
}

func (r *Router) authorised(ctx context.Context, c *call) (bot.Message, error) {
	if err := authorise(c); err != nil {
		return bot.Message{}, err
	}
	return r.run(ctx, c)
}

// load reads the set the command is about into c.set and returns the
// context to run the command under. A read may use the set resolve already
// read (a DM); a command may use one the store remembers and checks
// (bot.ReadChecker), a write under the lock, so that the set remembered is
// the one this process last saved.
func (r *Router) load(ctx context.Context, c *call, setID string, found *bot.Set) (context.Context, error) {
	if found != nil && !c.spec.Writes {
		c.set = found
		return ctx, nil
	}
	if rc, ok := r.store.(bot.ReadChecker); ok {
		if s, rctx, ok := rc.BeginRead(ctx, setID, c.actorID(), c.spec.Writes); ok {
			c.set = s
			return rctx, nil
		}
	}
	s, err := r.store.GetSet(ctx, setID)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return ctx, noSet(c)
		}
		return ctx, fmt.Errorf("get set %s: %w", setID, err)
	}
	c.set = s
	return ctx, nil
}

// authorise lets the command run on c.set: the actor has a role in the set,
// on the set's platform; the set takes the verb even if archived; and the
// actor has the role the verb needs.
func authorise(c *call) error {
	if c.set.Platform != c.req.Platform {
		return noSet(c)
	}
	if !c.set.InSet(c.actorID()) {
		return notInSet(c)
	}
	if c.set.Archived && !c.spec.OnArchived {
		return bot.Errorf(bot.ECONFLICT, "The set %s was archived on %s and can no longer be changed; only `/als retention <days>` still works.", c.set.Name, bot.FormatTime(c.set.ArchivedAt, c.readerLoc()))
	}
	return requireRole(c, c.spec.Role, c.spec.Deny)
}

// run calls the verb's handler.
func (r *Router) run(ctx context.Context, c *call) (bot.Message, error) {
	h, ok := r.verbs[c.cmd.Verb]
	if !ok {
		return bot.Message{}, fmt.Errorf("verb %q has no handler", c.cmd.Verb)
	}
	return h.run(ctx, c)
}

// repost: a change announced to the set but made in a DM belongs in the
// set's channel: post it there and give the actor a private copy. What a
// read shows stays private in the DM.
func (r *Router) repost(ctx context.Context, c *call, msg bot.Message) bot.Message {
	if !c.req.Conv.DM || msg.Private {
		return msg
	}
	if c.spec.Writes {
		key := bot.RepostKey(c.set.ID, c.actorID(), c.now)
		r.notify(ctx, c, []bot.Outgoing{{To: bot.Destination{Platform: c.set.Platform, ChannelID: c.set.Channel.ID}, Message: msg, Key: key}})
	}
	msg.Private = true
	return msg
}

func errNoSet() error {
	return bot.Errorf(bot.ENOTFOUND, "There is no action learning set in this channel yet. A facilitator can create one with `/als setup <name>`.")
}

// notInSet answers someone in a set's channel who has no role in the set:
// the set exists (everyone in the channel can see it does), and what to do
// is to ask its facilitators (issue 13, item 6). In a DM it is noSet.
func notInSet(c *call) error {
	if c.req.Conv.DM {
		return noSet(c)
	}
	var facs []string
	for _, p := range c.set.People {
		if p.Has(bot.RoleFacilitator) {
			facs = append(facs, p.User.ID)
		}
	}
	return bot.Errorf(bot.ENOTFOUND, "You are not in %s, the action learning set of this channel, so its commands are not open to you. Ask its facilitator%s (%s) to add you with `/als members add @you`.", c.set.Name, isAre(len(facs), "", "s"), names(c.set, facs))
}

// noSet is errNoSet, said for a DM when a button or form named the set: one
// answer whether the set is gone or the actor has no role in it.
func noSet(c *call) error {
	if c.req.Conv.DM && c.req.SetID != "" {
		return bot.Errorf(bot.ENOTFOUND, "You are not in the action learning set this button or form belongs to. Ask its facilitator to add you, or run the command in a set's channel.")
	}
	return errNoSet()
}

// resolve names the set a request is about. In a channel it is the channel's
// set (read later by load). In a DM it is the set the pressed button or
// submitted form named (read later too), else the one active set the actor
// has a role in, already read.
func (r *Router) resolve(ctx context.Context, c *call) (string, *bot.Set, error) {
	if !c.req.Conv.DM {
		// The channel's set stands, whatever set a button says.
		return string(c.req.Platform) + ":" + c.req.Conv.ID, nil, nil
	}
	if c.req.SetID != "" {
		// A button or form in a DM names its set; load reads it and
		// authorise applies the same role and archive checks as for any set.
		return c.req.SetID, nil, nil
	}
	sets, err := r.activeSets(ctx, c)
	if err != nil {
		return "", nil, err
	}
	if len(sets) > 1 && c.spec.Role != bot.RoleAnyone {
		// Only the sets where the actor may run this command are candidates:
		// a facilitator of one set and member of another commits in the latter.
		var able []*bot.Set
		for _, s := range sets {
			if s.HasRole(c.actorID(), c.spec.Role) {
				able = append(able, s)
			}
		}
		if len(able) > 0 {
			sets = able
		}
	}
	switch len(sets) {
	case 0:
		return "", nil, bot.Errorf(bot.ENOTFOUND, "You are not in any action learning set yet. Ask your facilitator to add you, or create one with `/als setup <name>` in a channel.")
	case 1:
		return sets[0].ID, sets[0], nil
	}
	names := make([]string, len(sets))
	for i, s := range sets {
		names[i] = s.Name
	}
	return "", nil, bot.Errorf(bot.EINVALID, "You are in several sets (%s): run this in the set's channel.", strings.Join(names, ", "))
}

// activeSets are the actor's sets that are not archived and where they have a role.
func (r *Router) activeSets(ctx context.Context, c *call) ([]*bot.Set, error) {
	all, err := r.store.FindSets(ctx, c.req.Platform, c.actorID())
	if err != nil {
		return nil, fmt.Errorf("find sets of user: %w", err)
	}
	var out []*bot.Set
	for _, s := range all {
		if !s.Archived && s.InSet(c.actorID()) {
			out = append(out, s)
		}
	}
	return out, nil
}

// requireRole refuses a command to someone without role; what completes
// "Only a facilitator of <set> can ...". RoleAnyone lets everyone in.
func requireRole(c *call, role bot.Role, what string) error {
	if role == bot.RoleAnyone || c.set.HasRole(c.actorID(), role) {
		return nil
	}
	switch role {
	case bot.RoleFacilitator:
		return bot.Errorf(bot.EFORBIDDEN, "Only a facilitator of %s can %s.", c.set.Name, what)
	case bot.RoleMember:
		return bot.Errorf(bot.EFORBIDDEN, "Only members of %s can %s. A facilitator can add you with `/als members add @you`.", c.set.Name, what)
	}
	return bot.Errorf(bot.EFORBIDDEN, "Only a %s of %s can %s.", role, c.set.Name, what)
}

// keyedMutex serializes commands on one set within this process; versions
// in SaveSet/SaveSession catch other replicas.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*lockEntry
}

type lockEntry struct {
	mu   sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	e := k.m[key]
	if e == nil {
		e = &lockEntry{}
		k.m[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// isCode reports whether err carries the domain error code.
func isCode(err error, code string) bool {
	var e *bot.Error
	return errors.As(err, &e) && e.Code == code
}
