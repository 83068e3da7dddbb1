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

// A member's presence in a session is a document of its own in the
// sessions collection (kind "presence", setdocs.go), keyed
// "<session id>/<user id>": their check-in and, once they bid, their bid.
// At the start of a session every member checks in within seconds, from
// any replica: each check-in is then an insert into the _id index, exact on
// MongoDB and FerretDB alike, where an edit of the shared session document
// lost check-ins (FerretDB's filtered update is not a compare-and-set) or
// told people to try again (MongoDB's is). A member's document is written
// only by that member (here, bid, not here), so the bid's $set on it races
// with nobody else. Reads add these documents to the session
// (Session.Attendees, Session.Bids), so every figure is counted from them.
//
// attendanceKeys names the cache keys of the attendance of a session or a set.
const attendanceKeys = "attendance"

// presence is a member's presence document.
type presence struct {
	ID        string    `bson:"_id"`
	Kind      string    `bson:"kind"` // kindPresence
	SetID     string    `bson:"set_id"`
	SessionID string    `bson:"session_id"`
	UserID    string    `bson:"user_id"`
	At        time.Time `bson:"at"` // checked in
	Bid       *bidPart  `bson:"bid,omitempty"`
}

// bidPart is the bid in a member's presence document.
type bidPart struct {
	Title string    `bson:"title,omitempty"`
	At    time.Time `bson:"at"`
}

// AttendanceID is the natural key of a member's presence in a session.
func AttendanceID(sessionID, userID string) string { return sessionID + "/" + userID }

// attendanceIndexes are created by Open with the others.
func attendanceIndexes() []collIndex {
	return []collIndex{
		{collSessions, bson.D{{Key: "session_id", Value: 1}}},
	}
}

// CheckIn implements bot.SessionStore: one insert, then a count of the
// session's check-ins for the answer.
func (s *Store) CheckIn(ctx context.Context, a bot.CheckIn) (bool, int, error) {
	if err := s.beforeWrite(ctx); err != nil {
		return false, 0, err
	}
	// A caching store is the only writer: what it has cached is what is
	// stored, so a second press of "I'm here" needs no round trip, and the
	// count needs none either.
	known, cached := s.cachedPresences(a.SetID, a.SessionID)
	if cached && slices.ContainsFunc(known, func(p *presence) bool { return p.UserID == a.UserID }) {
		return false, 0, nil
	}
	// A read of the session by the same command found who was here: the
	// count is theirs and this one (a check-in another replica stores in
	// the same moment may be missing from the count, never from the
	// store).
	here, read := scopeOf(ctx, a.SetID).keptHere(a.SessionID)
	c := s.db.Collection(collSessions)
	defer s.attendanceChanged(a.SessionID)
	_, err := c.InsertOne(ctx, presence{
		ID: AttendanceID(a.SessionID, a.UserID), Kind: kindPresence, SetID: a.SetID, SessionID: a.SessionID, UserID: a.UserID, At: a.At,
	})
	if mongo.IsDuplicateKeyError(err) {
		return false, 0, nil
	}
	if err != nil {
		return false, 0, mapErr(err, "check in")
	}
	switch {
	case cached:
		return true, len(known) + 1, nil
	case read:
		n := len(here)
		if !slices.Contains(here, a.UserID) {
			n++
		}
		return true, n, nil
	}
	n, err := c.CountDocuments(ctx, ofKind(bson.D{{Key: "session_id", Value: a.SessionID}}, kindPresence))
	if err != nil {
		// The check-in is stored; only the count for the answer is missing.
		s.log.WarnContext(ctx, "count check-ins", "component", "store", "session", a.SessionID, "err", err)
		return true, 0, nil
	}
	return true, int(n), nil
}

// DeleteCheckIn implements bot.SessionStore (the undo of a check-in).
func (s *Store) DeleteCheckIn(ctx context.Context, sessionID, userID string) (bool, error) {
	if err := s.beforeWrite(ctx); err != nil {
		return false, err
	}
	defer s.attendanceChanged(sessionID)
	res, err := s.db.Collection(collSessions).DeleteOne(ctx, ofKind(bson.D{{Key: "_id", Value: AttendanceID(sessionID, userID)}}, kindPresence))
	if err != nil {
		return false, mapErr(err, "delete check-in")
	}
	return res.DeletedCount == 1, nil
}

// PutBid implements bot.SessionStore in one round trip: an upsert of the
// member's presence document that sets the bid and, when the document is
// new, the check-in; the document as it was tells what changed.
func (s *Store) PutBid(ctx context.Context, a bot.CheckIn, b bot.Bid) (bool, bool, error) {
	if err := s.beforeWrite(ctx); err != nil {
		return false, false, err
	}
	id := AttendanceID(a.SessionID, a.UserID)
	update := bson.D{
		{Key: "$set", Value: bson.D{{Key: "bid", Value: bidPart{Title: b.Title, At: b.At}}}},
		{Key: "$setOnInsert", Value: bson.D{
			{Key: "kind", Value: kindPresence}, {Key: "set_id", Value: a.SetID}, {Key: "session_id", Value: a.SessionID}, {Key: "user_id", Value: a.UserID}, {Key: "at", Value: a.At},
		}},
	}
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.Before)
	defer s.attendanceChanged(a.SessionID)
	for try := 0; ; try++ {
		var before presence
		err := s.db.Collection(collSessions).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}}, update, opts).Decode(&before)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			return false, true, nil // inserted: checked in by the bid
		case err == nil:
			return before.Bid != nil, false, nil
		case mongo.IsDuplicateKeyError(err) && try == 0:
			// The member's own check-in was inserted at the same moment
			// (an upsert is a read, then an insert): now it is an update.
			continue
		default:
			return false, false, mapErr(err, "bid")
		}
	}
}

// presences reads the presence documents matching filter.
func (s *Store) presences(ctx context.Context, filter bson.D) ([]*presence, error) {
	return list[presence](ctx, s.db.Collection(collSessions), ofKind(filter, kindPresence),
		bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}, "read attendance")
}

// sortPresences puts presences in the order presences reads them.
func sortPresences(ps []*presence) {
	slices.SortStableFunc(ps, func(a, b *presence) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// presenceList is the attendance of a session or a set as the cache keeps it.
type presenceList struct {
	L []*presence `bson:"l"`
}

// Cache keys of the attendance of a session and of a set: a caching store
// (the embedded one, the only writer of its files) reads them from memory,
// and every write of an attendance document drops both.
func sessionPresenceKey(sessionID string) string {
	return cacheKey(attendanceKeys+"-of-session", sessionID)
}
func setPresenceKey(setID string) string { return cacheKey(attendanceKeys+"-of-set", setID) }

// setOfSession is the set id in a session id ("<set id>/<number>").
func setOfSession(sessionID string) string {
	if i := strings.LastIndexByte(sessionID, '/'); i >= 0 {
		return sessionID[:i]
	}
	return sessionID
}

// cachedPresences is the attendance of a session as cached, if it is.
func (s *Store) cachedPresences(setID, sessionID string) ([]*presence, bool) {
	var cached presenceList
	if s.cache.get(sessionPresenceKey(sessionID), &cached) {
		return cached.L, true
	}
	if s.cache.get(setPresenceKey(setID), &cached) {
		return slices.DeleteFunc(cached.L, func(p *presence) bool { return p.SessionID != sessionID }), true
	}
	return nil, false
}

// presencesOf reads the attendance of a session (sessionID) or of a whole
// set (setID, when sessionID is empty), from the cache when it can.
func (s *Store) presencesOf(ctx context.Context, setID, sessionID string) ([]*presence, error) {
	key, filter := setPresenceKey(setID), bson.D{{Key: "set_id", Value: setID}}
	if sessionID != "" {
		key, filter = sessionPresenceKey(sessionID), bson.D{{Key: "session_id", Value: sessionID}}
	}
	if sessionID != "" {
		if ps, ok := s.cachedPresences(setID, sessionID); ok {
			return ps, nil
		}
	} else {
		var cached presenceList
		if s.cache.get(key, &cached) {
			return cached.L, nil
		}
	}
	t := s.cache.ticket()
	ps, err := s.presences(ctx, filter)
	if err != nil {
		return nil, err
	}
	if raw, merr := bson.Marshal(presenceList{L: ps}); merr == nil {
		s.cache.fill(key, t, &presenceList{}, raw)
	}
	return ps, nil
}

// attendanceChanged drops the cached attendance of a session and its set.
func (s *Store) attendanceChanged(sessionID string) {
	s.cache.drop(sessionPresenceKey(sessionID))
	s.cache.drop(setPresenceKey(setOfSession(sessionID)))
}

// withAttendance adds the presence documents to their sessions: a check-in
// to Attendees and a bid to Bids (replacing a bid the session document has
// for the same member), both marked Own so that SaveSession leaves them out.
func withAttendance(sessions []*bot.Session, ps []*presence) {
	byID := make(map[string]*bot.Session, len(sessions))
	for _, s := range sessions {
		byID[s.ID] = s
	}
	for _, p := range ps {
		sess := byID[p.SessionID]
		if sess == nil {
			continue
		}
		if !sess.Attended(p.UserID) {
			sess.Attendees = append(sess.Attendees, bot.Attendance{UserID: p.UserID, At: p.At, Own: true})
		}
		if p.Bid == nil {
			continue
		}
		b := bot.Bid{UserID: p.UserID, Title: p.Bid.Title, At: p.Bid.At, Own: true}
		if i := slices.IndexFunc(sess.Bids, func(x bot.Bid) bool { return x.UserID == p.UserID }); i >= 0 {
			sess.Bids[i] = b
		} else {
			sess.Bids = append(sess.Bids, b)
		}
	}
}

// sessionDoc is what SaveSession writes: the session without the check-ins
// and bids that have documents of their own.
func sessionDoc(sess *bot.Session) *bot.Session {
	doc := *sess
	if slices.ContainsFunc(doc.Attendees, func(a bot.Attendance) bool { return a.Own }) {
		doc.Attendees = slices.DeleteFunc(slices.Clone(doc.Attendees), func(a bot.Attendance) bool { return a.Own })
	}
	if slices.ContainsFunc(doc.Bids, func(b bot.Bid) bool { return b.Own }) {
		doc.Bids = slices.DeleteFunc(slices.Clone(doc.Bids), func(b bot.Bid) bool { return b.Own })
	}
	return &doc
}

// anonymiseAttendance moves userID's presence documents in set setID to
// anon's keys, without the bid title (forget me). The new document is
// stored before the old one is deleted, so a failure between the two keeps
// the attendance figure, and a second run finishes.
func (s *Store) anonymiseAttendance(ctx context.Context, setID, userID, anon string) (int, error) {
	ps, err := s.presences(ctx, bson.D{{Key: "set_id", Value: setID}, {Key: "user_id", Value: userID}})
	if err != nil {
		return 0, err
	}
	c := s.db.Collection(collSessions)
	for _, p := range ps {
		s.attendanceChanged(p.SessionID)
		old := p.ID
		p.ID, p.UserID = AttendanceID(p.SessionID, anon), anon
		if p.Bid != nil {
			p.Bid.Title = ""
		}
		if _, err := c.InsertOne(ctx, p); err != nil && !mongo.IsDuplicateKeyError(err) {
			return 0, mapErr(err, "anonymise attendance")
		}
		if _, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: old}}); err != nil {
			return 0, mapErr(err, "anonymise attendance")
		}
	}
	return len(ps), nil
}

// purgeBidTitles erases the bid titles of a set's presence documents.
func (s *Store) purgeBidTitles(ctx context.Context, setID string) error {
	defer s.cache.dropPrefix(cacheKey(attendanceKeys+"-of-session", setID+"/"))
	defer s.cache.drop(setPresenceKey(setID))
	_, err := s.db.Collection(collSessions).UpdateMany(ctx,
		ofKind(bson.D{{Key: "set_id", Value: setID}, {Key: "bid.title", Value: bson.D{{Key: "$exists", Value: true}}}}, kindPresence),
		bson.D{{Key: "$unset", Value: bson.D{{Key: "bid.title", Value: ""}}}})
	return mapErr(err, fmt.Sprintf("erase bid titles of %s", setID))
}
