package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alsbot/alsbot/bot"
)

// Collections of the evaluation: feedback ("<session id>/<user id>") and
// mentoring logs.
const (
	collFeedback  = "feedback"
	collMentoring = "mentoring"
)

var _ bot.EvaluationStore = (*Store)(nil)

// evaluationIndexes are created by Open with the others.
func evaluationIndexes() []collIndex {
	return []collIndex{
		{collFeedback, bson.D{{Key: "set_id", Value: 1}, {Key: "session", Value: 1}}},
		{collMentoring, bson.D{{Key: "set_id", Value: 1}, {Key: "date", Value: 1}}},
	}
}

// PutFeedback stores f by its _id, replacing earlier feedback of the same
// member on the same session, in one round trip. Feedback is a document per
// member per session ("<session>/<user>"), so members answering at the same
// moment never write the same document; only its author replaces it.
func (s *Store) PutFeedback(ctx context.Context, f *bot.Feedback) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	defer s.lockDoc(collFeedback, f.ID)()
	c := s.db.Collection(collFeedback)
	_, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: f.ID}}, f, options.Replace().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		// An upsert is a read, then an insert: the author's other answer
		// (another replica) inserted it meanwhile. Now it is a replace.
		_, err = c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: f.ID}}, f)
	}
	return mapErr(err, "store feedback")
}

// ListFeedback returns a set's feedback by session, then user.
func (s *Store) ListFeedback(ctx context.Context, setID string) ([]*bot.Feedback, error) {
	return list[bot.Feedback](ctx, s.db.Collection(collFeedback), bson.D{{Key: "set_id", Value: setID}},
		bson.D{{Key: "session", Value: 1}, {Key: "user_id", Value: 1}}, "list feedback")
}

// AddMentoring stores a new mentoring session; EEXISTS when its id is taken.
func (s *Store) AddMentoring(ctx context.Context, m *bot.MentoringSession) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	return s.insert(ctx, collMentoring, "mentoring session", m)
}

// ListMentoring returns a set's mentoring sessions by date, then log time.
func (s *Store) ListMentoring(ctx context.Context, setID string) ([]*bot.MentoringSession, error) {
	return list[bot.MentoringSession](ctx, s.db.Collection(collMentoring), bson.D{{Key: "set_id", Value: setID}},
		bson.D{{Key: "date", Value: 1}, {Key: "logged_at", Value: 1}}, "list mentoring sessions")
}
