package slack

import (
	"bytes"
	"fmt"
	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchSet makes a set with three members for the benchmarks.
func benchSet(tb testing.TB) *harness {
	h := newHarness(tb)
	h.command("UFAC", setChannel, "setup Bench set")
	h.command("UFAC", setChannel, "members add <@UANA|ana> <@UBEN|ben> <@UCAT|cat>")
	h.command("UANA", setChannel, "commit Talk to the duty team")
	return h
}

// BenchmarkSlashCommand: signed slash commands through the HTTP handler
// (verify, parse, users.info cache, worker pool, real handlers on the
// embedded store, render, respond), called in process.
//
//	go test -run=^$ -bench . ./adapters/slack
func BenchmarkSlashCommand(b *testing.B) {
	h := benchSet(b)
	mux := http.NewServeMux()
	h.a.Register(mux)
	for _, text := range []string{"help", "actions", "round status", "sessions"} {
		b.Run(strings.ReplaceAll(text, " ", "-"), func(b *testing.B) {
			body := h.commandBody("UANA", setChannel, text)
			ts := strconv.FormatInt(h.clock.Now().Unix(), 10)
			sig := slacktest.Sign(testSecret, ts, body)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Slack-Request-Timestamp", ts)
				req.Header.Set("X-Slack-Signature", sig)
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "Working on it") {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// BenchmarkSlashCommandLoad: signed /als actions commands from many
// concurrent clients over real loopback HTTP (the server, the worker pool,
// the real handlers on the embedded store), reporting the acknowledgement
// latency percentiles beside ns/op (the inverse of the throughput).
//
//	go test -run '^$' -bench SlashCommandLoad -benchtime 2000x ./adapters/slack
func BenchmarkSlashCommandLoad(b *testing.B) {
	h := benchSet(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 10 * time.Second}
	users := []string{"UANA", "UBEN", "UCAT"}
	var (
		mu     sync.Mutex
		lat    []time.Duration
		failed int
		next   int
	)
	b.SetParallelism(16) // 16 clients per core: more than the pool's workers
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			next++
			body := h.commandBody(users[next%len(users)], setChannel, "actions")
			mu.Unlock()
			ts := strconv.FormatInt(h.clock.Now().Unix(), 10)
			req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/slack/commands", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", slacktest.Sign(testSecret, ts, body))
			t0 := time.Now()
			resp, err := client.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("status %d", resp.StatusCode)
				}
			}
			d := time.Since(t0)
			mu.Lock()
			lat = append(lat, d)
			if err != nil {
				failed++
			}
			mu.Unlock()
		}
	})
	b.StopTimer()
	if failed > 0 {
		b.Errorf("%d of %d requests failed", failed, len(lat))
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
