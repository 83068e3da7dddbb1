package main

import (
	"net"
	"net/http"
	"strings"
	"testing"

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
	env := slackEnv(t)
	env["MICROSOFT_APP_ID"] = "app-id"
	env["MICROSOFT_APP_PASSWORD"] = "secret-value"
	env["ALSBOT_LOG_LEVEL"] = "error"
	p := startInProcess(t, nil, env)
	base, stderr := p.base, p.logs
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %v %v", res, err)
	}
	res.Body.Close()

	form := slashForm("UFRAN", "setup West set", base+"/nowhere")
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
			status, body, err := postSlash(base, tt.secret, form)
			if err != nil {
				t.Fatal(err)
			}
			if status != tt.wantStatus || !strings.Contains(body, tt.wantBody) {
				t.Fatalf("status %d body %s; want %d with %q", status, body, tt.wantStatus, tt.wantBody)
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

	if err := p.stop(t); err != nil {
		t.Fatalf("run after cancel = %v, want nil\n%s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), "secret-value") {
		t.Error("a secret was logged")
	}
}
