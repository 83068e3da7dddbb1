// Package goldenmsg builds the messages the renderers' golden files are
// drawn from with the functions production uses: the real router on the
// embedded store plays a short session (setup, members, a session, check-in,
// a round, App Home) on a manual clock, and the core's prompts give the
// scheduled messages. A golden file therefore shows what a platform really
// receives, and drifts with production instead of away from it.
//
// The calling test package must run its tests through mongotest.Run.
package goldenmsg

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
	"github.com/alsbot/alsbot/handlers"
	"github.com/alsbot/alsbot/scheduler"
)

// Cast is who plays the session on a platform: a facilitator and three
// members, in a set's channel.
type Cast struct {
	Platform    bot.Platform
	Channel     string
	Facilitator bot.UserRef
	Members     [3]bot.UserRef // the first presents in the round
}

// Start is the clock of the golden session: Tuesday 1 December 2026,
// 13:00 in London.
var Start = time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC)

// Messages returns, by golden name, what production answers and sends in
// the session: "check-in" (session start), "role-card" (round start),
// "home", "action-prompt" (to the presenter at round end), "reply" (a
// commitment recorded), "error" (a bad date), "reminder" (to the channel),
// "reminder-dm", "nudge" (as the scheduler sends them), "digest",
// "feedback", "commit-form" (its Form), "questionnaire" (the members'
// end-of-programme questionnaire DM), and the set it played in. Only the
// first message of each kind the scheduler sends is kept.
func Messages(t testing.TB, cast Cast) (map[string]bot.Message, *bot.Set) {
	t.Helper()
	ctx := context.Background()
	store := mongotest.New(t)
	clock := bottest.NewClock(Start)
	sent := bottest.NewRecorder(clock)
	log := slog.New(slog.DiscardHandler)
	// Wired as the served bot is: the scheduler plans and delivers what
	// commands cause and what falls due.
	sched := scheduler.New(scheduler.Deps{Store: store, Deliveries: store, Messenger: sent, Clock: clock, Logger: log, Instance: "golden"})
	router := handlers.New(handlers.Deps{
		Store: store, Clock: clock, Logger: log, Notifier: sched, Planner: sched,
		Rand: rand.New(rand.NewPCG(1, 2)), // the same roles every run
	})
	tick := func() {
		t.Helper()
		if err := sched.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	people := map[string]bot.UserRef{cast.Facilitator.ID: cast.Facilitator}
	for _, m := range cast.Members {
		people[m.ID] = m
	}
	ask := func(actor bot.UserRef, text string) (bot.Message, error) {
		t.Helper()
		mentions := map[string]bot.UserRef{}
		for _, word := range strings.Fields(text) {
			if u, ok := people[strings.TrimPrefix(word, "@")]; ok && strings.HasPrefix(word, "@") {
				mentions[u.ID] = u
			}
		}
		return router.Handle(ctx, bot.Request{
			Platform: cast.Platform, Actor: actor, Text: text, Mentions: mentions,
			Conv: bot.ConversationRef{ID: cast.Channel, Name: "west-set"},
		})
	}
	run := func(actor bot.UserRef, text string) bot.Message {
		t.Helper()
		msg, err := ask(actor, text)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		return msg
	}
	fac := cast.Facilitator
	m := cast.Members
	out := map[string]bot.Message{}
	run(fac, "setup West set")
	run(fac, "members add @"+m[0].ID+" @"+m[1].ID+" @"+m[2].ID)
	run(fac, "session add 2026-12-01 13:30 90m Room 4")
	out["check-in"] = run(fac, "session start")
	for _, u := range m {
		run(u, "here")
	}
	out["role-card"] = run(fac, "round start @"+m[0].ID)
	tick()
	sent.Take()
	run(fac, "round end")
	tick()
	for _, s := range sent.Take() {
		if s.Msg.Kind == bot.KindActionPrompt {
			out["action-prompt"] = s.Msg
		}
	}
	out["reply"] = run(m[0], "commit Talk to the duty team about handovers & rotas")
	out["home"] = run(m[0], "home")
	var err error
	if out["error"], err = ask(fac, "session add 2026-13-01 18:00"); err == nil {
		t.Fatal("a session on the 13th month was accepted")
	}
	run(fac, "session end")
	run(fac, "session add 2026-12-10 14:00 90m Room 4")
	tick()
	sent.Take()
	// Let the scheduler deliver what falls due until it has sent a reminder
	// to the channel and by DM, and a nudge.
	for until := Start.Add(21 * 24 * time.Hour); clock.Now().Before(until); {
		due, err := sched.NextDue(ctx)
		if err != nil || due.IsZero() || due.After(until) {
			break
		}
		if due.After(clock.Now()) {
			clock.Set(due)
		}
		tick()
		for _, s := range sent.Take() {
			name := string(s.Msg.Kind)
			if s.Msg.Kind == bot.KindReminder && s.To.ChannelID == "" {
				// The DMs go out concurrently: keep the first member's, the
				// one with an open commitment, whatever the order.
				if s.To.UserID != m[0].ID {
					continue
				}
				name += "-dm"
			}
			if _, ok := out[name]; !ok && s.To.Platform == cast.Platform {
				out[name] = s.Msg
			}
		}
		if out["reminder"].Kind != "" && out["reminder-dm"].Kind != "" && out["nudge"].Kind != "" {
			break
		}
	}
	for _, name := range []string{"reminder", "reminder-dm", "nudge"} {
		if out[name].Kind == "" {
			t.Fatalf("the scheduler sent no %s in three weeks", name)
		}
	}

	// The longest form the bot sends: the members' end-of-programme
	// questionnaire, as the scheduler delivers it by DM.
	run(fac, "programme create South West")
	run(fac, "programme add-set to South West")
	run(fac, "questionnaire create end from members-end")
	sent.Take()
	run(fac, "questionnaire send end to members by 2027-01-29")
	tick()
	for _, s := range sent.Take() {
		if s.To.ChannelID == "" && s.To.UserID == m[0].ID && len(s.Msg.Buttons) > 0 && s.Msg.Buttons[0].Form != nil {
			out["questionnaire"] = s.Msg
		}
	}
	if out["questionnaire"].Title == "" {
		t.Fatal("no questionnaire DM was sent")
	}

	set, err := store.GetSet(ctx, string(cast.Platform)+":"+cast.Channel)
	if err != nil {
		t.Fatal(err)
	}
	commitments, err := store.ListCommitments(ctx, set.ID, "", false)
	if err != nil {
		t.Fatal(err)
	}
	out["digest"] = bot.Digest(set, commitments, Start.Add(-28*24*time.Hour), Start, set.Location())
	sess, err := store.GetSession(ctx, bot.SessionID(set.ID, 1))
	if err != nil {
		t.Fatal(err)
	}
	out["feedback"] = bot.FeedbackPulse(set, sess)
	form := bot.CommitForm()
	form.SetID = set.ID
	out["commit-form"] = bot.Message{Form: form}
	return out, set
}
