package bottest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
)

func TestRecorder(t *testing.T) {
	clock := bottest.NewClock(time.Date(2026, 12, 3, 14, 0, 0, 500, time.UTC))
	r := bottest.NewRecorder(clock)
	ctx := context.Background()
	ref, err := r.Send(ctx, bot.Destination{Platform: bot.Slack, ChannelID: "C1"}, bot.Message{Kind: bot.KindReminder, Text: "a"})
	if err != nil || ref.ID != "m1" || ref.ChannelID != "C1" {
		t.Fatalf("Send = %+v, %v", ref, err)
	}
	clock.Advance(time.Minute)
	if _, err := r.As("b").Send(ctx, bot.Destination{UserID: "ana"}, bot.Message{Kind: bot.KindNudge}); err != nil {
		t.Fatal(err)
	}
	all := r.All()
	if len(all) != 2 || all[0].Who() != "#C1" || all[1].Who() != "@ana" || all[1].Instance != "b" || !all[1].At.Equal(all[0].At.Add(time.Minute)) {
		t.Fatalf("recorded %+v", all)
	}
	if n := len(r.OfKind(bot.KindNudge)); n != 1 {
		t.Errorf("%d nudges, want 1", n)
	}
	boom := errors.New("boom")
	r.FailWith(func(bot.Destination, bot.Message) error { return boom })
	if _, err := r.Send(ctx, bot.Destination{UserID: "x"}, bot.Message{}); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if n := len(r.Take()); n != 2 || len(r.All()) != 0 {
		t.Fatalf("Take returned %d, then %d left; want 2 then 0", n, len(r.All()))
	}
}

func TestWords(t *testing.T) {
	m := bot.Message{Title: "T", Text: "x", Sections: []bot.Section{{Title: "S", Text: "y", Fields: []bot.Field{{Label: "L", Value: "v"}}}},
		Buttons: []bot.Button{{Label: "B"}}}
	if got, want := bottest.Words(m), "T\nx\nS\ny\nL: v\n"; got != want {
		t.Fatalf("Words = %q, want %q", got, want)
	}
}
