package handlers_test

import (
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/bot"
)

// countAll counts the documents of each collection.
func (e *env) countAll(colls ...string) map[string]int64 {
	e.t.Helper()
	out := map[string]int64{}
	for _, c := range colls {
		n, err := e.store.Database().Collection(c).CountDocuments(context.Background(), bson.D{})
		if err != nil {
			e.t.Fatalf("count %s: %v", c, err)
		}
		out[c] = n
	}
	return out
}

// TestForgetMeErasesByIDOnly: forget me erases the caller's records by their
// user id, never by their display name. A user named "id" (every document
// has an "_id") or "Ana" (someone else may be called that too) must not
// erase other people's or other sets' deliveries, claims, history or
// conversation references.
func TestForgetMeErasesByIDOnly(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 21)
	e.closedSession() // set West in C1: ana, ben, dee; fay mentors ana
	e.users["idname"] = bot.UserRef{ID: "UIDNAME", Name: "id"}
	e.users["ana2"] = bot.UserRef{ID: "UANA2", Name: "Ana"}

	other := e.setID()
	if _, err := e.store.Claim(ctx, "slack/event/Ev123"); err != nil {
		t.Fatal(err)
	}
	if err := e.store.PutConversations(ctx, map[string][]byte{
		"user:UBEN":    []byte(`{"user":{"id":"UBEN","name":"Ben"}}`),
		"member:UANA2": []byte(`{"user":{"id":"UANA2","name":"Ana"}}`),
		"conv:19:abc":  []byte(`{"conversation":{"id":"19:abc","name":"id"}}`),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.AddDeliveries(ctx, []*bot.Delivery{
		{ID: other + "/reminder/UBEN", Kind: bot.DeliverReminder, SetID: other, UserID: "UBEN", Due: e.clock.Now(), NotBefore: e.clock.Now()},
		{ID: other + "/post/1", Kind: bot.DeliverMessage, SetID: other, To: &bot.Destination{Platform: bot.Shell, ChannelID: "C1"},
			Message: &bot.Message{Text: "Round 1: Ana presents, id 3"}, Due: e.clock.Now(), NotBefore: e.clock.Now()},
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.RecordDelivery(ctx, &bot.Delivery{ID: other + "/1/feedback/@UBEN", Kind: bot.DeliverFeedback, SetID: other, UserID: "UBEN", Status: bot.DeliverySent, Done: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.ClaimDelivery(ctx, bot.DeliveryClaim{ID: bot.ClaimKey(other+"/1/feedback/@UBEN", 0), Instance: "i1", At: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	colls := []string{"claims", "conversations", "deliveries", "delivery_history", "delivery_claims"}
	before := e.countAll(colls...)

	for _, who := range []string{"idname", "ana2"} {
		e.channel = "C-" + who
		e.must(who, "setup Mine "+who)
		e.channel = "C1"
		msg, err := e.dm(who, "forget me confirm")
		if err != nil || !strings.Contains(msg.Text, "Done.") {
			t.Fatalf("%s: forget me confirm: %v %q", who, err, msg.Text)
		}
		after := e.countAll(colls...)
		for _, c := range colls {
			want := before[c]
			if c == "conversations" && who == "ana2" {
				want-- // her own reference, by its key
			}
			if after[c] != want {
				t.Errorf("after %s (named %q) forgot themselves: %s %d, want %d", who, e.users[who].Name, c, after[c], want)
			}
		}
		before = after
	}
	if ds, _ := e.store.PendingDeliveries(ctx, other, ""); len(ds) != 2 {
		t.Errorf("the other set's pending deliveries: %+v, want 2", ds)
	}
}

// TestAnonymousIDNotMatchable: an incoming platform id that looks like an
// anonymous id is refused, so nobody can act as (or be mentioned as) a
// forgotten person.
func TestAnonymousIDNotMatchable(t *testing.T) {
	e := newEnv(t, 22)
	e.closedSession()
	e.must("ana", "forget me confirm")
	if p := e.set().Person("anon-1"); p == nil {
		t.Fatal("ana was not anonymised as anon-1")
	}
	e.users["imp"] = bot.UserRef{ID: "anon-1", Name: "anon-1"}
	snap := e.snapshot()
	for _, tt := range []struct{ user, text string }{
		{"imp", "commit Something new"},
		{"imp", "here"},
		{"fac", "members add @imp"},
	} {
		msg, err := e.do(tt.user, tt.text)
		if err == nil {
			t.Errorf("%s %q: accepted (%q), want refused", tt.user, tt.text, msg.Text)
		}
	}
	e.assertUnchanged(snap)
}

// TestMemberTextSanitized: control and bidi override characters never
// reach the store, and a command with too many mentions is refused with
// nothing stored.
func TestMemberTextSanitized(t *testing.T) {
	e := newEnv(t, 23)
	e.closedSession()
	e.must("ana", "commit Pay \u202Eexe.txt\x1b[2J now")
	cs, err := e.store.ListCommitments(context.Background(), e.setID(), e.id("ana"), false)
	if err != nil || len(cs) != 1 {
		t.Fatalf("commitments %v %+v", err, cs)
	}
	if cs[0].Text != "Pay exe.txt[2J now" {
		t.Errorf("stored %q, want the control characters stripped", cs[0].Text)
	}
	snap := e.snapshot()
	msg, err := e.do("fac", "members add"+strings.Repeat(" @ben", bot.MaxMentions+1))
	if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(msg.Text, "at most 50") {
		t.Errorf("too many mentions: %v %q", err, msg.Text)
	}
	e.assertUnchanged(snap)
}
