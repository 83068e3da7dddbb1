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

// collConversations keeps platform conversation references (Teams), so that
// proactive messages can be sent after a restart.
const collConversations = "conversations"

// conversationDoc is one stored reference. Ref is the platform's reference
// as JSON: it belongs to the adapter, which alone knows its shape, so the
// store keeps it opaque.
type conversationDoc struct {
	ID        string    `bson:"_id"`
	Ref       string    `bson:"ref"`
	Stale     bool      `bson:"stale,omitempty"`
	UpdatedAt time.Time `bson:"updated_at"`
}

// PutConversations stores each reference under its key (replacing what was
// there and clearing a stale mark) in one round trip.
func (s *Store) PutConversations(ctx context.Context, refs map[string][]byte) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	if len(refs) == 0 {
		return nil
	}
	now := time.Now().UTC()
	models := make([]mongo.WriteModel, 0, len(refs))
	for key, ref := range refs {
		models = append(models, mongo.NewReplaceOneModel().
			SetFilter(bson.D{{Key: "_id", Value: key}}).
			SetReplacement(conversationDoc{ID: key, Ref: string(ref), UpdatedAt: now}).
			SetUpsert(true))
	}
	// Unordered: one key failing does not keep the others from being stored.
	_, err := s.db.Collection(collConversations).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	if err != nil {
		return mapErr(err, "store conversation references")
	}
	return nil
}

// GetConversation returns the reference stored under key and whether it was
// marked stale; a bot ENOTFOUND error when there is none.
func (s *Store) GetConversation(ctx context.Context, key string) ([]byte, bool, error) {
	var d conversationDoc
	err := s.db.Collection(collConversations).FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, false, bot.Errorf(bot.ENOTFOUND, "No conversation is known for %s.", key)
	}
	if err != nil {
		return nil, false, mapErr(err, "read conversation reference")
	}
	return []byte(d.Ref), d.Stale, nil
}

// MarkConversationStale records that the platform refused the reference
// (403/404), so senders stop using it until a new activity stores it again.
// A missing key is not an error.
func (s *Store) MarkConversationStale(ctx context.Context, key string) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	_, err := s.db.Collection(collConversations).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: key}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "stale", Value: true}, {Key: "updated_at", Value: time.Now().UTC()}}}})
	if err != nil {
		return mapErr(err, fmt.Sprintf("mark conversation %s stale", key))
	}
	return nil
}
