package handlers_test

import (
	"context"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/shell"
	"github.com/alsbot/alsbot/bot"
)

// BenchmarkEvaluation runs stats (figures and chart), export and mydata on
// the set of examples/set-life.als (4 members, 6 sessions, 10 commitments)
// through the router on the embedded store, and reports store round trips
// per command:
//
//	go test -run=^$ -bench Evaluation ./handlers
func BenchmarkEvaluation(b *testing.B) {
	run := runScript(b, "../examples/set-life.als", time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC))
	ctx, store, router := context.Background(), run.store, run.router
	for _, bc := range []struct {
		name, user, text string
		dm               bool
	}{
		{"stats", "fran", "stats", false},
		{"export", "fran", "export", false},
		{"mydata", "ana", "mydata", true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := bot.Request{Platform: bot.Shell, Actor: bot.UserRef{ID: bc.user, Name: bc.user}, Conv: bot.ConversationRef{ID: shell.DefaultChannel}, Text: bc.text}
			if bc.dm {
				req.Conv = bot.ConversationRef{ID: "dm-" + bc.user, DM: true}
			}
			trips := store.RoundTrips()
			for b.Loop() {
				if _, err := router.Handle(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(store.RoundTrips()-trips)/float64(b.N), "trips/op")
		})
	}
}
