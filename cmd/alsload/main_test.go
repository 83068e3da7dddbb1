package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/adapters/slack"
	"github.com/alsbot/alsbot/handlers"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m)) }

// The tool's signature is the one Slack's own verifier accepts.
func TestSignIsSlacks(t *testing.T) {
	body := slashBody("C1", "UANA", "actions", "http://127.0.0.1:1/response/x")
	now := time.Now()
	ts, sig := sign("shh", body, now)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", sig)
	v, err := slackgo.NewSecretsVerifier(h, "shh")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := v.Ensure(); err != nil {
		t.Fatalf("Slack's verifier refused the tool's signature: %v", err)
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"127.0.0.1:3000", true},
		{"http://127.0.0.1:3000", true},
		{"http://localhost:3000/", true},
		{"http://[::1]:3000", true},
		{"127.0.0.1:0", true},
		{"http://10.0.0.1:3000", false},
		{"http://example.com:3000", false},
		{"0.0.0.0:3000", false},
		{":3000", false},
	} {
		err := loopbackOnly(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("loopbackOnly(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func TestSummarizeNearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	p := summarize(ds)
	want := percentiles{N: 100, P50: 50 * time.Millisecond, P90: 90 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}
	if p != want {
		t.Fatalf("summarize = %+v, want %+v", p, want)
	}
	if (summarize(nil) != percentiles{}) {
		t.Fatal("summarize(nil) is not zero")
	}
}

func TestPeakCriterion(t *testing.T) {
	ok := stepResult{Sent: 1000, Answer: percentiles{P99: 3 * time.Second}}
	ok.Counts[inAck] = 990
	ok.Counts[busy] = 10
	if !ok.passes() {
		t.Error("1 % errors and p99 3 s should pass")
	}
	bad := ok
	bad.Counts[inAck], bad.Counts[busy] = 989, 11
	if bad.passes() {
		t.Error("1.1 % errors should fail")
	}
	slow := ok
	slow.Answer.P99 = 3*time.Second + time.Millisecond
	if slow.passes() {
		t.Error("p99 over 3 s should fail")
	}
}

func TestClassify(t *testing.T) {
	for text, want := range map[string]outcome{
		"Your actions: Your open commitments in Load set:\n• C-1 …":  inAck,
		":warning: The bot is busy or restarting; nothing was done.": busy,
		"There is no action learning set in this channel yet.":       wrong,
	} {
		if got := classify(text); got != want {
			t.Errorf("classify(%q) = %v, want %v", text, outcomeNames[got], outcomeNames[want])
		}
	}
	for text, want := range map[string]bool{"": true, "Working on it…": true, "Your open commitments": false} {
		if holding(text) != want {
			t.Errorf("holding(%q) = %v", text, !want)
		}
	}
}

// The whole measuring path against the real Slack adapter and use cases on
// the embedded store: seeding succeeds, and every request of a small step is
// followed to a real answer. It asserts counts, never times.
func TestStepAgainstTheSlackAdapter(t *testing.T) {
	ctx := context.Background()
	fake, err := newFakeSlack("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.close)

	store := mongotest.New(t)
	a, err := slack.New(slack.Config{BotToken: "xoxb-test", SigningSecret: "shh", APIURL: fake.apiURL()})
	if err != nil {
		t.Fatal(err)
	}
	a.SetHandler(handlers.New(handlers.Deps{Store: store, Rand: rand.New(rand.NewPCG(1, 2))}))
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = a.Shutdown(ctx) })

	bot, err := attach("test", srv.URL, "shh", 0)
	if err != nil {
		t.Fatal(err)
	}
	users, err := seed(ctx, bot, fake, "CLOAD", 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 3 {
		t.Fatalf("seeded %d users", len(users))
	}
	res := runStep(ctx, bot, fake, stepConfig{
		rate: 20, duration: time.Second, wait: time.Minute, maxInFlight: 100,
		channel: "CLOAD", users: users, text: "actions",
	}, 1)
	if res.Sent != 20 || res.Counts[inAck]+res.Counts[viaURL] != 20 || res.errors() != 0 {
		counts := []string{}
		for i, n := range res.Counts {
			counts = append(counts, outcomeNames[i]+"="+strconv.Itoa(n))
		}
		t.Fatalf("sent %d; %s", res.Sent, strings.Join(counts, " "))
	}
	if res.Answer.N != 20 || res.Ack.N != 20 {
		t.Fatalf("latencies of %d answers and %d acks, want 20 each", res.Answer.N, res.Ack.N)
	}
}
