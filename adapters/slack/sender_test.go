package slack

import (
	"context"
	"errors"
	"testing"

	"github.com/slack-go/slack"

	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
)

// TestPermanentErrors: what the strict loopback Slack refuses for good comes
// back at once as a bot.PermanentError carrying Slack's reason (the
// scheduler then records it instead of retrying); a rate limit stays a
// RetryAfterError and a server error stays a plain, retryable error.
func TestPermanentErrors(t *testing.T) {
	h := newHarness(t, withHandler(&recordingHandler{}))
	h.refusalsExpected = true
	h.fake.RefuseChannel("C0OUT", "not_in_channel")
	h.fake.RefuseChannel("C0OLD", "is_archived")
	ctx := context.Background()
	tests := []struct {
		name   string
		to     bot.Destination
		msg    bot.Message
		script func()
		reason string // "" = not permanent
	}{
		{"payload Slack refuses", bot.Destination{ChannelID: setChannel}, bot.Message{Text: "x"},
			func() { h.fake.Fail("chat.postMessage", "invalid_blocks") }, "invalid_blocks"},
		{"unknown channel", bot.Destination{ChannelID: "C0GONE"}, bot.Message{Text: "x"}, nil, "channel_not_found"},
		{"bot not in channel", bot.Destination{ChannelID: "C0OUT"}, bot.Message{Text: "x"}, nil, "not_in_channel"},
		{"archived channel", bot.Destination{ChannelID: "C0OLD"}, bot.Message{Text: "x"}, nil, "is_archived"},
		{"unknown user", bot.Destination{UserID: "UNOBODY"}, bot.Message{Text: "x"}, nil, "user_not_found"},
		{"ephemeral to an unknown user", bot.Destination{ChannelID: setChannel, UserID: "UNOBODY"}, bot.Message{Text: "x"}, nil, "user_not_found"},
		{"server error is retried, not permanent", bot.Destination{ChannelID: setChannel}, bot.Message{Text: "x"},
			func() {
				h.fake.Fail("chat.postMessage", "internal_error", "internal_error", "internal_error", "internal_error")
			}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.script != nil {
				tt.script()
			}
			before := h.fake.Count(func(c slacktest.Call) bool { return true })
			_, err := h.a.Messenger().Send(ctx, tt.to, tt.msg)
			if !bottest.CheckPermanent(t, err, tt.reason) {
				return
			}
			var ra *bot.RetryAfterError
			if errors.As(err, &ra) {
				t.Error("a permanent error is also a RetryAfterError")
			}
			if n := h.fake.Count(func(c slacktest.Call) bool { return true }) - before; n > 2 {
				t.Errorf("%d calls for one permanent failure, want it not retried", n)
			}
		})
	}
}

// TestStrictFakeRefusesEmptyText: the payload today's renderer no longer
// sends (an empty section text beside fields) is refused by the loopback
// Slack as Slack refuses it, and the sender reports it as permanent.
func TestStrictFakeRefusesEmptyText(t *testing.T) {
	h := newHarness(t, withHandler(&recordingHandler{}))
	h.refusalsExpected = true
	bad := Payload{Text: "Round 1", Blocks: []slack.Block{slack.NewSectionBlock(mrkdwn(""), []*slack.TextBlockObject{mrkdwn("*Presenter*\nAna")}, nil)}}
	_, err := h.a.send.postMessage(context.Background(), setChannel, bad)
	if reason, ok := bot.PermanentReason(err); !ok || reason != "invalid_blocks" {
		t.Fatalf("got %v, want a permanent invalid_blocks", err)
	}
	if refused := h.fake.Refused(); len(refused) != 1 || len(refused[0].Problems) == 0 {
		t.Fatalf("refused %+v, want the one post with its problem", refused)
	}
}
