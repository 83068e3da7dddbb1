package scheduler_test

import (
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
)

// TestDMsSayingNothingAreNotSent: on a Monday, nobody has an open
// commitment: no nudge and no mentor nudge go out (each is recorded as
// skipped with its reason). A member who has presented and has no
// commitment is asked in the reminder to record one; one who has not, is not.
func TestDMsSayingNothingAreNotSent(t *testing.T) {
	t0 := utc("2026-11-29T10:00:00Z") // a Sunday
	e := newEnv(t, t0)
	set := newSet("shell:west", t0)
	set.Reminders = []time.Duration{7 * 24 * time.Hour, 24 * time.Hour}
	e.createSet(t, set)
	// Session 1 was held last week: ana presented (her commitment is done).
	held := e.addSession(t, set, t0.Add(-6*24*time.Hour), "")
	held.Status, held.OpenedAt, held.ClosedAt = bot.SessionClosed, held.Start, held.Start.Add(3*time.Hour)
	held.Rounds = []bot.Round{{Number: 1, Presenter: "ana"}}
	must(t, e.store.SaveSession(ctx, held))
	c := e.commit(t, set, 1, "ana", "Shadow a colleague")
	must(t, e.store.AddReport(ctx, c.ID, bot.Report{Status: bot.ReportDone, Text: "Did it", At: t0}, bot.CommitmentDone))
	e.addSession(t, set, t0.Add(2*24*time.Hour), "")

	e.runUntil(t, t0.Add(36*time.Hour)) // Monday 09:00 and the 1-day reminders
	if n := len(e.rec.OfKind(bot.KindNudge)) + len(e.rec.OfKind(bot.KindMentorNudge)); n != 0 {
		t.Fatalf("%d nudges sent with no open commitment anywhere", n)
	}
	hist, err := e.store.History(ctx, set.ID, time.Time{})
	must(t, err)
	reasons := map[string]string{}
	for _, h := range hist {
		if h.Kind == bot.DeliverNudge || h.Kind == bot.DeliverMentorNudge {
			reasons[string(h.Kind)+" "+h.UserID] = h.Reason
		}
	}
	if reasons["mentor-nudge mo"] != "no mentee with an open commitment" || reasons["nudge ana"] != "no open commitment" {
		t.Errorf("skipped: %v", reasons)
	}
	byUser := map[string]string{}
	for _, s := range e.rec.OfKind(bot.KindReminder) {
		byUser[s.Who()] = bottest.Words(s.Msg)
	}
	if !strings.Contains(byUser["@ana"], "no open commitment") {
		t.Errorf("ana presented and has none open; her reminder should ask for one:\n%s", byUser["@ana"])
	}
	if b, ok := byUser["@ben"]; !ok || strings.Contains(b, "commit") {
		t.Errorf("ben never presented; his reminder (sent %v) should not ask for a commitment:\n%s", ok, b)
	}
}
