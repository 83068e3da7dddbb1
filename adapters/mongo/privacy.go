package mongo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/bot"
)

var _ bot.PrivacyStore = (*Store)(nil)

// saveTries bounds the re-reads when a versioned save meets a concurrent change.
const saveTries = 5

// coreCollections are anonymised field by field; every other collection
// (deliveries and their history and claims, claims, conversation
// references, collections added later) loses the documents that name the
// person.
var coreCollections = []string{collSets, collSessions, collCommitments, collFeedback, collMentoring}

// ForgetUser implements bot.PrivacyStore. It is made of single-document
// writes (there are no transactions on FerretDB); run again after a
// failure, it carries on where it stopped, since the sets it already
// anonymised no longer name the person.
func (s *Store) ForgetUser(ctx context.Context, platform bot.Platform, userID, name string) (bot.Erasure, error) {
	var er bot.Erasure
	if userID == "" || bot.IsAnonymous(userID) {
		return er, bot.Errorf(bot.EINVALID, "There is nobody to forget.")
	}
	sets, err := s.FindSets(ctx, platform, userID)
	if err != nil {
		return er, err
	}
	for _, set := range sets {
		anon, err := s.anonymiseSet(ctx, set.ID, userID)
		if err != nil {
			return er, err
		}
		er.Sets++
		if err := s.anonymiseRecords(ctx, set.ID, userID, anon, &er); err != nil {
			return er, err
		}
	}
	// Mentors who are not in a set's people (none today) and records of
	// sets the person left the people of are still found by field. The
	// documents it deletes are not known by id here: the cache forgets all.
	defer s.cache.reset()
	n, err := s.deleteNaming(ctx, userID, name)
	er.Other += n
	return er, err
}

// anonymiseSet replaces the person in the set's people (and as anyone's
// mentor) by the set's next anonymous id, and returns it.
func (s *Store) anonymiseSet(ctx context.Context, setID, userID string) (string, error) {
	for try := 0; ; try++ {
		set, err := s.GetSet(ctx, setID)
		if err != nil {
			return "", err
		}
		p := set.Person(userID)
		if p == nil {
			return "", bot.Errorf(bot.ENOTFOUND, "That person is no longer in the set.")
		}
		anon := bot.NextAnonymousID(set)
		p.User = bot.UserRef{ID: anon, Name: anon}
		for i := range set.People {
			if set.People[i].MentorID == userID {
				set.People[i].MentorID = anon
			}
		}
		err = s.SaveSet(ctx, set)
		if err == nil {
			return anon, nil
		}
		if bot.ErrorCode(err) != bot.ECONFLICT || try == saveTries-1 {
			return "", fmt.Errorf("anonymise set %s: %w", setID, err)
		}
	}
}

// anonymiseRecords rewrites the set's sessions, commitments, feedback and
// mentoring logs that name userID.
func (s *Store) anonymiseRecords(ctx context.Context, setID, userID, anon string, er *bot.Erasure) error {
	sessions, err := s.ListSessions(ctx, setID)
	if err != nil {
		return err
	}
	for _, sess := range sessions {
		changed, err := s.updateSession(ctx, sess, func(x *bot.Session) bool { return anonymiseSession(x, userID, anon) })
		if err != nil {
			return err
		}
		if changed {
			er.Sessions++
		}
	}

	commitments, err := s.ListCommitments(ctx, setID, userID, false)
	if err != nil {
		return err
	}
	for _, c := range commitments {
		c.UserID, c.Text = anon, ""
		for i := range c.Reports {
			c.Reports[i].Text = ""
		}
		er.Reports += len(c.Reports)
		if err := s.replaceByID(ctx, collCommitments, c.ID, c); err != nil {
			return err
		}
		er.Commitments++
	}
	if len(commitments) > 0 {
		if err := s.dropOpen(ctx, setID, userID); err != nil {
			return err
		}
	}

	feedback, err := s.ListFeedback(ctx, setID)
	if err != nil {
		return err
	}
	for _, f := range feedback {
		if f.UserID != userID {
			continue
		}
		// The id names the person: store the rating under the anonymous
		// id first, then delete the old one, so a failure between the two
		// keeps the rating (a second run deletes the old one).
		old := f.ID
		f.ID, f.UserID, f.Comment = bot.FeedbackID(f.SessionID, anon), anon, ""
		if err := s.PutFeedback(ctx, f); err != nil {
			return err
		}
		if _, err := s.db.Collection(collFeedback).DeleteOne(ctx, bson.D{{Key: "_id", Value: old}}); err != nil {
			return mapErr(err, "delete feedback")
		}
		er.Feedback++
	}

	logs, err := s.ListMentoring(ctx, setID)
	if err != nil {
		return err
	}
	for _, m := range logs {
		if m.MentorID != userID && m.MenteeID != userID {
			continue
		}
		if m.MentorID == userID {
			m.MentorID = anon
		}
		if m.MenteeID == userID {
			m.MenteeID = anon
		}
		m.Note = ""
		if err := s.replaceByID(ctx, collMentoring, m.ID, m); err != nil {
			return err
		}
		er.Mentoring++
	}
	return nil
}

// anonymiseSession replaces userID in the session's attendance, bids and
// rounds and erases their bid and round titles; it reports a change.
func anonymiseSession(sess *bot.Session, userID, anon string) bool {
	changed := false
	swap := func(id *string) {
		if *id == userID {
			*id, changed = anon, true
		}
	}
	for i := range sess.Attendees {
		swap(&sess.Attendees[i].UserID)
	}
	for i := range sess.Bids {
		if sess.Bids[i].UserID == userID {
			sess.Bids[i].Title = ""
		}
		swap(&sess.Bids[i].UserID)
	}
	for i := range sess.Rounds {
		r := &sess.Rounds[i]
		if r.Presenter == userID {
			r.Title = ""
		}
		swap(&r.Presenter)
		swap(&r.Observer)
		for j := range r.Enablers {
			swap(&r.Enablers[j])
		}
	}
	return changed
}

// updateSession applies change to a fresh copy of the session and saves it,
// again on a concurrent change; it reports whether change changed anything.
func (s *Store) updateSession(ctx context.Context, sess *bot.Session, change func(*bot.Session) bool) (bool, error) {
	for try := 0; ; try++ {
		if !change(sess) {
			return false, nil
		}
		err := s.SaveSession(ctx, sess)
		if err == nil {
			return true, nil
		}
		if bot.ErrorCode(err) != bot.ECONFLICT || try == saveTries-1 {
			return false, fmt.Errorf("rewrite session %s: %w", sess.ID, err)
		}
		if sess, err = s.GetSession(ctx, sess.ID); err != nil {
			return false, err
		}
	}
}

// replaceByID writes doc over document id (unversioned documents).
func (s *Store) replaceByID(ctx context.Context, coll, id string, doc any) error {
	defer s.lockDoc(coll, id)()
	_, err := s.db.Collection(coll).ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc)
	s.cache.drop(cacheKey(coll, id))
	return mapErr(err, "rewrite "+coll)
}

// deleteNaming deletes, from every collection but the core ones, each
// document whose JSON holds userID or name (as a whole word): what the
// scheduler planned or sent to them or about them, claims keyed by their
// id, conversation references. It returns how many it deleted.
func (s *Store) deleteNaming(ctx context.Context, userID, name string) (int, error) {
	if utf8.RuneCountInString(strings.TrimSpace(name)) < 2 {
		// A one-letter name would match words of unrelated documents.
		name = ""
	}
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return 0, mapErr(err, "list collections")
	}
	n := 0
	for _, coll := range names {
		if slices.Contains(coreCollections, coll) || strings.HasPrefix(coll, "system.") {
			continue
		}
		cur, err := s.db.Collection(coll).Find(ctx, bson.D{})
		if err != nil {
			return n, mapErr(err, "scan "+coll)
		}
		var ids []any
		for cur.Next(ctx) {
			if Names(cur.Current, userID, name) {
				ids = append(ids, cur.Current.Lookup("_id"))
			}
		}
		err = cur.Err()
		_ = cur.Close(ctx)
		if err != nil {
			return n, mapErr(err, "scan "+coll)
		}
		for _, id := range ids {
			if _, err := s.db.Collection(coll).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
				return n, mapErr(err, "delete from "+coll)
			}
			n++
		}
	}
	return n, nil
}

// Names reports whether a document's JSON (keys and values) holds userID
// or, as a whole word, name. It is how erasure finds documents and how its
// tests check that none is left.
func Names(doc bson.Raw, userID, name string) bool {
	js, err := bson.MarshalExtJSON(doc, false, false)
	if err != nil {
		return true // unreadable: treat as naming, the caller looks closer
	}
	text := string(js)
	if userID != "" && strings.Contains(text, userID) {
		return true
	}
	return name != "" && containsWord(text, name)
}

// containsWord reports whether w occurs in s with no letter or digit on
// either side ("Ana" in "Ana's", not in "Banana").
func containsWord(s, w string) bool {
	isWord := func(b byte) bool {
		return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
	}
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		if (j == 0 || !isWord(s[j-1])) && (end == len(s) || !isWord(s[end])) {
			return true
		}
		i = j + 1
	}
}

// PurgeSetTexts implements bot.PrivacyStore: it erases what members wrote
// in the set (commitments and reports, bid and round titles, feedback
// comments, mentoring notes) and deletes the stored messages sent for it.
func (s *Store) PurgeSetTexts(ctx context.Context, setID string) (int, error) {
	n := 0
	sessions, err := s.ListSessions(ctx, setID)
	if err != nil {
		return n, err
	}
	for _, sess := range sessions {
		changed, err := s.updateSession(ctx, sess, func(x *bot.Session) bool {
			c := false
			for i := range x.Bids {
				if x.Bids[i].Title != "" {
					x.Bids[i].Title, c = "", true
				}
			}
			for i := range x.Rounds {
				if x.Rounds[i].Title != "" {
					x.Rounds[i].Title, c = "", true
				}
			}
			return c
		})
		if err != nil {
			return n, err
		}
		if changed {
			n++
		}
	}
	commitments, err := s.ListCommitments(ctx, setID, "", false)
	if err != nil {
		return n, err
	}
	for _, c := range commitments {
		changed := c.Text != ""
		c.Text = ""
		for i := range c.Reports {
			changed = changed || c.Reports[i].Text != ""
			c.Reports[i].Text = ""
		}
		if !changed {
			continue
		}
		if err := s.replaceByID(ctx, collCommitments, c.ID, c); err != nil {
			return n, err
		}
		n++
	}
	// The open documents quote the texts: reads rebuild them from the above.
	if err := s.dropOpen(ctx, setID, ""); err != nil {
		return n, err
	}
	feedback, err := s.ListFeedback(ctx, setID)
	if err != nil {
		return n, err
	}
	for _, f := range feedback {
		if f.Comment == "" {
			continue
		}
		f.Comment = ""
		if err := s.replaceByID(ctx, collFeedback, f.ID, f); err != nil {
			return n, err
		}
		n++
	}
	logs, err := s.ListMentoring(ctx, setID)
	if err != nil {
		return n, err
	}
	for _, m := range logs {
		if m.Note == "" {
			continue
		}
		m.Note = ""
		if err := s.replaceByID(ctx, collMentoring, m.ID, m); err != nil {
			return n, err
		}
		n++
	}
	// Messages kept for sending or sent (the scheduler's) may quote texts.
	for _, coll := range []string{collDeliveries, collDeliveryHistory} {
		res, err := s.db.Collection(coll).DeleteMany(ctx, bson.D{{Key: "set_id", Value: setID}, {Key: "message", Value: bson.D{{Key: "$exists", Value: true}}}})
		if err != nil {
			return n, mapErr(err, "delete stored messages of "+setID)
		}
		n += int(res.DeletedCount)
	}
	return n, nil
}
