package mongo

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alsbot/alsbot/bot"
)

// A set is a document of the sessions collection (kindSet, keyed by its
// id, with set_id like every document of the set), so that a read of the
// set's documents brings the set's version with them (setcheck.go) and a
// command that changes a session and its set writes both in one ordered
// update (SaveSessionAndSet): issue 15, writes in two round trips.
//
// Its commit_seq is the set's commitment counter, which a commit raises
// ($max) without a save of the set (insertWithOpen). So a save of the set
// is an update, not a replacement: it sets every field the set has, unsets
// those it has not, and raises commit_seq, never lowering it.

// setDoc is a set as stored.
type setDoc struct {
	Kind    string `bson:"kind"`
	SetID   string `bson:"set_id"`
	bot.Set `bson:",inline"`
}

func newSetDoc(set *bot.Set) *setDoc { return &setDoc{Kind: kindSet, SetID: set.ID, Set: *set} }

// setFields are the top-level fields a stored set may have.
var setFields = sync.OnceValue(func() []string {
	var out []string
	t := reflect.TypeFor[bot.Set]()
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("bson"), ",")
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		if name != "-" {
			out = append(out, name)
		}
	}
	return out
})

// setUpdate is the update that stores set (at the version it holds) over
// the stored one, as a replacement would except for the commitment
// counter, which only rises.
func setUpdate(set *bot.Set) (bson.D, error) {
	raw, err := bson.Marshal(newSetDoc(set))
	if err != nil {
		return nil, err
	}
	var doc bson.D
	if err := bson.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	have := map[string]bool{}
	fields := bson.D{}
	for _, e := range doc {
		have[e.Key] = true
		if e.Key != "_id" && e.Key != "commit_seq" {
			fields = append(fields, e)
		}
	}
	update := bson.D{{Key: "$set", Value: fields}, {Key: "$max", Value: bson.D{{Key: "commit_seq", Value: set.CommitSeq}}}}
	var unset bson.D
	for _, name := range setFields() {
		if !have[name] {
			unset = append(unset, bson.E{Key: name, Value: ""})
		}
	}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	return update, nil
}

// setKey is the cache key of set id (a set's is in the sessions
// collection's key space: its id is no session's).
func setKey(id string) string { return cacheKey(collSessions, id) }

// CreateSet stores a new set; EEXISTS when its id is taken.
func (s *Store) CreateSet(ctx context.Context, set *bot.Set) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	_, err := s.db.Collection(collSessions).InsertOne(ctx, newSetDoc(set))
	switch {
	case mongo.IsDuplicateKeyError(err):
		return exists("set")
	case err != nil:
		s.cache.drop(setKey(set.ID)) // it may have landed
		return mapErr(err, "create set")
	}
	s.cache.put(setKey(set.ID), set)
	s.remember(set)
	return nil
}

// GetSet reads set id (and remembers it, setcheck.go).
func (s *Store) GetSet(ctx context.Context, id string) (*bot.Set, error) {
	var set bot.Set
	if err := s.getKind(ctx, collSessions, "set", id, kindSet, &set); err != nil {
		return nil, err
	}
	s.remember(&set)
	return &set, nil
}

// FindSets returns the sets of platform (any platform when empty) in which
// userID has any role (every set when userID is empty), by creation.
func (s *Store) FindSets(ctx context.Context, platform bot.Platform, userID string) ([]*bot.Set, error) {
	filter := bson.D{{Key: "kind", Value: kindSet}}
	if userID != "" {
		filter = append(filter, bson.E{Key: "people.user.id", Value: userID})
	}
	if platform != "" {
		filter = append(filter, bson.E{Key: "platform", Value: platform})
	}
	return list[bot.Set](ctx, s.db.Collection(collSessions), filter,
		bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}, "find sets")
}

// SaveSet writes set when the stored version equals set.Version and then
// increments set.Version; ECONFLICT on a stale version, ENOTFOUND when gone.
func (s *Store) SaveSet(ctx context.Context, set *bot.Set) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	doc := *set
	doc.Version++
	if before, ok := s.heldSet(set.ID, set.Version); ok {
		doc.CommitSeq = max(doc.CommitSeq, before.CommitSeq) // as the $max below stores it
	}
	update, err := setUpdate(&doc)
	if err != nil {
		return mapErr(err, "save set")
	}
	err = s.saveVersioned(ctx, collSessions, "set", set.ID, set.Version, &doc, func(ctx context.Context, filter bson.D) (*mongo.UpdateResult, error) {
		return s.db.Collection(collSessions).UpdateOne(ctx, filter, update)
	})
	if err != nil {
		s.known.drop(knownKey(set.ID))
		return err
	}
	s.remember(&doc)
	set.Version = doc.Version
	return nil
}

// SaveSessionAndSet implements bot.SessionStore: the session and then the
// set in one ordered update (writeWithSet).
func (s *Store) SaveSessionAndSet(ctx context.Context, sess *bot.Session, set *bot.Set) error {
	if s.sharedFerret {
		// Its versioned saves claim each version: one after the other.
		if err := s.SaveSession(ctx, sess); err != nil {
			return err
		}
		return setNotSaved(s.SaveSet(ctx, set))
	}
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	next := *set
	if err := s.writeWithSet(ctx, sess, false, &next); err != nil {
		return err
	}
	set.Version = next.Version
	return nil
}

// AddSessionAndSet implements bot.SessionStore: AddSession, numbered after
// set.SessionSeq, and the set changed by apply in the same ordered update.
func (s *Store) AddSessionAndSet(ctx context.Context, sess *bot.Session, set *bot.Set, apply func(*bot.Set)) error {
	if s.sharedFerret {
		if err := s.AddSession(ctx, sess, set.SessionSeq); err != nil {
			return err
		}
		apply(set)
		return setNotSaved(s.SaveSet(ctx, set))
	}
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	var saved bot.Set
	_, err := s.number(ctx, set.SessionSeq, func(n int) error {
		sess.Number, sess.ID = n, bot.SessionID(sess.SetID, n)
		saved = *set
		apply(&saved)
		return s.writeWithSet(ctx, sess, true, &saved)
	}, func() (int, error) { return s.highestSession(ctx, sess.SetID) })
	var notSaved *bot.SetNotSavedError
	switch {
	case err == nil:
		*set = saved
	case errors.As(err, &notSaved):
	default:
		return fmt.Errorf("add session to %s: %w", sess.SetID, err)
	}
	return err
}

// writeWithSet writes sess (inserted, or saved over the version read) and
// then set (saved over set.Version, which it raises) in one ordered
// update. The session's statement is an upsert whose filter matches only
// the session as read (none, for an insert), so a stale session, or a
// taken id, is an insert of a taken id: a duplicate key that stops the
// set's, and nothing is written (a stale conflict; EEXISTS for an insert).
// The set's statement matches only the set as read.
func (s *Store) writeWithSet(ctx context.Context, sess *bot.Session, insert bool, set *bot.Set) error {
	doc := sessionDoc(sess)
	filter := bson.D{{Key: "_id", Value: sess.ID}, {Key: "version", Value: sess.Version}}
	if insert {
		// Versions start at 0: matched by no stored session.
		filter = bson.D{{Key: "_id", Value: sess.ID}, {Key: "version", Value: bson.D{{Key: "$lt", Value: 0}}}}
	} else {
		doc.Version++
	}
	before, haveBefore := s.heldSet(set.ID, set.Version)
	if haveBefore {
		set.CommitSeq = max(set.CommitSeq, before.CommitSeq) // as the $max below stores it
	}
	from := set.Version
	set.Version++
	update, err := setUpdate(set)
	if err != nil {
		return mapErr(err, "save set")
	}
	sessKey := cacheKey(collSessions, sess.ID)
	// On FerretDB the compare-and-set and the upsert are not atomic; this
	// process is its only writer. The cache takes the writes under the
	// documents' locks, in the order the server did.
	unlock := s.lockDocs(collSessions, doc.ID, set.ID)
	res, err := s.db.Collection(collSessions).BulkWrite(ctx, []mongo.WriteModel{
		mongo.NewReplaceOneModel().SetUpsert(true).SetFilter(filter).SetReplacement(doc),
		mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: set.ID}, {Key: "version", Value: from}}).SetUpdate(update),
	}, options.BulkWrite().SetOrdered(true))
	// The session's statement matched or upserted (an insert, or a session
	// deleted meanwhile revived); the set's matched or not.
	upserted, setSaved := false, false
	if err == nil {
		upserted = upsertedID(res, sess.ID)
		setSaved = res.MatchedCount == 2 || upserted && res.MatchedCount == 1
	}
	revived := upserted && !insert
	if revived {
		// The session was deleted meanwhile (a new schedule replaced it):
		// deleted again before the locks go, so that no read fills the
		// cache with it in between.
		if _, derr := s.db.Collection(collSessions).DeleteOne(ctx, onlySessions(bson.D{{Key: "_id", Value: doc.ID}, {Key: "version", Value: doc.Version}})); derr != nil {
			s.log.ErrorContext(ctx, "could not remove a session a save inserted again", "component", "store", "set", set.ID, "err", derr)
		}
	}
	if err == nil && !revived {
		s.cache.put(sessKey, doc)
		s.sessionSaved(doc)
	} else {
		s.cache.drop(sessKey)
		s.cache.drop(sessionsKey(sess.SetID))
	}
	if setSaved && !revived {
		s.cache.put(setKey(set.ID), set)
	} else {
		s.cache.drop(setKey(set.ID))
	}
	unlock()
	var bwe mongo.BulkWriteException
	switch {
	case errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 && bwe.WriteErrors[0].Index == 0 && mongo.IsDuplicateKeyError(err):
		set.Version = from
		if insert {
			return exists("session")
		}
		return conflict()
	case err != nil:
		set.Version = from
		s.known.drop(knownKey(set.ID))
		return mapErr(err, "save session")
	case revived:
		// Deleted again above; the set is put back as it was.
		if setSaved {
			s.restoreSet(ctx, before, haveBefore, set.Version)
		}
		set.Version = from
		return notFound("session")
	}
	sess.Version = doc.Version
	if !setSaved {
		set.Version = from
		s.known.drop(knownKey(set.ID))
		return setNotSaved(conflict())
	}
	s.remember(set)
	return nil
}

// heldSet is the copy of set id at version that this store holds (cached,
// or remembered), if any.
func (s *Store) heldSet(id string, version int64) (*bot.Set, bool) {
	var held bot.Set
	ok := (s.known.get(knownKey(id), &held) || s.cache.get(setKey(id), &held)) && held.Version == version
	return &held, ok
}

// restoreSet saves before (the set as read, when have) over the set saved
// at version by a write whose session was gone.
func (s *Store) restoreSet(ctx context.Context, before *bot.Set, have bool, version int64) {
	if !have {
		s.log.ErrorContext(ctx, "a set was saved for a session deleted meanwhile and could not be put back", "component", "store")
		return
	}
	before.Version = version
	if err := s.SaveSet(ctx, before); err != nil {
		s.log.ErrorContext(ctx, "could not put back a set saved for a session deleted meanwhile", "component", "store", "set", before.ID, "err", err)
	}
}

// setNotSaved marks a failed save of the set after its session was saved
// (bot.ErrSetNotSaved).
func setNotSaved(err error) error {
	if err == nil {
		return nil
	}
	return &bot.SetNotSavedError{Err: err}
}
