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
//   - kindStamp: the set's version (setcheck.go), keyed by the set's id.
//
// Sessions have no kind. Every query of the collection says which kinds it
// wants (onlySessions, sessionsAndPresences, ofKind), so that a listing of
// sessions never shows the others, and every other document carries set_id
// so that whatever works on a set's documents finds them all.
const (
	kindPresence = "presence"
	kindOpen     = "open"
	kindStamp    = "stamp"
)

// onlySessions restricts a filter of the sessions collection to sessions.
func onlySessions(filter bson.D) bson.D {
	return append(filter, bson.E{Key: "kind", Value: bson.D{{Key: "$exists", Value: false}}})
}

// sessionsAndPresences restricts a filter to sessions and check-ins.
func sessionsAndPresences(filter bson.D) bson.D {
	return append(filter, bson.E{Key: "kind", Value: bson.D{{Key: "$nin", Value: bson.A{kindOpen, kindStamp}}}})
}

// ofKind restricts a filter to documents of kind.
func ofKind(filter bson.D, kind string) bson.D {
	return append(filter, bson.E{Key: "kind", Value: kind})
}

// setDocs is what one find of the sessions collection returned, by kind.
type setDocs struct {
	sessions  []*bot.Session
	presences []*presence
	opens     map[string]bson.Raw // by _id
	stamps    map[string]int64    // set id -> version
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
		case kindStamp:
			id, _ := raw.Lookup("_id").StringValueOK()
			v, ok := raw.Lookup("version").AsInt64OK()
			if !ok {
				continue // unreadable: as if unstamped
			}
			if out.stamps == nil {
				out.stamps = map[string]int64{}
			}
			out.stamps[id] = v
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
// into the sessions collection: check-ins and bids from "attendance", in
// batches (each batch inserted before it is deleted, so a second run after
// a failure finishes), and drops "open_commitments", whose documents are
// derived and rebuilt on the next read.
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
		if !slices.Contains(names, oldAttendance) {
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
			return s.moveAttendance(ctx)
		}
		if err := bot.Sleep(ctx, migrateWait); err != nil {
			return fmt.Errorf("wait for another replica to move check-ins: %w", err)
		}
	}
}

// moveAttendance is the move itself, by the replica that claimed it.
func (s *Store) moveAttendance(ctx context.Context) error {
	old := s.db.Collection(oldAttendance)
	moved := 0
	for {
		ps, err := findAll[presence](ctx, old, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(migrateBatch), "read old attendance")
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			break
		}
		docs := make([]any, len(ps))
		ids := make(bson.A, len(ps))
		for i, p := range ps {
			p.Kind = kindPresence
			docs[i], ids[i] = p, p.ID
		}
		_, err = s.db.Collection(collSessions).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		if err != nil && !onlyDuplicates(err) {
			return mapErr(err, "move old attendance")
		}
		if _, err := old.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
			return mapErr(err, "move old attendance")
		}
		moved += len(ps)
	}
	if err := old.Drop(ctx); err != nil {
		return mapErr(err, "drop old attendance")
	}
	if err := s.db.Collection(oldOpen).Drop(ctx); err != nil {
		return mapErr(err, "drop old open commitments")
	}
	if _, err := s.db.Collection(collClaims).DeleteOne(ctx, bson.D{{Key: "_id", Value: migrateKey}}); err != nil {
		s.log.WarnContext(ctx, "could not release the migration claim", "component", "store", "err", err)
	}
	s.log.InfoContext(ctx, "moved check-ins into the sessions collection", "component", "store", "count", moved)
	return nil
}

// claimMigration claims the move for this replica: true when it won. A
// claim older than migrateLockTTL is a mover that died: it is removed (only
// if unchanged, so that two replicas taking over do not both win) and
// claimed again.
func (s *Store) claimMigration(ctx context.Context) (bool, error) {
	now := time.Now().UTC()
	won, err := s.insertClaim(ctx, collClaims, claim{Key: migrateKey, At: now}, "claim the move of check-ins")
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
		s.log.WarnContext(ctx, "taking over the move of check-ins from a replica that stopped", "component", "store", "since", held.At)
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

// The collections older versions kept check-ins and open commitments in.
const (
	oldAttendance = "attendance"
	oldOpen       = "open_commitments"
)
