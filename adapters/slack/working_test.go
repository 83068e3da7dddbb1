package slack

import (
	"context"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"github.com/alsbot/alsbot/bot"
)

// slowHandler answers only once the test lets it.
type slowHandler struct{ release chan struct{} }

func (h slowHandler) Handle(ctx context.Context, _ bot.Request) (bot.Message, error) {
	select {
	case <-h.release:
	case <-ctx.Done():
	}
	return bot.Message{Kind: bot.KindReply, Private: true, Text: "done at last"}, nil
}

// TestSocketModeWorkingOnIt: a slash command over Socket Mode whose answer
// takes longer than the acknowledgement wait shows "Working on it…" first,
// like HTTP mode, then the answer. The handler waits for the notice itself,
// so the test needs no timing.
func TestSocketModeWorkingOnIt(t *testing.T) {
	slow := slowHandler{release: make(chan struct{})}
	h := newHarness(t, withAppToken(), withHandler(slow), func(c *Config) { c.AckWait = 20 * time.Millisecond })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = h.a.RunSocketMode(ctx) }()
	h.fake.WaitFor(0, func(c slacktest.Call) bool { return c.Method == "websocket" })
	env := h.fake.SendEnvelope("slash_commands", map[string]any{
		"token": "x", "team_id": "T1", "channel_id": "C0SOCK", "channel_name": "sock-set",
		"user_id": "UFAC", "user_name": "ufac", "command": "/als", "text": "sessions",
		"response_url": h.fake.ResponseURL(1), "trigger_id": "trig",
	}, "")
	h.fake.WaitAck(env)
	working, n := h.fake.WaitFor(0, responded(1, "Working on it"))
	if working.JSON["response_type"] != "ephemeral" {
		t.Errorf("working notice sent as %v, want ephemeral", working.JSON["response_type"])
	}
	close(slow.release)
	h.fake.WaitFor(n, responded(1, "done at last"))
}
