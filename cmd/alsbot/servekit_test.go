package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot/bottest"
)

// The kit of the tests that serve the bot in this process (run with an
// environment) or talk to a served one: start it and wait for /readyz,
// stop it, and send it a slash command signed as Slack signs one.

// slackEnv is the environment of a bot served with Slack in HTTP mode
// (signing secret "shh") against the loopback Slack, on a free address with
// a data directory of its own; tests add what they need.
func slackEnv(t *testing.T) map[string]string {
	return map[string]string{
		"ALSBOT_DATA_DIR":      t.TempDir(),
		"ALSBOT_ADDR":          freeAddr(t),
		"SLACK_BOT_TOKEN":      "xoxb-test",
		"SLACK_SIGNING_SECRET": "shh",
		"SLACK_API_URL":        fakeSlackAPI(t),
	}
}

// inProcess is the bot served by run in this process.
type inProcess struct {
	base   string          // http://ALSBOT_ADDR
	logs   *bottest.Buffer // what run wrote to stderr
	cancel context.CancelFunc
	done   chan error
}

// startInProcess runs the bot with args and env and waits until /readyz on
// ALSBOT_ADDR answers 200; the limit only stops a broken test from hanging.
// The caller stops it; a test that ends first cancels it.
func startInProcess(t *testing.T, args []string, env map[string]string) *inProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	p := &inProcess{base: "http://" + env["ALSBOT_ADDR"], logs: &bottest.Buffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() { p.done <- run(ctx, args, envOf(env), strings.NewReader(""), io.Discard, p.logs) }()
	for range 300 {
		if res, err := http.Get(p.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-p.done:
			t.Fatalf("run returned before ready: %v\n%s", err, p.logs.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("/readyz never answered 200\n%s", p.logs.String())
	return nil
}

// stop cancels the bot (SIGTERM) and returns what run returned; a run that
// does not return within the shutdown grace fails the test. Stopping twice
// returns the same.
func (p *inProcess) stop(t *testing.T) error {
	t.Helper()
	p.cancel()
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(shutdownGrace + 10*time.Second):
		t.Error("run did not return after cancel")
		return nil
	}
}

// slashForm is the body of /als text sent by user (Slack id "U" + name) in
// channel C1, answered at responseURL.
func slashForm(user, text, responseURL string) string {
	return url.Values{
		"command": {"/als"}, "text": {text}, "user_id": {user}, "user_name": {strings.ToLower(strings.TrimPrefix(user, "U"))},
		"channel_id": {"C1"}, "channel_name": {"west-set"}, "team_id": {"T1"},
		"response_url": {responseURL}, "trigger_id": {"1.2.3"},
	}.Encode()
}

// postSlash posts form to base's /slack/commands signed with secret as
// Slack signs it, and returns the HTTP status and body; err when the bot
// did not answer at all.
func postSlash(base, secret, form string) (int, string, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+ts+":"+form)
	req, err := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(form))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, string(body), err
}
