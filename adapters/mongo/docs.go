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

// conflict is a versioned save that lost to a concurrent one (Stale: the
// handlers apply the command again to fresh data before showing it).
func conflict() *bot.Error {
	e := bot.Errorf(bot.ECONFLICT, "Someone else changed this at the same moment; nothing was changed. Please try again.")
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
func (s *Store) get(ctx context.Context, coll, what, id string, out any) error {
	err := s.db.Collection(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(out)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return notFound(what)
	}
	return mapErr(err, "read "+what)
}

// replace writes doc over document id when its stored version is version.
// The caller's copy has Version+1 already. MongoDB makes this a
// compare-and-set. On a FerretDB this process serves, lockDoc does (every
// writer is here); on one shared with other processes the claim of the new
// version does (versions.go), and lockDoc spares this process's writers the
// claims they would lose to each other.
func (s *Store) replace(ctx context.Context, coll, what, id string, version int64, doc any) error {
	c := s.db.Collection(coll)
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
	res, err := c.ReplaceOne(wctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}}, doc)
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
	cur, err := c.Find(ctx, filter, options.Find().SetSort(sort))
	if err != nil {
		return nil, mapErr(err, doing)
	}
	var out []*T
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, doing)
	}
	return out, nil
}

// CreateSet stores a new set; EEXISTS when its id is taken.
func (s *Store) CreateSet(ctx context.Context, set *bot.Set) error {
	return s.insert(ctx, collSets, "set", set)
}

// GetSet reads set id.
func (s *Store) GetSet(ctx context.Context, id string) (*bot.Set, error) {
	var set bot.Set
	if err := s.get(ctx, collSets, "set", id, &set); err != nil {
		return nil, err
	}
	return &set, nil
}

// FindSets returns the sets of platform (any platform when empty) in which
// userID has any role (every set when userID is empty), by creation.
func (s *Store) FindSets(ctx context.Context, platform bot.Platform, userID string) ([]*bot.Set, error) {
	filter := bson.D{}
	if platform != "" {
		filter = append(filter, bson.E{Key: "platform", Value: platform})
	}
	if userID != "" {
		filter = append(filter, bson.E{Key: "people.user.id", Value: userID})
	}
	return list[bot.Set](ctx, s.db.Collection(collSets), filter,
		bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}, "find sets")
}

// SaveSet writes set when the stored version equals set.Version and then
// increments set.Version; ECONFLICT on a stale version, ENOTFOUND when gone.
func (s *Store) SaveSet(ctx context.Context, set *bot.Set) error {
	doc := *set
	doc.Version++
	if err := s.replace(ctx, collSets, "set", set.ID, set.Version, &doc); err != nil {
		return err
	}
	set.Version = doc.Version
	return nil
}

// CreateSession stores a new session; EEXISTS when its id is taken.
func (s *Store) CreateSession(ctx context.Context, sess *bot.Session) error {
	return s.insert(ctx, collSessions, "session", sessionDoc(sess))
}

// GetSession reads session id with its check-ins and bids (attendance.go):
// two round trips.
func (s *Store) GetSession(ctx context.Context, id string) (*bot.Session, error) {
	var sess bot.Session
	if err := s.get(ctx, collSessions, "session", id, &sess); err != nil {
		return nil, err
	}
	ps, err := s.presences(ctx, bson.D{{Key: "session_id", Value: id}})
	if err != nil {
		return nil, err
	}
	withAttendance([]*bot.Session{&sess}, ps)
	return &sess, nil
}

// ListSessions returns a set's sessions by number, with their check-ins
// and bids: two round trips.
func (s *Store) ListSessions(ctx context.Context, setID string) ([]*bot.Session, error) {
	out, err := list[bot.Session](ctx, s.db.Collection(collSessions), bson.D{{Key: "set_id", Value: setID}},
		bson.D{{Key: "number", Value: 1}}, "list sessions")
	if err != nil || len(out) == 0 {
		return out, err
	}
	ps, err := s.presences(ctx, bson.D{{Key: "set_id", Value: setID}})
	if err != nil {
		return nil, err
	}
	withAttendance(out, ps)
	return out, nil
}

// SaveSession is SaveSet for sessions. Check-ins and bids read from their
// own documents are not written into the session document.
func (s *Store) SaveSession(ctx context.Context, sess *bot.Session) error {
	doc := sessionDoc(sess)
	doc.Version++
	if err := s.replace(ctx, collSessions, "session", sess.ID, sess.Version, doc); err != nil {
		return err
	}
	sess.Version = doc.Version
	return nil
}

// CreateCommitment stores a new commitment; EEXISTS when its id is taken.
func (s *Store) CreateCommitment(ctx context.Context, c *bot.Commitment) error {
	doc := c
	if c.Reports == nil {
		// A nil slice is stored as null, and $push (AddReport) fails on null.
		cp := *c
		cp.Reports = []bot.Report{}
		doc = &cp
	}
	return s.insert(ctx, collCommitments, "commitment", doc)
}

// GetCommitment reads commitment id.
func (s *Store) GetCommitment(ctx context.Context, id string) (*bot.Commitment, error) {
	var c bot.Commitment
	if err := s.get(ctx, collCommitments, "commitment", id, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// ListCommitments returns a set's commitments (of userID when not empty, open
// ones only when openOnly), by creation then id.
func (s *Store) ListCommitments(ctx context.Context, setID, userID string, openOnly bool) ([]*bot.Commitment, error) {
	filter := bson.D{{Key: "set_id", Value: setID}}
	if userID != "" {
		filter = append(filter, bson.E{Key: "user_id", Value: userID})
	}
	if openOnly {
		filter = append(filter, bson.E{Key: "status", Value: bot.CommitmentOpen})
	}
	return list[bot.Commitment](ctx, s.db.Collection(collCommitments), filter,
		bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}, "list commitments")
}

// AddReport appends r to commitment id and sets its status, in one write.
func (s *Store) AddReport(ctx context.Context, id string, r bot.Report, status bot.CommitmentStatus) error {
	defer s.lockDoc(collCommitments, id)()
	res, err := s.db.Collection(collCommitments).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{
		{Key: "$push", Value: bson.D{{Key: "reports", Value: r}}},
		{Key: "$set", Value: bson.D{{Key: "status", Value: status}}},
	})
	if err != nil {
		return mapErr(err, "add report")
	}
	if res.MatchedCount == 0 {
		return notFound("commitment")
	}
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
	_, err := s.db.Collection(collClaims).InsertOne(ctx, claim{Key: key, At: time.Now().UTC()})
	switch {
	case err == nil:
		return true, nil
	case mongo.IsDuplicateKeyError(err):
		return false, nil
	default:
		return false, mapErr(err, fmt.Sprintf("claim %q", key))
	}
}

// DeleteClaimsBefore removes claims made before t and returns how many, so
// that a long-running deployment can keep the claims collection small. Only
// remove claims whose keys can no longer come again (e.g. Slack retries an
// event for minutes, not days).
func (s *Store) DeleteClaimsBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.db.Collection(collClaims).DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: t}}}})
	if err != nil {
		return 0, mapErr(err, "delete old claims")
	}
	return res.DeletedCount, nil
}
