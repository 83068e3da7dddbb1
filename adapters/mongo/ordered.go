package mongo

import (
	"context"
	"errors"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alsbot/alsbot/bot"
)

// A write of a command on a remembered set sends the documents it changes
// as one ordered update of the sessions collection: one round trip (issue
// 15). Each statement that must not write over a change is an upsert whose
// filter matches nothing stored when the document changed, so that it
// becomes an insert of a taken id, whose duplicate-key error stops the
// statements after it, on MongoDB and FerretDB alike.

// insertWithOpen stores a new open commitment, its member's open document
// and the set's commitment counter in one ordered update of the sessions
// collection: one round trip where CreateCommitment and the set's counter
// took four (issue 15). The commitment goes first as an upsert whose filter
// no stored document matches (every commitment has a kind), so a taken id
// is a duplicate-key error that stops the rest: EEXISTS, nothing written.
// When a later statement fails (two replicas creating the same open
// document at once), the commitment is stored and the open document is
// brought in step as CreateCommitment does.
func (s *Store) insertWithOpen(ctx context.Context, c *bot.Commitment, n int) error {
	rec := commitmentRecord(c)
	fields, err := bson.Marshal(rec)
	if err != nil {
		return mapErr(err, "create commitment")
	}
	var body bson.D
	if err := bson.Unmarshal(fields, &body); err != nil {
		return mapErr(err, "create commitment")
	}
	body = slices.DeleteFunc(body, func(e bson.E) bool { return e.Key == "_id" })
	openUpdate := openUpsert(c, bson.D{{Key: "$set", Value: bson.D{{Key: openField(c.ShortID), Value: &rec.Commitment}}}})
	open := openID(c.SetID, c.UserID)
	scopeOf(ctx, c.SetID).forgetOpen(open)
	scopeOf(ctx, c.SetID).commitmentsWritten()
	unlock := s.lockDocs(collSessions, c.ID, open, c.SetID)
	at, _, err := s.orderedUpdate(ctx, c.ID, []mongo.WriteModel{
		mongo.NewUpdateOneModel().SetUpsert(true).
			SetFilter(bson.D{{Key: "_id", Value: c.ID}, {Key: "kind", Value: bson.D{{Key: "$exists", Value: false}}}}).
			SetUpdate(bson.D{{Key: "$setOnInsert", Value: body}}),
		mongo.NewUpdateOneModel().SetUpsert(true).SetFilter(bson.D{{Key: "_id", Value: open}}).SetUpdate(openUpdate),
		mongo.NewUpdateOneModel().SetFilter(setFilter(c.SetID)).SetUpdate(raiseSeq(n)),
	})
	unlock()
	switch {
	case err == nil:
		return nil
	case at == 0 && mongo.IsDuplicateKeyError(err):
		return exists("commitment")
	case at > 0:
		// The commitment is stored; what followed it is not.
		s.log.InfoContext(ctx, "open commitments not updated with the new one; updating them apart", "component", "store", "set", c.SetID, "err", err)
		s.syncOpen(ctx, &rec.Commitment, bson.D{{Key: "$set", Value: bson.D{{Key: openField(c.ShortID), Value: &rec.Commitment}}}})
		if _, err := s.db.Collection(collSessions).UpdateOne(ctx, setFilter(c.SetID), raiseSeq(n)); err != nil {
			s.log.WarnContext(ctx, "could not raise the commitment counter", "component", "store", "set", c.SetID, "err", err)
		}
		return nil
	default:
		return mapErr(err, "create commitment")
	}
}

// reportWithOpen adds r to c, as the command read it (getCommitmentChecked),
// and brings its member's open document in step, in one ordered update: two
// round trips for a report with its read, where four were. The first
// statement matches c only while it is as read (open, with as many reports
// and changes); otherwise, as an upsert of a stored id, it fails on the
// duplicate key and stops the second: a conflict, and the command runs
// again on what is stored.
func (s *Store) reportWithOpen(ctx context.Context, c *bot.Commitment, r bot.Report, status bot.CommitmentStatus) error {
	after := *c
	after.Reports = append(slices.Clone(c.Reports), r)
	after.Status = status
	openUpdate := bson.D{{Key: "$unset", Value: bson.D{{Key: openField(c.ShortID), Value: ""}}}}
	if status == bot.CommitmentOpen {
		openUpdate = bson.D{{Key: "$set", Value: bson.D{{Key: openField(c.ShortID), Value: &after}}}}
	}
	if openField(c.ShortID) == "" {
		// Not storable by short id: marked stale whole, as syncOpen does
		// (a $set and a $setOnInsert of stale together would be refused).
		openUpdate = bson.D{{Key: "$set", Value: openFields(c)}, {Key: "$inc", Value: bson.D{{Key: "rev", Value: 1}}}}
	} else {
		openUpdate = openUpsert(c, openUpdate)
	}
	open := openID(c.SetID, c.UserID)
	sc := commitmentScope(ctx, c.ID)
	sc.forgetOpen(open)
	sc.commitmentsWritten()
	asRead := bson.D{
		{Key: "_id", Value: c.ID},
		{Key: "kind", Value: kindCommitment},
		{Key: "status", Value: bot.CommitmentOpen},
		{Key: "reports", Value: bson.D{{Key: "$size", Value: len(c.Reports)}}},
		{Key: "history", Value: bson.D{{Key: "$size", Value: len(c.History)}}},
	}
	// An empty array may be no array at all: an unrevised commitment has no
	// history, and FerretDB stores no empty reports array from an upsert.
	if len(c.Reports) == 0 {
		asRead[3] = bson.E{Key: "reports.0", Value: bson.D{{Key: "$exists", Value: false}}}
	}
	if len(c.History) == 0 {
		asRead[4] = bson.E{Key: "history.0", Value: bson.D{{Key: "$exists", Value: false}}}
	}
	unlock := s.lockDocs(collSessions, c.ID, open)
	at, upserted, err := s.orderedUpdate(ctx, c.ID, []mongo.WriteModel{
		mongo.NewUpdateOneModel().SetUpsert(true).SetFilter(asRead).SetUpdate(bson.D{
			{Key: "$push", Value: bson.D{{Key: "reports", Value: r}}},
			{Key: "$set", Value: bson.D{{Key: "status", Value: status}}},
		}),
		mongo.NewUpdateOneModel().SetUpsert(true).SetFilter(bson.D{{Key: "_id", Value: open}}).SetUpdate(openUpdate),
	})
	unlock()
	if upserted {
		// The commitment was gone (nothing deletes one today): the upsert
		// made a fragment holding the report. Remove it, and let the open
		// document be rebuilt.
		s.removeUpserted(ctx, c.ID, c.SetID)
		if derr := s.dropOpen(ctx, c.SetID, c.UserID); derr != nil {
			s.log.WarnContext(ctx, "could not drop open commitments", "component", "store", "set", c.SetID, "err", derr)
		}
		return notFound("commitment")
	}
	switch {
	case err == nil:
		return nil
	case at == 0 && mongo.IsDuplicateKeyError(err):
		return conflict() // changed since it was read: the handler runs again
	case at > 0:
		s.commitmentChanged(ctx, &after) // the report is stored; the open document apart
		return nil
	default:
		return mapErr(err, "add report")
	}
}

// orderedUpdate sends models as one ordered update of the sessions
// collection (one round trip) and returns, on a write error, the index of
// the statement that failed: the ones after it were not applied.
//
// It also reports whether statement 0, on document id0, upserted, for a
// caller that meant it as an update of a document that exists: one that
// was deleted meanwhile is inserted instead, and must be removed again.
func (s *Store) orderedUpdate(ctx context.Context, id0 string, models []mongo.WriteModel) (at int, upserted0 bool, err error) {
	res, err := s.db.Collection(collSessions).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(true))
	upserted0 = res != nil && upsertedID(res, id0)
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 {
		return bwe.WriteErrors[0].Index, upserted0, err
	}
	return -1, upserted0, err
}

// removeUpserted deletes document id, inserted by an upsert meant as an
// update of a document deleted meanwhile: only a fragment, one without the
// set_id every document of a set has.
func (s *Store) removeUpserted(ctx context.Context, id, setID string) {
	_, err := s.db.Collection(collSessions).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "set_id", Value: bson.D{{Key: "$exists", Value: false}}}})
	if err != nil {
		s.log.ErrorContext(ctx, "could not remove a document an update inserted", "component", "store", "set", setID, "err", err)
	}
}

// raiseSeq raises a set's commitment counter to n, never lowering it.
func raiseSeq(n int) bson.D {
	return bson.D{{Key: "$max", Value: bson.D{{Key: "commit_seq", Value: n}}}}
}

// upsertedID reports whether the bulk write of res inserted document id by
// an upsert. By id, not by statement: FerretDB v1 numbers its upserts by
// their place among the upserts (statement 1 upserting alone is "0").
func upsertedID(res *mongo.BulkWriteResult, id string) bool {
	for _, v := range res.UpsertedIDs {
		if s, ok := v.(string); ok && s == id {
			return true
		}
	}
	return false
}
