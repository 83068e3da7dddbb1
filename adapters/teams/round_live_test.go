package teams

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
	"github.com/alsbot/alsbot/scheduler"
)

// lateLive is lateMessenger that can also update: the router, built before
// the adapter, posts and updates round cards through it.
type lateLive struct{ *lateMessenger }

func (l lateLive) Update(ctx context.Context, ref bot.MessageRef, m bot.Message) error {
	l.mu.Lock()
	live, _ := l.m.(bot.LiveMessenger)
	l.mu.Unlock()
	if live == nil {
		return fmt.Errorf("no live messenger")
	}
	return live.Update(ctx, ref, m)
}

func newLiveApp(r *rig) *app {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	out := &lateMessenger{}
	sched := scheduler.New(scheduler.Deps{Store: r.store, Deliveries: r.store, Messenger: out, Clock: r.clock, Logger: log, Instance: "live"})
	router := handlers.New(handlers.Deps{Store: r.store, Clock: r.clock, Notifier: sched, Planner: sched, Rand: rand.New(rand.NewPCG(1, 2)), Logger: log,
		Live: map[bot.Platform]bot.LiveMessenger{bot.Teams: lateLive{out}}})
	return &app{sched: sched, router: router, out: out}
}

// TestLiveRoundCardTeams: the role card mentions presenter and observer
// with <at> and matching mention entities under msteams.entities; a phase
// notice replies in the card's thread; round next updates the card's
// activity (PUT on the stored id).
func TestLiveRoundCardTeams(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	a := newLiveApp(r)
	r.start(a.router)
	a.out.set(r.adapter.Messenger())
	ctx := context.Background()
	svc := r.bf.serviceURL()
	const channel = "19:west@thread.tacv2"
	fay := person("29:fay", "aad-fay", "Fay")
	ana := person("29:ana", "aad-ana", "Ana")
	bob := person("29:bob", "aad-bob", "Bob")
	cy := person("29:cy", "aad-cy", "Cy")
	say := channelSayer(r, svc)
	r.send(installActivity(svc, "install-1"))
	say(fay, "setup West set")
	say(fay, "members add <at>Ana</at> <at>Bob</at> <at>Cy</at>", ana, bob, cy)
	say(fay, "session start")
	say(ana, "here")
	say(bob, "here")
	say(cy, "here")

	before := len(r.bf.posts())
	if got := r.post(channelMessage(svc, "m-round-start", "round start <at>Ana</at> observer <at>Bob</at>", fay, mention(ana), mention(bob))); got != http.StatusAccepted {
		t.Fatalf("round start: %d", got)
	}
	posts := r.waitPosts(before + 2)[before:] // the card, and fay's private confirmation
	var card *recorded
	for i, p := range posts {
		if p.ConvID == channel {
			card = &posts[i]
		}
	}
	if card == nil {
		t.Fatalf("no top-level card in %s: %+v", channel, posts)
	}
	c := cardOf(t, card.Activity)
	mustContain(t, "role card", cardText(c), "<at>Ana</at>", "<at>Bob</at>", "Round 1")
	ents := map[string]string{}
	if c.MSTeams != nil {
		for _, e := range c.MSTeams.Entities {
			if e.Type == "mention" {
				ents[e.Mentioned.ID] = e.Text
			}
		}
	}
	if ents["aad-ana"] != "<at>Ana</at>" || ents["aad-bob"] != "<at>Bob</at>" {
		t.Errorf("msteams.entities = %+v, want mentions of aad-ana and aad-bob", ents)
	}
	set, _ := r.store.GetSet(ctx, "teams:"+channel)
	sess, err := r.store.GetSession(ctx, bot.SessionID(set.ID, set.OpenSession))
	if err != nil {
		t.Fatal(err)
	}
	ref := sess.Rounds[0].Card
	if ref.ID == "" || ref.ChannelID != channel {
		t.Fatalf("stored card %+v", ref)
	}

	// The presenting box nearly up: the notice replies in the card's thread.
	r.clock.Advance(9 * time.Minute)
	var notice *recorded
	for _, p := range r.tick(a) {
		if strings.Contains(cardText(cardOf(t, p.Activity)), "nearly up") {
			notice = &p
		}
	}
	if notice == nil || notice.ConvID != channel+";messageid="+ref.ID {
		t.Fatalf("phase notice %+v, want it in the thread %s;messageid=%s", notice, channel, ref.ID)
	}

	say(fay, "round next")
	var put *recorded
	r.bf.mu.Lock()
	for i, q := range r.bf.requests {
		if q.Method == http.MethodPut {
			put = &r.bf.requests[i]
		}
	}
	r.bf.mu.Unlock()
	if put == nil || put.Status != http.StatusOK || !strings.HasSuffix(put.Path, "/activities/"+ref.ID) {
		t.Fatalf("update activity %+v, want a PUT on the card %s", put, ref.ID)
	}
	mustContain(t, "updated card", cardText(cardOf(t, put.Activity)), "questioning", "presenting 10 min (done)")
}

// TestRoundCardRefusedTeams: when the connector answers 403 for the set's
// channel (the bot was removed), the round still starts, its card answers
// the command, and the facilitator is told once by DM.
func TestRoundCardRefusedTeams(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	r.refusalsExpected = true
	a := newLiveApp(r)
	r.start(a.router)
	a.out.set(r.adapter.Messenger())
	svc := r.bf.serviceURL()
	const channel = "19:west@thread.tacv2"
	fay := person("29:fay", "aad-fay", "Fay")
	people := []map[string]any{person("29:ana", "aad-ana", "Ana"), person("29:bob", "aad-bob", "Bob"), person("29:cy", "aad-cy", "Cy")}
	say := channelSayer(r, svc)
	r.send(installActivity(svc, "install-1"))
	say(fay, "setup West set")
	say(fay, "members add <at>Ana</at> <at>Bob</at> <at>Cy</at>", people...)
	say(fay, "session start")
	for _, p := range people {
		say(p, "here")
	}
	r.bf.mu.Lock()
	r.bf.gone[channel] = true
	r.bf.mu.Unlock()
	for i := 0; i < 2; i++ {
		say(fay, "round start")
		say(fay, "round end")
	}
	var told int
	for _, p := range r.tick(a) {
		if strings.Contains(cardText(cardOf(t, p.Activity)), "Could not post to West set") {
			told++
			if strings.HasPrefix(p.ConvID, "19:") {
				t.Errorf("told in %s, want fay's 1:1 chat", p.ConvID)
			}
		}
	}
	if told != 1 {
		t.Errorf("facilitator told %d times, want once", told)
	}
}

// channelSayer returns say: a channel message from a person that mentions
// others, each with an id of its own, sent to the bot through r.
func channelSayer(r *rig, svc string) func(from map[string]any, text string, mentioned ...map[string]any) {
	seq := 0
	return func(from map[string]any, text string, mentioned ...map[string]any) {
		seq++
		var ents []map[string]any
		for _, m := range mentioned {
			ents = append(ents, mention(m))
		}
		r.send(channelMessage(svc, fmt.Sprint("m", seq), text, from, ents...))
	}
}
