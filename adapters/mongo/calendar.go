package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alsbot/alsbot/bot"
)

// Calendar collections. Tokens name their owner by user id, so forget me
// (deleteNaming) removes them with every other document naming the person.
const (
	collCalendarTokens = "calendar_tokens"
	collCalendarEvents = "calendar_events"
	// collCalendarLinks maps a per-session address's hash to its session;
	// it names no person. collCalendarKeys holds the one server key those
	// addresses are derived from.
	collCalendarLinks = "calendar_links"
	collCalendarKeys  = "calendar_keys"
	sessionLinkKeyID  = "session-links"
)

var (
	_ bot.CalendarStore    = (*Store)(nil)
	_ bot.SessionLinkStore = (*Store)(nil)
)

// calendarIndexes are created by Open with the others.
func calendarIndexes() []collIndex {
	return []collIndex{{collCalendarTokens, bson.D{{Key: "platform", Value: 1}, {Key: "user_id", Value: 1}}}}
}

// CreateCalendarToken stores t by its hash.
func (s *Store) CreateCalendarToken(ctx context.Context, t *bot.CalendarToken) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	return s.insert(ctx, collCalendarTokens, "calendar token", t)
}

// GetCalendarToken reads a token by its hash: the feed's one round trip
// before the sets, read by _id.
func (s *Store) GetCalendarToken(ctx context.Context, hash string) (*bot.CalendarToken, error) {
	return getDoc[bot.CalendarToken](ctx, s, collCalendarTokens, "calendar token", hash)
}

// FindCalendarTokens returns a person's tokens, oldest first.
func (s *Store) FindCalendarTokens(ctx context.Context, platform bot.Platform, userID string) ([]*bot.CalendarToken, error) {
	return list[bot.CalendarToken](ctx, s.db.Collection(collCalendarTokens),
		bson.D{{Key: "platform", Value: platform}, {Key: "user_id", Value: userID}},
		bson.D{{Key: "created_at", Value: 1}}, "find calendar tokens")
}

// DeleteCalendarTokens revokes a person's tokens.
func (s *Store) DeleteCalendarTokens(ctx context.Context, platform bot.Platform, userID string) (int, error) {
	if err := s.beforeWrite(ctx); err != nil {
		return 0, err
	}
	res, err := s.db.Collection(collCalendarTokens).DeleteMany(ctx,
		bson.D{{Key: "platform", Value: platform}, {Key: "user_id", Value: userID}})
	if err != nil {
		return 0, mapErr(err, "revoke calendar tokens")
	}
	return int(res.DeletedCount), nil
}

// CalendarEvents reads the published events of sessions in one round trip.
func (s *Store) CalendarEvents(ctx context.Context, sessionIDs []string) (map[string]*bot.CalendarEvent, error) {
	out := map[string]*bot.CalendarEvent{}
	if len(sessionIDs) == 0 {
		return out, nil
	}
	evs, err := list[bot.CalendarEvent](ctx, s.db.Collection(collCalendarEvents),
		bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: sessionIDs}}}},
		bson.D{{Key: "_id", Value: 1}}, "read calendar events")
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		out[e.SessionID] = e
	}
	return out, nil
}

// PutCalendarEvent replaces a session's published event. Two replicas
// serving a feed at once write the same value (the sequence is derived from
// the stored one and the session), so a last-writer-wins upsert is enough.
func (s *Store) PutCalendarEvent(ctx context.Context, e *bot.CalendarEvent) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	_, err := s.db.Collection(collCalendarEvents).ReplaceOne(ctx, bson.D{{Key: "_id", Value: e.SessionID}}, e, options.Replace().SetUpsert(true))
	return mapErr(err, "save calendar event")
}

type calendarKey struct {
	ID  string `bson:"_id"`
	Key []byte `bson:"key"`
}

// SessionLinkKey returns the stored key, storing fresh when there is none:
// the insert into the _id index decides between replicas starting at once.
func (s *Store) SessionLinkKey(ctx context.Context, fresh []byte) ([]byte, error) {
	err := s.insert(ctx, collCalendarKeys, "session link key", calendarKey{ID: sessionLinkKeyID, Key: fresh})
	if err == nil {
		return fresh, nil
	}
	if bot.ErrorCode(err) != bot.EEXISTS {
		return nil, err
	}
	var k calendarKey
	if err := s.get(ctx, collCalendarKeys, "session link key", sessionLinkKeyID, &k); err != nil {
		return nil, err
	}
	return k.Key, nil
}

// PutSessionLink stores l by its hash; storing it again writes the same.
func (s *Store) PutSessionLink(ctx context.Context, l *bot.SessionLink) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	_, err := s.db.Collection(collCalendarLinks).ReplaceOne(ctx, bson.D{{Key: "_id", Value: l.Hash}}, l, options.Replace().SetUpsert(true))
	return mapErr(err, "save session link")
}

// GetSessionLink reads a session link by its hash, by _id.
func (s *Store) GetSessionLink(ctx context.Context, hash string) (*bot.SessionLink, error) {
	return getDoc[bot.SessionLink](ctx, s, collCalendarLinks, "session link", hash)
}
