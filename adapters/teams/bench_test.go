package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// go test -run '^$' -bench . -benchmem ./adapters/teams

func BenchmarkRenderCard(b *testing.B) {
	msgs := goldenMessages(b)
	for _, name := range []string{"reply", "nudge", "digest"} {
		m := msgs[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(Attachment(m)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAuthenticate: one token check with the keys cached (RS256
// signature verification dominates).
func BenchmarkAuthenticate(b *testing.B) {
	r := newRig(b, &recordingHandler{})
	act := schema.Activity{ServiceURL: r.bf.serviceURL(), ChannelID: "msteams"}
	header := "Bearer " + r.bf.token(r.key, r.clock.Now(), act.ServiceURL, nil)
	ctx := context.Background()
	if _, err := r.adapter.validator.AuthenticateRequest(ctx, act, header, nil, ""); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.adapter.validator.AuthenticateRequest(ctx, act, header, nil, ""); err != nil {
			b.Fatal(err)
		}
	}
	if n := r.bf.jwksFetches.Load(); n != 1 {
		b.Fatalf("%d key fetches", n)
	}
}

// BenchmarkActivityToReply: an authenticated channel message through HTTP,
// the claim, the reference upsert (embedded FerretDB), the handler double and
// the reply to the fake connector, one at a time.
func BenchmarkActivityToReply(b *testing.B) {
	r := newRig(b, &recordingHandler{})
	svc := r.bf.serviceURL()
	ana := person("29:ana", "aad-ana", "Ana")
	i := 0
	before := r.store.RoundTrips()
	b.ReportAllocs()
	for b.Loop() {
		i++
		r.send(channelMessage(svc, fmt.Sprint("bench-", i), "round status", ana))
	}
	b.ReportMetric(float64(r.store.RoundTrips()-before)/float64(i), "trips/op")
}
