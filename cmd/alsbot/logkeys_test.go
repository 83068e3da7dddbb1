package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestJSONLogKeysOnce serves the bot with Slack and JSON logs at debug
// level, answers a signed slash command, and checks that no log line carries
// a key twice (each logger attribute, such as component, is attached once)
// and that the Slack adapter's lines say which component and platform they
// come from. TestServeOperations checks the same for Teams.
func TestJSONLogKeysOnce(t *testing.T) {
	env := slackEnv(t)
	env["ALSBOT_LOG_LEVEL"] = "debug"
	env["ALSBOT_LOG_FORMAT"] = "json"
	p := startInProcess(t, nil, env)
	logs := p.logs
	if _, _, err := postSlash(p.base, "shh", slashForm("UFRAN", "setup West set", p.base+"/nowhere")); err != nil {
		t.Fatal(err)
	}
	if err := p.stop(t); err != nil {
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
