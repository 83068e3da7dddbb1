package mongo

import (
	"context"
	"errors"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alsbot/alsbot/bot"
)

// A member's open commitments are a small document in the sessions
// collection (kind "open", setdocs.go), keyed "<set>/open/<member>": what `actions`,
// and every other read of "my open commitments", needs in one lookup by
// _id. The commitments collection stays the record (evaluation, export,
// privacy read it); these documents are derived from it and kept in step
// by the writes below. A missing or stale one is rebuilt from the
// commitments by the next read, so data from before this collection, and a
// document a failed write had to mark, heal by themselves.
//
// A caching store (the embedded one) keeps these documents in memory only:
// it is the only writer, so what it built from the commitments stays true
// while it updates it with every write, and the writes save a round trip.
//
// openKeys names the cache keys of these documents.
const openKeys = "open_commitments"

// openDoc is a member's open commitments, by short id.
//
// Rev counts the writes; Stale marks a document a write created or could
// not update, which the next read rebuilds. A rebuild replaces the document
// only when Rev is still what it read, so a write that came in meanwhile is
// never lost.
type openDoc struct {
	ID     string                     `bson:"_id"`
	Kind   string                     `bson:"kind"` // kindOpen
	SetID  string                     `bson:"set_id"`
	UserID string                     `bson:"user_id"`
	Open   map[string]*bot.Commitment `bson:"open"`
	Rev    int64                      `bson:"rev"`
	Stale  bool                       `bson:"stale,omitempty"`
}

func openID(setID, userID string) string { return setID + "/open/" + userID }

// commitmentDoc is a commitment as the sessions collection keeps it
// (kindCommitment, setdocs.go): beside its set's sessions and its member's
// open document, so that one find reads them all and one ordered update
// writes them all (issue 15).
type commitmentDoc struct {
	bot.Commitment `bson:",inline"`
	Kind           string `bson:"kind"`
}

// commitmentRecord is c as stored.
func commitmentRecord(c *bot.Commitment) *commitmentDoc {
	doc := &commitmentDoc{Commitment: *c, Kind: kindCommitment}
	if doc.Reports == nil {
		// A nil slice is stored as null, and $push (AddReport) fails on null.
		doc.Reports = []bot.Report{}
	}
	return doc
}

// commitmentFilter matches commitment id.
func commitmentFilter(id string) bson.D {
	return ofKind(bson.D{{Key: "_id", Value: id}}, kindCommitment)
}

// openField is the field path of one commitment in an openDoc, or "" when
// the short id cannot be a field name (then the document is dropped instead
// of updated; the next read rebuilds it).
func openField(shortID string) string {
	if shortID == "" || strings.ContainsAny(shortID, ".$\x00") {
		return ""
	}
	return "open." + shortID
}

// CreateCommitment stores a new commitment; EEXISTS when its id is taken.
// Two round trips: the commitment, then its member's open document.
func (s *Store) CreateCommitment(ctx context.Context, c *bot.Commitment) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	scopeOf(ctx, c.SetID).commitmentsWritten()
	rec := commitmentRecord(c)
	doc := rec.Commitment
	err := s.insert(ctx, collSessions, "commitment", rec)
	if bot.ErrorCode(err) != bot.EEXISTS {
		s.cache.drop(commitmentsKey(doc.SetID))
	}
	if err != nil {
		if bot.ErrorCode(err) != bot.EEXISTS {
			s.cache.drop(cacheKey(collSessions, doc.ID)) // it may have landed
		}
		return err
	}
	// Cached as what a read gives (the cache keeps one type per key).
	s.cache.put(cacheKey(collSessions, doc.ID), &doc)
	if doc.Status != bot.CommitmentOpen {
		return nil
	}
	if s.cache != nil {
		s.updateCachedOpen(&doc)
		return nil
	}
	s.syncOpen(ctx, &doc, bson.D{
		{Key: "$set", Value: bson.D{{Key: openField(doc.ShortID), Value: &doc}}},
	})
	return nil
}

// GetCommitment reads commitment id.
func (s *Store) GetCommitment(ctx context.Context, id string) (*bot.Commitment, error) {
	if sc := commitmentScope(ctx, id); sc != nil && s.cache == nil {
		return s.getCommitmentChecked(ctx, sc, id)
	}
	var c bot.Commitment
	if err := s.getKind(ctx, collSessions, "commitment", id, kindCommitment, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// commitmentScope is the scope of ctx when commitment id is of its set.
func commitmentScope(ctx context.Context, id string) *readScope {
	sc, _ := ctx.Value(scopeKey{}).(*readScope)
	if sc == nil || !strings.HasPrefix(id, sc.setID+"/") {
		return nil
	}
	return sc
}

// getCommitmentChecked reads commitment id in the command of sc, with the
// set when it is not checked yet and the caller's open
// document, in one find; the commitment is kept for a report on it
// (AddReport).
func (s *Store) getCommitmentChecked(ctx context.Context, sc *readScope, id string) (*bot.Commitment, error) {
	either := bson.A{commitmentFilter(id)}
	if checkable(ctx, sc.setID) != nil {
		either = append(either, setFilter(sc.setID))
	}
	open := ""
	if _, kept := sc.keptOpen(openID(sc.setID, sc.actor)); sc.actor != "" && !kept {
		open = openID(sc.setID, sc.actor)
		either = append(either, ofKind(bson.D{{Key: "_id", Value: open}}, kindOpen))
	}
	docs, err := s.findSetDocs(ctx, bson.D{{Key: "$or", Value: either}}, "read commitment")
	if err != nil {
		return nil, err
	}
	if err := s.checkRead(checkable(ctx, sc.setID), docs); err != nil {
		return nil, err
	}
	if open != "" {
		sc.keepOpen(open, docs.opens[open])
	}
	i := slices.IndexFunc(docs.commitments, func(c *bot.Commitment) bool { return c.ID == id })
	if i < 0 {
		return nil, notFound("commitment")
	}
	sc.keepCommitment(docs.commitments[i])
	c := *docs.commitments[i]
	return &c, nil
}

// ListCommitments returns a set's commitments (of userID when not empty, open
// ones only when openOnly), by creation then id. One member's open ones come
// from their open document.
func (s *Store) ListCommitments(ctx context.Context, setID, userID string, openOnly bool) ([]*bot.Commitment, error) {
	if userID != "" && openOnly {
		return s.openCommitments(ctx, setID, userID)
	}
	return s.commitmentsOf(ctx, setID, userID, openOnly)
}

// commitmentsOf is ListCommitments from the commitments themselves: those a
// read of this command brought (ListSessions, for a write), or a query.
func (s *Store) commitmentsOf(ctx context.Context, setID, userID string, openOnly bool) ([]*bot.Commitment, error) {
	if all, ok := scopeOf(ctx, setID).keptAll(); ok {
		out := selectCommitments(all, userID, openOnly)
		for i, c := range out {
			cp := *c // the kept ones stay as read
			out[i] = &cp
		}
		return out, nil
	}
	return s.queryCommitments(ctx, setID, userID, openOnly)
}

func (s *Store) queryCommitments(ctx context.Context, setID, userID string, openOnly bool) ([]*bot.Commitment, error) {
	if s.cache != nil {
		return s.cachedCommitments(ctx, setID, userID, openOnly)
	}
	filter := bson.D{{Key: "set_id", Value: setID}, {Key: "kind", Value: kindCommitment}}
	if userID != "" {
		filter = append(filter, bson.E{Key: "user_id", Value: userID})
	}
	if openOnly {
		filter = append(filter, bson.E{Key: "status", Value: bot.CommitmentOpen})
	}
	return list[bot.Commitment](ctx, s.db.Collection(collSessions), filter,
		bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}, "list commitments")
}

// commitmentList is a set's commitments as the cache keeps them.
type commitmentList struct {
	L []*bot.Commitment `bson:"l"`
}

// commitmentsKey is the cache key of a set's commitments: every write of
// one of them drops it (the digest, the scheduler's nudges and the
// evaluation read it whole).
func commitmentsKey(setID string) string { return cacheKey("commitments-of", setID) }

// cachedCommitments answers from the set's cached commitments, reading them
// all once when they are not cached; the filter keeps their order.
func (s *Store) cachedCommitments(ctx context.Context, setID, userID string, openOnly bool) ([]*bot.Commitment, error) {
	key := commitmentsKey(setID)
	var l commitmentList
	if !s.cache.get(key, &l) {
		t := s.cache.ticket()
		all, err := list[bot.Commitment](ctx, s.db.Collection(collSessions), ofKind(bson.D{{Key: "set_id", Value: setID}}, kindCommitment),
			bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}, "list commitments")
		if err != nil {
			return nil, err
		}
		l.L = all
		if raw, err := bson.Marshal(&l); err == nil {
			s.cache.fill(key, t, &commitmentList{}, raw)
		}
	}
	return selectCommitments(l.L, userID, openOnly), nil
}

// selectCommitments keeps those of cs that are userID's (any user's when
// empty) and, when openOnly, open; in their order.
func selectCommitments(cs []*bot.Commitment, userID string, openOnly bool) []*bot.Commitment {
	var out []*bot.Commitment
	for _, c := range cs {
		if (userID == "" || c.UserID == userID) && (!openOnly || c.Status == bot.CommitmentOpen) {
			out = append(out, c)
		}
	}
	return out
}

// openCommitments reads a member's open document (from the cache when it
// can), rebuilding it from the commitments when it is missing or stale.
func (s *Store) openCommitments(ctx context.Context, setID, userID string) ([]*bot.Commitment, error) {
	id := openID(setID, userID)
	key := cacheKey(openKeys, id)
	var d openDoc
	if s.cache.get(key, &d) {
		return sortedOpen(d.Open), nil
	}
	t := s.cache.ticket()
	if s.cache != nil {
		cs, err := s.queryCommitments(ctx, setID, userID, true)
		if err != nil {
			return nil, err
		}
		d = openDoc{ID: id, SetID: setID, UserID: userID, Open: map[string]*bot.Commitment{}}
		for _, c := range cs {
			d.Open[c.ShortID] = c
		}
		if raw, err := bson.Marshal(&d); err == nil {
			s.cache.fill(key, t, &openDoc{}, raw)
		}
		return cs, nil
	}
	// One find: the member's document and, when the set the command was
	// checked against is remembered, the set's version (setcheck.go).
	coll := s.db.Collection(collSessions)
	raw, found := scopeOf(ctx, setID).keptOpen(id) // an earlier read of this command brought it
	if !found {
		ids := bson.A{id}
		sc := checkable(ctx, setID)
		if sc != nil {
			ids = append(ids, setID)
		}
		docs, err := s.findSetDocs(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, "read open commitments")
		if err != nil {
			return nil, err
		}
		if err := s.checkRead(sc, docs); err != nil {
			return nil, err
		}
		raw = docs.opens[id]
	}
	found = raw != nil
	missing := !found
	if found {
		if err := bson.Unmarshal(raw, &d); err != nil {
			return nil, mapErr(err, "read open commitments")
		}
		if !d.Stale {
			s.cache.fill(key, t, &openDoc{}, raw)
			return sortedOpen(d.Open), nil
		}
	}

	scopeOf(ctx, setID).forgetOpen(id)
	cs, err := s.commitmentsOf(ctx, setID, userID, true)
	if err != nil {
		return nil, err
	}
	fresh := openDoc{ID: id, Kind: kindOpen, SetID: setID, UserID: userID, Open: map[string]*bot.Commitment{}, Rev: d.Rev + 1}
	for _, c := range cs {
		if openField(c.ShortID) == "" {
			// Not storable by short id: keep answering from the query.
			return cs, nil
		}
		fresh.Open[c.ShortID] = c
	}
	// A write since the read wins: an insert of a missing document fails on
	// the one the write created, a replace of a stale one on its Rev. Then
	// the answer is the query's, and the next read tries again.
	stored := false
	if missing {
		_, err = coll.InsertOne(ctx, &fresh)
		stored = err == nil
		if mongo.IsDuplicateKeyError(err) {
			err = nil
		}
	} else {
		unlock := s.lockDoc(collSessions, id)
		var res *mongo.UpdateResult
		res, err = coll.ReplaceOne(ctx, ofKind(bson.D{{Key: "_id", Value: id}, {Key: "rev", Value: d.Rev}}, kindOpen), &fresh)
		stored = err == nil && res.MatchedCount == 1
		unlock()
	}
	if err != nil {
		s.log.WarnContext(ctx, "could not store open commitments", "component", "store", "set", setID, "err", err)
	}
	if stored {
		if raw, merr := bson.Marshal(&fresh); merr == nil {
			s.cache.fill(key, t, &openDoc{}, raw)
		}
	}
	return cs, nil
}

func sortedOpen(m map[string]*bot.Commitment) []*bot.Commitment {
	out := make([]*bot.Commitment, 0, len(m))
	for _, c := range m {
		out = append(out, c)
	}
	sortCommitments(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// AddReport appends r to commitment id and sets its status, in one write,
// then brings its member's open document in step: two round trips.
func (s *Store) AddReport(ctx context.Context, id string, r bot.Report, status bot.CommitmentStatus) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	if c := commitmentScope(ctx, id).keptCommitment(id); c != nil && s.known != nil {
		return s.reportWithOpen(ctx, c, r, status)
	}
	unlock := s.lockDoc(collSessions, id)
	filter, err := s.reportFilter(ctx, id) // versions.go
	if err != nil {
		unlock()
		return err
	}
	c, err := s.updateCommitment(ctx, id, filter, bson.D{
		{Key: "$push", Value: bson.D{{Key: "reports", Value: r}}},
		{Key: "$set", Value: bson.D{{Key: "status", Value: status}}},
	})
	unlock()
	if errors.Is(err, mongo.ErrNoDocuments) {
		if len(filter) > 1 {
			return conflict() // another report landed first: the handler tries again
		}
		return notFound("commitment")
	}
	if err != nil {
		return mapErr(err, "add report")
	}
	s.commitmentChanged(ctx, c)
	return nil
}

// updateCommitment applies update to commitment id where filter matches,
// under the caller's lockDoc, and keeps the cache in step: the new document
// and its set's list dropped; on a miss or an error the id and every set's
// list dropped. A miss is mongo.ErrNoDocuments.
func (s *Store) updateCommitment(ctx context.Context, id string, filter, update bson.D) (*bot.Commitment, error) {
	commitmentScope(ctx, id).commitmentsWritten()
	var c bot.Commitment
	err := s.db.Collection(collSessions).FindOneAndUpdate(ctx, ofKind(filter, kindCommitment), update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&c)
	if err != nil {
		s.cache.drop(cacheKey(collSessions, id))
		// The set is the id's prefix; drop every set's list rather than
		// parse it.
		s.cache.dropPrefix(commitmentsKey(""))
		return nil, err
	}
	s.cache.put(cacheKey(collSessions, id), &c)
	s.cache.drop(commitmentsKey(c.SetID))
	return &c, nil
}

// commitmentChanged brings the open commitments of c's member in step with
// c, just written: kept (updated) while open, removed otherwise.
func (s *Store) commitmentChanged(ctx context.Context, c *bot.Commitment) {
	if s.cache != nil {
		s.updateCachedOpen(c)
		return
	}
	update := bson.D{{Key: "$unset", Value: bson.D{{Key: openField(c.ShortID), Value: ""}}}}
	if c.Status == bot.CommitmentOpen {
		update = bson.D{{Key: "$set", Value: bson.D{{Key: openField(c.ShortID), Value: c}}}}
	}
	s.syncOpen(ctx, c, update)
}

// syncOpen applies update to the open document of c's member (one round
// trip) and drops the cached copy. A missing document is created marked
// stale, so the next read rebuilds it whole. The commitment itself is
// already stored: when this write fails, the document is marked stale
// instead, and a failure to do even that is logged (the member would miss
// the change in `actions` until the document is next rebuilt).
func (s *Store) syncOpen(ctx context.Context, c *bot.Commitment, update bson.D) {
	id := openID(c.SetID, c.UserID)
	scopeOf(ctx, c.SetID).forgetOpen(id)
	coll := s.db.Collection(collSessions)
	defer s.lockDoc(collSessions, id)()
	defer s.cache.drop(cacheKey(openKeys, id))
	upsert := options.UpdateOne().SetUpsert(true)
	if openField(c.ShortID) != "" {
		_, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, openUpsert(c, update), upsert)
		if err == nil {
			return
		}
		s.log.WarnContext(ctx, "could not update open commitments; marking them stale", "component", "store", "set", c.SetID, "err", err)
	}
	mark := bson.D{{Key: "$set", Value: openFields(c)}, {Key: "$inc", Value: bson.D{{Key: "rev", Value: 1}}}}
	if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, mark, upsert); err != nil {
		s.log.ErrorContext(ctx, "could not mark open commitments stale", "component", "store", "set", c.SetID, "err", err)
	}
}

// openUpsert is update of c's member's open document as an upsert: a
// document it creates is marked stale (the next read rebuilds it whole),
// and every write counts in rev.
func openUpsert(c *bot.Commitment, update bson.D) bson.D {
	return append(slices.Clone(update),
		bson.E{Key: "$setOnInsert", Value: openFields(c)},
		bson.E{Key: "$inc", Value: bson.D{{Key: "rev", Value: 1}}})
}

// openFields are the fields of a stale open document of c's member.
func openFields(c *bot.Commitment) bson.D {
	return bson.D{{Key: "kind", Value: kindOpen}, {Key: "set_id", Value: c.SetID}, {Key: "user_id", Value: c.UserID}, {Key: "stale", Value: true}}
}

// updateCachedOpen brings the cached open commitments of c's member in
// step with c, just written: added or replaced while open, removed when not.
// When they are not cached the next read builds them from the commitments
// (and the drop fences off a read already under way).
func (s *Store) updateCachedOpen(c *bot.Commitment) {
	id := openID(c.SetID, c.UserID)
	key := cacheKey(openKeys, id)
	defer s.lockDoc(collSessions, id)()
	var d openDoc
	if !s.cache.get(key, &d) {
		s.cache.drop(key)
		return
	}
	if d.Open == nil {
		d.Open = map[string]*bot.Commitment{}
	}
	if c.Status == bot.CommitmentOpen {
		d.Open[c.ShortID] = c
	} else {
		delete(d.Open, c.ShortID)
	}
	s.cache.put(key, &d)
}

// dropOpen deletes the open documents of a set (every member when userID is
// empty) after its commitments were rewritten in bulk; reads rebuild them.
func (s *Store) dropOpen(ctx context.Context, setID, userID string) error {
	filter := bson.D{{Key: "set_id", Value: setID}}
	if userID != "" {
		filter = bson.D{{Key: "_id", Value: openID(setID, userID)}}
	}
	_, err := s.db.Collection(collSessions).DeleteMany(ctx, ofKind(filter, kindOpen))
	s.cache.dropPrefix(cacheKey(openKeys, setID+"/"))
	return mapErr(err, "drop open commitments of "+setID)
}

// sortCommitments orders commitments as the store lists them: by creation,
// then id.
func sortCommitments(cs []*bot.Commitment) {
	slices.SortFunc(cs, func(a, b *bot.Commitment) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
