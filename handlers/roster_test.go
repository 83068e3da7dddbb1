package handlers_test

import (
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// TestRosterFacilitatorsOnly: the roster and its mentor pairings are the
// facilitators' (DESIGN.md); mentors and members are refused (issue 11,
// finding 10), in the channel and in a DM, and nothing is stored.
func TestRosterFacilitatorsOnly(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben")
	e.must("fac", "mentor @fay for @ana")
	msg := e.must("fac", "members")
	wantContains(t, allText(msg), "Ana (mentor: Fay)", "Mentors: Fay")
	for _, who := range []string{"fay", "ana"} {
		for _, dm := range []bool{false, true} {
			before := e.snapshot()
			var err error
			if dm {
				msg, err = e.dm(who, "members")
			} else {
				msg, err = e.do(who, "members")
			}
			if bot.ErrorCode(err) != bot.EFORBIDDEN {
				t.Fatalf("%s (dm %v): members gave %v, want EFORBIDDEN", who, dm, err)
			}
			wantContains(t, msg.Text, "Only a facilitator of West")
			if text := allText(msg); strings.Contains(text, "Fay") || strings.Contains(text, "Ben") {
				t.Errorf("%s was shown people: %q", who, text)
			}
			e.assertUnchanged(before)
		}
	}
}
