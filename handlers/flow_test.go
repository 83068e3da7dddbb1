package handlers_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// TestFlow runs a set's first session end to end through the router.
func TestFlow(t *testing.T) {
	e := newEnv(t, 1)
	ctx := context.Background()
	members := []string{"ana", "ben", "cy", "dee", "eve"}

	msg := e.must("fac", "setup West")
	if msg.Private {
		t.Error("setup reply is private; the channel should see it")
	}
	wantContains(t, msg.Text, "West", "facilitator")

	msg = e.must("fac", "members add @ana @ben @cy @dee @eve")
	wantContains(t, msg.Text, "Ana", "Eve", "members")
	if got := len(e.set().Members()); got != 5 {
		t.Fatalf("members = %d, want 5", got)
	}

	msg = e.must("fac", "session add 2026-12-01 18:00 2h Room 4")
	wantContains(t, msg.Text, "Session 1", "Tue 1 Dec 2026 18:00 (UTC)", "Room 4")

	e.clock.Set(time.Date(2026, 12, 1, 17, 55, 0, 0, time.UTC))
	msg = e.must("fac", "session start")
	if msg.Kind != bot.KindCheckIn || msg.Private {
		t.Errorf("session start: kind %s private %v, want a public check-in", msg.Kind, msg.Private)
	}
	wantContains(t, msg.Text, "Session 1 is open", "/als here")
	if len(msg.Buttons) != 1 || msg.Buttons[0].Command != "here" {
		t.Errorf("check-in buttons = %+v, want one running here", msg.Buttons)
	}
	if s := e.session(1); s.Status != bot.SessionOpen || e.set().OpenSession != 1 {
		t.Fatalf("session 1 status %s, set open session %d", s.Status, e.set().OpenSession)
	}

	for _, m := range members {
		msg = e.must(m, "here")
		if !msg.Private {
			t.Errorf("%s here: reply is public", m)
		}
	}
	msg = e.must("ana", "here")
	wantContains(t, msg.Text, "already checked in")
	if n := len(e.session(1).Attendees); n != 5 {
		t.Fatalf("attendees = %d, want 5", n)
	}

	e.must("ana", "bid Budget cuts")
	msg = e.must("fac", "round start")
	if msg.Kind != bot.KindRoleCard || msg.Private || msg.Title != "Round 1" {
		t.Fatalf("round start: %+v", msg)
	}
	if got := field(msg, "Presenter"); got != "Ana" {
		t.Errorf("presenter = %q, want the only bidder Ana", got)
	}
	if obs := field(msg, "Observer"); obs == "" || obs == "none" || obs == "Ana" {
		t.Errorf("observer = %q", obs)
	}
	wantContains(t, allText(msg), "presenting", "10 min", "open", "no advice", "process")

	for _, want := range []string{"questioning (25 min", "action (5 min", "process-review (10 min"} {
		msg = e.must("fac", "round next")
		if msg.Kind != bot.KindPhase {
			t.Errorf("round next kind = %s", msg.Kind)
		}
		wantContains(t, msg.Text, "Round 1: "+want)
	}
	msg = e.must("fac", "round status")
	wantContains(t, msg.Text, "process-review", "left")
	msg = e.must("fac", "round next")
	wantContains(t, msg.Text, "Round 1 is over")
	keys := e.keys.take()
	if want := []string{"shell:C1/1/action-prompt/@" + e.id("ana")}; !slices.Equal(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	out := e.msgr.Take()
	if len(out) != 1 || !out[0].To.IsDM() || out[0].To.UserID != e.id("ana") || out[0].Msg.Kind != bot.KindActionPrompt {
		t.Fatalf("after round 1: sent %+v, want the action prompt DM to ana", out)
	}
	if f := out[0].Msg.Buttons[0].Form; f == nil || f.Command != "commit" || len(f.Fields) != 2 {
		t.Errorf("action prompt form = %+v", f)
	}

	msg = e.must("fac", "round start")
	p2 := field(msg, "Presenter")
	e.must("fac", "round end")
	if keys := e.keys.take(); !slices.Equal(keys, []string{"shell:C1/1/action-prompt/@" + e.id("ben")}) {
		t.Errorf("round end keys = %v", keys)
	}
	e.msgr.Take()
	msg = e.must("fac", "round start @cy observer @dee")
	if field(msg, "Presenter") != "Cy" || field(msg, "Observer") != "Dee" {
		t.Errorf("round 3 roles: %q / %q, want Cy / Dee", field(msg, "Presenter"), field(msg, "Observer"))
	}
	if p2 == "Ana" || p2 == "Cy" {
		t.Errorf("round 2 presenter %q presented again while others had not", p2)
	}
	sess := e.session(1)
	if len(sess.Rounds) != 3 || sess.CurrentRound() == nil {
		t.Fatalf("rounds = %d, current %v", len(sess.Rounds), sess.CurrentRound())
	}
	if p := e.set().Person(e.id("ana")); p.Presentations != 1 {
		t.Errorf("ana presentations = %d, want 1", p.Presentations)
	}

	msg = e.must("ana", "commit Talk to finance about the budget by 2026-12-20")
	if !msg.Private {
		t.Error("commit reply is public")
	}
	wantContains(t, msg.Text, "Recorded C-1", "Talk to finance", "Sun 20 Dec 2026")
	presenter2 := ""
	for _, m := range members {
		if e.users[m].Name == p2 {
			presenter2 = m
		}
	}
	msg, err := e.form(presenter2, "commit", map[string]string{"text": "Ask my manager for cover", "due": "2026-12-15"})
	if err != nil {
		t.Fatalf("form commit: %v", err)
	}
	wantContains(t, msg.Text, "Recorded C-2", "Tue 15 Dec 2026")

	msg = e.must("ana", "actions")
	wantContains(t, msg.Text, "C-1", "Talk to finance", "No report yet")
	if strings.Contains(msg.Text, "C-2") {
		t.Errorf("ana's actions show someone else's commitment: %q", msg.Text)
	}
	e.must("ana", "report C-1 progress Booked a meeting")
	msg, err = e.form(presenter2, "report C-2 done", map[string]string{"text": "Cover agreed"})
	if err != nil {
		t.Fatalf("form report: %v", err)
	}
	wantContains(t, msg.Text, "C-2", "done")
	c2, err := e.store.GetCommitment(ctx, bot.CommitmentID(e.setID(), "C-2"))
	if err != nil || c2.Status != bot.CommitmentDone || len(c2.Reports) != 1 || c2.Reports[0].Text != "Cover agreed" {
		t.Fatalf("C-2 = %+v, %v", c2, err)
	}
	msg = e.must("ana", "actions")
	wantContains(t, msg.Text, "progress", "Booked a meeting")

	e.clock.Advance(2 * time.Hour)
	msg = e.must("fac", "session end")
	if msg.Private {
		t.Error("session end summary is private")
	}
	wantContains(t, allText(msg), "Session 1", "closed", "Attendees (5)", "Rounds: 3", "Cy")
	keys = e.keys.take()
	// Only cy presented without committing; every attendee gets the
	// feedback pulse (no planner here to send it).
	// One key per prompt, built in bot/keys.go (the scheduler's pulses use the same).
	want := []string{"shell:C1/1/action-prompt/@" + e.id("cy") + "/end"}
	for _, u := range []string{"ana", "ben", "cy", "dee", "eve"} {
		want = append(want, "shell:C1/1/feedback/@"+e.id(u))
	}
	if !slices.Equal(keys, want) {
		t.Errorf("session end keys = %v, want %v", keys, want)
	}
	out = e.msgr.Take()
	if len(out) != 6 || out[0].To.UserID != e.id("cy") || out[0].Msg.Kind != bot.KindActionPrompt || out[1].Msg.Kind != bot.KindFeedback || out[1].To.UserID != e.id("ana") {
		t.Errorf("session end sent %+v", out)
	}
	set := e.set()
	sess = e.session(1)
	if set.OpenSession != 0 || sess.Status != bot.SessionClosed || sess.CurrentRound() != nil {
		t.Errorf("after end: open %d, status %s, current %v", set.OpenSession, sess.Status, sess.CurrentRound())
	}

	// The next session opens with the report-back digest.
	e.must("fac", "session add 2026-12-29 18:00")
	e.clock.Set(time.Date(2026, 12, 29, 17, 50, 0, 0, time.UTC))
	msg = e.must("fac", "session start")
	text := allText(msg)
	wantContains(t, text, "Session 2 is open", "Report-back", "C-1", "Booked a meeting", "C-2", "Cover agreed")
	if msg.Private {
		t.Error("the digest must go to the channel, not privately")
	}
}

// TestDirectMessages: commands in a DM find the actor's one set, post public
// results to its channel, and refuse when ambiguous.
func TestDirectMessages(t *testing.T) {
	e := newEnv(t, 2)
	e.openSession("ana", "ben")

	msg, err := e.dm("ana", "commit Call the team")
	if err != nil || !msg.Private {
		t.Fatalf("dm commit: %+v %v", msg, err)
	}
	msg, err = e.dm("fac", "round start")
	if err != nil {
		t.Fatalf("dm round start: %v", err)
	}
	if !msg.Private {
		t.Error("a DM reply is public")
	}
	out := e.msgr.Take()
	if len(out) != 1 || out[0].To.ChannelID != "C1" || out[0].Msg.Kind != bot.KindRoleCard {
		t.Errorf("round start in a DM sent %+v, want the role card in C1", out)
	}
	_, err = e.dm("fac", "session end")
	if err != nil {
		t.Fatalf("dm session end: %v", err)
	}
	if _, err := e.dm("fac", "session start"); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("session start in a DM: %v, want EINVALID", err)
	}

	// A second set makes the DM ambiguous.
	e.channel = "C2"
	e.must("ana", "setup East")
	msg, err = e.dm("ana", "sessions")
	if bot.ErrorCode(err) != bot.EINVALID || msg.Kind != bot.KindError || !msg.Private {
		t.Fatalf("ambiguous DM: %+v %v", msg, err)
	}
	wantContains(t, msg.Text, "several sets", "West", "East", "channel")
	// Ana only facilitates East, so member commands in a DM mean West.
	e.channel = "C1"
	msg, err = e.dm("ana", "commit Second step")
	if err != nil {
		t.Fatalf("dm commit with one set where ana is a member: %v", err)
	}
	wantContains(t, msg.Text, "Recorded C-2")
	if _, err := e.dm("out", "actions"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("DM from someone in no set: %v", err)
	}

	msg, err = e.dm("ana", "home")
	if err != nil || len(msg.Sections) != 2 || !msg.Private {
		t.Fatalf("home: %+v %v", msg, err)
	}
	wantContains(t, allText(msg), "West", "East", "Call the team")
}

// TestSetCommands covers the facilitator's settings and schedule.
func TestSetCommands(t *testing.T) {
	e := newEnv(t, 3)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben")
	tests := []struct {
		text  string
		words []string
		check func(*bot.Set) bool
	}{
		{"timezone Europe/London", []string{"Europe/London"}, func(s *bot.Set) bool { return s.TZ == "Europe/London" }},
		{"phases questioning=30m", []string{"questioning 30 min", "presenting 10 min"}, func(s *bot.Set) bool {
			return s.Phases[bot.PhaseQuestioning] == 30*time.Minute && s.Phases[bot.PhasePresenting] == 10*time.Minute
		}},
		{"observer off", []string{"no observer"}, func(s *bot.Set) bool { return !s.Observer }},
		{"reminders 2d,2h", []string{"2d, 2h"}, func(s *bot.Set) bool {
			return slices.Equal(s.Reminders, []time.Duration{48 * time.Hour, 2 * time.Hour})
		}},
		{`nudges "0 10 * * 3"`, []string{"0 10 * * 3", "Wed 2 Dec 2026 10:00 (Europe/London)"}, func(s *bot.Set) bool { return s.NudgeSpec == "0 10 * * 3" }},
		{"retention 30", []string{"30 days"}, func(s *bot.Set) bool { return s.RetentionDays == 30 }},
		{"facilitator add @ben", []string{"Ben"}, func(s *bot.Set) bool {
			return s.HasRole(e.id("ben"), bot.RoleFacilitator) && s.HasRole(e.id("ben"), bot.RoleMember)
		}},
		{"mentor @fay for @ana", []string{"Fay now mentors Ana"}, func(s *bot.Set) bool {
			return s.HasRole(e.id("fay"), bot.RoleMentor) && s.Person(e.id("ana")).MentorID == e.id("fay")
		}},
		{"mentor @eve for @ana", []string{"Eve now mentors Ana", "Before: Fay"}, func(s *bot.Set) bool { return s.Person(e.id("ana")).MentorID == e.id("eve") }},
		{"members", []string{"Facilitators: Fac, Ben", "Ana (mentor: Eve)", "Mentors: Fay, Eve"}, func(*bot.Set) bool { return true }},
		{"members remove @ben", []string{"Ben", "no longer"}, func(s *bot.Set) bool {
			return !s.HasRole(e.id("ben"), bot.RoleMember) && s.HasRole(e.id("ben"), bot.RoleFacilitator)
		}},
		// Issue 13: a schedule is previewed first; "confirm" creates it.
		{`schedule "0 18 * * 2" 2h`, []string{"Preview:", "That makes 18 sessions", "Nothing is created"}, func(s *bot.Set) bool { return s.Schedule == nil && s.SessionSeq == 0 }},
		{`schedule "0 18 * * 2" 2h confirm`, []string{"added 18 sessions", "Tue 1 Dec 2026 18:00 (Europe/London)", "Tue 8 Dec"}, func(s *bot.Set) bool {
			return s.Schedule != nil && s.Schedule.Spec == "0 18 * * 2" && s.SessionSeq == 18
		}},
		{`schedule "0 18 * * 2" 2h confirm`, []string{"added 0 sessions"}, func(s *bot.Set) bool { return s.SessionSeq == 18 }},
		{"session cancel 2", []string{"Cancelled session 2", "Tue 8 Dec 2026 18:00"}, func(*bot.Set) bool { return e.session(2).Status == bot.SessionCancelled }},
		{"session cancel 2026-12-15", []string{"Cancelled session 3"}, func(*bot.Set) bool { return e.session(3).Status == bot.SessionCancelled }},
		{"sessions", []string{"Upcoming", "Session 1: Tue 1 Dec 2026 18:00 (Europe/London), 2 h (scheduled)", "Session 2", "cancelled"}, func(*bot.Set) bool { return true }},
		// Issue 13: stopping a schedule removes its sessions to come instead
		// of piling up cancelled ones, and the numbering starts again.
		{"schedule off", []string{"removed its 16 upcoming sessions (and 2 cancelled ones)"}, func(s *bot.Set) bool {
			_, err := e.store.GetSession(context.Background(), bot.SessionID(e.setID(), 18))
			return s.Schedule == nil && bot.ErrorCode(err) == bot.ENOTFOUND && s.SessionSeq == 0
		}},
		{"set archive", []string{"archived"}, func(s *bot.Set) bool { return s.Archived && s.ArchivedAt.Equal(start) }},
		{"retention 90", []string{"90 days"}, func(s *bot.Set) bool { return s.RetentionDays == 90 }},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			msg, err := e.do("fac", tt.text)
			if err != nil {
				t.Fatalf("%q: %v", tt.text, err)
			}
			wantContains(t, allText(msg), tt.words...)
			if !tt.check(e.set()) {
				t.Errorf("%q: stored set not as expected: %+v", tt.text, e.set())
			}
		})
	}
	before := e.snapshot()
	msg, err := e.do("fac", "observer on")
	if bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("change to an archived set: %v", err)
	}
	wantContains(t, msg.Text, "archived", "retention")
	e.assertUnchanged(before)
}

// TestActorRefresh: a changed display name is stored with the next set save.
func TestActorRefresh(t *testing.T) {
	e := newEnv(t, 4)
	e.must("fac", "setup West")
	u := e.users["fac"]
	u.Name, u.TZ = "Fiona", "Europe/Paris"
	e.users["fac"] = u
	e.must("fac", "members add @ana")
	p := e.set().Person(e.id("fac"))
	if p.User.Name != "Fiona" || p.User.TZ != "Europe/Paris" {
		t.Errorf("facilitator stored as %+v", p.User)
	}
	msg := e.must("fac", "session add 2026-12-03 18:00")
	wantContains(t, msg.Text, "Thu 3 Dec 2026 18:00 (UTC)") // the set's zone, for the channel
	msg = e.must("fac", "sessions")
	wantContains(t, allText(msg), "Thu 3 Dec 2026 19:00 (Europe/Paris)") // the reader's
}

// TestNumbersTakenElsewhere: sessions and commitments created by another
// replica (or the scheduler) without raising the set's counters do not
// block new ones.
func TestNumbersTakenElsewhere(t *testing.T) {
	e := newEnv(t, 9)
	ctx := context.Background()
	e.must("fac", "setup West")
	e.must("fac", "members add @ana")
	for n := 1; n <= 8; n++ {
		s := &bot.Session{ID: bot.SessionID(e.setID(), n), SetID: e.setID(), Number: n, Start: start.AddDate(0, 0, 7*n), Duration: time.Hour, Status: bot.SessionScheduled}
		if err := e.store.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	for n := 1; n <= 3; n++ {
		c := &bot.Commitment{ID: bot.CommitmentID(e.setID(), fmt.Sprint("C-", n)), SetID: e.setID(), ShortID: fmt.Sprint("C-", n), UserID: e.id("ana"), Text: "x", Status: bot.CommitmentOpen, CreatedAt: start}
		if err := e.store.CreateCommitment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	wantContains(t, e.must("fac", "session add 2027-01-05 18:00").Text, "Session 9")
	wantContains(t, e.must("ana", "commit Something").Text, "Recorded C-4", "Tue 8 Dec 2026") // due: the next session
	wantContains(t, e.must("ana", "commit Something else").Text, "Recorded C-5")              // the store's counter moved on
	if s := e.set(); s.SessionSeq != 9 {
		t.Errorf("session counter %d, want 9", s.SessionSeq)
	}
}

// TestStatusInDM: a look at the round from a DM is answered there only.
func TestStatusInDM(t *testing.T) {
	e := newEnv(t, 10)
	e.openSession("ana", "ben")
	e.must("fac", "round start")
	e.msgr.Take()
	msg, err := e.dm("ana", "round status")
	if err != nil || !msg.Private || msg.Kind != bot.KindPhase {
		t.Fatalf("round status in a DM: %+v %v", msg, err)
	}
	if out := e.msgr.Take(); len(out) != 0 {
		t.Errorf("round status in a DM posted %+v", out)
	}
}

// TestHelp: help works for anyone, anywhere, even where there is no set.
func TestHelp(t *testing.T) {
	e := newEnv(t, 12)
	tests := []struct {
		name, text string
		dm         bool
		code       string
		words      []string
	}{
		{"all commands, no set here", "help", false, "", []string{"round start", "commit", "report"}},
		{"empty text is help", "", false, "", []string{"session add"}},
		{"one command in a DM", "help session add", true, "", []string{"/als session add <date> <time>"}},
		{"unknown topic", "help juggling", false, bot.EINVALID, []string{"juggling"}},
		{"home with no set", "home", true, "", []string{"not in any action learning set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var msg bot.Message
			var err error
			if tt.dm {
				msg, err = e.dm("out", tt.text)
			} else {
				msg, err = e.do("out", tt.text)
			}
			if bot.ErrorCode(err) != tt.code {
				t.Fatalf("code %q (%v), want %q", bot.ErrorCode(err), err, tt.code)
			}
			if !msg.Private {
				t.Error("help is public")
			}
			wantContains(t, msg.Text, tt.words...)
		})
	}
}
