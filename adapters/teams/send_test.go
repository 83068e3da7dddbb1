package teams

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
)

// seed stores references as an incoming activity would.
func (r *rig) seed(key string, ref schema.ConversationReference) {
	r.t.Helper()
	b, err := json.Marshal(ref)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.store.PutConversations(context.Background(), map[string][]byte{key: b}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) channelRef(convID string) schema.ConversationReference {
	return schema.ConversationReference{
		Bot:          schema.ChannelAccount{ID: "28:" + testAppID, Name: "alsbot"},
		Conversation: schema.ConversationAccount{ID: convID, ConversationType: "channel", TenantID: "tenant-1", IsGroup: true},
		ChannelID:    "msteams", ServiceURL: r.bf.serviceURL(),
	}
}

func TestSendRetriesAfter429(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	r.seed(convKey("19:chan"), r.channelRef("19:chan"))
	r.bf.mu.Lock()
	r.bf.script["19:chan"] = []int{http.StatusTooManyRequests}
	r.bf.mu.Unlock()

	ref, err := r.adapter.Send(context.Background(), bot.Destination{Platform: bot.Teams, ChannelID: "19:chan"}, bot.Message{Text: "hello"})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	posts := r.bf.posts()
	if len(posts) != 2 {
		t.Fatalf("%d posts, want the refused one and the delivered one", len(posts))
	}
	// Retry-After: 1 was honoured (a lower bound on real time cannot flake).
	if gap := posts[1].At.Sub(posts[0].At); gap < time.Second {
		t.Errorf("retried after %s, before the Retry-After of 1s", gap)
	}
	if ref.ID != "act-2" || ref.ChannelID != "19:chan" || ref.Platform != bot.Teams {
		t.Errorf("message ref %+v", ref)
	}
	if !strings.Contains(cardText(cardOf(t, posts[1].Activity)), "hello") {
		t.Errorf("delivered card does not say hello")
	}
	// The wire activity: a message from the bot with the card, and none of
	// the zero values schema.Activity would otherwise send.
	raw := posts[1].Raw
	if raw["type"] != "message" || raw["conversation"] == nil || raw["from"] == nil || raw["summary"] != "hello" {
		t.Errorf("posted activity %v", raw)
	}
	for _, k := range []string{"expiration", "timestamp", "relatesTo", "semanticAction", "suggestedActions", "replyToId"} {
		if _, ok := raw[k]; ok {
			t.Errorf("posted activity has %q: %v", k, raw[k])
		}
	}
}

func TestSendGivesUpAsRetryAfterError(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	r.seed(convKey("19:busy"), r.channelRef("19:busy"))
	r.bf.mu.Lock()
	r.bf.script["19:busy"] = []int{429, 429, 429, 429, 429}
	r.bf.mu.Unlock()
	// Retry-After 1 s, four attempts: the fourth 429 is returned to the caller.
	_, err := r.adapter.Send(context.Background(), bot.Destination{Platform: bot.Teams, ChannelID: "19:busy"}, bot.Message{Text: "x"})
	var ra *bot.RetryAfterError
	if !errors.As(err, &ra) || ra.After != time.Second {
		t.Fatalf("err = %v, want *bot.RetryAfterError after 1s", err)
	}
}

func TestSendStaleReferenceNotRetried(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	r.seed(convKey("19:gone"), r.channelRef("19:gone"))
	r.bf.mu.Lock()
	r.bf.gone["19:gone"] = true
	r.bf.mu.Unlock()
	to := bot.Destination{Platform: bot.Teams, ChannelID: "19:gone"}
	for i := range 3 {
		_, err := r.adapter.Send(context.Background(), to, bot.Message{Text: "x"})
		if !errors.Is(err, ErrStaleConversation) {
			t.Fatalf("send %d: err = %v, want ErrStaleConversation", i, err)
		}
	}
	if n := len(r.bf.posts()); n != 1 {
		t.Fatalf("the connector was asked %d times, want once (then the reference is stale)", n)
	}
	if _, stale, err := r.store.GetConversation(context.Background(), convKey("19:gone")); err != nil || !stale {
		t.Fatalf("stored reference stale=%v err=%v, want stale", stale, err)
	}
	// A new activity from that channel stores the reference again.
	r.seed(convKey("19:gone"), r.channelRef("19:gone"))
	r.bf.mu.Lock()
	r.bf.gone["19:gone"] = false
	r.bf.mu.Unlock()
	if _, err := r.adapter.Send(context.Background(), to, bot.Message{Text: "x"}); err != nil {
		t.Fatalf("after a new activity: %v", err)
	}
}

// TestTokenCached: many sends share one token; after expiry (on the injected
// clock) a new one is fetched.
func TestTokenCached(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	for i := range 3 {
		id := fmt.Sprintf("19:c%d", i)
		r.seed(convKey(id), r.channelRef(id))
	}
	send := func() {
		for i := range 3 {
			if _, err := r.adapter.Send(context.Background(), bot.Destination{Platform: bot.Teams, ChannelID: fmt.Sprintf("19:c%d", i)}, bot.Message{Text: "x"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	send()
	send()
	if n := r.bf.tokenCalls.Load(); n != 1 {
		t.Fatalf("token endpoint called %d times for 6 sends, want 1", n)
	}
	r.clock.Advance(50 * time.Minute) // 3600 s tokens are renewed 5 min early: still valid
	send()
	if n := r.bf.tokenCalls.Load(); n != 1 {
		t.Fatalf("token endpoint called %d times before expiry, want 1", n)
	}
	r.clock.Advance(6 * time.Minute)
	send()
	if n := r.bf.tokenCalls.Load(); n != 2 {
		t.Fatalf("token endpoint called %d times after expiry, want 2", n)
	}
	for _, p := range r.bf.posts() {
		if !strings.HasPrefix(p.Auth, "Bearer bot-token-") {
			t.Fatalf("post authorized with %q", p.Auth)
		}
	}
}

// TestConcurrentSends: sends to several conversations at once share the
// token and the pacing state safely (run with -race); one conversation gets
// at most 7 messages in any second.
func TestConcurrentSends(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	for i := range 2 {
		id := fmt.Sprintf("19:p%d", i)
		r.seed(convKey(id), r.channelRef(id))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := r.adapter.Send(context.Background(), bot.Destination{Platform: bot.Teams, ChannelID: fmt.Sprintf("19:p%d", i%2)}, bot.Message{Text: fmt.Sprint("n", i)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	posts := r.bf.posts()
	if len(posts) != 20 {
		t.Fatalf("%d posts, want 20", len(posts))
	}
	if n := r.bf.tokenCalls.Load(); n != 1 {
		t.Errorf("token endpoint called %d times, want 1", n)
	}
	// Pacing is checked on the reservations, with a clock held still, in
	// TestPacingReservations: arrival times at the fake also carry each
	// request's own delay on a loaded machine, so they cannot show it.
}

// TestPacingReservations: within one conversation at most 7 sends in any
// second (Teams' limit); the 8th waits until the 1st is a second old; another
// conversation is not held up.
func TestPacingReservations(t *testing.T) {
	c := newConnector(nil, nil, nil)
	t0 := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	for i := range perConvPerSecond {
		if wait := c.reserve("19:a", t0.Add(time.Duration(i)*100*time.Millisecond)); wait != 0 {
			t.Fatalf("send %d waits %v, want none", i+1, wait)
		}
	}
	at := t0.Add(700 * time.Millisecond)
	if wait := c.reserve("19:a", at); wait != 300*time.Millisecond {
		t.Errorf("the 8th send waits %v, want 300ms (until the 1st is a second old)", wait)
	}
	if wait := c.reserve("19:b", at); wait != 0 {
		t.Errorf("another conversation waits %v, want none", wait)
	}
	if wait := c.reserve("19:a", t0.Add(time.Second)); wait != 0 {
		t.Errorf("a second after the 1st the 8th still waits %v", wait)
	}
}

// TestDMCreatesConversation: a user known only from a channel gets a 1:1
// chat opened with POST /v3/conversations (tenant + user id), stored for next time.
func TestDMCreatesConversation(t *testing.T) {
	h := &recordingHandler{}
	r := newRig(t, h)
	ana := person("29:ana", "aad-ana", "Ana")
	bob := person("29:bob", "aad-bob", "Bob")
	if got := r.post(channelMessage(r.bf.serviceURL(), "m1", "members add <at>Bob</at>", ana, mention(bob))); got != http.StatusAccepted {
		t.Fatalf("status %d", got)
	}
	r.drain(h)
	for range 2 {
		if _, err := r.adapter.Send(context.Background(), bot.Destination{Platform: bot.Teams, UserID: "aad-bob"}, bot.Message{Text: "your reminder"}); err != nil {
			t.Fatal(err)
		}
	}
	creates := r.bf.creates()
	if len(creates) != 1 {
		t.Fatalf("%d conversations created, want 1 (then the stored one is used)", len(creates))
	}
	p := creates[0].Params
	if p.Members[0].ID != "29:bob" || p.TenantID != "tenant-1" || p.Bot.ID != "28:"+testAppID {
		t.Errorf("create parameters %+v", p)
	}
	var dms int
	for _, post := range r.bf.posts() {
		if strings.HasPrefix(post.ConvID, "a:dm-1-29:bob") {
			dms++
		}
	}
	if dms != 2 {
		t.Errorf("%d DMs posted to the new chat, want 2", dms)
	}
}
