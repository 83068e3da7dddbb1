package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alsbot/alsbot/bot"
)

// The scheduler's collections. The pending queue holds only what is still to
// be sent (the next occurrence of each recurring thing), so that it stays
// small on FerretDB, which scans a collection for every query; sent and
// skipped deliveries move to the history.
const (
	collDeliveries      = "deliveries"
	collDeliveryClaims  = "delivery_claims"
	collDeliveryHistory = "delivery_history"
)

var _ bot.DeliveryStore = (*Store)(nil)

// EnsureDeliveryIndexes creates the scheduler's secondary indexes (a no-op
// when they exist). Correctness does not depend on them: claims use the _id
// index. MongoDB uses them to find due deliveries; FerretDB scans anyway.
func (s *Store) EnsureDeliveryIndexes(ctx context.Context) error {
	return s.ensureIndexes(ctx, []collIndex{
		{collDeliveries, bson.D{{Key: "not_before", Value: 1}, {Key: "due", Value: 1}}},
		{collDeliveries, bson.D{{Key: "set_id", Value: 1}, {Key: "due", Value: 1}}},
		{collDeliveryHistory, bson.D{{Key: "set_id", Value: 1}, {Key: "done", Value: 1}}},
		{collDeliveryClaims, bson.D{{Key: "at", Value: 1}}},
	})
}

// AddDeliveries inserts pending deliveries in one unordered round trip; a key
// already pending stays as it is. It returns the keys it added.
func (s *Store) AddDeliveries(ctx context.Context, ds []*bot.Delivery) ([]string, error) {
	if err := s.beforeWrite(ctx); err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, nil
	}
	docs := make([]any, len(ds))
	for i, d := range ds {
		doc := *d
		doc.Status = bot.DeliveryPending
		docs[i] = &doc
	}
	_, err := s.db.Collection(collDeliveries).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	failed := map[int]bool{}
	if err != nil {
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
			return nil, mapErr(err, "add deliveries")
		}
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return nil, mapErr(err, "add deliveries")
			}
			failed[we.Index] = true
		}
	}
	added := make([]string, 0, len(ds))
	for i, d := range ds {
		if !failed[i] {
			added = append(added, d.ID)
		}
	}
	return added, nil
}

// DueDeliveries returns up to limit pending deliveries whose NotBefore is not
// after now, by NotBefore, Due, then ID.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*bot.Delivery, error) {
	opts := options.Find().
		SetSort(bson.D{{Key: "not_before", Value: 1}, {Key: "due", Value: 1}, {Key: "_id", Value: 1}}).
		SetLimit(int64(limit))
	cur, err := s.db.Collection(collDeliveries).Find(ctx, bson.D{{Key: "not_before", Value: bson.D{{Key: "$lte", Value: now}}}}, opts)
	if err != nil {
		return nil, mapErr(err, "find due deliveries")
	}
	var out []*bot.Delivery
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, "find due deliveries")
	}
	return out, nil
}

// NextDue returns the earliest NotBefore in the pending queue (zero when
// empty).
func (s *Store) NextDue(ctx context.Context) (time.Time, error) {
	var d struct {
		NotBefore time.Time `bson:"not_before"`
	}
	err := s.db.Collection(collDeliveries).FindOne(ctx, bson.D{},
		options.FindOne().SetSort(bson.D{{Key: "not_before", Value: 1}}).SetProjection(bson.D{{Key: "not_before", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, mapErr(err, "find the next due delivery")
	}
	return d.NotBefore, nil
}

// PendingDeliveries returns pending deliveries of a set (any when setID is
// empty) and of a kind (any when kind is empty), by Due, then ID.
func (s *Store) PendingDeliveries(ctx context.Context, setID string, kind bot.DeliveryKind) ([]*bot.Delivery, error) {
	filter := where(where(bson.D{}, "set_id", setID), "kind", kind)
	return list[bot.Delivery](ctx, s.db.Collection(collDeliveries), filter,
		bson.D{{Key: "due", Value: 1}, {Key: "_id", Value: 1}}, "list pending deliveries")
}

// DeletePending removes pending deliveries by key in one round trip.
func (s *Store) DeletePending(ctx context.Context, ids []string) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := s.db.Collection(collDeliveries).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	return mapErr(err, "delete pending deliveries")
}

// ClaimDelivery inserts the claim into the _id index: exactly one inserter
// of a key wins, on MongoDB and FerretDB alike.
func (s *Store) ClaimDelivery(ctx context.Context, c bot.DeliveryClaim) (bool, error) {
	if err := s.beforeWrite(ctx); err != nil {
		return false, err
	}
	return s.insertClaim(ctx, collDeliveryClaims, c, fmt.Sprintf("claim delivery %q", c.ID))
}

// GetClaim reads a claim by key.
func (s *Store) GetClaim(ctx context.Context, key string) (*bot.DeliveryClaim, error) {
	return getDoc[bot.DeliveryClaim](ctx, s, collDeliveryClaims, "claim", key)
}

// RetryDelivery sets the attempt and the time it may be claimed. It is a
// plain write by _id: the attempt number is only ever claimed by insert, so
// two instances writing it at once cannot both send.
func (s *Store) RetryDelivery(ctx context.Context, id string, attempt int, notBefore time.Time) (bool, error) {
	if err := s.beforeWrite(ctx); err != nil {
		return false, err
	}
	res, err := s.db.Collection(collDeliveries).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "attempt", Value: attempt}, {Key: "not_before", Value: notBefore}}}})
	if err != nil {
		return false, mapErr(err, "retry delivery")
	}
	return res.MatchedCount == 1, nil
}

// RecordDelivery records d in the history, keeping an earlier record of the
// same key. The pending copy is removed by DeletePending, in batches.
func (s *Store) RecordDelivery(ctx context.Context, d *bot.Delivery) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	if _, err := s.db.Collection(collDeliveryHistory).InsertOne(ctx, d); err != nil && !mongo.IsDuplicateKeyError(err) {
		return mapErr(err, "record delivery")
	}
	return nil
}

// GetDelivered reads the history record of a key.
func (s *Store) GetDelivered(ctx context.Context, id string) (*bot.Delivery, error) {
	return getDoc[bot.Delivery](ctx, s, collDeliveryHistory, "delivery", id)
}

// History returns a set's sent and skipped deliveries done at or after since.
func (s *Store) History(ctx context.Context, setID string, since time.Time) ([]*bot.Delivery, error) {
	return list[bot.Delivery](ctx, s.db.Collection(collDeliveryHistory),
		bson.D{{Key: "set_id", Value: setID}, {Key: "done", Value: bson.D{{Key: "$gte", Value: since}}}},
		bson.D{{Key: "done", Value: 1}, {Key: "_id", Value: 1}}, "list delivery history")
}

// PruneClaims deletes claims taken before t.
func (s *Store) PruneClaims(ctx context.Context, before time.Time) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	_, err := s.db.Collection(collDeliveryClaims).DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: before}}}})
	return mapErr(err, "prune delivery claims")
}

// PendingOfSets returns the pending deliveries of the given sets in one
// round trip (one scan on FerretDB, however many sets), by Due, then ID.
func (s *Store) PendingOfSets(ctx context.Context, setIDs []string) ([]*bot.Delivery, error) {
	if len(setIDs) == 0 {
		return nil, nil
	}
	filter, keep := s.setsFilter(setIDs, nil)
	ds, err := list[bot.Delivery](ctx, s.db.Collection(collDeliveries), filter,
		bson.D{{Key: "due", Value: 1}, {Key: "_id", Value: 1}}, "list pending deliveries of sets")
	return keepOf(ds, keep, func(d *bot.Delivery) string { return d.SetID }), err
}

// manyIDs: from this many values FerretDB answers an $in filter more slowly
// than reading the whole collection and filtering here (it compares each
// document with every value, and decodes every document anyway).
const manyIDs = 16

// setsFilter is a filter on set_id in setIDs (plus rest), and the ids to keep
// when the filter was left to the caller (keep is nil when it was not).
func (s *Store) setsFilter(setIDs []string, rest bson.D) (bson.D, map[string]bool) {
	if s.ferret && len(setIDs) > manyIDs {
		keep := make(map[string]bool, len(setIDs))
		for _, id := range setIDs {
			keep[id] = true
		}
		if rest == nil {
			rest = bson.D{} // an empty filter, not a null one
		}
		return rest, keep
	}
	return append(bson.D{{Key: "set_id", Value: bson.D{{Key: "$in", Value: setIDs}}}}, rest...), nil
}

func keepOf[T any](xs []*T, keep map[string]bool, setOf func(*T) string) []*T {
	if keep == nil {
		return xs
	}
	out := xs[:0]
	for _, x := range xs {
		if keep[setOf(x)] {
			out = append(out, x)
		}
	}
	return out
}

// ClaimDeliveries inserts the claims in one unordered round trip and
// reports, for each, whether this caller won it: exactly one inserter of a
// key wins, as with ClaimDelivery.
func (s *Store) ClaimDeliveries(ctx context.Context, cs []bot.DeliveryClaim) ([]bool, error) {
	if err := s.beforeWrite(ctx); err != nil {
		return nil, err
	}
	won := make([]bool, len(cs))
	if len(cs) == 0 {
		return won, nil
	}
	docs := make([]any, len(cs))
	for i := range cs {
		docs[i] = cs[i]
		won[i] = true
	}
	_, err := s.db.Collection(collDeliveryClaims).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil {
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
			return nil, mapErr(err, "claim deliveries")
		}
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return nil, mapErr(err, "claim deliveries")
			}
			won[we.Index] = false
		}
	}
	return won, nil
}

// ReleaseClaims deletes claims this instance won but will not use (it is
// stopping), so another instance may take those attempts at once.
func (s *Store) ReleaseClaims(ctx context.Context, keys []string) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	_, err := s.db.Collection(collDeliveryClaims).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}})
	return mapErr(err, "release delivery claims")
}

// RecordDeliveries records ds in the history in one unordered round trip;
// a key already recorded keeps its first record.
func (s *Store) RecordDeliveries(ctx context.Context, ds []*bot.Delivery) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	if len(ds) == 0 {
		return nil
	}
	docs := make([]any, len(ds))
	for i, d := range ds {
		docs[i] = d
	}
	_, err := s.db.Collection(collDeliveryHistory).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil {
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
			return mapErr(err, "record deliveries")
		}
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return mapErr(err, "record deliveries")
			}
		}
	}
	return nil
}

// The scheduler builds a burst of messages for many sets at once; these
// read what it needs of all of them in one round trip each, instead of
// one scan of the collection per set on FerretDB.

// SessionsOfSets returns the sessions of the given sets, by set, then Number.
func (s *Store) SessionsOfSets(ctx context.Context, setIDs []string) ([]*bot.Session, error) {
	if len(setIDs) == 0 {
		return nil, nil
	}
	// Check-ins and bids are documents of their own in the same collection
	// (setdocs.go): one round trip for all the sets.
	filter, keep := s.setsFilter(setIDs, sessionsAndPresences(nil))
	docs, err := s.findSetDocs(ctx, filter, "list sessions of sets")
	if err != nil {
		return nil, err
	}
	ss := keepOf(docs.sessions, keep, func(x *bot.Session) string { return x.SetID })
	withAttendance(ss, docs.presences)
	return ss, nil
}

// CommitmentsOfSets returns the commitments of the given sets (only open
// ones when openOnly), by creation.
func (s *Store) CommitmentsOfSets(ctx context.Context, setIDs []string, openOnly bool) ([]*bot.Commitment, error) {
	if len(setIDs) == 0 {
		return nil, nil
	}
	rest := bson.D{{Key: "kind", Value: kindCommitment}}
	if openOnly {
		rest = append(rest, bson.E{Key: "status", Value: bot.CommitmentOpen})
	}
	filter, keep := s.setsFilter(setIDs, rest)
	cs, err := list[bot.Commitment](ctx, s.db.Collection(collSessions), filter,
		bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}, "list commitments of sets")
	return keepOf(cs, keep, func(x *bot.Commitment) string { return x.SetID }), err
}
