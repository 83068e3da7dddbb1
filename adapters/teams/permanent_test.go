package teams

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
)

// TestSendPermanentErrors: connector answers that will not change on retry
// (400, 403, 404, 413) come back at once as bot.PermanentError with the
// status as reason, and a conversation refused before is permanent without
// asking Teams; 5xx stays a plain, retryable error.
func TestSendPermanentErrors(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	tests := []struct {
		name   string
		script []int
		reason string // "" = not permanent
	}{
		{"bad request", []int{http.StatusBadRequest}, "teams 400"},
		{"removed from the team", []int{http.StatusForbidden}, "teams 403"},
		{"conversation gone", []int{http.StatusNotFound}, "teams 404"},
		{"too big", []int{http.StatusRequestEntityTooLarge}, "teams 413"},
		{"server error", []int{500, 500, 500, 500}, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conv := "19:perm-" + string(rune('a'+i))
			r.seed(convKey(conv), r.channelRef(conv))
			r.bf.mu.Lock()
			r.bf.script[conv] = tt.script
			r.bf.mu.Unlock()
			before := len(r.bf.posts())
			_, err := r.adapter.Send(context.Background(), bot.Destination{Platform: bot.Teams, ChannelID: conv}, bot.Message{Text: "x"})
			if !bottest.CheckPermanent(t, err, tt.reason) {
				return
			}
			if n := len(r.bf.posts()) - before; n != 1 {
				t.Errorf("asked the connector %d times, want once", n)
			}
		})
	}
	t.Run("stale reference", func(t *testing.T) {
		_, err := r.adapter.Send(context.Background(), bot.Destination{Platform: bot.Teams, ChannelID: "19:perm-b"}, bot.Message{Text: "x"})
		if reason, ok := bot.PermanentReason(err); !ok || !strings.Contains(reason, "gone") {
			t.Fatalf("err %v, want permanent (conversation gone)", err)
		}
	})
}

// TestStrictConnector: the loopback Bot Connector refuses what Teams
// refuses: a card it cannot take (400) and a message over the size limit
// (413), and the sender reports both as permanent.
func TestStrictConnector(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	r.refusalsExpected = true
	r.seed(convKey("19:strict"), r.channelRef("19:strict"))
	ref, _ := r.adapter.storedRef(context.Background(), convKey("19:strict"))
	bad := newCard("x")
	bad.Body = []Element{{Type: "Input.Text"}} // an input without an id
	if _, err := r.adapter.sendCard(context.Background(), ref, bad); statusOf(err) != http.StatusBadRequest {
		t.Errorf("invalid card: %v, want 400", err)
	}
	big := newCard("x")
	big.Body = []Element{{Type: "TextBlock", Text: strings.Repeat("z", 60<<10)}} // 120 KB as UTF-16
	if _, err := r.adapter.sendCard(context.Background(), ref, big); statusOf(err) != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize card: %v, want 413", err)
	}
	if n := len(r.bf.refused()); n != 2 {
		t.Errorf("%d activities refused, want 2", n)
	}
}
