package slack

import (
	"bytes"
	"fmt"
	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
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

// TestLoad is a loopback load run: signed /als actions commands at a fixed
// rate (open loop: requests start on schedule whether or not earlier ones
// finished) over real HTTP, reporting acknowledgement latency percentiles.
// It runs only with ALSBOT_SLACK_LOAD=1:
//
//	ALSBOT_SLACK_LOAD=1 go test -run TestLoad -v ./adapters/slack
//
// ALSBOT_SLACK_LOAD_RPS (default 200) and ALSBOT_SLACK_LOAD_SECONDS
// (default 10) change the rate and length.
func TestLoad(t *testing.T) {
	if os.Getenv("ALSBOT_SLACK_LOAD") != "1" {
		t.Skip("set ALSBOT_SLACK_LOAD=1 to run the load test")
	}
	rps := envInt("ALSBOT_SLACK_LOAD_RPS", 200)
	seconds := envInt("ALSBOT_SLACK_LOAD_SECONDS", 10)
	h := benchSet(t)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 10 * time.Second}
	users := []string{"UANA", "UBEN", "UCAT"}
	total := rps * seconds
	lat := make([]time.Duration, total)
	errs := make([]error, total)
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rps)
	start := time.Now()
	for i := range total {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		body := h.commandBody(users[i%len(users)], setChannel, "actions")
		wg.Go(func() {
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
			lat[i], errs[i] = time.Since(t0), err
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
		}
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	t.Logf("%d requests in %v (%.0f req/s), %d failed; ack latency p50 %v, p90 %v, p99 %v, max %v",
		total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), failed,
		pct(0.50), pct(0.90), pct(0.99), lat[len(lat)-1])
	if failed > 0 {
		t.Errorf("%d requests failed", failed)
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
