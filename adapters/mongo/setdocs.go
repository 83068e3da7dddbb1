package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alsbot/alsbot/bot"
)

// The sessions collection holds, besides a set's sessions, the small
// documents a read of the set needs with them, each marked by its kind, so
// that one find answers the read (issue 15: FerretDB v1 has no $lookup or
// $unionWith, so documents of two collections cost two round trips):
//
//   - kindPresence: a member's check-in and bid in a session (attendance.go),
//     keyed "<session>/<member>";
//   - kindOpen: a member's open commitments (commitments.go), keyed
//     "<set>/open/<member>";
//   - kindSet: the set itself (setdoc.go), keyed by its id, so that a read
//     checks the remembered set's version with the documents it reads
//     (setcheck.go), and a session and its set are written by one ordered
//     update;
//   - kindCommitment: a commitment with its reports (commitments.go),
//     keyed "<set>/C-<n>", so that a commitment, its member's open
//     document and the set's commitment counter are written by one ordered
//     update.
//
// Sessions have no kind. Every query of the collection says which kinds it
// wants (onlySessions, sessionsAndPresences, ofKind), so that a listing of
// sessions never shows the others, and every other document carries set_id
// so that whatever works on a set's documents finds them all.
const (
	kindPresence   = "presence"
	kindOpen       = "open"
	kindSet        = "set"
	kindCommitment = "commitment"
)

// onlySessions restricts a filter of the sessions collection to sessions.
func onlySessions(filter bson.D) bson.D {
	return append(filter, bson.E{Key: "kind", Value: bson.D{{Key: "$exists", Value: false}}})
}

// sessionsAndPresences restricts a filter to sessions and check-ins.
func sessionsAndPresences(filter bson.D) bson.D {
	return append(filter, bson.E{Key: "kind", Value: bson.D{{Key: "$nin", Value: bson.A{kindOpen, kindSet, kindCommitment}}}})
}

// ofKind restricts a filter to documents of kind.
func ofKind(filter bson.D, kind string) bson.D {
	return append(filter, bson.E{Key: "kind", Value: kind})
}

// setDocs is what one find of the sessions collection returned, by kind.
type setDocs struct {
	sessions    []*bot.Session
	presences   []*presence
	opens       map[string]bson.Raw // by _id
	sets        map[string]*bot.Set // by id
	commitments []*bot.Commitment
}

// findSetDocs runs one find of the sessions collection and sorts what it
// returns by kind: sessions by set then number, check-ins by time.
func (s *Store) findSetDocs(ctx context.Context, filter bson.D, doing string) (*setDocs, error) {
	cur, err := s.db.Collection(collSessions).Find(ctx, filter)
	if err != nil {
		return nil, mapErr(err, doing)
	}
	defer func() { _ = cur.Close(context.WithoutCancel(ctx)) }()
	out := &setDocs{}
	for cur.Next(ctx) {
		raw := cur.Current
		kind, _ := raw.Lookup("kind").StringValueOK()
		switch kind {
		case "":
			var sess bot.Session
			if err := bson.Unmarshal(raw, &sess); err != nil {
				return nil, mapErr(err, doing)
			}
			out.sessions = append(out.sessions, &sess)
		case kindPresence:
			var p presence
			if err := bson.Unmarshal(raw, &p); err != nil {
				return nil, mapErr(err, doing)
			}
			out.presences = append(out.presences, &p)
		case kindOpen:
			id, _ := raw.Lookup("_id").StringValueOK()
			if out.opens == nil {
				out.opens = map[string]bson.Raw{}
			}
			out.opens[id] = slices.Clone(raw)
		case kindCommitment:
			var c bot.Commitment
			if err := bson.Unmarshal(raw, &c); err != nil {
				return nil, mapErr(err, doing)
			}
			out.commitments = append(out.commitments, &c)
		case kindSet:
			var set bot.Set
			if err := bson.Unmarshal(raw, &set); err != nil {
				return nil, mapErr(err, doing)
			}
			if out.sets == nil {
				out.sets = map[string]*bot.Set{}
			}
			out.sets[set.ID] = &set
		}
	}
	if err := cur.Err(); err != nil {
		return nil, mapErr(err, doing)
	}
	slices.SortStableFunc(out.sessions, func(a, b *bot.Session) int {
		if c := strings.Compare(a.SetID, b.SetID); c != 0 {
			return c
		}
		return a.Number - b.Number
	})
	sortPresences(out.presences)
	return out, nil
}

// migrateSetDocs moves what older versions kept in collections of their own
// into the sessions collection: sets from "sets" (moveSets), check-ins and
// bids from "attendance" and commitments from "commitments", in batches (each batch inserted before it
// is deleted, so a second run after a failure finishes), and drops
// "open_commitments", whose documents are derived and rebuilt on the next
// read.
//
// One replica moves; the others wait until it has finished: a replica
// moving a check-in that the first one had moved and a member had since
// deleted (not here, forget me) would bring it back. A mover that died
// leaves its claim; after migrateLockTTL the next replica takes over.
// Replicas of an older version must be stopped first (CHANGELOG,
// docs/deployment.md): they list every document of the sessions
// collection as a session, and their saves do not stamp the set.
func (s *Store) migrateSetDocs(ctx context.Context) error {
	for {
		names, err := s.db.ListCollectionNames(ctx, bson.D{})
		if err != nil {
			return mapErr(err, "list collections")
		}
		if !slices.ContainsFunc(oldKinds, func(o oldKind) bool { return slices.Contains(names, o.coll) }) {
			if slices.Contains(names, oldOpen) {
				return mapErr(s.db.Collection(oldOpen).Drop(ctx), "drop old open commitments")
			}
			return nil
		}
		won, err := s.claimMigration(ctx)
		if err != nil {
			return err
		}
		if won {
			return s.moveOld(ctx, names)
		}
		if err := bot.Sleep(ctx, migrateWait); err != nil {
			return fmt.Errorf("wait for another replica to move old documents: %w", err)
		}
	}
}

// oldKind is a collection of an older version and the kind its documents
// get in the sessions collection.
type oldKind struct{ coll, kind string }

var oldKinds = []oldKind{{oldSets, kindSet}, {oldAttendance, kindPresence}, {oldCommitments, kindCommitment}}

// moveOld is the move itself, by the replica that claimed it.
func (s *Store) moveOld(ctx context.Context, names []string) error {
	for _, o := range oldKinds {
		if !slices.Contains(names, o.coll) {
			continue
		}
		if err := s.moveInto(ctx, o); err != nil {
			return err
		}
	}
	if err := s.db.Collection(oldOpen).Drop(ctx); err != nil {
		return mapErr(err, "drop old open commitments")
	}
	if _, err := s.db.Collection(collClaims).DeleteOne(ctx, bson.D{{Key: "_id", Value: migrateKey}}); err != nil {
		s.log.WarnContext(ctx, "could not release the migration claim", "component", "store", "err", err)
	}
	return nil
}

// moveInto moves every document of o.coll into the sessions collection,
// marked o.kind, and drops o.coll.
func (s *Store) moveInto(ctx context.Context, o oldKind) error {
	if o.kind == kindSet {
		return s.moveSets(ctx)
	}
	old := s.db.Collection(o.coll)
	moved := 0
	for {
		batch, err := findAll[bson.D](ctx, old, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(migrateBatch), "read old "+o.coll)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		docs := make([]any, len(batch))
		ids := make(bson.A, len(batch))
		for i, d := range batch {
			doc := slices.DeleteFunc(*d, func(e bson.E) bool { return e.Key == "kind" })
			for _, e := range doc {
				if e.Key == "_id" {
					ids[i] = e.Value
				}
			}
			if o.kind == kindCommitment && !slices.ContainsFunc(doc, func(e bson.E) bool { return e.Key == "reports" && e.Value != nil }) {
				// $push (AddReport) fails on a missing or null array.
				doc = append(slices.DeleteFunc(doc, func(e bson.E) bool { return e.Key == "reports" }), bson.E{Key: "reports", Value: bson.A{}})
			}
			docs[i] = append(doc, bson.E{Key: "kind", Value: o.kind})
		}
		_, err = s.db.Collection(collSessions).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		if err != nil && !onlyDuplicates(err) {
			return mapErr(err, "move old "+o.coll)
		}
		n, err := s.deleteMoved(ctx, old, ids, o.kind)
		if err != nil {
			return err
		}
		moved += n
	}
	if err := old.Drop(ctx); err != nil {
		return mapErr(err, "drop old "+o.coll)
	}
	s.log.InfoContext(ctx, "moved old documents into the sessions collection", "component", "store", "from", o.coll, "count", moved)
	return nil
}

// deleteMoved deletes from old those of ids that the sessions collection
// now holds as kind, and returns how many. Only those: FerretDB v1 stops
// an unordered bulk update at its first duplicate key (one a failed earlier
// run had moved; its unordered insert goes on), so the rest of the batch
// may not be there yet; the next batch starts with them. A batch of which
// nothing is there is an error, not a loop.
func (s *Store) deleteMoved(ctx context.Context, old *mongo.Collection, ids bson.A, kind string) (int, error) {
	there, err := findAll[struct {
		ID string `bson:"_id"`
	}](ctx, s.db.Collection(collSessions), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "kind", Value: kind}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}), "check moved "+old.Name())
	if err != nil {
		return 0, err
	}
	if len(there) == 0 {
		return 0, fmt.Errorf("move old %s: none of a batch of %d reached the sessions collection", old.Name(), len(ids))
	}
	moved := make(bson.A, len(there))
	for i, d := range there {
		moved[i] = d.ID
	}
	if _, err := old.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: moved}}}}); err != nil {
		return 0, mapErr(err, "move old "+old.Name())
	}
	return len(moved), nil
}

// moveSets moves the sets of "sets" into the sessions collection, each
// over the stamp (kind "stamp", keyed by the set's id) that the version
// before this one kept beside it for its version and commitment counter:
// the higher counter is kept. A set already moved (by a run that failed
// before deleting its batch) stays as it is.
func (s *Store) moveSets(ctx context.Context) error {
	old := s.db.Collection(oldSets)
	moved := 0
	for {
		batch, err := findAll[bot.Set](ctx, old, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(migrateBatch), "read old sets")
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		ids := make(bson.A, len(batch))
		for i, set := range batch {
			ids[i] = set.ID
		}
		stamps, err := findAll[struct {
			ID  string `bson:"_id"`
			Seq int    `bson:"commit_seq"`
		}](ctx, s.db.Collection(collSessions), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "kind", Value: oldStamp}}, options.Find(), "read old stamps")
		if err != nil {
			return err
		}
		seqs := map[string]int{}
		for _, st := range stamps {
			seqs[st.ID] = st.Seq
		}
		models := make([]mongo.WriteModel, len(batch))
		for i, set := range batch {
			set.CommitSeq = max(set.CommitSeq, seqs[set.ID])
			models[i] = mongo.NewReplaceOneModel().SetUpsert(true).
				SetFilter(bson.D{{Key: "_id", Value: set.ID}, {Key: "kind", Value: bson.D{{Key: "$ne", Value: kindSet}}}}).
				SetReplacement(newSetDoc(set))
		}
		_, err = s.db.Collection(collSessions).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
		if err != nil && !onlyDuplicates(err) {
			return mapErr(err, "move old sets")
		}
		n, err := s.deleteMoved(ctx, old, ids, kindSet)
		if err != nil {
			return err
		}
		moved += n
	}
	// Stamps of no set (a commit to a set that was never stored).
	if _, err := s.db.Collection(collSessions).DeleteMany(ctx, bson.D{{Key: "kind", Value: oldStamp}}); err != nil {
		return mapErr(err, "delete old stamps")
	}
	if err := old.Drop(ctx); err != nil {
		return mapErr(err, "drop old sets")
	}
	s.log.InfoContext(ctx, "moved old documents into the sessions collection", "component", "store", "from", oldSets, "count", moved)
	return nil
}

// claimMigration claims the move for this replica: true when it won. A
// claim older than migrateLockTTL is a mover that died: it is removed (only
// if unchanged, so that two replicas taking over do not both win) and
// claimed again.
func (s *Store) claimMigration(ctx context.Context) (bool, error) {
	now := time.Now().UTC()
	won, err := s.insertClaim(ctx, collClaims, claim{Key: migrateKey, At: now}, "claim the move of old documents")
	if err != nil || won {
		return won, err
	}
	var held claim
	err = s.db.Collection(collClaims).FindOne(ctx, bson.D{{Key: "_id", Value: migrateKey}}).Decode(&held)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return false, nil // released meanwhile: look again
	case err != nil:
		return false, mapErr(err, "read the migration claim")
	case now.Sub(held.At) < migrateLockTTL:
		return false, nil
	}
	res, err := s.db.Collection(collClaims).DeleteOne(ctx, bson.D{{Key: "_id", Value: migrateKey}, {Key: "at", Value: held.At}})
	if err != nil {
		return false, mapErr(err, "take over the migration claim")
	}
	if res.DeletedCount == 1 {
		s.log.WarnContext(ctx, "taking over the move of old documents from a replica that stopped", "component", "store", "since", held.At)
	}
	return false, nil // claim it on the next turn
}

// onlyDuplicates reports whether every write error of a bulk insert is a
// duplicate key (a document a failed earlier run had already moved).
func onlyDuplicates(err error) bool {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return false
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			return false
		}
	}
	return true
}

// The move's batch size, its claim and how the others wait for it.
const (
	migrateBatch   = 500
	migrateKey     = "migrate:attendance-into-sessions"
	migrateWait    = 250 * time.Millisecond
	migrateLockTTL = 2 * time.Minute
)

// The collections older versions kept sets, check-ins, commitments and
// open commitments in, and the kind of the version stamps the version
// before this one kept beside each set.
const (
	oldSets        = "sets"
	oldStamp       = "stamp"
	oldAttendance  = "attendance"
	oldCommitments = "commitments"
	oldOpen        = "open_commitments"
)
