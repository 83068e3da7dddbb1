package bot_test

import (
	"context"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// recorder is a Messenger double that remembers where it was asked to send.
type recorder struct{ got []bot.Destination }

func (r *recorder) Send(_ context.Context, to bot.Destination, _ bot.Message) (bot.MessageRef, error) {
	r.got = append(r.got, to)
	return bot.MessageRef{Platform: to.Platform, ID: "1"}, nil
}

func TestMessengersRouteByPlatform(t *testing.T) {
	slack, shell := &recorder{}, &recorder{}
	ms := bot.Messengers{bot.Slack: slack, bot.Shell: shell}
	tests := []struct {
		name     string
		to       bot.Destination
		wantErr  bool
		wantTo   *recorder
		wantSent int
	}{
		{name: "slack channel", to: bot.Destination{Platform: bot.Slack, ChannelID: "C1"}, wantTo: slack, wantSent: 1},
		{name: "shell dm", to: bot.Destination{Platform: bot.Shell, UserID: "ana"}, wantTo: shell, wantSent: 1},
		{name: "no teams messenger", to: bot.Destination{Platform: bot.Teams, UserID: "x"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(slack.got) + len(shell.got)
			_, err := ms.Send(context.Background(), tt.to, bot.Message{Text: "hi"})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				if bot.ErrorCode(err) != bot.EINVALID || len(slack.got)+len(shell.got) != before {
					t.Fatalf("code %q, sends %d -> %d", bot.ErrorCode(err), before, len(slack.got)+len(shell.got))
				}
				return
			}
			if n := len(tt.wantTo.got); n == 0 || tt.wantTo.got[n-1] != tt.to {
				t.Fatalf("destination not routed to its platform: %+v", tt.wantTo.got)
			}
		})
	}
}
