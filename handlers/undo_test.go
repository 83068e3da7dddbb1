package handlers_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// figures are the set's evaluation figures the undo verbs must keep
// consistent.
type figures struct {
	Held, Attended, Presentations, Observations, Made, Dropped, Open int
	AnaPresented                                                     int // ana's fairness counter
	Facilitators                                                     int
}

func (e *env) figures() figures {
	e.t.Helper()
	ctx := context.Background()
	set := e.set()
	sessions, err := e.store.ListSessions(ctx, e.setID())
	if err != nil {
		e.t.Fatal(err)
	}
	cs, err := e.store.ListCommitments(ctx, e.setID(), "", false)
	if err != nil {
		e.t.Fatal(err)
	}
	st := bot.ComputeStats(set, sessions, cs, nil, nil)
	f := figures{Held: st.SessionsHeld, Attended: st.Attended, Presentations: st.Presentations, Observations: st.Observations, Made: st.CommitmentsMade, Dropped: st.Dropped}
	for _, c := range cs {
		if c.Status == bot.CommitmentOpen {
			f.Open++
		}
	}
	if p := set.Person(e.id("ana")); p != nil {
		f.AnaPresented = p.Presentations
	}
	for _, p := range set.People {
		if p.Has(bot.RoleFacilitator) {
			f.Facilitators++
		}
	}
	return f
}

// Each slip of the trial, made and then undone, with the figures before the
// slip and after the undo: they match (issue 13, item 2).
func TestUndoSlips(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup []string // as "user: command"
		slip  []string
		undo  []string
		says  string // in the undo's answer
		check func(t *testing.T, e *env, before, after figures)
	}{
		{
			name:  "duplicate commitment dropped",
			setup: []string{"ana: commit Talk to the agency about notice periods by 31/12/2026"},
			slip:  []string{"ana: commit Talk to the agency about notice periods"},
			undo:  []string{"ana: commitment drop C-2 duplicate of C-1"},
			says:  "Dropped C-2",
			check: func(t *testing.T, e *env, before, after figures) {
				if after.Open != before.Open || after.Dropped != before.Dropped+1 || after.Made != before.Made+1 {
					t.Errorf("before %+v after %+v: want the same open commitments and one more dropped", before, after)
				}
				cm, err := e.store.GetCommitment(context.Background(), bot.CommitmentID(e.setID(), "C-2"))
				if err != nil || len(cm.History) != 1 || cm.History[0].Kind != bot.ChangeDropped || cm.History[0].Reason != "duplicate of C-1" || cm.History[0].By != e.id("ana") {
					t.Errorf("trace %+v, %v", cm, err)
				}
			},
		},
		{
			name:  "commitment text corrected, with a due date",
			setup: []string{"ana: commit Talk to the agency"},
			slip:  nil,
			undo:  []string{"fac: commitment edit C-1 Talk to the agency about notice periods by 31/12/2026"},
			says:  "Corrected C-1: Talk to the agency about notice periods",
			check: func(t *testing.T, e *env, before, after figures) {
				if after != before {
					t.Errorf("figures moved: %+v -> %+v", before, after)
				}
				cm, _ := e.store.GetCommitment(context.Background(), bot.CommitmentID(e.setID(), "C-1"))
				if cm.Text != "Talk to the agency about notice periods" || cm.Due.Format("2006-01-02") != "2026-12-31" || len(cm.History) != 1 || cm.History[0].By != e.id("fac") {
					t.Errorf("stored %+v", cm)
				}
				var told bool
				for _, s := range e.msgr.Take() {
					told = told || s.To.UserID == e.id("ana") && strings.Contains(s.Msg.Text, "Fac corrected your commitment C-1")
				}
				if !told {
					t.Error("the owner was not told")
				}
			},
		},
		{
			name: "co-facilitator made by mistake removed",
			slip: []string{"fac: facilitator add @ana"},
			undo: []string{"fac: facilitator remove @ana"},
			says: "Ana no longer facilitates West",
			check: func(t *testing.T, e *env, before, after figures) {
				if after != before || !e.set().HasRole(e.id("ana"), bot.RoleMember) {
					t.Errorf("figures %+v -> %+v, or ana lost her membership", before, after)
				}
			},
		},
		{
			name:  "session started days early, with check-ins",
			setup: []string{"fac: session add 2026-12-10 18:00 2h"},
			slip:  []string{"fac: session start", "ana: here", "ben: here"},
			undo:  []string{"fac: session undo start", "fac: session undo start confirm"},
			says:  "does not count as held",
			check: func(t *testing.T, e *env, before, after figures) {
				if after != before {
					t.Errorf("figures moved: %+v -> %+v", before, after)
				}
				// The ad hoc session never took place: it is gone, and its
				// number is free for the next session.
				if _, err := e.store.GetSession(context.Background(), bot.SessionID(e.setID(), 2)); bot.ErrorCode(err) != bot.ENOTFOUND {
					t.Errorf("the ad hoc session is still stored: %v", err)
				}
				if n := e.set().SessionSeq; n != 1 {
					t.Errorf("session counter %d, want 1", n)
				}
				if s := e.session(1); s.Status != bot.SessionScheduled {
					t.Errorf("the session of 10 Dec is %s, want scheduled", s.Status)
				}
			},
		},
		{
			name:  "check-in undone",
			setup: []string{"fac: session add 2026-12-01 18:00 2h", "fac: session start", "ben: here"},
			slip:  []string{"ana: here"},
			undo:  []string{"ana: not here"},
			says:  "check-in to session 1 is undone (1 here now)",
			check: func(t *testing.T, e *env, before, after figures) {
				e.must("fac", "session end")
				if f := e.figures(); f.Attended != 1 || f.Held != 1 {
					t.Errorf("after the session %+v: want ben's attendance only", f)
				}
			},
		},
		{
			name:  "round started by mistake cancelled",
			setup: []string{"fac: session add 2026-12-01 18:00 2h", "fac: session start", "ana: here", "ben: here", "cy: here"},
			slip:  []string{"fac: round start @ana observer @ben"},
			undo:  []string{"fac: round cancel"},
			says:  "Round 1 (Ana presenting) is cancelled",
			check: func(t *testing.T, e *env, before, after figures) {
				if after != before {
					t.Errorf("figures moved: %+v -> %+v", before, after)
				}
				msg := e.must("fac", "round start @ana")
				wantContains(t, allText(msg), "Round 2")
				if _, err := e.do("ana", "not here"); bot.ErrorCode(err) != bot.ECONFLICT {
					t.Errorf("not here after a round counted ana: %v", err)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, 1)
			e.clock.Set(time.Date(2026, 12, 1, 17, 55, 0, 0, time.UTC))
			e.must("fac", "setup West")
			e.must("fac", "members add @ana @ben @cy")
			run := func(lines []string) bot.Message {
				var last bot.Message
				for _, l := range lines {
					user, cmd, _ := strings.Cut(l, ": ")
					last = e.must(user, cmd)
				}
				return last
			}
			run(tc.setup)
			e.msgr.Take()
			before := e.figures()
			run(tc.slip)
			msg := run(tc.undo)
			wantContains(t, allText(msg), tc.says)
			tc.check(t, e, before, e.figures())
		})
	}
}

func TestUndoRefusals(t *testing.T) {
	e := newEnv(t, 1)
	e.clock.Set(time.Date(2026, 12, 1, 17, 55, 0, 0, time.UTC))
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben")
	e.must("ana", "commit Call the agency")
	e.must("ana", "report C-1 done Called them")
	e.must("ben", "commit Visit the team")
	for _, tc := range []struct{ user, cmd, want string }{
		{"fac", "facilitator remove @fac", "that would leave West with none"},
		{"fac", "facilitator remove @ana", "Ana does not facilitate West"},
		{"ana", "commitment drop C-2", "You have no commitment C-2"}, // ben's
		{"ana", "commitment drop C-1", "C-1 is already done"},
		{"ana", "commitment drop C-9", "You have no commitment C-9"},
		{"ben", "commitment edit C-2 Visit the team by 31/02/2027", "has no day 31"},
		{"ben", "commitment edit C-2 Visit the team by 30/11/2026", "in the past"},
		{"fac", "session undo start", "No session of West is open"},
		{"ana", "not here", "No session of West is open"},
		{"fac", "round cancel", "No session of West is open"},
		{"ana", "facilitator remove @fac", "Only a facilitator"},
	} {
		before := e.snapshot()
		_, err := e.do(tc.user, tc.cmd)
		if err == nil || !strings.Contains(bot.ErrorMessage(err), tc.want) {
			t.Errorf("%s: %q: %v, want %q", tc.user, tc.cmd, err, tc.want)
		}
		e.assertUnchanged(before)
	}
}

// A facilitator can see the room, late arrivals join the running round, and
// a second presentation in one session needs "again" (issue 13, item 5).
func TestTheRoom(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben @cy @dee")
	e.openSessionAt()
	e.must("ana", "here")
	e.must("ben", "here")
	e.must("cy", "here")
	e.must("ana", "bid Staff cover")
	e.must("fac", "round start @ana observer @ben")

	msg := e.must("dee", "here")
	wantContains(t, allText(msg), "Dee checked in late and joins round 1 as an enabler", "enablers now: Cy and Dee")
	if rd := e.session(1).Rounds[0]; !slices.Contains(rd.Enablers, e.id("dee")) {
		t.Errorf("enablers %v", rd.Enablers)
	}

	msg = e.must("fac", "session status")
	for label, want := range map[string]string{
		"Checked in": "Ana, Ben, Cy and Dee", "Presented": "Ana", "Observed": "Ben", "Not presented yet": "Ben, Cy and Dee",
	} {
		if got := field(msg, label); got != want {
			t.Errorf("%s = %q, want %q", label, got, want)
		}
	}
	if got := sectionText(msg, "Bids (1)"); got != "Ana: Staff cover" {
		t.Errorf("Bids = %q, want %q", got, "Ana: Staff cover")
	}
	if got := sectionText(e.must("cy", "session status"), "Bids (1)"); got != "Ana" {
		t.Errorf("a member sees bids %q, want names only", got)
	}

	e.must("fac", "round end")
	before := e.snapshot()
	_, err := e.do("fac", "round start @ana")
	if bot.ErrorCode(err) != bot.ECONFLICT || !strings.Contains(bot.ErrorMessage(err), "Ana already presented in round 1 of this session") || !strings.Contains(bot.ErrorMessage(err), "round start @ana again") {
		t.Fatalf("got %v", err)
	}
	e.assertUnchanged(before)
	msg = e.must("fac", "round start @ana again")
	wantContains(t, allText(msg), "Round 2")
}

// openSessionAt adds and opens a session today at 18:00.
func (e *env) openSessionAt() {
	e.t.Helper()
	e.must("fac", "session add 2026-12-01 18:00 2h Room 4")
	e.clock.Set(time.Date(2026, 12, 1, 17, 55, 0, 0, time.UTC))
	e.must("fac", "session start")
}

// A drop's reason is what the member wrote: forget me erases it with the
// rest of their texts.
func TestForgetMeErasesDropReasons(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana")
	e.must("ana", "commit Call the agency")
	e.must("ana", "commitment drop C-1 my manager said no")
	e.must("ana", "forget me")
	e.must("ana", "forget me confirm")
	cm, err := e.store.GetCommitment(context.Background(), bot.CommitmentID(e.setID(), "C-1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cm.History) != 1 || cm.History[0].Reason != "" || cm.History[0].By == e.id("ana") || cm.Status != bot.CommitmentDropped {
		t.Errorf("after forget me: %+v", cm)
	}
}

func TestRemovedMemberLeavesRound(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben @cy @dee")
	e.openSessionAt()
	for _, m := range []string{"ana", "ben", "cy", "dee"} {
		e.must(m, "here")
	}
	e.must("fac", "round start @ana observer @ben")
	msg := e.must("fac", "members remove @dee")
	wantContains(t, allText(msg), "They left round 1 (enablers now: Cy)")
	if rd := e.session(1).Rounds[0]; slices.Contains(rd.Enablers, e.id("dee")) {
		t.Errorf("dee is still an enabler: %v", rd.Enablers)
	}
	e.must("fac", "round end")
	msg = e.must("fac", "session end")
	wantContains(t, allText(msg), "No next session is planned yet. Add one with `/als session add 29/12/2026 18:00`")
}

// "commitment edit C-1 by 15/01/2027" moves the due date alone: the text
// stays as it was; with neither text nor date nothing changes.
func TestCommitmentEditDueOnly(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West")
	e.must("fac", "members add @ben")
	e.must("ben", "commit Visit the team")
	before := e.snapshot()
	_, err := e.do("ben", "commitment edit C-1")
	if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(bot.ErrorMessage(err), "or by and its new due date") {
		t.Errorf("edit without text or date: %v", err)
	}
	e.assertUnchanged(before)
	msg := e.must("ben", "commitment edit C-1 by 15/01/2027")
	wantContains(t, msg.Text, "Corrected C-1: Visit the team", "Fri 15 Jan 2027")
	cs := e.snapshot().Commitments
	if len(cs) != 1 || cs[0].Text != "Visit the team" || cs[0].Due.Format(time.DateOnly) != "2027-01-15" {
		t.Errorf("stored %+v", cs)
	}
}
