package shell_test

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/adapters/shell"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
)

// BenchmarkFormat measures rendering a role card to text.
func BenchmarkFormat(b *testing.B) {
	msg := bot.Message{
		Kind:  bot.KindRoleCard,
		Title: "Round 1",
		Text:  "ana presents now: 10 min, until 10:05.",
		Sections: []bot.Section{{Title: "Roles", Fields: []bot.Field{
			{Label: "Presenter", Value: "ana"}, {Label: "Observer", Value: "ben"}, {Label: "Enablers", Value: "cat, dev and eve"},
		}}},
		Buttons: []bot.Button{{Label: "I'm here", Command: "here"}},
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = shell.Format("#als", msg)
	}
}

// BenchmarkScriptLine measures one line of a script through the shell, the
// real handlers and the embedded store: "actions" of a member with two
// commitments, printed to a discarding writer.
func BenchmarkScriptLine(b *testing.B) {
	store := mongotest.New(b)
	clock := shell.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	log := slog.New(slog.DiscardHandler)
	msgr := shell.NewMessenger(io.Discard)
	router := handlers.New(handlers.Deps{Store: store, Clock: clock, Notifier: handlers.NewDirectNotifier(msgr, log), Rand: rand.New(rand.NewPCG(1, 2)), Logger: log})
	setup := "@fran setup Bench set\nmembers add @ana @ben\n@ana commit First action\ncommit Second action\n"
	if err := shell.New(shell.Config{In: strings.NewReader(setup), Out: msgr, Handler: router, Clock: clock}).Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	script := strings.Repeat("@ana actions\n", b.N)
	before := store.RoundTrips()
	b.ReportAllocs()
	b.ResetTimer()
	if err := shell.New(shell.Config{In: strings.NewReader(script), Out: msgr, Handler: router, Clock: clock}).Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(store.RoundTrips()-before)/float64(b.N), "trips/op")
}
