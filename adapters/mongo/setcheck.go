package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alsbot/alsbot/bot"
)

// A store that is not the only writer of its sets (MongoDB, several
// replicas) cannot cache them, yet every command needs its set. So it
// remembers the sets it read or wrote (Store.known), and a read-only
// command runs on the remembered set and checks it in the same round trip
// as the read it does anyway (issue 15: one round trip for a read):
//
//   - each set has a stamp, a document of the sessions collection keyed by
//     the set's id (setdocs.go) whose version is raised ($max) to the
//     set's new version before every save of the set, and set at creation;
//   - BeginRead gives the remembered set and a context carrying it;
//   - a read of the sessions collection made under that context (a
//     session, the sessions, a member's open commitments) fetches the stamp
//     with its documents, and a stamp ahead of the remembered version makes
//     it a stale error: the router runs the command again on the set read
//     from the server, as it does after a lost versioned save;
//   - EndRead checks the set when no read did (one more round trip), and
//     reads the set itself when it has no stamp yet (a set from an older
//     version), stamping it.
//
// A stamp is raised before the save, so a read that finds the stamp at the
// remembered version ran before any later save of the set was stored: the
// remembered set was current when the read's documents were read. A writer
// that dies between the two leaves the stamp ahead; every read of the set
// is then stale once and run again on the set read afresh, until a replica
// that has seen the same gap for aheadHealAfter heals it (healAhead). A member's own
// write is seen by their next command on any replica: the save raised the
// stamp first.
//
// Writes run on the remembered set too, under the router's per-set lock
// (so no write of this process is missed), and are checked before they
// write: every write method of the store calls beforeWrite, which checks
// the set unless a read of the command already has (most writes read the
// set's documents first, and that read brings the stamp). A stale set is
// found before anything was written, so running the command again is safe.

// BeginRead implements bot.ReadChecker: the remembered set id, if any,
// and the context a command by actorID runs under; EndRead checks it.
func (s *Store) BeginRead(ctx context.Context, setID, actorID string, writes bool) (*bot.Set, context.Context, bool) {
	if s.known == nil {
		return nil, ctx, false
	}
	var set bot.Set
	if !s.known.get(cacheKey(collSets, setID), &set) {
		return nil, ctx, false
	}
	return &set, context.WithValue(ctx, scopeKey{}, &readScope{setID: setID, version: set.Version, actor: actorID, writes: writes}), true
}

// EndRead implements bot.ReadChecker: nil when the set the read ran on was
// current, a stale error (bot.IsStale) when it was not.
func (s *Store) EndRead(ctx context.Context) error {
	sc, _ := ctx.Value(scopeKey{}).(*readScope)
	if sc == nil {
		return nil
	}
	return s.verify(ctx, sc)
}

// beforeWrite checks the remembered set the command runs on (if any)
// before its first write, unless a read already has: nil when the set is
// current, a stale error when the command must run again.
func (s *Store) beforeWrite(ctx context.Context) error {
	return s.EndRead(ctx)
}

// verify checks sc against the stamp (one round trip) unless a read did,
// or against the set itself when it has no stamp.
func (s *Store) verify(ctx context.Context, sc *readScope) error {
	sc.mu.Lock()
	state := sc.state
	sc.mu.Unlock()
	switch state {
	case scopeChecked:
		return nil
	case scopePending:
		docs, err := s.findSetDocs(ctx, stampFilter(sc.setID), "check set")
		if err != nil {
			return err
		}
		if err := s.checkRead(sc, docs); err != nil {
			return err
		}
		sc.mu.Lock()
		state = sc.state
		sc.mu.Unlock()
		if state == scopeChecked {
			return nil
		}
	}
	// No stamp to check against: the set itself (which remembers it).
	set, err := s.GetSet(ctx, sc.setID)
	if err != nil {
		return err
	}
	if err := s.stampSet(ctx, set.ID, set.Version); err != nil {
		s.log.WarnContext(ctx, "could not stamp set", "component", "store", "set", set.ID, "err", err)
	}
	if set.Version != sc.version {
		return staleRead()
	}
	sc.mu.Lock()
	sc.state = scopeChecked
	sc.mu.Unlock()
	return nil
}

// checkable is the read scope of ctx when it is about setID and not yet
// checked: then a read of setID's documents fetches its stamp too.
func checkable(ctx context.Context, setID string) *readScope {
	sc, _ := ctx.Value(scopeKey{}).(*readScope)
	if sc == nil || sc.setID != setID {
		return nil
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.state != scopePending {
		return nil
	}
	return sc
}

// checkRead compares the stamp docs brought with the remembered version of
// sc (nil: nothing to check).
func (s *Store) checkRead(sc *readScope, docs *setDocs) error {
	if sc == nil {
		return nil
	}
	v, ok := docs.stamps[sc.setID]
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.seq = max(sc.seq, docs.seqs[sc.setID])
	switch {
	case ok && v == sc.version:
		sc.state = scopeChecked
	case ok && v > sc.version:
		s.known.drop(cacheKey(collSets, sc.setID))
		s.stampAhead(sc.setID, v)
		return staleRead()
	default:
		// None, or behind (written by a version that did not stamp).
		sc.state = scopeUnstamped
	}
	return nil
}

func staleRead() error {
	return staleError("The set changed while this was being read. Please try again.")
}

// stampFilter matches the stamp of setID.
func stampFilter(setID string) bson.D {
	return ofKind(bson.D{{Key: "_id", Value: setID}}, kindStamp)
}

// stampSet raises the stamp of setID to version (never lowers it): before
// a save of the set, so that no read checks a remembered set against a
// stamp the save has not raised. Only stores that remember sets stamp them.
func (s *Store) stampSet(ctx context.Context, setID string, version int64) error {
	if s.known == nil {
		return nil
	}
	if s.ferret {
		// FerretDB's upsert is not atomic; this process is its only writer.
		defer s.lockDoc(collSessions, setID)()
	}
	update := stampUpsert(setID, "version", version)
	for try := 0; ; try++ {
		_, err := s.db.Collection(collSessions).UpdateOne(ctx, bson.D{{Key: "_id", Value: setID}}, update, options.UpdateOne().SetUpsert(true))
		if mongo.IsDuplicateKeyError(err) && try == 0 {
			continue // another replica's upsert created it first: now an update
		}
		return mapErr(err, "stamp set")
	}
}

// stampUpsert raises field (the version, or the commitment counter) of
// setID's stamp to v, never lowering it, creating the stamp if need be.
func stampUpsert(setID, field string, v any) bson.D {
	return bson.D{
		{Key: "$max", Value: bson.D{{Key: field, Value: v}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "kind", Value: kindStamp}, {Key: "set_id", Value: setID}}},
	}
}

// aheadGap is a stamp seen ahead of a set: stamp, and the set's version
// on the server (-1 until a read of the set has told) since when.
type aheadGap struct {
	stamp, version int64
	since          time.Time
}

// aheadHealAfter is how long a replica must see the same gap between a
// set and its stamp before it heals it: far longer than a live writer takes
// from raising the stamp to saving the set (milliseconds).
const aheadHealAfter = 5 * time.Second

// stampAhead notes that setID's stamp was seen at stamp, ahead of the set.
func (s *Store) stampAhead(setID string, stamp int64) {
	s.aheadMu.Lock()
	defer s.aheadMu.Unlock()
	if g, ok := s.ahead[setID]; ok && g.stamp >= stamp {
		return
	}
	if s.ahead == nil {
		s.ahead = map[string]aheadGap{}
	}
	s.ahead[setID] = aheadGap{stamp: stamp, version: -1}
}

// healAhead runs after set was read from the server. When its stamp has
// been ahead of this very version for aheadHealAfter, a writer died between
// raising the stamp and saving: the set is saved unchanged at the stamp's
// version (a compare-and-set, so a live writer's save wins or is refused
// and retried), and its reads are checked in one round trip again.
func (s *Store) healAhead(ctx context.Context, set *bot.Set) {
	if s.known == nil {
		return
	}
	s.aheadMu.Lock()
	g, ok := s.ahead[set.ID]
	now := time.Now()
	switch {
	case !ok:
		s.aheadMu.Unlock()
		return
	case g.stamp <= set.Version:
		delete(s.ahead, set.ID)
		s.aheadMu.Unlock()
		return
	case g.version != set.Version:
		s.ahead[set.ID] = aheadGap{stamp: g.stamp, version: set.Version, since: now}
		s.aheadMu.Unlock()
		return
	case now.Sub(g.since) < s.healAfter:
		s.aheadMu.Unlock()
		return
	}
	delete(s.ahead, set.ID)
	s.aheadMu.Unlock()
	healed := *set
	healed.Version = g.stamp
	err := s.replace(ctx, collSets, "set", set.ID, set.Version, &healed)
	if err != nil {
		s.log.InfoContext(ctx, "set not healed", "component", "store", "set", set.ID, "err", err)
		return
	}
	s.log.WarnContext(ctx, "healed a set whose stamp was ahead (a save that did not finish)", "component", "store", "set", set.ID, "version", g.stamp)
	*set = healed
	s.remember(set)
}

// setCreated remembers and stamps a set just created. Without a stamp
// (the write failed) the first read checks the set itself and stamps it.
func (s *Store) setCreated(ctx context.Context, set *bot.Set) {
	if s.known == nil {
		return
	}
	s.remember(set)
	if err := s.stampSet(ctx, set.ID, set.Version); err != nil {
		s.log.WarnContext(ctx, "could not stamp set", "component", "store", "set", set.ID, "err", err)
	}
}

// remember keeps set, just read from or written to the server (nothing on
// a store that does not remember sets: known is nil).
func (s *Store) remember(set *bot.Set) { s.known.put(cacheKey(collSets, set.ID), set) }
