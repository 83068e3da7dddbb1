package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Versioned saves (SaveSet, SaveSession) are a compare-and-set on every
// store. On MongoDB the replace filtered by {_id, version} is one. On
// FerretDB v1 it is not: the server reads the matching document and writes
// it back by _id, so two writers of one version can both "match" and one
// change is lost; the in-process lock (serialize.go) guards only one
// process, and several bot processes can share one FerretDB server.
//
// So on FerretDB each new version is first claimed: the writer inserts
// "version:<collection>/<id>@<new version>#<attempt>" into the claims
// collection's _id index, which is exact there as on MongoDB. Of the
// writers that read version v, exactly one wins v+1 and writes; the others
// get a stale conflict, which the handlers retry on fresh data. A writer
// holding a stale copy asks for a version someone already claimed, so it
// loses too.
//
// A winner that dies between its claim and its write would block the
// document: when the claim is older than versionLease and the document is
// still at v, the next writer claims attempt #n+1 of v+1 instead, again in
// the unique index (two such writers cannot both win). The winner's write
// runs under versionWriteWithin, well inside the lease, so a slow winner
// has given up before anyone may take its version over. Old claims are
// removed with the event claims (DeleteClaimsBefore); a deleted claim can
// only be asked for again by a writer whose copy is stale, whose filtered
// write then matches nothing.
const (
	versionLease       = 30 * time.Second
	versionWriteWithin = 10 * time.Second
	versionAttempts    = 4
)

func versionKey(coll, id string, version int64, attempt int) string {
	return fmt.Sprintf("version:%s/%s@%d#%d", coll, id, version, attempt)
}

// claimVersion wins the right to write version from+1 of document id of
// coll, or returns a stale conflict (ENOTFOUND when the document is gone).
func (s *Store) claimVersion(ctx context.Context, coll, what, id string, from int64) error {
	return s.claimNext(ctx, func(attempt int) string { return versionKey(coll, id, from+1, attempt) },
		func(ctx context.Context) (bool, error) {
			cur, err := s.storedVersion(ctx, coll, what, id)
			return cur == from, err
		})
}

// claimNext claims key(0), or, when that is taken by a holder that never
// wrote (unchanged reports whether the document is still as the caller
// read it) and is older than versionLease, key(1), and so on. A claim
// taken by a writer that wrote, or is writing now, is a stale conflict.
func (s *Store) claimNext(ctx context.Context, key func(attempt int) string, unchanged func(context.Context) (bool, error)) error {
	claims := s.db.Collection(collClaims)
	for attempt := range versionAttempts {
		k := key(attempt)
		won, err := s.Claim(ctx, k)
		if err != nil {
			return err
		}
		if won {
			return nil
		}
		// Taken: normally by a writer that saved, or is saving, it.
		same, err := unchanged(ctx)
		if err != nil {
			return err
		}
		if !same {
			return conflict()
		}
		var held claim
		err = claims.FindOne(ctx, bson.D{{Key: "_id", Value: k}}).Decode(&held)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			// Removed as old meanwhile: as expired.
		case err != nil:
			return mapErr(err, "read a claim")
		case time.Since(held.At) < versionLease:
			return conflict() // its holder is writing now
		}
		// Its holder claimed long ago and never wrote: take over.
		s.log.WarnContext(ctx, "taking over an expired claim", "component", "store", "attempt", attempt+1)
	}
	return conflict()
}

// reportFilter is the filter of AddReport's $push. On a FerretDB shared with
// other processes, where the $push is a read and a write back, it first
// claims "report:<commitment>/<n>#<attempt>" for the n-th report and only
// matches the commitment while it has n-1: two reports on one commitment
// at the same moment (its owner on two devices, through two replicas) are
// then written one after the other, the loser retried by the handler, and
// neither is lost. Elsewhere the $push is atomic and the filter is the id.
func (s *Store) reportFilter(ctx context.Context, id string) (bson.D, error) {
	filter := bson.D{{Key: "_id", Value: id}}
	if !s.sharedFerret {
		return filter, nil
	}
	count := func(ctx context.Context) (int, error) {
		var c struct {
			Reports []bson.Raw `bson:"reports"`
		}
		err := s.db.Collection(collSessions).FindOne(ctx, commitmentFilter(id),
			options.FindOne().SetProjection(bson.D{{Key: "reports", Value: 1}})).Decode(&c)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return 0, notFound("commitment")
		}
		return len(c.Reports), mapErr(err, "read reports")
	}
	had, err := count(ctx)
	if err != nil {
		return nil, err
	}
	err = s.claimNext(ctx, func(attempt int) string { return fmt.Sprintf("report:%s/%d#%d", id, had+1, attempt) },
		func(ctx context.Context) (bool, error) {
			n, err := count(ctx)
			return n == had, err
		})
	if err != nil {
		return nil, err
	}
	return append(filter, bson.E{Key: "reports", Value: bson.D{{Key: "$size", Value: had}}}), nil
}

// storedVersion reads the version field of document id.
func (s *Store) storedVersion(ctx context.Context, coll, what, id string) (int64, error) {
	var doc struct {
		Version int64 `bson:"version"`
	}
	err := s.db.Collection(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}},
		options.FindOne().SetProjection(bson.D{{Key: "version", Value: 1}})).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, notFound(what)
	}
	if err != nil {
		return 0, mapErr(err, "read version of "+what)
	}
	return doc.Version, nil
}
