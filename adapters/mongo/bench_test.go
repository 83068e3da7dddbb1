package mongo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

// Run without -race for figures:
//
//	go test -run='^$' -bench . -benchmem ./adapters/mongo

var benchSizes = []int{100, 1000}

func reportTrips(b *testing.B, st *mongo.Store, before int64) {
	b.ReportMetric(float64(st.RoundTrips()-before)/float64(b.N), "trips/op")
}

func BenchmarkGetSet(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("sets=%d", n), func(b *testing.B) {
			st := mongotest.New(b)
			docs := make([]any, n)
			for i := range docs {
				docs[i] = mongo.SetDoc(fullSet(fmt.Sprintf("slack:C%d", i), bot.Slack, t0, "U1", "U2", "U3", "U4", "U5"))
			}
			if _, err := st.Database().Collection("sessions").InsertMany(ctx, docs); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			before := st.RoundTrips()
			for i := 0; b.Loop(); i++ {
				if _, err := st.GetSet(ctx, fmt.Sprintf("slack:C%d", i%n)); err != nil {
					b.Fatal(err)
				}
			}
			reportTrips(b, st, before)
		})
	}
}

// BenchmarkListCommitments lists one member's open commitments of one set
// (the "actions" command) among n commitments of 10 sets.
func BenchmarkListCommitments(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("commitments=%d", n), func(b *testing.B) {
			st := mongotest.New(b)
			docs := make([]any, n)
			for i := range docs {
				status := bot.CommitmentOpen
				if i%3 == 0 {
					status = bot.CommitmentDone
				}
				docs[i] = mongo.CommitmentDoc(fullCommitment(fmt.Sprintf("slack:C%d", i%10), i, fmt.Sprintf("U%d", i%5), status,
					t0.Add(time.Duration(i)*time.Minute)))
			}
			if _, err := st.Database().Collection("sessions").InsertMany(ctx, docs); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			before := st.RoundTrips()
			var got int
			for b.Loop() {
				cs, err := st.ListCommitments(ctx, "slack:C1", "U1", true)
				if err != nil {
					b.Fatal(err)
				}
				got = len(cs)
			}
			reportTrips(b, st, before)
			b.ReportMetric(float64(got), "docs/op")
		})
	}
}

func BenchmarkClaim(b *testing.B) {
	ctx := context.Background()
	st := mongotest.New(b)
	b.ReportAllocs()
	before := st.RoundTrips()
	for i := 0; b.Loop(); i++ {
		won, err := st.Claim(ctx, fmt.Sprintf("bench:%d", i))
		if err != nil || !won {
			b.Fatalf("claim %d: %v %v", i, won, err)
		}
	}
	reportTrips(b, st, before)
}
