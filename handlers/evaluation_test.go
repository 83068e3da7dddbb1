package handlers_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
	"github.com/alsbot/alsbot/scheduler"
)

// closedSession sets up a set of ana, ben and dee (dee never comes), with
// one session that ana and ben attended, now closed.
func (e *env) closedSession() {
	e.t.Helper()
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben @dee")
	e.must("fac", "mentor @fay for @ana")
	e.must("fac", "session start")
	e.must("ana", "here")
	e.must("ben", "here")
	e.must("fac", "session end")
	e.msgr.Take()
}

func (e *env) feedback() []*bot.Feedback {
	e.t.Helper()
	fs, err := e.store.ListFeedback(context.Background(), e.setID())
	if err != nil {
		e.t.Fatal(err)
	}
	return fs
}

func (e *env) mentoring() []*bot.MentoringSession {
	e.t.Helper()
	ms, err := e.store.ListMentoring(context.Background(), e.setID())
	if err != nil {
		e.t.Fatal(err)
	}
	return ms
}

// TestFeedbackAndMentoringRefused: bad ratings, feedback without having
// attended, by outsiders and facilitators, and mentoring logs by anyone but
// the mentee's mentor get a clear error and store nothing.
func TestFeedbackAndMentoringRefused(t *testing.T) {
	e := newEnv(t, 7)
	e.closedSession()
	tests := []struct {
		name   string
		user   string
		text   string
		values map[string]string // a form submission when set
		code   string
		words  []string
	}{
		{"rating 0", "ana", "feedback 0", nil, bot.EINVALID, []string{"1 to 5", "Usage"}},
		{"rating 6", "ana", "feedback 6 Loved it", nil, bot.EINVALID, []string{"1 to 5"}},
		{"rating not a number", "ana", "feedback great", nil, bot.EINVALID, []string{"1 to 5"}},
		{"no rating", "ana", "feedback", nil, bot.EINVALID, []string{"1 to 5"}},
		{"form rating out of range", "ana", "feedback", map[string]string{"rating": "9", "comment": "x"}, bot.EINVALID, []string{"1 to 5"}},
		{"comment too long", "ana", "feedback 4 " + strings.Repeat("x", bot.MaxTextLen+1), nil, bot.EINVALID, []string{"limit"}},
		{"member who attended no session", "dee", "feedback 4 Fine", nil, bot.ECONFLICT, []string{"not attended a session", "/als here"}},
		{"non-member", "out", "feedback 4", nil, bot.ENOTFOUND, []string{"no action learning set in this channel"}},
		{"facilitator who is not a member", "fac", "feedback 5", nil, bot.EFORBIDDEN, []string{"Only members"}},
		{"outsider in a DM", "out", "feedback 5", nil, bot.ENOTFOUND, []string{"not in any action learning set"}},
		{"member logs mentoring", "ben", "mentoring log @ana", nil, bot.EFORBIDDEN, []string{"Only a mentor"}},
		{"mentor of another member", "fay", "mentoring log @ben", nil, bot.EFORBIDDEN, []string{"not Ben's mentor"}},
		{"mentee who is not a member", "fay", "mentoring log @out", nil, bot.EINVALID, []string{"not a member"}},
		{"mentoring in the future", "fay", "mentoring log @ana 2026-12-02 Plans", nil, bot.EINVALID, []string{"still to come"}},
		{"mentoring on a bad date", "fay", "mentoring log @ana 2026-02-30", nil, bot.EINVALID, []string{"not a date"}},
		{"non-member asks for stats", "out", "stats", nil, bot.ENOTFOUND, []string{"no action learning set"}},
		{"member asks for stats", "ana", "stats", nil, bot.EFORBIDDEN, []string{"Only a facilitator", "statistics"}},
		{"mentor asks for stats", "fay", "stats", nil, bot.EFORBIDDEN, []string{"Only a facilitator"}},
		{"member exports", "ben", "export", nil, bot.EFORBIDDEN, []string{"Only a facilitator", "export"}},
		{"non-member exports", "out", "export", nil, bot.ENOTFOUND, []string{"no action learning set"}},
		{"member exports in a DM", "ana", "export", nil, bot.EFORBIDDEN, []string{"Only a facilitator"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.snapshot()
			var msg bot.Message
			var err error
			switch {
			case tt.values != nil:
				msg, err = e.form(tt.user, tt.text, tt.values)
			case strings.HasSuffix(tt.name, "in a DM"):
				msg, err = e.dm(tt.user, tt.text)
			default:
				msg, err = e.do(tt.user, tt.text)
			}
			if got := bot.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
			if msg.Kind != bot.KindError || !msg.Private || len(msg.Files) != 0 {
				t.Errorf("reply %+v, want a private error without files", msg)
			}
			wantContains(t, msg.Text, tt.words...)
			e.assertUnchanged(before)
			if fs := e.feedback(); len(fs) != 0 {
				t.Errorf("feedback stored: %+v", fs)
			}
			if ms := e.mentoring(); len(ms) != 0 {
				t.Errorf("mentoring stored: %+v", ms)
			}
		})
	}
}

// TestFeedback: a rating lands on the last session the member attended; a
// second one replaces it; the pulse's form and buttons work.
func TestFeedback(t *testing.T) {
	e := newEnv(t, 8)
	e.closedSession()
	e.clock.Advance(7 * 24 * time.Hour)
	e.must("fac", "session start")
	e.must("ben", "here")
	e.must("fac", "session end")
	if pulse := e.msgr.Take(); len(pulse) != 1 || pulse[0].To.UserID != e.id("ben") || pulse[0].Msg.Kind != bot.KindFeedback ||
		len(pulse[0].Msg.Buttons) != 6 || pulse[0].Msg.Buttons[5].Form == nil || pulse[0].Msg.Buttons[5].Form.ID != "feedback" {
		t.Fatalf("session end sent %+v, want the feedback pulse to ben", pulse)
	}

	steps := []struct {
		user, text string
		values     map[string]string
		dm         bool
		want       map[string]bot.Feedback // by id: session, rating, comment
	}{
		{"ana", "feedback 4 Good pace", nil, false, map[string]bot.Feedback{
			"1/UANA": {Session: 1, Rating: 4, Comment: "Good pace"}}},
		{"ana", "feedback 2", nil, true, map[string]bot.Feedback{
			"1/UANA": {Session: 1, Rating: 2}}},
		{"ben", "feedback", map[string]string{"rating": "5", "comment": " Best one "}, false, map[string]bot.Feedback{
			"1/UANA": {Session: 1, Rating: 2}, "2/UBEN": {Session: 2, Rating: 5, Comment: "Best one"}}},
		{"ben", "feedback 3", nil, true, map[string]bot.Feedback{
			"1/UANA": {Session: 1, Rating: 2}, "2/UBEN": {Session: 2, Rating: 3}}},
	}
	for _, st := range steps {
		t.Run(st.user+" "+st.text, func(t *testing.T) {
			var msg bot.Message
			var err error
			switch {
			case st.values != nil:
				msg, err = e.form(st.user, st.text, st.values)
			case st.dm:
				msg, err = e.dm(st.user, st.text)
			default:
				msg, err = e.do(st.user, st.text)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !msg.Private {
				t.Errorf("feedback reply is public: %+v", msg)
			}
			got := map[string]bot.Feedback{}
			for _, f := range e.feedback() {
				key := strings.TrimPrefix(f.ID, e.setID()+"/")
				got[key] = bot.Feedback{Session: f.Session, Rating: f.Rating, Comment: f.Comment}
			}
			if !reflect.DeepEqual(got, st.want) {
				t.Errorf("feedback %+v, want %+v", got, st.want)
			}
			if sent := e.msgr.Take(); len(sent) != 0 {
				t.Errorf("feedback was posted somewhere: %+v", sent)
			}
		})
	}
}

// TestMydata: the caller's records, as JSON, in their DM only.
func TestMydata(t *testing.T) {
	e := newEnv(t, 9)
	e.closedSession()
	e.must("ana", "commit Call the duty team")
	e.must("ana", "report C-1 progress Called two of them")
	e.must("ana", "feedback 4 Useful")
	e.must("fay", "mentoring log @ana Talked it through")
	e.must("ben", "commit Ben's own plan")

	if _, err := e.do("ana", "mydata"); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("mydata in a channel: %v, want EINVALID", err)
	}
	msg, err := e.dm("ana", "mydata")
	if err != nil {
		t.Fatal(err)
	}
	if !msg.Private || len(msg.Files) != 1 || msg.Files[0].ContentType != "application/json" {
		t.Fatalf("mydata = %+v, want one private JSON file", msg)
	}
	var data handlers.MyData
	if err := json.Unmarshal(msg.Files[0].Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.UserID != "UANA" || len(data.Sets) != 1 {
		t.Fatalf("mydata %+v", data)
	}
	s := data.Sets[0]
	if !reflect.DeepEqual(s.Attended, []int{1}) || len(s.Commitments) != 1 || s.Commitments[0].Text != "Call the duty team" ||
		s.Commitments[0].Reports[0].Text != "Called two of them" || len(s.Feedback) != 1 || s.Feedback[0].Comment != "Useful" ||
		len(s.MentoringGot) != 1 || s.MentoringGot[0].Note != "Talked it through" || s.Mentor != "Fay" {
		t.Errorf("mydata set %+v", s)
	}
	if strings.Contains(string(msg.Files[0].Data), "Ben's own plan") {
		t.Error("mydata holds another member's text")
	}
}

// TestForgetMe: after confirming, no document in any collection holds the
// member's id, name or texts, and the set's figures are unchanged.
func TestForgetMe(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 10)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben @cy")
	e.must("fac", "mentor @fay for @ana")
	e.must("fac", "mentor @ana for @ben") // ana mentors too
	e.must("fac", "session start")
	e.must("ana", "here")
	e.must("ben", "here")
	e.must("cy", "here")
	e.must("ana", "bid Secret rota trouble")
	e.must("fac", "round start @ana observer @ben")
	e.must("fac", "round end")
	e.must("ana", "commit Confidential plan alpha")
	e.must("fac", "round start @ben observer @ana")
	e.must("fac", "round end")
	e.must("ben", "commit Ben keeps this")
	e.must("fac", "session end")
	e.must("ana", "feedback 5 Private comment beta")
	e.must("ben", "feedback 3")
	e.must("ana", "report C-1 done Report text gamma")
	e.must("fay", "mentoring log @ana Mentor note delta")
	e.must("ana", "mentoring log @ben Note by ana epsilon")
	// What the platforms and the scheduler keep about her.
	if _, err := e.store.Claim(ctx, "slack/event/UANA/1"); err != nil {
		t.Fatal(err)
	}
	if err := e.store.PutConversations(ctx, map[string][]byte{"user:UANA": []byte(`{"user":{"id":"UANA","name":"Ana"}}`)}); err != nil {
		t.Fatal(err)
	}
	dm := &bot.Destination{Platform: bot.Shell, UserID: "UANA"}
	if _, err := e.store.AddDeliveries(ctx, []*bot.Delivery{
		{ID: e.setID() + "/nudge/UANA", Kind: bot.DeliverNudge, SetID: e.setID(), UserID: "UANA", Due: e.clock.Now(), NotBefore: e.clock.Now()},
		{ID: e.setID() + "/post/1", Kind: bot.DeliverMessage, SetID: e.setID(), To: &bot.Destination{Platform: bot.Shell, ChannelID: "C1"},
			Message: &bot.Message{Text: "Round 1: Ana presents"}, Due: e.clock.Now(), NotBefore: e.clock.Now()},
		{ID: e.setID() + "/dm/2", Kind: bot.DeliverMessage, SetID: e.setID(), To: dm, Message: &bot.Message{Text: "hello"}, Due: e.clock.Now(), NotBefore: e.clock.Now()},
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.RecordDelivery(ctx, &bot.Delivery{ID: e.setID() + "/1/feedback/@UANA", Kind: bot.DeliverFeedback, SetID: e.setID(), UserID: "UANA", Status: bot.DeliverySent, Done: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.ClaimDelivery(ctx, bot.DeliveryClaim{ID: bot.ClaimKey(e.setID()+"/1/feedback/@UANA", 0), Instance: "i1", At: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	keep := &bot.Delivery{ID: e.setID() + "/reminder/UBEN", Kind: bot.DeliverReminder, SetID: e.setID(), UserID: "UBEN", Due: e.clock.Now(), NotBefore: e.clock.Now()}
	if _, err := e.store.AddDeliveries(ctx, []*bot.Delivery{keep}); err != nil {
		t.Fatal(err)
	}
	figures := func() bot.Stats {
		t.Helper()
		rec, err := handlers.LoadRecords(ctx, e.store, e.set())
		if err != nil {
			t.Fatal(err)
		}
		st := rec.Stats()
		for i := range st.Members {
			st.Members[i].UserID, st.Members[i].Name = "", ""
		}
		return st
	}
	before := figures()
	secrets := []string{"UANA", "Secret rota", "alpha", "beta", "gamma", "delta", "epsilon"}
	if n := countNaming(t, e.store, "Ana", secrets); n == 0 {
		t.Fatal("the test's data does not hold the secrets it looks for")
	}

	// The first step only asks.
	snap := e.snapshot()
	msg, err := e.dm("ana", "forget me")
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Buttons) != 1 || msg.Buttons[0].Command != "forget me confirm" || !msg.Private {
		t.Fatalf("forget me = %+v, want a private confirmation button", msg)
	}
	e.assertUnchanged(snap)

	msg, err = e.do("ana", "forget me confirm")
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, msg.Text, "1 set", "1 commitment", "1 report", "1 feedback comment", "2 mentoring notes")
	if !msg.Private {
		t.Error("the answer to forget me is public")
	}

	if n := countNaming(t, e.store, "Ana", secrets); n != 0 {
		t.Errorf("%d documents still hold Ana's id or texts", n)
	}
	if after := figures(); !reflect.DeepEqual(after, before) {
		t.Errorf("figures changed:\nbefore %+v\nafter  %+v", before, after)
	}
	// Others' records stay.
	if cs, _ := e.store.ListCommitments(ctx, e.setID(), "UBEN", false); len(cs) != 1 || cs[0].Text != "Ben keeps this" {
		t.Errorf("ben's commitments %+v", cs)
	}
	if _, err := e.store.GetClaim(ctx, "nothing"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("get claim: %v", err)
	}
	if ds, _ := e.store.PendingDeliveries(ctx, e.setID(), ""); len(ds) != 1 || ds[0].ID != keep.ID {
		t.Errorf("pending deliveries after: %+v, want only ben's reminder", ds)
	}
	// The set's only facilitator is warned before confirming.
	if msg, err := e.dm("fac", "forget me"); err != nil || !strings.Contains(msg.Text, "only facilitator of West") {
		t.Errorf("facilitator's forget me: %v %q", err, msg.Text)
	}
	// Ana is a stranger now; a second time finds nothing.
	if msg, err := e.do("ana", "forget me confirm"); err != nil || !strings.Contains(msg.Text, "nothing to forget") {
		t.Errorf("second forget me: %v %q", err, msg.Text)
	}
}

// countNaming counts the documents of every collection whose JSON holds
// any of words, or name as a word.
func countNaming(t *testing.T, store *mongo.Store, name string, words []string) int {
	t.Helper()
	ctx := context.Background()
	db := store.Database()
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, coll := range names {
		cur, err := db.Collection(coll).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		for cur.Next(ctx) {
			js := cur.Current.String()
			hit := mongo.Names(cur.Current, "", name)
			for _, w := range words {
				hit = hit || strings.Contains(js, w)
			}
			if hit {
				t.Logf("%s: %s", coll, js)
				n++
			}
		}
		if err := cur.Err(); err != nil {
			t.Fatal(err)
		}
		_ = cur.Close(ctx)
	}
	return n
}

// TestRetention: the texts of an archived set go once its retention period
// has passed, not before; the figures stay.
func TestRetention(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 11)
	e.closedSession()
	e.must("ana", "commit Text to purge")
	e.must("ana", "report C-1 done Report to purge")
	e.must("ana", "feedback 4 Comment to purge")
	e.must("fay", "mentoring log @ana Note to purge")
	e.must("fac", "retention 30")
	e.must("fac", "set archive")
	archived := e.clock.Now()
	if _, err := e.do("ana", "commit More"); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("commit in an archived set: %v", err)
	}
	// Retention can still change after archiving.
	e.must("fac", "retention 20")
	figures := func() bot.Stats {
		rec, err := handlers.LoadRecords(ctx, e.store, e.set())
		if err != nil {
			t.Fatal(err)
		}
		return rec.Stats()
	}
	before := figures()
	texts := []string{"Text to purge", "Report to purge", "Comment to purge", "Note to purge"}
	for _, tt := range []struct {
		name   string
		at     time.Time
		purged bool
	}{
		{"a day before", archived.AddDate(0, 0, 19), false},
		{"just before", archived.AddDate(0, 0, 20).Add(-time.Second), false},
		{"on the day", archived.AddDate(0, 0, 20), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ids, err := scheduler.ApplyRetention(ctx, e.store, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(ids) == 1 && ids[0] == e.setID(); got != tt.purged {
				t.Errorf("purged %q, want purged %v", ids, tt.purged)
			}
			left := countNaming(t, e.store, "", texts)
			// The commitment holds two texts (its own and its report's).
			if tt.purged && left != 0 || !tt.purged && left != 3 {
				t.Errorf("%d documents hold texts, want %d", left, map[bool]int{true: 0, false: 3}[tt.purged])
			}
			if after := figures(); !reflect.DeepEqual(after, before) {
				t.Errorf("figures changed:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}
