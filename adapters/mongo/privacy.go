package mongo

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alsbot/alsbot/bot"
)

var _ bot.PrivacyStore = (*Store)(nil)

// saveTries bounds the re-reads when a versioned save meets a concurrent change.
const saveTries = 5

// ForgetUser implements bot.PrivacyStore: it applies plan and decides
// nothing itself. It is made of single-document writes (there are no
// transactions on FerretDB); run again after a failure, it carries on
// where it stopped, since the sets it already anonymised no longer name
// the person.
func (s *Store) ForgetUser(ctx context.Context, plan bot.ErasePlan) (bot.Erasure, error) {
	if err := s.beforeWrite(ctx); err != nil {
		return bot.Erasure{}, err
	}
	var er bot.Erasure
	if plan.UserID == "" || bot.IsAnonymous(plan.UserID) {
		return er, bot.Errorf(bot.EINVALID, "There is nobody to forget.")
	}
	for _, setID := range plan.SetIDs {
		anon, err := s.anonymiseSet(ctx, setID, plan.UserID)
		if err != nil {
			return er, err
		}
		er.Sets++
		if err := s.anonymiseRecords(ctx, setID, plan.UserID, anon, &er); err != nil {
			return er, err
		}
		if err := s.anonymiseProgrammeRecords(ctx, setID, plan.UserID, anon, &er); err != nil {
			return er, err
		}
	}
	if err := s.forgetProgrammeRoles(ctx, plan.UserID); err != nil {
		return er, err
	}
	for _, rule := range plan.Delete {
		n, err := s.applyEraseRule(ctx, plan, rule)
		er.Other += n
		if err != nil {
			return er, err
		}
	}
	return er, nil
}

// anonymiseSet replaces the person in the set's people (and as anyone's
// mentor) by the set's next anonymous id, and returns it.
func (s *Store) anonymiseSet(ctx context.Context, setID, userID string) (string, error) {
	for try := 0; ; try++ {
		set, err := s.GetSet(ctx, setID)
		if err != nil {
			return "", err
		}
		anon := bot.NextAnonymousID(set)
		if !bot.AnonymisePerson(set, userID, anon) {
			return "", bot.Errorf(bot.ENOTFOUND, "That person is no longer in the set.")
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
		changed, err := s.updateSession(ctx, sess, func(x *bot.Session) bool { return bot.AnonymiseSession(x, userID, anon) })
		if err != nil {
			return err
		}
		if changed {
			er.Sessions++
		}
	}
	// Check-ins and bids are documents of their own (attendance.go).
	if _, err := s.anonymiseAttendance(ctx, setID, userID, anon); err != nil {
		return err
	}

	commitments, err := s.ListCommitments(ctx, setID, userID, false)
	if err != nil {
		return err
	}
	for _, c := range commitments {
		n := bot.AnonymiseCommitment(c, userID, anon)
		if n < 0 {
			continue
		}
		er.Reports += n
		if err := s.replaceCommitment(ctx, c); err != nil {
			return err
		}
		er.Commitments++
	}
	// The person's open commitments document is keyed by their id.
	if err := s.dropOpen(ctx, setID, userID); err != nil {
		return err
	}

	feedback, err := s.ListFeedback(ctx, setID)
	if err != nil {
		return err
	}
	for _, f := range feedback {
		// The id names the person: store the rating under the anonymous
		// id first, then delete the old one, so a failure between the two
		// keeps the rating (a second run deletes the old one).
		old := f.ID
		if !bot.AnonymiseFeedback(f, userID, anon) {
			continue
		}
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
		if !bot.AnonymiseMentoring(m, userID, anon) {
			continue
		}
		if err := s.replaceByID(ctx, collMentoring, m.ID, m); err != nil {
			return err
		}
		er.Mentoring++
	}
	return nil
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

// replaceCommitment writes c over its stored document.
func (s *Store) replaceCommitment(ctx context.Context, c *bot.Commitment) error {
	scopeOf(ctx, c.SetID).commitmentsWritten()
	defer s.lockDoc(collSessions, c.ID)()
	_, err := s.db.Collection(collSessions).ReplaceOne(ctx, commitmentFilter(c.ID), commitmentRecord(c))
	s.cache.drop(cacheKey(collSessions, c.ID))
	s.cache.drop(commitmentsKey(c.SetID))
	return mapErr(err, "rewrite commitment")
}

// eraseCollections maps the plan's record kinds to collections.
var eraseCollections = map[bot.RecordKind]string{
	bot.RecordDeliveries:      collDeliveries,
	bot.RecordDeliveryHistory: collDeliveryHistory,
	bot.RecordDeliveryClaims:  collDeliveryClaims,
	bot.RecordClaims:          collClaims,
	bot.RecordConversations:   collConversations,
	bot.RecordCalendarTokens:  collCalendarTokens,
}

// applyEraseRule deletes the documents rule matches and returns how many.
func (s *Store) applyEraseRule(ctx context.Context, plan bot.ErasePlan, rule bot.EraseRule) (int, error) {
	coll, ok := eraseCollections[rule.Records]
	if !ok {
		return 0, fmt.Errorf("erase: unknown record kind %q", rule.Records)
	}
	c := s.db.Collection(coll)
	switch {
	case rule.Field != "":
		res, err := c.DeleteMany(ctx, bson.D{{Key: rule.Field, Value: plan.UserID}})
		if err != nil {
			return 0, mapErr(err, "erase from "+coll)
		}
		return int(res.DeletedCount), nil
	case rule.SetMessages:
		if len(plan.SetIDs) == 0 {
			return 0, nil
		}
		res, err := c.DeleteMany(ctx, bson.D{
			{Key: "set_id", Value: bson.D{{Key: "$in", Value: plan.SetIDs}}},
			{Key: "message", Value: bson.D{{Key: "$exists", Value: true}}},
		})
		if err != nil {
			return 0, mapErr(err, "erase stored messages from "+coll)
		}
		return int(res.DeletedCount), nil
	case rule.Key:
		// Keys are strings the bot built; the id's plain text narrows the
		// scan, KeyNames decides.
		cur, err := c.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$regex", Value: regexp.QuoteMeta(plan.UserID)}}}},
			options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			return 0, mapErr(err, "scan "+coll)
		}
		var ids []string
		for cur.Next(ctx) {
			if key, ok := cur.Current.Lookup("_id").StringValueOK(); ok && bot.KeyNames(key, plan.UserID) {
				ids = append(ids, key)
			}
		}
		err = cur.Err()
		_ = cur.Close(ctx)
		if err != nil {
			return 0, mapErr(err, "scan "+coll)
		}
		n := 0
		for _, id := range ids {
			res, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
			if err != nil {
				return n, mapErr(err, "erase from "+coll)
			}
			n += int(res.DeletedCount)
		}
		return n, nil
	}
	return 0, fmt.Errorf("erase: empty rule for %q", rule.Records)
}

// Names reports whether a document's JSON (keys and values) holds userID
// or, as a whole word, name. It is how tests check that erasure left
// nothing; erasure itself never matches names (bot.ErasePlan).
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
	if err := s.beforeWrite(ctx); err != nil {
		return 0, err
	}
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
	if err := s.purgeBidTitles(ctx, setID); err != nil {
		return n, err
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
		for i := range c.History {
			changed = changed || c.History[i].Reason != ""
			c.History[i].Reason = ""
		}
		if !changed {
			continue
		}
		if err := s.replaceCommitment(ctx, c); err != nil {
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
	m, err := s.purgeProgrammeTexts(ctx, setID)
	return n + m, err
}
