package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alsbot/alsbot/bot"
)

// conflict is a versioned save that lost to a concurrent one (Stale: the
// handlers apply the command again to fresh data before showing it).
func conflict() *bot.Error {
	return staleError("Someone else changed this at the same moment; nothing was changed. Please try again.")
}

// staleError is an ECONFLICT the router answers by applying the command
// again to fresh data (bot.IsStale).
func staleError(msg string) *bot.Error {
	e := bot.Errorf(bot.ECONFLICT, "%s", msg)
	e.Stale = true
	return e
}

func notFound(what string) *bot.Error {
	return bot.Errorf(bot.ENOTFOUND, "That %s does not exist (any more).", what)
}

func exists(what string) *bot.Error {
	return bot.Errorf(bot.EEXISTS, "That %s already exists.", what)
}

// insert adds doc; a taken _id is EEXISTS naming what.
func (s *Store) insert(ctx context.Context, coll, what string, doc any) error {
	_, err := s.db.Collection(coll).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		return exists(what)
	}
	return mapErr(err, "create "+what)
}

// get reads document id into out; a missing one is ENOTFOUND naming what.
// Documents of the collections this file writes (cached) are served from
// memory when the cache has them; every other collection's are read from
// the server, since their writes (e.g. revoking calendar tokens) do not
// tell the cache.
func (s *Store) get(ctx context.Context, coll, what, id string, out any) error {
	return s.getKind(ctx, coll, what, id, "", out)
}

// getKind is get of a document that must be of kind (any when empty; the
// sessions collection holds several). It reads by _id alone, which FerretDB looks up
// without a scan, and checks the kind here: an id from a forged button
// could name a document of another kind.
func (s *Store) getKind(ctx context.Context, coll, what, id, kind string, out any) error {
	cached := cachedCollection(coll)
	key := cacheKey(coll, id)
	if cached && s.cache.get(key, out) {
		return nil
	}
	t := s.cache.ticket()
	raw, err := s.db.Collection(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return notFound(what)
	}
	if err != nil {
		return mapErr(err, "read "+what)
	}
	if got, _ := raw.Lookup("kind").StringValueOK(); kind != "" && got != kind {
		return notFound(what)
	}
	if err := bson.Unmarshal(raw, out); err != nil {
		return mapErr(err, "read "+what)
	}
	if cached {
		s.cache.fill(key, t, out, raw)
	}
	return nil
}

// getDoc reads document id of coll as a new T (see get).
func getDoc[T any](ctx context.Context, s *Store, coll, what, id string) (*T, error) {
	var doc T
	if err := s.get(ctx, coll, what, id, &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// cachedCollection reports whether the cache may keep documents of coll:
// only those whose every write goes through this package's cache-aware
// methods (the sessions collection: sets, sessions, and the documents
// beside them).
func cachedCollection(coll string) bool {
	switch coll {
	case collSessions:
		return true
	}
	return false
}

// insertCached is insert for a document the cache may keep: doc is cached
// once the server has it.
func (s *Store) insertCached(ctx context.Context, coll, what, id string, doc any) error {
	key := cacheKey(coll, id)
	err := s.insert(ctx, coll, what, doc)
	if !cachedCollection(coll) {
		return err
	}
	switch {
	case err == nil:
		s.cache.put(key, doc)
	case bot.ErrorCode(err) != bot.EEXISTS:
		// The write may have landed: forget what is cached.
		s.cache.drop(key)
	}
	return err
}

// replace writes doc over document id when its stored version is version.
// The caller's copy has Version+1 already. MongoDB makes this a
// compare-and-set. On a FerretDB this process serves, lockDoc does (every
// writer is here); on one shared with other processes the claim of the new
// version does (versions.go), and lockDoc spares this process's writers the
// claims they would lose to each other.
//
// saved, when given, runs after a successful write while the document's
// lock is still held, so that caches derived from it (a set's list of
// sessions) take one document's writes in order.
func (s *Store) replace(ctx context.Context, coll, what, id string, version int64, doc any, saved ...func()) error {
	return s.saveVersioned(ctx, coll, what, id, version, doc, func(ctx context.Context, filter bson.D) (*mongo.UpdateResult, error) {
		return s.db.Collection(coll).ReplaceOne(ctx, filter, doc)
	}, saved...)
}

// saveVersioned is replace with the write given: write stores the new
// version where filter matches, and doc is what the cache keeps.
func (s *Store) saveVersioned(ctx context.Context, coll, what, id string, version int64, doc any, write func(context.Context, bson.D) (*mongo.UpdateResult, error), saved ...func()) error {
	c := s.db.Collection(coll)
	key := cacheKey(coll, id)
	unlock := s.lockDoc(coll, id)
	wctx := ctx
	if s.sharedFerret {
		if err := s.claimVersion(ctx, coll, what, id, version); err != nil {
			unlock()
			return err
		}
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, versionWriteWithin)
		defer cancel()
	}
	res, err := write(wctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}})
	// Under the document's lock, so that the cache takes the writes of one
	// document in the order the server did.
	if cachedCollection(coll) {
		if err == nil && res.MatchedCount == 1 {
			s.cache.put(key, doc)
			for _, f := range saved {
				f()
			}
		} else {
			s.cache.drop(key)
		}
	}
	unlock()
	if err != nil {
		return mapErr(err, "save "+what)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	// Only on failure: tell a stale version from a deleted document.
	err = c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return notFound(what)
	case err != nil:
		return mapErr(err, "save "+what)
	default:
		return conflict()
	}
}

// list decodes every document matching filter, in sort order.
func list[T any](ctx context.Context, c *mongo.Collection, filter, sort bson.D, doing string) ([]*T, error) {
	return findAll[T](ctx, c, filter, options.Find().SetSort(sort), doing)
}

// findAll decodes every document a find with opts returns.
func findAll[T any](ctx context.Context, c *mongo.Collection, filter bson.D, opts *options.FindOptionsBuilder, doing string) ([]*T, error) {
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return nil, mapErr(err, doing)
	}
	var out []*T
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, doing)
	}
	return out, nil
}

// where adds key = v to filter unless v is empty, which matches any value.
func where[V ~string](filter bson.D, key string, v V) bson.D {
	if v == "" {
		return filter
	}
	return append(filter, bson.E{Key: key, Value: v})
}

// CreateSession stores a new session; EEXISTS when its id is taken.
func (s *Store) CreateSession(ctx context.Context, sess *bot.Session) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	defer s.lockDoc(collSessions, sess.ID)()
	doc := sessionDoc(sess)
	err := s.insertCached(ctx, collSessions, "session", sess.ID, doc)
	switch {
	case err == nil:
		s.sessionSaved(doc)
	case bot.ErrorCode(err) != bot.EEXISTS:
		s.cache.drop(sessionsKey(sess.SetID))
	}
	return err
}

// sessionSaved brings the cached list of the set's sessions in step with
// sess, just written (under its document's lock): replaced or added, in
// number order. When the list is not cached the drop fences off a read of
// it already under way.
func (s *Store) sessionSaved(sess *bot.Session) {
	if s.cache == nil {
		return
	}
	key := sessionsKey(sess.SetID)
	s.cache.listMu.Lock()
	defer s.cache.listMu.Unlock()
	var l sessionList
	if !s.cache.get(key, &l) {
		s.cache.drop(key)
		return
	}
	i := slices.IndexFunc(l.L, func(x *bot.Session) bool { return x.ID == sess.ID })
	if i >= 0 {
		l.L[i] = sess
	} else {
		l.L = append(l.L, sess)
	}
	slices.SortStableFunc(l.L, func(a, b *bot.Session) int { return a.Number - b.Number })
	s.cache.put(key, &l)
}

// GetSession reads session id with its check-ins and bids (attendance.go):
// one round trip (setdocs.go), none on a caching store once cached.
func (s *Store) GetSession(ctx context.Context, id string) (*bot.Session, error) {
	if s.cache == nil {
		setID := setOfSession(id)
		either := bson.A{bson.D{{Key: "_id", Value: id}}, ofKind(bson.D{{Key: "session_id", Value: id}}, kindPresence)}
		sc := checkable(ctx, setID)
		if sc != nil {
			either = append(either, setFilter(setID))
		}
		docs, err := s.findSetDocs(ctx, bson.D{{Key: "$or", Value: either}}, "read session")
		if err != nil {
			return nil, err
		}
		if err := s.checkRead(sc, docs); err != nil {
			return nil, err
		}
		i := slices.IndexFunc(docs.sessions, func(x *bot.Session) bool { return x.ID == id })
		if i < 0 {
			return nil, notFound("session")
		}
		withAttendance(docs.sessions[i:i+1], docs.presences)
		here := make([]string, 0, len(docs.sessions[i].Attendees))
		for _, a := range docs.sessions[i].Attendees {
			here = append(here, a.UserID)
		}
		scopeOf(ctx, setID).keepHere(id, here)
		return docs.sessions[i], nil
	}
	var sess bot.Session
	if err := s.get(ctx, collSessions, "session", id, &sess); err != nil {
		return nil, err
	}
	ps, err := s.presencesOf(ctx, sess.SetID, id)
	if err != nil {
		return nil, err
	}
	withAttendance([]*bot.Session{&sess}, ps)
	return &sess, nil
}

// ListSessions returns a set's sessions by number, with their check-ins
// and bids: one round trip (setdocs.go), none on a caching store once
// cached.
func (s *Store) ListSessions(ctx context.Context, setID string) ([]*bot.Session, error) {
	if s.cache == nil {
		filter := sessionsAndPresences(bson.D{{Key: "set_id", Value: setID}})
		sc := checkable(ctx, setID)
		var open string
		if sc != nil {
			// The set's document has its set_id too; and the caller's open
			// commitments come along, for a write that reads them next
			// (commit's check for a repeat), and for a write the set's
			// commitments (session start's report-back).
			filter = bson.D{{Key: "set_id", Value: setID}, {Key: "kind", Value: bson.D{{Key: "$nin", Value: bson.A{kindOpen, kindCommitment}}}}}
			if sc.writes {
				filter = bson.D{{Key: "set_id", Value: setID}, {Key: "kind", Value: bson.D{{Key: "$ne", Value: kindOpen}}}}
			}
			if sc.actor != "" {
				open = openID(setID, sc.actor)
				filter = bson.D{{Key: "$or", Value: bson.A{filter, bson.D{{Key: "_id", Value: open}}}}}
			}
		}
		docs, err := s.findSetDocs(ctx, filter, "list sessions")
		if err != nil {
			return nil, err
		}
		if err := s.checkRead(sc, docs); err != nil {
			return nil, err
		}
		if open != "" {
			sc.keepOpen(open, docs.opens[open])
		}
		if sc != nil && sc.writes {
			sortCommitments(docs.commitments)
			sc.keepAll(docs.commitments)
		}
		withAttendance(docs.sessions, docs.presences)
		return docs.sessions, nil
	}
	key := sessionsKey(setID)
	var out []*bot.Session
	var cached sessionList
	if s.cache.get(key, &cached) {
		out = cached.L
	} else {
		t := s.cache.ticket()
		var err error
		out, err = list[bot.Session](ctx, s.db.Collection(collSessions), onlySessions(bson.D{{Key: "set_id", Value: setID}}),
			bson.D{{Key: "number", Value: 1}}, "list sessions")
		if err != nil {
			return nil, err
		}
		if raw, merr := bson.Marshal(sessionList{L: out}); merr == nil {
			s.cache.fill(key, t, &sessionList{}, raw)
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	// Check-ins and bids are their own documents (cached apart).
	ps, err := s.presencesOf(ctx, setID, "")
	if err != nil {
		return nil, err
	}
	withAttendance(out, ps)
	return out, nil
}

// sessionList is a set's sessions as the cache keeps them (a BSON document
// cannot be an array).
type sessionList struct {
	L []*bot.Session `bson:"l"`
}

// sessionsKey is the cache key of a set's list of sessions: every write of
// one of its sessions drops it.
func sessionsKey(setID string) string { return cacheKey(collSessions+"-of", setID) }

// SaveSession is SaveSet for sessions. Check-ins and bids read from their
// own documents are not written into the session document.
func (s *Store) SaveSession(ctx context.Context, sess *bot.Session) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	doc := sessionDoc(sess)
	doc.Version++
	err := s.replace(ctx, collSessions, "session", sess.ID, sess.Version, doc, func() { s.sessionSaved(doc) })
	if err != nil {
		s.cache.drop(sessionsKey(sess.SetID))
		return err
	}
	sess.Version = doc.Version
	return nil
}

// claim is the document that records a won claim.
type claim struct {
	Key string    `bson:"_id"`
	At  time.Time `bson:"at"`
}

// Claim records key once: the first caller (in any replica) wins, every
// later one gets false. It inserts into the _id index, which is atomic on
// MongoDB and FerretDB alike (a conditional update is not, on FerretDB).
func (s *Store) Claim(ctx context.Context, key string) (bool, error) {
	if err := s.beforeWrite(ctx); err != nil {
		return false, err
	}
	return s.insertClaim(ctx, collClaims, claim{Key: key, At: time.Now().UTC()}, fmt.Sprintf("claim %q", key))
}

// insertClaim inserts doc into the _id index of coll: true for the first
// inserter of its id, false for every later one.
func (s *Store) insertClaim(ctx context.Context, coll string, doc any, doing string) (bool, error) {
	_, err := s.db.Collection(coll).InsertOne(ctx, doc)
	switch {
	case err == nil:
		return true, nil
	case mongo.IsDuplicateKeyError(err):
		return false, nil
	default:
		return false, mapErr(err, doing)
	}
}

// DeleteClaimsBefore removes claims made before t and returns how many, so
// that a long-running deployment can keep the claims collection small. Only
// remove claims whose keys can no longer come again (e.g. Slack retries an
// event for minutes, not days).
func (s *Store) DeleteClaimsBefore(ctx context.Context, t time.Time) (int64, error) {
	if err := s.beforeWrite(ctx); err != nil {
		return 0, err
	}
	res, err := s.db.Collection(collClaims).DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: t}}}})
	if err != nil {
		return 0, mapErr(err, "delete old claims")
	}
	return res.DeletedCount, nil
}
