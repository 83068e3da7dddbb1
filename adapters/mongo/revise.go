package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/alsbot/alsbot/bot"
)

// ReviseCommitment implements bot.CommitmentStore: one update sets the
// corrected fields and appends the trace, so a concurrent report ($push on
// reports) is never overwritten by a whole-document replace.
//
// The cached copies follow (cache.go), and the member's open commitments
// are brought in step: a dropped one leaves them, an edited one changes.
func (s *Store) ReviseCommitment(ctx context.Context, id, text string, due time.Time, status bot.CommitmentStatus, change bot.CommitmentChange) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	unlock := s.lockDoc(collSessions, id)
	set := bson.D{{Key: "text", Value: text}, {Key: "status", Value: status}}
	update := bson.D{{Key: "$push", Value: bson.D{{Key: "history", Value: change}}}}
	if due.IsZero() {
		update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: "due", Value: ""}}})
	} else {
		set = append(set, bson.E{Key: "due", Value: due})
	}
	update = append(update, bson.E{Key: "$set", Value: set})
	c, err := s.updateCommitment(ctx, id, bson.D{{Key: "_id", Value: id}}, update)
	unlock()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return notFound("commitment")
	}
	if err != nil {
		return mapErr(err, "revise commitment")
	}
	s.commitmentChanged(ctx, c)
	return nil
}

// DeleteSession implements bot.SessionStore. Only sessions that never took
// place are deleted (a replaced schedule's future ones); a missing one is
// not an error, so a retry after a partial failure goes on.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	defer s.lockDoc(collSessions, id)()
	// Its check-ins and bids first (attendance.go): a number freed here is
	// handed out again, and the next session of that number must not
	// inherit them.
	defer s.attendanceChanged(id)
	if _, err := s.db.Collection(collSessions).DeleteMany(ctx, ofKind(bson.D{{Key: "session_id", Value: id}}, kindPresence)); err != nil {
		return mapErr(err, "delete the attendance of a session")
	}
	_, err := s.db.Collection(collSessions).DeleteOne(ctx, onlySessions(bson.D{{Key: "_id", Value: id}}))
	// Whatever happened, the cache must not serve it any more.
	s.cache.drop(cacheKey(collSessions, id))
	s.cache.drop(sessionsKey(setOfSession(id)))
	return mapErr(err, "delete session")
}
