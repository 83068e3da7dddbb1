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
	e := newEnvOn(t, mongotest.New(t), 1) // uncached: it is not the only writer
	o := secondRouter(t, e)
	addUsers([]string{"ana", "ben"}, e, o)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana")
	o.must("ana", "actions") // o now remembers the set, with ana only

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
