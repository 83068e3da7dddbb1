package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// TestPermissions: each refused command says who may do it and changes
// nothing stored.
func TestPermissions(t *testing.T) {
	e := newEnv(t, 5)
	e.openSession("ana", "ben")
	e.must("ana", "commit Call the team")

	tests := []struct {
		name  string
		user  string
		text  string
		dm    bool
		code  string
		words []string
	}{
		{"member changes the zone", "ana", "timezone Europe/Paris", false, bot.EFORBIDDEN, []string{"Only a facilitator"}},
		{"member changes phases", "ana", "phases action=10m", false, bot.EFORBIDDEN, []string{"Only a facilitator"}},
		{"member adds members", "ana", "members add @cy", false, bot.EFORBIDDEN, []string{"Only a facilitator", "add members"}},
		{"member removes a member", "ana", "members remove @ben", false, bot.EFORBIDDEN, []string{"Only a facilitator"}},
		{"member adds a facilitator", "ana", "facilitator add @ana", false, bot.EFORBIDDEN, []string{"Only a facilitator"}},
		{"member pairs a mentor", "ana", "mentor @fay for @ben", false, bot.EFORBIDDEN, []string{"Only a facilitator"}},
		{"member adds a session", "ana", "session add 2026-12-10 18:00", false, bot.EFORBIDDEN, []string{"Only a facilitator", "add sessions"}},
		{"member sets the schedule", "ana", `schedule "0 18 * * 2"`, false, bot.EFORBIDDEN, []string{"Only a facilitator"}},
		{"member cancels a session", "ana", "session cancel 1", false, bot.EFORBIDDEN, []string{"Only a facilitator"}},
		{"member starts a round", "ana", "round start", false, bot.EFORBIDDEN, []string{"Only a facilitator", "start rounds"}},
		{"member ends the session", "ben", "session end", false, bot.EFORBIDDEN, []string{"Only a facilitator"}},
		{"member archives", "ana", "set archive", false, bot.EFORBIDDEN, []string{"Only a facilitator"}},
		{"member sets retention", "ana", "retention 10", false, bot.EFORBIDDEN, []string{"Only a facilitator"}},
		{"report on another's commitment", "ben", "report C-1 done I did it", false, bot.ENOTFOUND, []string{"You have no commitment C-1"}},
		{"facilitator checks in", "fac", "here", false, bot.EFORBIDDEN, []string{"Only members"}},
		{"facilitator commits", "fac", "commit Do things", false, bot.EFORBIDDEN, []string{"Only members"}},
		{"facilitator starts a session in a DM", "fac", "session start", true, bot.EINVALID, []string{"channel"}},
		{"member starts a session in a DM", "ana", "session start", true, bot.EFORBIDDEN, []string{"Only a facilitator"}},
		{"outsider lists sessions", "out", "sessions", false, bot.ENOTFOUND, []string{"no action learning set in this channel"}},
		{"outsider checks in", "out", "here", false, bot.ENOTFOUND, []string{"no action learning set in this channel"}},
		{"outsider commits", "out", "commit Snoop", false, bot.ENOTFOUND, []string{"no action learning set in this channel"}},
		{"outsider starts a round", "out", "round start", false, bot.ENOTFOUND, []string{"no action learning set in this channel"}},
		{"outsider lists members", "out", "members", false, bot.ENOTFOUND, []string{"no action learning set in this channel"}},
		{"outsider round status", "out", "round status", false, bot.ENOTFOUND, []string{"no action learning set in this channel"}},
		{"outsider in a DM", "out", "actions", true, bot.ENOTFOUND, []string{"not in any action learning set"}},
		{"outsider sets up a second set here", "out", "setup Rival", false, bot.EEXISTS, []string{"already has the set West"}},
		{"setup in a DM", "ana", "setup Mine", true, bot.EINVALID, []string{"channel"}},
		{"member asks for stats", "ana", "stats", false, bot.EFORBIDDEN, []string{"Only a facilitator", "statistics"}},
		{"second session start", "fac", "session start", false, bot.ECONFLICT, []string{"already open"}},
		{"round next without a round", "fac", "round next", false, bot.ECONFLICT, []string{"No round is in progress"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.snapshot()
			var msg bot.Message
			var err error
			if tt.dm {
				msg, err = e.dm(tt.user, tt.text)
			} else {
				msg, err = e.do(tt.user, tt.text)
			}
			if got := bot.ErrorCode(err); got != tt.code {
				t.Fatalf("%s %q: code %q (%v), want %q", tt.user, tt.text, got, err, tt.code)
			}
			if msg.Kind != bot.KindError || !msg.Private {
				t.Errorf("refusal message kind %s private %v", msg.Kind, msg.Private)
			}
			wantContains(t, msg.Text, tt.words...)
			if strings.Contains(msg.Text, "Call the team") {
				t.Errorf("refusal shows a member's text: %q", msg.Text)
			}
			e.assertUnchanged(before)
			if out := e.msgr.Take(); len(out) != 0 {
				t.Errorf("refusal sent %+v", out)
			}
		})
	}
}

// TestBadInput: malformed or impossible input is answered with a sentence
// that says what was wrong, and nothing is stored.
func TestBadInput(t *testing.T) {
	e := newEnv(t, 6)
	e.openSession("ana", "ben")
	e.must("fac", "members add @cy") // a member who has not checked in
	e.must("ana", "commit Call the team")
	long := strings.Repeat("x", bot.MaxTextLen+1)

	tests := []struct {
		name   string
		user   string
		text   string
		values map[string]string // a form submission when set
		words  []string
	}{
		{"impossible date", "fac", "session add 2026-02-30 18:00", nil, []string{"2026-02-30", "not a date", "Usage"}},
		{"past session", "fac", "session add 2026-11-30 18:00", nil, []string{"past"}},
		{"earlier today", "fac", "session add 2026-12-01 08:00", nil, []string{"past"}},
		{"unknown zone", "fac", "timezone Mars/Olympus", nil, []string{"Mars/Olympus", "time zone", "Europe/London"}},
		{"bad cron spec", "fac", `schedule "61 25 * * *"`, nil, []string{"cron", "minute hour"}},
		{"bad nudge spec", "fac", `nudges "every monday"`, nil, []string{"cron"}},
		{"over-long commitment", "ana", "commit " + long, nil, []string{"3000"}},
		{"over-long commitment by form", "ana", "commit", map[string]string{"text": long}, []string{"3000", "shorten"}},
		{"empty commitment by form", "ana", "commit", map[string]string{"text": "  "}, []string{"empty"}},
		{"bad due date by form", "ana", "commit", map[string]string{"text": "Call", "due": "next week"}, []string{"YYYY-MM-DD"}},
		{"past due date", "ana", "commit Call by 2026-11-01", nil, []string{"2026-11-01", "past"}},
		{"past due date by form", "ana", "commit", map[string]string{"text": "Call", "due": "2026-11-01"}, []string{"past"}},
		{"over-long report", "ana", "report C-1 done " + long, nil, []string{"3000"}},
		{"unknown commitment", "ana", "report C-99 done Did it", nil, []string{"no commitment C-99", "/als actions"}},
		{"unknown mention", "fac", "members add @cy @zed", nil, []string{"don't know @zed"}},
		{"unknown presenter", "fac", "round start @zed", nil, []string{"don't know @zed"}},
		{"presenter not a member", "fac", "round start @dee", nil, []string{"Dee is not a member"}},
		{"presenter not checked in", "fac", "round start @cy", nil, []string{"Cy", "not checked in"}},
		{"observer not a member", "fac", "round start observer @dee", nil, []string{"Dee is not a member", "observe"}},
		{"mentee not a member", "fac", "mentor @fay for @dee", nil, []string{"not a member"}},
		{"remove a non-member", "fac", "members remove @dee", nil, []string{"not a member"}},
		{"cancel an unknown session", "fac", "session cancel 9", nil, []string{"no session 9"}},
		{"cancel the open session", "fac", "session cancel 1", nil, []string{"open", "cannot be cancelled"}},
		{"unknown command", "ana", "dance", nil, []string{"help"}},
		{"too many members", "fac", "members add " + manyMentions(e, 19), nil, []string{"at most 20"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.snapshot()
			var msg bot.Message
			var err error
			if tt.values != nil {
				msg, err = e.form(tt.user, tt.text, tt.values)
			} else {
				msg, err = e.do(tt.user, tt.text)
			}
			if err == nil {
				t.Fatalf("%q was accepted: %+v", tt.text, msg)
			}
			if code := bot.ErrorCode(err); code == bot.EINTERNAL {
				t.Fatalf("%q: internal error %v", tt.text, err)
			}
			if msg.Kind != bot.KindError || !msg.Private {
				t.Errorf("kind %s private %v", msg.Kind, msg.Private)
			}
			wantContains(t, msg.Text, tt.words...)
			e.assertUnchanged(before)
		})
	}
}

// manyMentions adds n more known users and returns their mention tokens.
func manyMentions(e *env, n int) string {
	var toks []string
	for i := range n {
		name := "m" + string(rune('a'+i))
		e.users[name] = bot.UserRef{ID: "UM" + name}
		toks = append(toks, "@"+name)
	}
	return strings.Join(toks, " ")
}

// TestFairness: three rounds in a session of five give three different
// presenters, and the observer is never the presenter.
func TestFairness(t *testing.T) {
	store := newEnv(t, 0).store
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			e := newEnvOn(t, store, seed)
			e.channel = fmt.Sprint("F", seed)
			e.openSession("ana", "ben", "cy", "dee", "eve")
			presenters := map[string]bool{}
			for range 3 {
				msg := e.must("fac", "round start")
				p, o := field(msg, "Presenter"), field(msg, "Observer")
				if p == o || o == "none" {
					t.Errorf("presenter %q, observer %q", p, o)
				}
				if presenters[p] {
					t.Errorf("%s presented twice while others had not", p)
				}
				presenters[p] = true
				e.must("fac", "round end")
			}
			for _, r := range e.session(1).Rounds {
				if r.Presenter == r.Observer || len(r.Enablers) != 3 {
					t.Errorf("round %d: %+v", r.Number, r)
				}
			}
		})
	}
}
