package slack

import (
	"context"
	"encoding/json"
	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"strings"
	"testing"
	"time"
)

// TestSocketMode runs a flow over Socket Mode against the real handlers:
// every envelope is acknowledged at once, answers go through response_url
// and the Web API, a redelivered envelope is handled once, and modal
// validation errors travel in the ack.
func TestSocketMode(t *testing.T) {
	h := newHarness(t, withAppToken())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.RunSocketMode(ctx) }()
	_, seen := h.fake.WaitFor(0, func(c slacktest.Call) bool { return c.Method == "websocket" })
	if c, _ := h.fake.WaitFor(0, isMethod("apps.connections.open")); c.Auth != "Bearer "+testAppToken {
		t.Errorf("apps.connections.open authorized with %q, want the app-level token", c.Auth)
	}
	const channel = "C0SOCK"
	slash := func(n int, user, text string) map[string]any {
		return map[string]any{
			"token": "x", "team_id": "T1", "channel_id": channel, "channel_name": "sock-set",
			"user_id": user, "user_name": strings.ToLower(user), "command": "/als", "text": text,
			"response_url": h.fake.ResponseURL(n), "trigger_id": "trig",
		}
	}
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	var setupEnv string
	step("slash command acknowledged, answered through response_url", func(t *testing.T) {
		setupEnv = h.fake.SendEnvelope("slash_commands", slash(1, "UFAC", "setup Socket set"), "")
		if ack := h.fake.WaitAck(setupEnv); len(ack.Payload) != 0 && string(ack.Payload) != "null" {
			t.Errorf("ack payload %s, want empty", ack.Payload)
		}
		c, n := h.fake.WaitFor(seen, responded(1, "Socket set"))
		seen = n
		if c.JSON["response_type"] != "in_channel" {
			t.Errorf("setup answered as %v", c.JSON["response_type"])
		}
		if _, err := h.store.GetSet(ctx, "slack:"+channel); err != nil {
			t.Fatal(err)
		}
	})

	step("redelivered envelope handled once", func(t *testing.T) {
		h.fake.SendEnvelope("slash_commands", slash(1, "UFAC", "setup Socket set"), setupEnv)
		h.fake.WaitAck(setupEnv)
		h.fake.SendEnvelope("slash_commands", slash(2, "UFAC", "members add <@UANA|ana> <@UBEN>"), "")
		_, seen = h.fake.WaitFor(seen, responded(2, "Ana"))
		// Counted after Shutdown below, when all acknowledged work is done.
	})

	step("app mention event", func(t *testing.T) {
		env := h.fake.SendEnvelope("events_api", map[string]any{
			"type": "event_callback", "event_id": "Ev-sock-1", "team_id": "T1",
			"event": map[string]any{"type": "app_mention", "user": "UFAC", "channel": channel, "text": "<@UBOT> members", "ts": "9.1"},
		}, "")
		h.fake.WaitAck(env)
		_, seen = h.fake.WaitFor(seen, posted(channel, "Ben"))
	})

	step("button press", func(t *testing.T) {
		env := h.fake.SendEnvelope("interactive", buttonPress("UANA", channel, "als_cmd_0", "sessions", h.fake.ResponseURL(3)), "")
		h.fake.WaitAck(env)
		_, seen = h.fake.WaitFor(seen, responded(3, ""))
	})

	step("modal errors come back in the ack", func(t *testing.T) {
		view := map[string]any{"type": "modal", "callback_id": "commit", "private_metadata": encodeForm(commitForm(), channel, false)}
		env := h.fake.SendEnvelope("interactive", viewSubmission("UANA", view, map[string]map[string]any{
			"text": {"type": "plain_text_input", "value": strings.Repeat("x", 3001)},
		}), "")
		ack := h.fake.WaitAck(env)
		var resp struct {
			ResponseAction string            `json:"response_action"`
			Errors         map[string]string `json:"errors"`
		}
		if err := json.Unmarshal(ack.Payload, &resp); err != nil || resp.ResponseAction != "errors" || !strings.Contains(resp.Errors["text"], "3000") {
			t.Fatalf("ack %s (%v)", ack.Payload, err)
		}
	})

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunSocketMode returned %v, want nil when its context ends", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("RunSocketMode did not return after its context ended")
	}
	if err := h.a.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := h.fake.Count(responded(1, "")); n != 1 {
		t.Errorf("redelivered setup answered %d times, want once", n)
	}
	if cs, _ := h.store.ListCommitments(context.Background(), "slack:"+channel, "", false); len(cs) != 0 {
		t.Errorf("an invalid modal stored %d commitments", len(cs))
	}
}
