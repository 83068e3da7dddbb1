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
}

// Router implements bot.Handler.
type Router struct {
	store    bot.Store
	clock    bot.Clock
	notifier bot.Notifier
	planner  bot.Planner
	log      *slog.Logger
	locks    keyedMutex

	rngMu sync.Mutex // *rand.Rand is not safe for concurrent use
	rng   *rand.Rand
}

var _ bot.Handler = (*Router)(nil)

// New returns a Router.
func New(d Deps) *Router {
	r := &Router{store: d.Store, clock: d.Clock, notifier: d.Notifier, planner: d.Planner, rng: d.Rand}
	if d.Logger != nil {
		r.log = d.Logger.With("component", "handlers")
	}
	if r.clock == nil {
		r.clock = systemClock{}
	}
	if r.log == nil {
		r.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if r.rng == nil {
		seed := uint64(time.Now().UnixNano())
		r.rng = rand.New(rand.NewPCG(seed, seed>>1|1))
	}
	r.locks.m = map[string]*lockEntry{}
	return r
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// call is one request being handled: what was asked, by whom, about which set.
type call struct {
	req bot.Request
	cmd bot.Command
	set *bot.Set
	now time.Time
}

// actorID is the user id of who asked.
func (c *call) actorID() string { return c.req.Actor.ID }

// readerLoc is the zone to show times to the actor in: theirs if the platform
// told it, else the set's.
func (c *call) readerLoc() *time.Location {
	if c.req.Actor.TZ != "" {
		if loc, err := time.LoadLocation(c.req.Actor.TZ); err == nil {
			return loc
		}
	}
	if c.set != nil {
		return c.set.Location()
	}
	return time.UTC
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

func (r *Router) handle(ctx context.Context, req bot.Request) (bot.Message, error) {
	cmd, err := r.parse(req)
	if err != nil {
		return bot.Message{}, err
	}
	c := &call{req: req, cmd: cmd, now: r.clock.Now()}
	switch cmd.Verb {
	case bot.VerbHelp:
		return r.help(c)
	case bot.VerbSetup:
		return r.setup(ctx, c)
	case bot.VerbHome:
		return r.home(ctx, c)
	case bot.VerbMyData:
		return r.mydata(ctx, c)
	case bot.VerbForgetMe:
		return r.forgetMe(ctx, c)
	}

	setID, found, err := r.findSet(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	unlock := r.locks.lock(setID)
	defer unlock()
	if found != nil && !mutates(cmd.Verb) {
		c.set = found
	} else if c.set, err = r.store.GetSet(ctx, setID); err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return bot.Message{}, noSet(c)
		}
		return bot.Message{}, fmt.Errorf("get set %s: %w", setID, err)
	}
	if p := c.set.Person(c.actorID()); p == nil || len(p.Roles) == 0 || c.set.Platform != req.Platform {
		return bot.Message{}, noSet(c)
	}
	if c.set.Archived && mutates(cmd.Verb) {
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "The set %s was archived on %s and can no longer be changed; only `/als retention <days>` still works.", c.set.Name, bot.FormatTime(c.set.ArchivedAt, c.readerLoc()))
	}

	msg, err := r.dispatch(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	// A change announced to the set but made in a DM belongs in the set's
	// channel: post it there and give the actor a private copy.
	if req.Conv.DM && !msg.Private {
		if mutates(cmd.Verb) {
			key := bot.RepostKey(c.set.ID, c.actorID(), c.now)
			r.notify(ctx, c, []bot.Outgoing{{To: bot.Destination{Platform: c.set.Platform, ChannelID: c.set.Channel.ID}, Message: msg, Key: key}})
		}
		msg.Private = true
	}
	return msg, nil
}

// parse turns a request into a command. Form submissions carry their free
// text in Action.Values rather than in Text.
func (r *Router) parse(req bot.Request) (bot.Command, error) {
	if req.Action == nil {
		return bot.Parse(req.Text)
	}
	fields := strings.Fields(req.Text)
	if len(fields) > 0 && strings.EqualFold(fields[0], "/als") {
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return bot.Parse(req.Text)
	}
	switch strings.ToLower(fields[0]) {
	case "commit":
		return formCommit(req.Action.Values)
	case "feedback":
		if _, ok := req.Action.Values["rating"]; ok {
			return formFeedback(req.Action.Values)
		}
	case "report":
		if _, ok := req.Action.Values["text"]; !ok {
			break
		}
		// Parse the id and status as typed, with a placeholder for the text.
		cmd, err := bot.Parse(strings.Join(fields, " ") + " -")
		if err != nil {
			return cmd, err
		}
		cmd.Text = strings.TrimSpace(req.Action.Values["text"])
		return cmd, checkText(cmd.Text, "what you did and learned")
	}
	return bot.Parse(req.Text)
}

func (r *Router) dispatch(ctx context.Context, c *call) (bot.Message, error) {
	switch c.cmd.Verb {
	case bot.VerbMembers:
		return r.membersList(c)
	case bot.VerbMembersAdd:
		return r.membersAdd(ctx, c)
	case bot.VerbMembersRemove:
		return r.membersRemove(ctx, c)
	case bot.VerbFacilitatorAdd:
		return r.facilitatorAdd(ctx, c)
	case bot.VerbMentor:
		return r.mentor(ctx, c)
	case bot.VerbTimezone, bot.VerbPhases, bot.VerbObserver, bot.VerbReminders, bot.VerbNudges, bot.VerbRetention, bot.VerbSetArchive:
		return r.configure(ctx, c)
	case bot.VerbSessionAdd:
		return r.sessionAdd(ctx, c)
	case bot.VerbSchedule:
		return r.schedule(ctx, c)
	case bot.VerbScheduleOff:
		return r.scheduleOff(ctx, c)
	case bot.VerbSessions:
		return r.sessions(ctx, c)
	case bot.VerbSessionCancel:
		return r.sessionCancel(ctx, c)
	case bot.VerbSessionStart:
		return r.sessionStart(ctx, c)
	case bot.VerbSessionEnd:
		return r.sessionEnd(ctx, c)
	case bot.VerbHere:
		return r.here(ctx, c)
	case bot.VerbBid:
		return r.bid(ctx, c)
	case bot.VerbRoundStart:
		return r.roundStart(ctx, c)
	case bot.VerbRoundNext:
		return r.roundNext(ctx, c)
	case bot.VerbRoundEnd:
		return r.roundEnd(ctx, c)
	case bot.VerbRoundStatus:
		return r.roundStatus(ctx, c)
	case bot.VerbCommit:
		return r.commit(ctx, c)
	case bot.VerbActions:
		return r.actions(ctx, c)
	case bot.VerbReport:
		return r.report(ctx, c)
	case bot.VerbFeedback:
		return r.feedback(ctx, c)
	case bot.VerbMentoringLog:
		return r.mentoringLog(ctx, c)
	case bot.VerbStats:
		return r.stats(ctx, c)
	case bot.VerbExport:
		return r.export(ctx, c)
	}
	return bot.Message{}, bot.Errorf(bot.EINVALID, "I don't know how to do `%s` yet. See `/als help`.", c.cmd.Verb)
}

// mutates reports whether a verb changes the set or its records; an archived
// set refuses those (retention aside).
func mutates(v bot.Verb) bool {
	switch v {
	case bot.VerbMembers, bot.VerbSessions, bot.VerbRoundStatus, bot.VerbActions, bot.VerbRetention, bot.VerbStats, bot.VerbExport:
		return false
	}
	return true
}

func errNoSet() error {
	return bot.Errorf(bot.ENOTFOUND, "There is no action learning set in this channel yet. A facilitator can create one with `/als setup <name>`.")
}

// noSet is errNoSet, said for a DM when a button or form named the set: one
// answer whether the set is gone or the actor has no role in it.
func noSet(c *call) error {
	if c.req.Conv.DM && c.req.SetID != "" {
		return bot.Errorf(bot.ENOTFOUND, "You are not in the action learning set this button or form belongs to. Ask its facilitator to add you, or run the command in a set's channel.")
	}
	return errNoSet()
}

// findSet names the set a request is about. In a channel it is the channel's
// set (read later, under the set's lock). In a DM it is the set the pressed
// button or submitted form named (read later too), else the one active set
// the actor has a role in, already read; a change reads it again under the
// lock so that it starts from what the last command in this process saved.
func (r *Router) findSet(ctx context.Context, c *call) (string, *bot.Set, error) {
	if !c.req.Conv.DM {
		// The channel's set stands, whatever set a button says.
		return string(c.req.Platform) + ":" + c.req.Conv.ID, nil, nil
	}
	if c.req.SetID != "" {
		// A button or form in a DM names its set; the caller reads it and
		// applies the same role and archive checks as for any set.
		return c.req.SetID, nil, nil
	}
	sets, err := r.activeSets(ctx, c)
	if err != nil {
		return "", nil, err
	}
	if len(sets) > 1 {
		// Only the sets where the actor may run this command are candidates:
		// a facilitator of one set and member of another commits in the latter.
		if role := neededRole(c.cmd.Verb); role != "" {
			var able []*bot.Set
			for _, s := range sets {
				if s.HasRole(c.actorID(), role) {
					able = append(able, s)
				}
			}
			if len(able) > 0 {
				sets = able
			}
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

// neededRole is the role a verb requires, "" when anyone in the set may run it.
func neededRole(v bot.Verb) bot.Role {
	switch v {
	case bot.VerbHere, bot.VerbBid, bot.VerbCommit, bot.VerbActions, bot.VerbReport, bot.VerbFeedback:
		return bot.RoleMember
	case bot.VerbMentoringLog:
		return bot.RoleMentor
	case bot.VerbMembers, bot.VerbSessions, bot.VerbRoundStatus:
		return ""
	}
	return bot.RoleFacilitator
}

// activeSets are the actor's sets that are not archived and where they have a role.
func (r *Router) activeSets(ctx context.Context, c *call) ([]*bot.Set, error) {
	all, err := r.store.FindSets(ctx, c.req.Platform, c.actorID())
	if err != nil {
		return nil, fmt.Errorf("find sets of user: %w", err)
	}
	var out []*bot.Set
	for _, s := range all {
		if p := s.Person(c.actorID()); !s.Archived && p != nil && len(p.Roles) > 0 {
			out = append(out, s)
		}
	}
	return out, nil
}

// requireRole refuses a command to someone without role; who says who may.
func requireRole(c *call, role bot.Role, what string) error {
	if c.set.HasRole(c.actorID(), role) {
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
func (r *Router) saveSetAfter(ctx context.Context, c *call, apply func(*bot.Set)) error {
	apply(c.set)
	err := r.saveSet(ctx, c)
	if !isCode(err, bot.ECONFLICT) {
		return err
	}
	fresh, gerr := r.store.GetSet(ctx, c.set.ID)
	if gerr != nil {
		return err
	}
	apply(fresh)
	c.set = fresh
	return r.saveSet(ctx, c)
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
