package handlers_test

import (
	"strings"
	"testing"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

// TestRememberedSetAcrossReplicas: a replica that is not the store's only
// writer runs reads on the set it remembers (one round trip, issue 15),
// yet every read sees the changes another replica made to the set: a
// member added there may read here at once, one removed there is refused
// here, and a member's own commitment shows in their next `actions` here.
func TestRememberedSetAcrossReplicas(t *testing.T) {
	e, o := twoRouters(t, "ana") // o remembers the set, with ana only

	e.must("fac", "members add @ben")
	if msg, err := o.do("ben", "actions"); err != nil {
		t.Errorf("ben, added on the other replica, was refused: %v (%s)", err, msg.Text)
	}

	e.must("ana", "commit Call the duty team about the rota")
	if msg := o.must("ana", "actions"); !strings.Contains(msg.Text, "Call the duty team") {
		t.Errorf("ana's commitment from the other replica is missing from actions: %q", msg.Text)
	}

	e.must("fac", "members remove @ana")
	if _, err := o.do("ana", "actions"); bot.ErrorCode(err) != bot.EFORBIDDEN && bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("ana, removed on the other replica, got %v (%s); want a refusal", err, bot.ErrorCode(err))
	}
}

// TestRememberedSetWrites: writes run on the remembered set too (commit
// and report in two round trips, session start in three), and are checked
// before they write: a member removed on one replica is refused a commit
// on the other and nothing is stored; commitments made on both replicas get
// distinct numbers from the counter in the set's stamp; a report made on
// one replica is seen by the other's next report on the same commitment; a
// session started on one is open on the other.
func TestRememberedSetWrites(t *testing.T) {
	e, o := twoRouters(t, "ana", "ben")
	o.must("ben", "actions")

	wantContains(t, e.must("ana", "commit Call the duty team").Text, "Recorded C-1")
	wantContains(t, o.must("ana", "commit Write to the panel").Text, "Recorded C-2")
	wantContains(t, e.must("ben", "commit Book supervision").Text, "Recorded C-3")
	wantContains(t, o.must("ana", "actions").Text, "C-1", "C-2")

	e.must("ana", "report C-1 progress Called once")
	o.must("ana", "report C-1 done Called again and agreed the rota")
	c, err := e.store.GetCommitment(t.Context(), bot.CommitmentID(e.setID(), "C-1"))
	if err != nil || c.Status != bot.CommitmentDone || len(c.Reports) != 2 {
		t.Fatalf("C-1 after a report on each replica: %+v (%v); want done with both reports", c, err)
	}
	if _, err := e.do("ana", "report C-1 progress Once more"); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("a report on C-1, done on the other replica: %v; want the refusal for a closed commitment", err)
	}

	o.must("fac", "session start")
	if msg, err := e.do("ana", "here"); err != nil {
		t.Errorf("check-in on the other replica after session start: %v (%s)", err, msg.Text)
	}
	if s := e.set(); s.OpenSession != 1 {
		t.Errorf("open session %d after session start on the other replica, want 1", s.OpenSession)
	}

	// Removed on e: o's copy still has ben. A check-in writes first (no
	// read to bring the stamp), so the store's check before the write
	// refuses it.
	o.must("ben", "actions")
	e.must("fac", "members remove @ben")
	if _, err := o.do("ben", "here"); err == nil {
		t.Errorf("ben, removed on the other replica, could check in there")
	}
	if _, err := o.do("ben", "commit Something after leaving by friday"); err == nil {
		t.Errorf("ben, removed on the other replica, could commit there")
	}
	sess := e.session(1)
	all, err := e.store.ListCommitments(t.Context(), e.setID(), e.id("ben"), false)
	if sess.Attended(e.id("ben")) || err != nil || len(all) != 1 {
		t.Errorf("after ben's refused commands: checked in %v, %d commitments (%v); want none and 1", sess.Attended(e.id("ben")), len(all), err)
	}
}

// twoRouters are two replicas (routers with their own uncached store
// clients) on one store, with West set up on e with members, and the set
// remembered by o (the first member read on it).
func twoRouters(t *testing.T, members ...string) (e, o *env) {
	t.Helper()
	e = newEnvOn(t, mongotest.New(t), 1) // uncached: it is not the only writer
	o = secondRouter(t, e)
	addUsers([]string{"ana", "ben"}, e, o)
	e.must("fac", "setup West")
	e.must("fac", "members add @"+strings.Join(members, " @"))
	o.must(members[0], "actions")
	return e, o
}
