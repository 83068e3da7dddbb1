package slack

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
	"github.com/alsbot/alsbot/scheduler"
)

// liveRig is the harness with the served bot's wiring: the scheduler as
// notifier and planner, and (when live) the adapter's sender as the live
// messenger of round cards.
type liveRig struct {
	*harness
	sched *scheduler.Scheduler
}

func newLiveRig(t *testing.T, live bool) *liveRig {
	h := newHarness(t)
	for _, u := range []struct{ id, name string }{{"UDEV", "Dev"}, {"UEVE", "Eve"}, {"UFLO", "Flo"}} {
		h.fake.AddUser(u.id, u.name, "Europe/London")
	}
	log := testLogger(t)
	sender := h.a.Messenger().(Sender)
	sched := scheduler.New(scheduler.Deps{Store: h.store, Deliveries: h.store, Messenger: bot.Messengers{bot.Slack: sender}, Clock: h.clock, Logger: log, Instance: "test"})
	deps := handlers.Deps{Store: h.store, Clock: h.clock, Notifier: sched, Planner: sched, Rand: rand.New(rand.NewPCG(1, 2)), Logger: log}
	if live {
		deps.Live = map[bot.Platform]bot.LiveMessenger{bot.Slack: sender}
	}
	h.a.SetHandler(handlers.New(deps))
	return &liveRig{harness: h, sched: sched}
}

func (r *liveRig) tick() {
	r.t.Helper()
	if err := r.sched.Tick(context.Background()); err != nil {
		r.t.Fatal(err)
	}
}

// channelPosts counts what the set's channel shows at its top level (not
// in threads, not ephemeral): chat.postMessage without thread_ts and
// in_channel answers through response_url; DMs are posts to D… channels.
func channelPosts(calls []slacktest.Call) (top, threaded, dms int) {
	for _, c := range calls {
		switch {
		case !c.OK():
		case c.Method == "chat.postMessage" && strings.HasPrefix(c.Param("channel"), "D"):
			dms++
		case c.Method == "chat.postMessage" && c.Param("thread_ts") != "":
			threaded++
		case c.Method == "chat.postMessage":
			top++
		case c.Method == "response_url" && c.JSON["response_type"] == "in_channel":
			top++
		}
	}
	return top, threaded, dms
}

// TestLiveRoundCard: round start posts one card that mentions presenter
// and observer as <@U…>; a phase notice goes in the card's thread; round
// next and round end update that same message with chat.update.
func TestLiveRoundCard(t *testing.T) {
	r := newLiveRig(t, true)
	ctx := context.Background()
	r.command("UFAC", setChannel, "setup West set")
	r.command("UFAC", setChannel, "members add <@UANA|ana> <@UBEN|ben> <@UCAT|cat>")
	r.command("UFAC", setChannel, "session start")
	for _, u := range []string{"UANA", "UBEN", "UCAT"} {
		r.command(u, setChannel, "here")
	}
	r.tick()
	calls, _ := r.fake.Calls()
	seen := len(calls)

	ans := r.command("UFAC", setChannel, "round start <@UANA|ana> observer <@UBEN|ben>")
	if ans.ResponseType != "ephemeral" || !strings.Contains(ans.Text, "Round 1 has started") {
		t.Fatalf("round start answered %+v, want a private confirmation", ans)
	}
	card, seen := r.fake.WaitFor(seen, posted(setChannel, "Round 1"))
	for _, want := range []string{"<@UANA>", "<@UBEN>", "Next phase", "End round", "Roles"} {
		if !strings.Contains(card.Text(), want) {
			t.Errorf("role card lacks %q:\n%s", want, card.Text())
		}
	}
	if card.Param("thread_ts") != "" {
		t.Errorf("the card went into a thread")
	}
	ts := card.Param("ts")
	if ts == "" {
		// The fake answers the ts; the request does not carry it.
		set, _ := r.store.GetSet(ctx, "slack:"+setChannel)
		sess, err := r.store.GetSession(ctx, bot.SessionID(set.ID, set.OpenSession))
		if err != nil {
			t.Fatal(err)
		}
		ts = sess.Rounds[0].Card.ID
		if ts == "" || sess.Rounds[0].Card.ChannelID != setChannel {
			t.Fatalf("round stored card %+v, want the posted message's channel and ts", sess.Rounds[0].Card)
		}
	}

	// Two minutes before the presenting box ends: the notice is a thread reply.
	r.clock.Advance(9 * time.Minute)
	r.tick()
	notice, seen := r.fake.WaitFor(seen, posted(setChannel, "nearly up"))
	if got := notice.Param("thread_ts"); got != ts {
		t.Errorf("phase notice thread_ts = %q, want the card's ts %q", got, ts)
	}

	// The card's buttons check the presser's role like the typed command.
	code, _ := r.interact(buttonPress("UANA", setChannel, "als_cmd_0", "round next", r.fake.ResponseURL(900)))
	if code != 200 {
		t.Fatalf("button press: %d", code)
	}
	_, seen = r.fake.WaitFor(seen, responded(900, "Only a facilitator"))
	if n := r.fake.Count(isMethod("chat.update")); n != 0 {
		t.Errorf("a member's press updated the card %d times", n)
	}

	ans = r.command("UFAC", setChannel, "round next")
	if ans.ResponseType != "ephemeral" || !strings.Contains(ans.Text, "Round 1: questioning") {
		t.Errorf("round next answered %+v, want a private confirmation", ans)
	}
	upd, seen := r.fake.WaitFor(seen, isMethod("chat.update"))
	if upd.Param("ts") != ts || upd.Param("channel") != setChannel || !upd.OK() {
		t.Errorf("chat.update of %s in %s (%s), want the card %s in %s", upd.Param("ts"), upd.Param("channel"), upd.Error, ts, setChannel)
	}
	if text := upd.Text(); !strings.Contains(text, "questioning") || !strings.Contains(text, "presenting 10 min (done)") {
		t.Errorf("updated card does not show the phase:\n%s", text)
	}

	r.command("UFAC", setChannel, "round end")
	end, _ := r.fake.WaitFor(seen, isMethod("chat.update"))
	if end.Param("ts") != ts || !strings.Contains(end.Text(), "Round 1 is over") || strings.Contains(end.Text(), "Next phase") {
		t.Errorf("round end updated %s with:\n%s\nwant the card, over, without buttons", end.Param("ts"), end.Text())
	}
	// A second round's card no longer explains the roles.
	ans = r.command("UFAC", setChannel, "round start")
	if !strings.Contains(ans.Text, "Round 2 has started") {
		t.Fatalf("round 2: %+v", ans)
	}
	card2, _ := r.fake.WaitFor(seen, posted(setChannel, "Round 2"))
	if strings.Contains(card2.Text(), "feeds back at the end") {
		t.Errorf("round 2's card repeats the role descriptions:\n%s", card2.Text())
	}
}

// noiseBudget is the most top-level posts in the set's channel for a
// four-round session of six members (session start, check-ins, four rounds
// through every phase with their timers, session end).
const noiseBudget = 12

// TestNoiseBudget runs that session with and without live cards and
// counts what the channel and the members' DMs get.
func TestNoiseBudget(t *testing.T) {
	for _, live := range []bool{false, true} {
		name := "answers"
		if live {
			name = "live cards"
		}
		t.Run(name, func(t *testing.T) {
			r := newLiveRig(t, live)
			top := 0
			cmd := func(user, text string) {
				if r.command(user, setChannel, text).ResponseType == "in_channel" {
					top++ // the immediate answer is a channel post too
				}
			}
			cmd("UFAC", "setup West set")
			cmd("UFAC", "members add <@UANA> <@UBEN> <@UCAT> <@UDEV> <@UEVE> <@UFLO>")
			calls, _ := r.fake.Calls()
			before := len(calls)
			top = 0
			cmd("UFAC", "session start")
			for _, u := range []string{"UANA", "UBEN", "UCAT", "UDEV", "UEVE", "UFLO"} {
				cmd(u, "here")
			}
			r.tick()
			for round := 0; round < 4; round++ {
				cmd("UFAC", "round start")
				r.tick()
				for _, d := range []time.Duration{10, 25, 5, 10} { // the default boxes
					r.clock.Advance(d*time.Minute + time.Second)
					r.tick()
					cmd("UFAC", "round next")
				}
				r.tick()
			}
			cmd("UFAC", "session end")
			r.tick()
			r.a.pool.Shutdown(context.Background()) // every answer sent
			calls, _ = r.fake.Calls()
			posts, threaded, dms := channelPosts(calls[before:])
			top += posts
			t.Logf("%s: %d top-level channel posts, %d thread replies, %d DMs", name, top, threaded, dms)
			if live && top > noiseBudget {
				t.Errorf("%d top-level channel posts, budget %d", top, noiseBudget)
			}
		})
	}
}

// TestSetupNotInChannel: setup in a channel the bot was not invited to
// says how to invite it; later, a round card Slack refuses there
// (not_in_channel) reaches the facilitator once by DM, and the card still
// reaches the channel as the command's answer.
func TestSetupNotInChannel(t *testing.T) {
	r := newLiveRig(t, true)
	const outside = "COUT"
	r.fake.AddChannel(outside)
	r.fake.RefuseChannel(outside, "not_in_channel")

	ans := r.command("UFAC", setChannel, "setup West set")
	if strings.Contains(ans.Text, "/invite") {
		t.Errorf("setup in a channel the bot is in says to invite it:\n%s", ans.Text)
	}
	ans = r.command("UFAC", outside, "setup East set")
	if !strings.Contains(ans.Text, "East set") || !strings.Contains(ans.Text, `/invite \u003c@UBOT\u003e`) { // <@UBOT>, JSON-escaped in the blocks
		t.Fatalf("setup outside answered:\n%s\nwant how to invite the bot (/invite <@UBOT>)", ans.Text)
	}
	if !strings.Contains(ans.Text, "not a member of this channel") {
		t.Errorf("setup outside does not say why:\n%s", ans.Text)
	}
	r.fake.WaitFor(0, func(c slacktest.Call) bool { return c.Method == "conversations.info" && c.Param("channel") == outside })

	r.command("UFAC", outside, "members add <@UANA> <@UBEN> <@UCAT>")
	r.command("UFAC", outside, "session start")
	for _, u := range []string{"UANA", "UBEN", "UCAT"} {
		r.command(u, outside, "here")
	}
	calls, _ := r.fake.Calls()
	seen := len(calls)
	for i := 0; i < 2; i++ {
		ans = r.command("UFAC", outside, "round start")
		if ans.ResponseType != "in_channel" || !strings.Contains(ans.Text, "presents now") {
			t.Fatalf("round start where the bot cannot post answered %+v, want the card as the answer", ans)
		}
		r.command("UFAC", outside, "round end")
	}
	r.tick()
	dm, _ := r.fake.WaitFor(seen, posted("DFAC", "Could not post to East set"))
	if !strings.Contains(dm.Text(), "not_in_channel") || !strings.Contains(dm.Text(), "/invite") {
		t.Errorf("facilitator told:\n%s", dm.Text())
	}
	if n := r.fake.Count(posted("DFAC", "Could not post to East set")); n != 1 {
		t.Errorf("facilitator told %d times, want once", n)
	}
}
