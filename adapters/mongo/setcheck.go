package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/bot"
)

// A store that is not the only writer of its sets (MongoDB, several
// replicas) cannot cache them, yet every command needs its set. So it
// remembers the sets it read or wrote (Store.known), and a command runs on
// the remembered set and checks it in the same round trip as the read it
// does anyway (issue 15: one round trip for a read):
//
//   - the set is a document of the sessions collection (setdoc.go), keyed
//     by its id and carrying set_id like every document of the set, so a
//     find of the set's documents can bring it with them;
//   - BeginRead gives the remembered set and a context carrying it;
//   - a read of the sessions collection made under that context (a
//     session, the sessions, a member's open commitments) fetches the set
//     with its documents, and a set at another version than the remembered
//     one makes it a stale error: the router runs the command again on the
//     set the read brought (remembered now), as it does after a lost
//     versioned save;
//   - EndRead reads the set when no read did (one more round trip).
//
// The set's version and the documents are read by one find, so a read that
// finds the set at the remembered version ran before any later save of the
// set was stored: the remembered set was current when the read's documents
// were read. A member's own write is seen by their next command on any
// replica: the save raised the version.
//
// Writes run on the remembered set too, under the router's per-set lock
// (so no write of this process is missed), and are checked before they
// write: every write method of the store calls beforeWrite, which checks
// the set unless a read of the command already has (most writes read the
// set's documents first, and that read brings the set). A stale set is
// found before anything was written, so running the command again is safe.

// BeginRead implements bot.ReadChecker: the remembered set id, if any,
// and the context a command by actorID runs under; EndRead checks it.
func (s *Store) BeginRead(ctx context.Context, setID, actorID string, writes bool) (*bot.Set, context.Context, bool) {
	if s.known == nil {
		return nil, ctx, false
	}
	var set bot.Set
	if !s.known.get(knownKey(setID), &set) {
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

// verify checks sc against the stored set (one round trip) unless a read
// did.
func (s *Store) verify(ctx context.Context, sc *readScope) error {
	sc.mu.Lock()
	state := sc.state
	sc.mu.Unlock()
	if state == scopeChecked {
		return nil
	}
	set, err := s.GetSet(ctx, sc.setID)
	if err != nil {
		return err
	}
	if set.Version != sc.version {
		return staleRead()
	}
	sc.mu.Lock()
	sc.state, sc.seq = scopeChecked, set.CommitSeq
	sc.mu.Unlock()
	return nil
}

// checkable is the read scope of ctx when it is about setID and not yet
// checked: then a read of setID's documents fetches the set too.
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

// checkRead compares the set docs brought (if any) with the remembered
// version of sc (nil: nothing to check). A set at another version is
// remembered, and the read is stale: the command runs again on it.
func (s *Store) checkRead(sc *readScope, docs *setDocs) error {
	if sc == nil {
		return nil
	}
	set := docs.sets[sc.setID]
	sc.mu.Lock()
	defer sc.mu.Unlock()
	switch {
	case set == nil:
		// Not brought (gone, or a find that could not name it): EndRead
		// reads it.
	case set.Version == sc.version:
		sc.state, sc.seq = scopeChecked, set.CommitSeq
	default:
		s.remember(set)
		return staleRead()
	}
	return nil
}

func staleRead() error {
	return staleError("The set changed while this was being read. Please try again.")
}

// setFilter matches the set document of setID.
func setFilter(setID string) bson.D {
	return ofKind(bson.D{{Key: "_id", Value: setID}}, kindSet)
}

// remember keeps set, just read from or written to the server (nothing on
// a store that does not remember sets: known is nil).
func (s *Store) remember(set *bot.Set) { s.known.put(knownKey(set.ID), set) }

// knownKey is the key of set id in Store.known.
func knownKey(id string) string { return cacheKey(kindSet, id) }
