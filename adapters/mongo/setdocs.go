package mongo

import (
	"context"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

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
// into the sessions collection: check-ins and bids from "attendance" (moved
// one by one, each inserted before it is deleted, so a second run after a
// failure finishes), and drops "open_commitments", whose documents are
// derived and rebuilt on the next read. Replicas of an older version must be
// stopped first: a check-in one of them stores in the old collection after
// the move is not seen (CHANGELOG, docs/operations.md).
func (s *Store) migrateSetDocs(ctx context.Context) error {
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return mapErr(err, "list collections")
	}
	if slices.Contains(names, oldAttendance) {
		old := s.db.Collection(oldAttendance)
		ps, err := list[presence](ctx, old, bson.D{}, bson.D{{Key: "_id", Value: 1}}, "read old attendance")
		if err != nil {
			return err
		}
		for _, p := range ps {
			p.Kind = kindPresence
			if err := s.insert(ctx, collSessions, "check-in", p); err != nil && bot.ErrorCode(err) != bot.EEXISTS {
				return err
			}
			if _, err := old.DeleteOne(ctx, bson.D{{Key: "_id", Value: p.ID}}); err != nil {
				return mapErr(err, "move old attendance")
			}
		}
		if err := old.Drop(ctx); err != nil {
			return mapErr(err, "drop old attendance")
		}
		s.log.InfoContext(ctx, "moved check-ins into the sessions collection", "component", "store", "count", len(ps))
	}
	if slices.Contains(names, oldOpen) {
		if err := s.db.Collection(oldOpen).Drop(ctx); err != nil {
			return mapErr(err, "drop old open commitments")
		}
	}
	return nil
}

// The collections older versions kept check-ins and open commitments in.
const (
	oldAttendance = "attendance"
	oldOpen       = "open_commitments"
)
