package scheduler_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/adapters/shell"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
	"github.com/alsbot/alsbot/scheduler"
)

// messages splits shell output into messages: a line starting with "[" and
// its indented continuation lines.
func messages(out string) []string {
	var msgs []string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "["):
			msgs = append(msgs, line)
		case strings.HasPrefix(line, "  ") && len(msgs) > 0:
			msgs[len(msgs)-1] += "\n" + line
		}
	}
	return msgs
}

// TestRemindersScript runs examples/reminders.als through the shell, the
// real router and the scheduler on the embedded store, from a fixed clock.
func TestRemindersScript(t *testing.T) {
	script, err := os.ReadFile("../examples/reminders.als")
	must(t, err)
	store := mongotest.New(t)
	start := utc("2026-11-25T10:00:00Z") // a Wednesday: session 1 is Thu 3 Dec 18:00
	clk := shell.NewClock(start)
	var out bytes.Buffer
	msgr := shell.NewMessenger(&out)
	sched := scheduler.New(scheduler.Deps{Store: store, Deliveries: store, Messenger: msgr, Clock: clk, Instance: "shell"})
	router := handlers.New(handlers.Deps{Store: store, Clock: clk, Notifier: sched, Planner: sched, Rand: rand.New(rand.NewPCG(1, 2))})
	sh := shell.New(shell.Config{In: bytes.NewReader(script), Out: msgr, Handler: router, Clock: clk,
		OnAdvance: sched.Tick, NextDue: sched.NextDue})
	runCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	must(t, sh.Run(runCtx))
	t.Log(out.String())

	count := func(prefix string, contains ...string) int {
		n := 0
		for _, m := range messages(out.String()) {
			if !strings.HasPrefix(m, prefix) {
				continue
			}
			ok := true
			for _, c := range contains {
				ok = ok && strings.Contains(m, c)
			}
			if ok {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name     string
		prefix   string
		contains []string
		want     int
	}{
		// The channel at the longest lead (7 days), each member's DM at the
		// others (1 day, 1 hour): never the same reminder twice at once.
		{"channel reminder at the longest lead only", "[#als]", []string{"Reminder: West set, session 1"}, 1},
		{"ana's reminders with her commitment", "[DM @ana]", []string{"Reminder", "Talk to the duty team"}, 2},
		{"ben's reminders with his commitment and report", "[DM @ben]", []string{"Reminder", "supervision format", "questions first"}, 2},
		{"no DM at the channel's lead time", "[DM @ben]", []string{"Reminder", "in 7 days"}, 0},
		{"cat's reminders", "[DM @cat]", []string{"Reminder"}, 2},
		{"fran's reminders as facilitator", "[DM @fran]", []string{"Reminder", "You facilitate"}, 2},
		{"cat has not presented: not asked to record a commitment", "[DM @cat]", []string{"Reminder", "no open commitment"}, 0},
		{"7 days before", "[#als]", []string{"Reminder", "in 7 days"}, 1},
		{"1 day before", "[DM @ana]", []string{"Reminder", "in 1 day"}, 1},
		{"1 hour before", "[DM @ana]", []string{"Reminder", "in 1 hour"}, 1},
		{"the nudge to ana", "[DM @ana]", []string{"How is your action going?"}, 1},
		{"the nudge to ben", "[DM @ben]", []string{"How is your action going?"}, 1},
		{"no nudge to cat", "[DM @cat]", []string{"How is your action going?"}, 0},
		{"the digest before the session", "[#als]", []string{"Report-back", "duty team", "questions first"}, 1},
		{"no reminder for the cancelled session in the channel", "[#als]", []string{"Reminder", "session 2"}, 0},
		{"no digest for the cancelled session", "[#als]", []string{"Report-back", "Session 2"}, 0},
		{"nothing for the cancelled session in DMs", "[DM", []string{"ession 2"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := count(tc.prefix, tc.contains...); got != tc.want {
				t.Errorf("%d messages to %s with %q, want %d", got, tc.prefix, tc.contains, tc.want)
			}
		})
	}

	t.Run("each at its time", func(t *testing.T) {
		hist, err := store.History(ctx, "shell:als", time.Time{})
		must(t, err)
		// 7 to the channel and the members, 2 to fran as facilitator (issue 13).
		want := map[bot.DeliveryKind]int{bot.DeliverReminder: 9, bot.DeliverDigest: 1, bot.DeliverNudge: 2}
		got := map[bot.DeliveryKind]int{}
		for _, h := range hist {
			if h.Status != bot.DeliverySent {
				continue
			}
			got[h.Kind]++
			if h.Kind != bot.DeliverPlan && !h.Done.Equal(h.Due) {
				t.Errorf("%s sent at %s, due %s", h.ID, h.Done, h.Due)
			}
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("%s sent %d, want %d", k, got[k], n)
			}
		}
	})
}

// routerDo runs commands through a router on e's store and scheduler, as
// the users named (ids and names are the names), in channel "west".
func routerDo(t *testing.T, e *env, names ...string) func(user, text string) bot.Message {
	router := handlers.New(handlers.Deps{Store: e.store, Clock: e.clock, Notifier: e.sched, Planner: e.sched, Rand: rand.New(rand.NewPCG(3, 4))})
	users := map[string]bot.UserRef{}
	for _, u := range names {
		users["@"+u] = bot.UserRef{ID: u, Name: u}
	}
	return func(user, text string) bot.Message {
		t.Helper()
		m, err := router.Handle(ctx, bot.Request{Platform: bot.Shell, Actor: users["@"+user], Conv: bot.ConversationRef{ID: "west", Name: "west"}, Text: text, Mentions: users})
		if err != nil {
			t.Fatalf("%s: %s: %v", user, text, err)
		}
		return m
	}
}

// TestNoFeedbackAfterRemoval: a member removed while the session was held
// gets no feedback pulse when it closes (`feedback` would refuse them).
func TestNoFeedbackAfterRemoval(t *testing.T) {
	e := newEnv(t, utc("2026-11-26T09:50:00Z"))
	do := routerDo(t, e, "fran", "ana", "ben", "cat")
	do("fran", "setup West set")
	do("fran", "members add @ana @ben @cat")
	do("fran", "session add 2026-11-26 10:00 2h")
	e.runUntil(t, utc("2026-11-26T10:00:00Z"))
	do("fran", "session start")
	for _, u := range []string{"ana", "ben", "cat"} {
		do(u, "here")
	}
	do("fran", "members remove @cat withdrew")
	do("fran", "session end")
	e.runUntil(t, utc("2026-11-26T10:30:00Z"))
	var to []string
	for _, s := range e.rec.OfKind(bot.KindFeedback) {
		to = append(to, s.To.UserID)
	}
	if strings.Join(to, ",") != "ana,ben" {
		t.Errorf("feedback pulses to %v, want ana and ben", to)
	}
}

// TestSessionPrompts drives a session through the router: phase notices
// while a round runs, the action prompt when it ends, and at session end the
// feedback pulse to each attendee and the action prompt again to a presenter
// with no commitment; each once, at its time.
func TestSessionPrompts(t *testing.T) {
	e := newEnv(t, utc("2026-11-26T09:50:00Z"))
	do := routerDo(t, e, "fran", "ana", "ben", "cat")
	at := func(hm string) { e.runUntil(t, utc("2026-11-26T"+hm+":00Z")) }

	do("fran", "setup West set")
	do("fran", "members add @ana @ben @cat")
	do("fran", "session add 2026-11-26 10:00 2h")
	at("10:00")
	do("fran", "session start")
	for _, u := range []string{"ana", "ben", "cat"} {
		do(u, "here")
	}
	card := do("fran", "round start @ana")
	if card.Kind != bot.KindRoleCard {
		t.Fatalf("round start: %+v", card)
	}
	at("10:11")
	do("fran", "round next")
	at("10:15")
	do("fran", "round end")
	at("10:16")
	do("fran", "session end")
	at("12:00")

	want := []string{
		"11-26T10:08 #west phase", "11-26T10:10 #west phase", // presenting, 10 min
		"11-26T10:15 @ana action-prompt", // round end
		"11-26T10:16 @ana action-prompt", // session end: ana has no commitment yet
		"11-26T10:16 @ana feedback", "11-26T10:16 @ben feedback", "11-26T10:16 @cat feedback",
	}
	var got []string
	for _, s := range summary(e.rec.All()) {
		if !strings.Contains(s, "reminder") { // the 1h reminder at 09:50 is sent late at 09:50; not the point here
			got = append(got, s)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("sent:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	fb := e.rec.OfKind(bot.KindFeedback)[0].Msg
	if len(fb.Buttons) != 6 || fb.Buttons[0].Command != "feedback 1" || fb.Buttons[5].Form == nil || fb.Buttons[5].Form.ID != "feedback" {
		t.Errorf("feedback buttons: %+v", fb.Buttons)
	}
	for _, b := range fb.Buttons {
		if b.SetID == "" || b.Form != nil && b.Form.SetID != b.SetID {
			t.Errorf("feedback button %q names set %q (form %+v); want the set so a DM acts on it", b.Label, b.SetID, b.Form)
		}
	}
}
