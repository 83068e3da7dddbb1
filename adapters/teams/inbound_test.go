package teams

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// TestInboundRequests: what the adapter hands the handler for typical
// activities, and where the answer goes.
func TestInboundRequests(t *testing.T) {
	h := &recordingHandler{}
	r := newRig(t, h)
	svc := r.bf.serviceURL()
	ana := person("29:ana", "aad-ana", "Ana")
	bob := person("29:bob", "aad-bob", "Bob")

	tests := []struct {
		name     string
		act      map[string]any
		private  bool
		wantReq  bot.Request
		wantConv string // where the answer went (prefix)
	}{
		{
			name: "channel command with a mention",
			act:  channelMessage(svc, "c1", "mentor <at>Bob</at> for <at>Ana</at>", ana, mention(bob), mention(ana)),
			wantReq: bot.Request{Platform: bot.Teams, Text: "mentor @aad-bob for @aad-ana",
				Actor:    bot.UserRef{ID: "aad-ana", Name: "Ana", TZ: "Europe/London"},
				Conv:     bot.ConversationRef{ID: "19:west@thread.tacv2", Name: "west-set"},
				Mentions: map[string]bot.UserRef{"aad-bob": {ID: "aad-bob", Name: "Bob"}, "aad-ana": {ID: "aad-ana", Name: "Ana"}}},
			wantConv: "19:west@thread.tacv2;messageid=c1",
		},
		{
			name:    "private answer to a channel command goes to the 1:1 chat",
			act:     channelMessage(svc, "c2", "actions", bob),
			private: true,
			wantReq: bot.Request{Platform: bot.Teams, Text: "actions",
				Actor: bot.UserRef{ID: "aad-bob", Name: "Bob", TZ: "Europe/London"},
				Conv:  bot.ConversationRef{ID: "19:west@thread.tacv2", Name: "west-set"}},
			wantConv: "a:dm-",
		},
		{
			name:    "1:1 chat, plain text",
			act:     personalMessage(svc, "p1", "/als actions", ana, nil),
			private: true,
			wantReq: bot.Request{Platform: bot.Teams, Text: "/als actions",
				Actor: bot.UserRef{ID: "aad-ana", Name: "Ana", TZ: "Europe/London"},
				Conv:  bot.ConversationRef{ID: "a:personal-aad-ana", DM: true}},
			wantConv: "a:personal-aad-ana",
		},
		{
			name: "bare mention means help",
			act:  channelMessage(svc, "c3", "", ana),
			wantReq: bot.Request{Platform: bot.Teams, Text: "help",
				Actor: bot.UserRef{ID: "aad-ana", Name: "Ana", TZ: "Europe/London"},
				Conv:  bot.ConversationRef{ID: "19:west@thread.tacv2", Name: "west-set"}},
			wantConv: "19:west@thread.tacv2;messageid=c3",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.send = func(req bot.Request) (bot.Message, error) {
				return bot.Message{Kind: bot.KindReply, Text: "ok", Private: tt.private}, nil
			}
			n := len(h.requests())
			posts := only(t, r.send(tt.act), 1)
			got := h.requests()[n]
			if got.Text != tt.wantReq.Text || got.Actor != tt.wantReq.Actor || got.Conv != tt.wantReq.Conv || got.Platform != tt.wantReq.Platform {
				t.Errorf("request %+v\nwant     %+v", got, tt.wantReq)
			}
			if len(got.Mentions) != len(tt.wantReq.Mentions) {
				t.Errorf("mentions %v, want %v", got.Mentions, tt.wantReq.Mentions)
			}
			for k, v := range tt.wantReq.Mentions {
				if got.Mentions[k] != v {
					t.Errorf("mention %s = %+v, want %+v", k, got.Mentions[k], v)
				}
			}
			if !strings.HasPrefix(posts[0].ConvID, tt.wantConv) {
				t.Errorf("answer went to %s, want %s…", posts[0].ConvID, tt.wantConv)
			}
		})
	}
}

// TestPanicRecovered: a handler that panics does not take the worker down.
func TestPanicRecovered(t *testing.T) {
	h := &recordingHandler{}
	h.send = func(req bot.Request) (bot.Message, error) {
		if req.Text == "boom" {
			panic("boom")
		}
		return bot.Message{Text: "fine"}, nil
	}
	r := newRig(t, h)
	ana := person("29:ana", "aad-ana", "Ana")
	for i := range 3 { // more panics than workers
		if got := r.post(personalMessage(r.bf.serviceURL(), "boom-"+string(rune('a'+i)), "boom", ana, nil)); got != http.StatusAccepted {
			t.Fatalf("status %d", got)
		}
	}
	posts := only(t, r.send(personalMessage(r.bf.serviceURL(), "after", "actions", ana, nil)), 1)
	mustContain(t, "answer after panics", cardText(cardOf(t, posts[0].Activity)), "fine")
}

// TestShutdown: acknowledged activities are finished; new ones get 503.
func TestShutdown(t *testing.T) {
	h := &recordingHandler{}
	r := newRig(t, h)
	ana := person("29:ana", "aad-ana", "Ana")
	if got := r.post(personalMessage(r.bf.serviceURL(), "s1", "actions", ana, nil)); got != http.StatusAccepted {
		t.Fatalf("status %d", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.adapter.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(h.requests()); n != 1 {
		t.Fatalf("acknowledged activity handled %d times before shutdown returned, want 1", n)
	}
	if n := len(r.bf.posts()); n != 1 {
		t.Fatalf("%d answers sent, want 1", n)
	}
	if got := r.post(personalMessage(r.bf.serviceURL(), "s2", "actions", ana, nil)); got != http.StatusServiceUnavailable {
		t.Fatalf("after shutdown: status %d, want 503", got)
	}
	if err := r.adapter.Shutdown(ctx); err != nil {
		t.Fatalf("second shutdown: %v", err)
	}
}
