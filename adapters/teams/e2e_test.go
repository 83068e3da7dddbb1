package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
	"github.com/alsbot/alsbot/scheduler"
)

// lateMessenger lets the scheduler, built before the adapter, send through
// whichever adapter is current (a restart replaces it).
type lateMessenger struct {
	mu sync.Mutex
	m  bot.Messenger
}

func (l *lateMessenger) set(m bot.Messenger) { l.mu.Lock(); l.m = m; l.mu.Unlock() }
func (l *lateMessenger) Send(ctx context.Context, to bot.Destination, m bot.Message) (bot.MessageRef, error) {
	l.mu.Lock()
	cur := l.m
	l.mu.Unlock()
	return cur.Send(ctx, to, m)
}

// app is what cmd/alsbot wires for Teams: the router and the scheduler on
// the store, sending through the adapter.
type app struct {
	sched  *scheduler.Scheduler
	router *handlers.Router
	out    *lateMessenger
}

func newApp(r *rig, instance string) *app {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	out := &lateMessenger{}
	sched := scheduler.New(scheduler.Deps{Store: r.store, Deliveries: r.store, Messenger: out, Clock: r.clock, Logger: log, Instance: instance})
	router := handlers.New(handlers.Deps{Store: r.store, Clock: r.clock, Notifier: sched, Planner: sched, Rand: rand.New(rand.NewPCG(1, 2)), Logger: log})
	return &app{sched: sched, router: router, out: out}
}

// send posts an activity and waits until the adapter has answered it (the
// reply is the last thing a worker does); it returns the new posts.
func (r *rig) send(act map[string]any) []recorded {
	r.t.Helper()
	before := len(r.bf.posts())
	if got := r.post(act); got != http.StatusAccepted {
		r.t.Fatalf("activity %v: status %d", act["id"], got)
	}
	return r.waitPosts(before + 1)[before:]
}

func (r *rig) waitPosts(n int) []recorded {
	r.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if p := r.bf.posts(); len(p) >= n {
			return p
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("waited for %d posts, have %d", n, len(r.bf.posts()))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *rig) tick(a *app) []recorded {
	r.t.Helper()
	before := len(r.bf.posts())
	if err := a.sched.Tick(context.Background()); err != nil {
		r.t.Fatalf("tick: %v", err)
	}
	return r.bf.posts()[before:]
}

// submitValue is what Teams sends in activity.value when a card's
// Action.Submit is pressed: the action's data and the inputs by id.
func submitValue(t testing.TB, a Action, inputs map[string]string) map[string]any {
	t.Helper()
	b, err := json.Marshal(a.Data)
	if err != nil {
		t.Fatal(err)
	}
	v := map[string]any{}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	for k, x := range inputs {
		v[k] = x
	}
	return v
}

func only(t testing.TB, posts []recorded, n int) []recorded {
	t.Helper()
	if len(posts) != n {
		var convs []string
		for _, p := range posts {
			convs = append(convs, p.ConvID+": "+strings.ReplaceAll(cardText(cardOf(t, p.Activity)), "\n", " | "))
		}
		t.Fatalf("%d posts, want %d:\n%s", len(posts), n, strings.Join(convs, "\n"))
	}
	return posts
}

func mustContain(t testing.TB, what, text string, words ...string) {
	t.Helper()
	for _, w := range words {
		if !strings.Contains(text, w) {
			t.Fatalf("%s does not say %q:\n%s", what, w, text)
		}
	}
}

// TestEndToEnd runs a set in Teams through the real router, scheduler and
// store: install, setup in a channel, members by mention, a session, a round
// with its role card, the action prompt answered through the card form, a
// reminder after a restart, a nudge and a report.
func TestEndToEnd(t *testing.T) {
	r := newRig(t, &recordingHandler{}) // replaced below by the real router
	a := newApp(r, "replica-1")
	r.start(a.router)
	a.out.set(r.adapter.Messenger())
	ctx := context.Background()
	svc := r.bf.serviceURL()
	const channel = "19:west@thread.tacv2"
	setID := "teams:" + channel

	fay := person("29:fay", "aad-fay", "Fay")
	ana := person("29:ana", "aad-ana", "Ana")
	bob := person("29:bob", "aad-bob", "Bob")
	cy := person("29:cy", "aad-cy", "Cy")
	seq := 0
	say := func(from map[string]any, text string, mentioned ...map[string]any) []recorded {
		seq++
		var ents []map[string]any
		for _, m := range mentioned {
			ents = append(ents, mention(m))
		}
		return r.send(channelMessage(svc, fmt.Sprint("m", seq), text, from, ents...))
	}

	// Install in a team: the channel's reference is stored and a welcome posted.
	posts := only(t, r.send(installActivity(svc, "install-1")), 1)
	if posts[0].ConvID != channel {
		t.Fatalf("welcome went to %s", posts[0].ConvID)
	}
	mustContain(t, "welcome", cardText(cardOf(t, posts[0].Activity)), "setup")
	if _, stale, err := r.store.GetConversation(ctx, convKey(channel)); err != nil || stale {
		t.Fatalf("channel reference after install: stale=%v err=%v", stale, err)
	}

	// Setup in the channel: the reply goes to the thread of the command.
	posts = only(t, say(fay, "setup West set"), 1)
	if !strings.HasPrefix(posts[0].ConvID, channel+";messageid=") {
		t.Errorf("setup answered in %s, want the command's thread", posts[0].ConvID)
	}
	set, err := r.store.GetSet(ctx, setID)
	if err != nil {
		t.Fatalf("set not created: %v", err)
	}
	if !set.HasRole("aad-fay", bot.RoleFacilitator) || set.TZ != "Europe/London" || set.Channel.ID != channel {
		t.Fatalf("set %+v", set)
	}

	// Members by mention: resolved to their AAD object ids and names. Cy's
	// mention entity carries only the channel account id, as Teams often
	// sends it: the connector's member lookup gives the AAD object id.
	r.bf.mu.Lock()
	r.bf.directory["29:cy"] = schema.ChannelAccount{ID: "29:cy", Name: "Cy", AadObjectID: "aad-cy"}
	r.bf.mu.Unlock()
	say(fay, "members add <at>Ana</at> <at>Bob</at> <at>Cy</at>", ana, bob, map[string]any{"id": "29:cy", "name": "Cy"})
	if n := r.bf.memberLookups.Load(); n != 1 {
		t.Errorf("%d member lookups, want 1 (only Cy's mention lacked the AAD id)", n)
	}
	set, _ = r.store.GetSet(ctx, setID)
	for id, name := range map[string]string{"aad-ana": "Ana", "aad-bob": "Bob", "aad-cy": "Cy"} {
		if p := set.Person(id); p == nil || !p.Has(bot.RoleMember) || p.User.Name != name {
			t.Fatalf("member %s (%s) not added: %+v", id, name, set.People)
		}
	}

	// A scheduled session (for the reminder later) and one started now.
	say(fay, "session add 2026-12-01 18:00 1h Room 4")
	posts = only(t, say(fay, "session start"), 1)
	checkIn := cardOf(t, posts[0].Activity)
	mustContain(t, "check-in", cardText(checkIn), "session 2", "I'm here")

	// Check in: Ana presses the card's button, Bob and Cy type.
	var here *Action
	for i := range checkIn.Actions {
		if checkIn.Actions[i].Title == "I'm here" {
			here = &checkIn.Actions[i]
		}
	}
	if here == nil || here.Data.ALSBot.Command != "here" {
		t.Fatalf("check-in card has no here button: %+v", checkIn.Actions)
	}
	seq++
	press := channelMessage(svc, fmt.Sprint("m", seq), "", ana)
	press["text"], press["value"], press["entities"] = "", submitValue(t, *here, nil), nil
	r.send(press)
	say(bob, "here")
	say(cy, "here")
	sess, err := r.store.GetSession(ctx, bot.SessionID(setID, 2))
	if err != nil || len(sess.Attendees) != 3 {
		t.Fatalf("session 2 attendance: %+v, %v", sess, err)
	}

	// A round: the role card is posted in the channel.
	posts = only(t, say(fay, "round start"), 1)
	role := cardText(cardOf(t, posts[0].Activity))
	mustContain(t, "role card", role, "Round 1", "Presenter", "Observer", "Enablers")
	sess, _ = r.store.GetSession(ctx, bot.SessionID(setID, 2))
	presenter := sess.Rounds[0].Presenter
	var presenterAcc map[string]any
	for _, p := range []map[string]any{ana, bob, cy} {
		if p["aadObjectId"] == presenter {
			presenterAcc = p
		}
	}
	if presenterAcc == nil {
		t.Fatalf("presenter %q is not a member", presenter)
	}

	// Round end: the action prompt goes to the presenter's 1:1 chat, opened
	// for the occasion since they only ever wrote in the channel.
	say(fay, "round end")
	var prompt *recorded
	for _, p := range r.tick(a) {
		if strings.HasPrefix(p.ConvID, "a:dm-") && strings.Contains(cardText(cardOf(t, p.Activity)), "Record my commitment") {
			prompt = &p
		}
	}
	if prompt == nil {
		t.Fatal("no action prompt DM")
	}
	var opened bool
	for _, c := range r.bf.creates() {
		if c.Params.Members[0].ID == presenterAcc["id"] && c.Params.TenantID == "tenant-1" && c.Params.Bot.ID == "28:"+testAppID {
			opened = true
		}
	}
	if !opened {
		t.Fatalf("no 1:1 chat opened with the presenter %s", presenterAcc["id"])
	}
	promptCard := cardOf(t, prompt.Activity)
	mustContain(t, "action prompt", cardText(promptCard), "Record my commitment")
	form := promptCard.Actions[0].Card
	submit := form.Actions[0]
	textID, dueID := form.Body[1].ID, form.Body[2].ID
	dm := personalMessage(svc, "dm-1", "", presenterAcc, nil)
	dm["conversation"].(map[string]any)["id"] = prompt.ConvID

	// An empty form comes back with the error; nothing is stored.
	dm["value"] = submitValue(t, submit, map[string]string{textID: "  ", dueID: "2026-12-01"})
	posts = only(t, r.send(dm), 1)
	mustContain(t, "form with errors", cardText(cardOf(t, posts[0].Activity)), "required")
	if cs, _ := r.store.ListCommitments(ctx, setID, presenter, false); len(cs) != 0 {
		t.Fatalf("an invalid form stored %d commitments", len(cs))
	}

	// The filled form records the commitment.
	dm["id"] = "dm-2"
	dm["value"] = submitValue(t, submit, map[string]string{textID: "Ask the duty team how handovers go", dueID: "2026-12-10"})
	posts = only(t, r.send(dm), 1)
	if posts[0].ConvID != prompt.ConvID {
		t.Errorf("commit answered in %s, want the 1:1 chat", posts[0].ConvID)
	}
	cs, err := r.store.ListCommitments(ctx, setID, presenter, false)
	if err != nil || len(cs) != 1 || cs[0].Text != "Ask the duty team how handovers go" || cs[0].Due.IsZero() {
		t.Fatalf("commitment from the form: %+v, %v", cs, err)
	}
	say(fay, "session end")
	r.tick(a)

	// Restart: a new process (adapter, router, scheduler) on the same store.
	// The 1-day reminder for session 1 goes to the members' DMs (the channel
	// had its reminder at the longest lead, 7 days) and the digest to the
	// channel, from the stored references.
	a = newApp(r, "replica-2")
	r.start(a.router)
	a.out.set(r.adapter.Messenger())
	createsBefore := len(r.bf.creates())
	r.clock.Advance(9*time.Hour + time.Minute) // 2026-11-30 18:01: the 1-day reminder of session 1 is due
	posts = r.tick(a)
	var channelDigest bool
	dmsTo := map[string]bool{}
	for _, p := range posts {
		text := cardText(cardOf(t, p.Activity))
		if p.ConvID == channel && strings.Contains(text, "Report-back") {
			channelDigest = true
		}
		if !strings.Contains(text, "Reminder") {
			continue
		}
		if p.ConvID == channel {
			t.Errorf("a channel reminder at the 1-day lead; the channel is reminded at 7 days only")
		}
		if strings.HasPrefix(p.ConvID, "a:dm-") {
			dmsTo[p.ConvID] = true
		}
	}
	if !channelDigest {
		t.Fatalf("no digest in the channel after the restart; posts: %d", len(posts))
	}
	// The three members and fay: facilitators get reminders too (on by
	// default, issue 13).
	if len(dmsTo) != 4 {
		t.Errorf("reminder DMs to %d chats, want 3 members and the facilitator", len(dmsTo))
	}
	if !dmsTo[prompt.ConvID] {
		t.Errorf("the presenter's reminder did not use the stored 1:1 chat %s", prompt.ConvID)
	}
	// Every member's 1:1 chat was opened before the restart (their private
	// check-in answers went there): the references came from the store.
	// Only fay's, who never had a private answer, is created.
	if got := len(r.bf.creates()) - createsBefore; got != 1 {
		t.Errorf("%d new 1:1 chats for the reminder, want 1 (the facilitator's; the members' were stored)", got)
	}

	// A nudge (Mondays 09:00 in the set's zone) to the presenter, who
	// reports progress through its form.
	r.clock.Advance(7 * 24 * time.Hour)
	var nudge *recorded
	for _, p := range r.tick(a) {
		if p.ConvID == prompt.ConvID && strings.Contains(cardText(cardOf(t, p.Activity)), "How is your action going?") {
			nudge = &p
		}
	}
	if nudge == nil {
		t.Fatal("no nudge DM to the presenter")
	}
	nudgeCard := cardOf(t, nudge.Activity)
	var progress *Action
	for i := range nudgeCard.Actions {
		if strings.Contains(nudgeCard.Actions[i].Title, "rogress") {
			progress = &nudgeCard.Actions[i]
		}
	}
	if progress == nil || progress.Card == nil {
		t.Fatalf("nudge has no progress form: %+v", nudgeCard.Actions)
	}
	dm["id"] = "dm-3"
	dm["value"] = submitValue(t, progress.Card.Actions[0], map[string]string{progress.Card.Body[len(progress.Card.Body)-1].ID: "Met the team lead; we agreed a trial."})
	r.send(dm)
	c, err := r.store.GetCommitment(ctx, cs[0].ID)
	if err != nil || len(c.Reports) != 1 || c.Reports[0].Status != bot.ReportProgress || c.Reports[0].Text != "Met the team lead; we agreed a trial." {
		t.Fatalf("report from the nudge form: %+v, %v", c, err)
	}

	// The same activity delivered twice (a Bot Framework retry) is handled once.
	before := len(r.bf.posts())
	if got := r.post(dm); got != http.StatusAccepted {
		t.Fatalf("retry: status %d", got)
	}
	r.drain(a.router)
	if n := len(r.bf.posts()) - before; n != 0 {
		t.Errorf("a retried activity was answered again (%d posts)", n)
	}
	if c, _ := r.store.GetCommitment(ctx, cs[0].ID); len(c.Reports) != 1 {
		t.Errorf("a retried activity stored %d reports", len(c.Reports))
	}
}
