package scheduler_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
)

// TestFacilitatorReminders: facilitators get the session reminders by DM
// at the members' lead times (default on), without a commitment section; a
// facilitator who is also a member gets one reminder per lead, not two; and
// `reminders facilitators off` stops theirs (issue 13: facilitators got no
// DM reminders).
func TestFacilitatorReminders(t *testing.T) {
	t0 := utc("2026-11-30T10:00:00Z")
	run := func(t *testing.T, off bool) map[string][]string {
		e := newEnv(t, t0)
		set := newSet("shell:west", t0)
		set.FacRemindOff = off
		set.NudgeSpec = "0 9 1 1 *"
		set.Reminders = []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour}
		// ben facilitates too: he is a member and a facilitator.
		set.People[2].Roles = append(set.People[2].Roles, bot.RoleFacilitator)
		e.createSet(t, set)
		e.addSession(t, set, t0.Add(3*24*time.Hour), "Room 4")
		e.runUntil(t, t0.Add(3*24*time.Hour))
		got := map[string][]string{}
		for _, s := range e.rec.OfKind(bot.KindReminder) {
			got[s.Who()] = append(got[s.Who()], bottest.Words(s.Msg))
		}
		return got
	}

	got := run(t, false)
	for who, n := range map[string]int{"@fran": 2, "@ben": 2, "@ana": 2} {
		if len(got[who]) != n {
			t.Errorf("%s got %d reminders, want %d", who, len(got[who]), n)
		}
	}
	for _, m := range got["@fran"] {
		if !strings.Contains(m, "You facilitate") || !strings.Contains(m, "session start") || strings.Contains(m, "commitment") {
			t.Errorf("fran's reminder:\n%s", m)
		}
	}
	for _, m := range got["@ben"] {
		if strings.Contains(m, "You facilitate") {
			t.Errorf("ben, a member, got the facilitator's reminder:\n%s", m)
		}
	}

	off := run(t, true)
	if n := len(off["@fran"]); n != 0 {
		t.Errorf("with facilitators' reminders off fran got %d", n)
	}
	if want := []int{len(got["@ana"]), len(got["@ben"])}; !reflect.DeepEqual([]int{len(off["@ana"]), len(off["@ben"])}, want) {
		t.Errorf("members' reminders changed with the facilitators' setting: %v", off)
	}
}
