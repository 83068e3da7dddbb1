package bot_test

import (
	"context"
	"testing"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
)

func TestMessengersRouteByPlatform(t *testing.T) {
	slack, shell := bottest.NewRecorder(nil), bottest.NewRecorder(nil)
	ms := bot.Messengers{bot.Slack: slack, bot.Shell: shell}
	tests := []struct {
		name     string
		to       bot.Destination
		wantErr  bool
		wantTo   *bottest.Recorder
		wantSent int
	}{
		{name: "slack channel", to: bot.Destination{Platform: bot.Slack, ChannelID: "C1"}, wantTo: slack, wantSent: 1},
		{name: "shell dm", to: bot.Destination{Platform: bot.Shell, UserID: "ana"}, wantTo: shell, wantSent: 1},
		{name: "no teams messenger", to: bot.Destination{Platform: bot.Teams, UserID: "x"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(slack.All()) + len(shell.All())
			_, err := ms.Send(context.Background(), tt.to, bot.Message{Text: "hi"})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				if bot.ErrorCode(err) != bot.EINVALID || len(slack.All())+len(shell.All()) != before {
					t.Fatalf("code %q, sends %d -> %d", bot.ErrorCode(err), before, len(slack.All())+len(shell.All()))
				}
				return
			}
			if got := tt.wantTo.All(); len(got) == 0 || got[len(got)-1].To != tt.to {
				t.Fatalf("destination not routed to its platform: %+v", got)
			}
		})
	}
}
