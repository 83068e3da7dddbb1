package slack

import (
	"context"
	"testing"

	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"github.com/alsbot/alsbot/bot"
)

// TestButtonsCarryTheirSet presses, in a DM, the buttons of a feedback pulse
// (as bot.FeedbackPulse draws it for a set) and submits its form: each
// request names the set, so a member of several sets needs no channel. A
// button drawn without a set (or before sets travelled) still runs its bare
// command and names none.
func TestButtonsCarryTheirSet(t *testing.T) {
	handler := &recordingHandler{}
	h := newHarness(t, withHandler(handler))
	ctx := context.Background()
	const setID = "slack:C0WEST"
	pulse := bot.FeedbackPulse(&bot.Set{ID: setID, Name: "West set"}, &bot.Session{Number: 2})
	pulse.Buttons = append(pulse.Buttons, bot.Button{Label: "My actions", Command: "actions"})
	if _, err := h.a.Messenger().Send(ctx, bot.Destination{Platform: bot.Slack, UserID: "UANA"}, pulse); err != nil {
		t.Fatal(err)
	}
	sent, seen := h.fake.WaitFor(0, posted("DANA", "How was session 2?"))

	last := func(t *testing.T, n int) bot.Request {
		t.Helper()
		if got := handler.count(); got != n {
			t.Fatalf("handler saw %d requests, want %d", got, n)
		}
		handler.mu.Lock()
		defer handler.mu.Unlock()
		return handler.reqs[n-1]
	}

	cases := []struct {
		name, label, value string // value overrides the rendered one
		wantText, wantSet  string
	}{
		{name: "command button with its set", label: "3", wantText: "feedback 3", wantSet: setID},
		{name: "command button without a set", label: "My actions", wantText: "actions"},
		{name: "bare command value from an older message", label: "3", value: "feedback 4", wantText: "feedback 4"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			actionID, value := button(t, sent, tc.label)
			if tc.value != "" {
				value = tc.value
			}
			if tc.wantSet == "" && tc.value == "" && value != tc.wantText {
				t.Errorf("button value %q, want the bare command %q", value, tc.wantText)
			}
			h.interact(buttonPress("UANA", "DANA", actionID, value, ""))
			_, seen = h.fake.WaitFor(seen, posted("DANA", "ok: "+tc.wantText))
			req := last(t, i+1)
			if req.Text != tc.wantText || req.SetID != tc.wantSet || !req.Conv.DM {
				t.Errorf("request text %q set %q DM %v, want %q set %q in a DM", req.Text, req.SetID, req.Conv.DM, tc.wantText, tc.wantSet)
			}
		})
	}

	t.Run("form submission with its set", func(t *testing.T) {
		actionID, value := button(t, sent, "Rate with a comment")
		h.interact(buttonPress("UANA", "DANA", actionID, value, ""))
		var open slacktest.Call
		open, seen = h.fake.WaitFor(seen, isMethod("views.open"))
		view, _ := open.JSON["view"].(map[string]any)
		if view["callback_id"] != "feedback" {
			t.Fatalf("views.open with %v", open.JSON)
		}
		h.interact(viewSubmission("UANA", view, map[string]map[string]any{
			"rating":  {"type": "static_select", "selected_option": map[string]any{"value": "4"}},
			"comment": {"type": "plain_text_input", "value": "Useful"},
		}))
		_, seen = h.fake.WaitFor(seen, posted("DANA", "ok: feedback"))
		req := last(t, len(cases)+1)
		if req.Action == nil || req.Action.Values["rating"] != "4" || req.SetID != setID {
			t.Errorf("submission request %+v (action %+v), want rating 4 for set %s", req, req.Action, setID)
		}
	})
}
