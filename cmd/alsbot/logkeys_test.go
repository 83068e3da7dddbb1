package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot/bottest"
)

// TestJSONLogKeysOnce serves the bot with Slack and JSON logs at debug
// level, answers a signed slash command, and checks that no log line carries
// a key twice (each logger attribute, such as component, is attached once)
// and that the Slack adapter's lines say which component and platform they
// come from. TestServeOperations checks the same for Teams.
func TestJSONLogKeysOnce(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{
		"ALSBOT_DATA_DIR":      t.TempDir(),
		"ALSBOT_ADDR":          addr,
		"SLACK_BOT_TOKEN":      "xoxb-test",
		"SLACK_SIGNING_SECRET": "shh",
		"SLACK_API_URL":        fakeSlackAPI(t),
		"ALSBOT_LOG_LEVEL":     "debug",
		"ALSBOT_LOG_FORMAT":    "json",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs bottest.Buffer // safe for the bot's goroutines
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, envOf(env), strings.NewReader(""), io.Discard, &logs) }()
	base := "http://" + addr
	for i := 0; ; i++ {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if i == 200 {
			t.Fatalf("/readyz never answered 200\n%s", logs.String())
		}
		select {
		case err := <-done:
			t.Fatalf("run returned before ready: %v\n%s", err, logs.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	form := url.Values{
		"command": {"/als"}, "text": {"setup West set"}, "user_id": {"UFRAN"}, "user_name": {"fran"},
		"channel_id": {"C1"}, "channel_name": {"west-set"}, "team_id": {"T1"},
		"response_url": {base + "/nowhere"}, "trigger_id": {"1.2.3"},
	}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte("shh"))
	io.WriteString(mac, "v0:"+ts+":"+form)
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v\n%s", err, logs.String())
	}

	lines, slackLines := 0, 0
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 || line[0] != '{' {
			continue // the shell banner and other plain output
		}
		lines++
		if err := noDuplicateKeys(string(line)); err != nil { // serve_ops_test.go
			t.Errorf("log line %s: %v", line, err)
		}
		var rec map[string]any
		if json.Unmarshal(line, &rec) == nil && rec["component"] == "slack" {
			slackLines++
			if rec["platform"] != "slack" {
				t.Errorf("slack line without its platform: %s", line)
			}
		}
	}
	if lines == 0 || slackLines == 0 {
		t.Fatalf("%d JSON lines, %d from the Slack adapter; want some of each:\n%s", lines, slackLines, logs.String())
	}
}
