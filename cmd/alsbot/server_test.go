package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/slack/slacktest"
)

// fakeSlackAPI is the loopback Slack the served bot talks to, knowing the
// one user and channel the tests use.
func fakeSlackAPI(t *testing.T) string {
	f := slacktest.New(t)
	f.AddUser("UFRAN", "Fran", "Europe/London")
	f.AddChannel("C1")
	return f.APIURL()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestServeSlackAndTeams runs the served bot in-process with Slack (HTTP
// mode) and Teams enabled: the probes answer, a signed slash command is
// answered through the real router and store, and cancelling the context
// (SIGTERM) stops it cleanly.
func TestServeSlackAndTeams(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{
		"ALSBOT_DATA_DIR":        t.TempDir(),
		"ALSBOT_ADDR":            addr,
		"SLACK_BOT_TOKEN":        "xoxb-test",
		"SLACK_SIGNING_SECRET":   "shh",
		"SLACK_API_URL":          fakeSlackAPI(t),
		"MICROSOFT_APP_ID":       "app-id",
		"MICROSOFT_APP_PASSWORD": "secret-value",
		"ALSBOT_LOG_LEVEL":       "error",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var stderr bytes.Buffer
	go func() { done <- run(ctx, nil, envOf(env), strings.NewReader(""), io.Discard, &stderr) }()

	base := "http://" + addr
	ready := false
	for range 200 { // the embedded store starts in well under the 20 s this allows
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				ready = true
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("run returned before ready: %v\n%s", err, stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !ready {
		t.Fatalf("/readyz never answered 200\n%s", stderr.String())
	}
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %v %v", res, err)
	}
	res.Body.Close()

	form := url.Values{
		"command": {"/als"}, "text": {"setup West set"}, "user_id": {"UFRAN"}, "user_name": {"fran"},
		"channel_id": {"C1"}, "channel_name": {"west-set"}, "team_id": {"T1"},
		"response_url": {base + "/nowhere"}, "trigger_id": {"1.2.3"},
	}.Encode()
	tests := []struct {
		name       string
		secret     string
		wantStatus int
		wantBody   string
	}{
		{name: "signed", secret: "shh", wantStatus: http.StatusOK, wantBody: "West set"},
		{name: "forged", secret: "wrong", wantStatus: http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			mac := hmac.New(sha256.New, []byte(tt.secret))
			io.WriteString(mac, "v0:"+ts+":"+form)
			req, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.wantStatus || !strings.Contains(string(body), tt.wantBody) {
				t.Fatalf("status %d body %s; want %d with %q", res.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
		})
	}

	// Teams is served too: an activity without a token is refused.
	res, err = http.Post(base+"/api/messages", "application/json", strings.NewReader(`{"type":"message","text":"help"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unauthenticated Teams activity: status %d, want 401", res.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel = %v, want nil\n%s", err, stderr.String())
		}
	case <-time.After(shutdownGrace + 10*time.Second):
		t.Fatal("run did not return after cancel")
	}
	if strings.Contains(stderr.String(), "secret-value") {
		t.Error("a secret was logged")
	}
}
