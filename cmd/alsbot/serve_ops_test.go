package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot/bottest"
)

// serveInProcess runs `alsbot serve` with env until the test ends and waits
// for /readyz on addr.
func serveInProcess(t *testing.T, env map[string]string) *bottest.Buffer {
	t.Helper()
	p := startInProcess(t, []string{"serve"}, env)
	t.Cleanup(func() {
		if err := p.stop(t); err != nil {
			t.Errorf("serve after cancel = %v\n%s", err, p.logs.String())
		}
	})
	return p.logs
}

func fetch(t *testing.T, u string) (int, http.Header, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

// TestServeOperations: with ALSBOT_METRICS_ADDR the metrics (with the build
// info) move off the main listener; the privacy and terms pages the Teams
// manifest names exist; an unknown calendar token is a plain 404; and the
// JSON logs have no duplicate keys.
func TestServeOperations(t *testing.T) {
	addr, metricsAddr := freeAddr(t), freeAddr(t)
	stderr := serveInProcess(t, map[string]string{
		"ALSBOT_DATA_DIR":        t.TempDir(),
		"ALSBOT_ADDR":            addr,
		"ALSBOT_METRICS_ADDR":    metricsAddr,
		"MICROSOFT_APP_ID":       "app-id",
		"MICROSOFT_APP_PASSWORD": "secret-value",
		"ALSBOT_LOG_FORMAT":      "json",
		"ALSBOT_LOG_LEVEL":       "debug",
	})
	base := "http://" + addr

	if code, _, _ := fetch(t, base+"/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on ALSBOT_ADDR = %d, want 404 when ALSBOT_METRICS_ADDR is set", code)
	}
	code, _, body := fetch(t, "http://"+metricsAddr+"/metrics")
	if code != http.StatusOK || !strings.Contains(body, `alsbot_build_info{commit="`) || !strings.Contains(body, `goversion="go`) {
		t.Errorf("/metrics on ALSBOT_METRICS_ADDR = %d, want 200 with alsbot_build_info:\n%.2000s", code, body)
	}
	for _, p := range []string{"/privacy", "/terms"} {
		code, h, body := fetch(t, base+p)
		if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(body, "<h1>") {
			t.Errorf("GET %s = %d %q", p, code, h.Get("Content-Type"))
		}
	}
	_, _, notFound := fetch(t, base+"/nothing-here")
	code, h, body := fetch(t, base+"/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics")
	if code != http.StatusNotFound || body != notFound || strings.Contains(h.Get("Content-Type"), "calendar") {
		t.Errorf("unknown calendar token = %d %q %q, want the plain 404 %q", code, h.Get("Content-Type"), body, notFound)
	}

	// A forged Teams activity makes the adapter log its refusal: a line
	// from an adapter's logger, as built by main.
	req, _ := http.NewRequest(http.MethodPost, base+"/api/messages", strings.NewReader(`{"type":"message","text":"help","serviceUrl":"https://smba.example/","channelId":"msteams"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer not-a-token")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged activity = %d, want 401", res.StatusCode)
	}
	if !strings.Contains(stderr.String(), "refused an activity") {
		t.Fatalf("the Teams adapter logged no refusal:\n%s", stderr.String())
	}

	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatal("no log lines")
	}
	for _, line := range lines {
		if err := noDuplicateKeys(line); err != nil {
			t.Errorf("log line %s: %v", line, err)
		}
	}
	if strings.Contains(stderr.String(), "secret-value") {
		t.Error("a secret was logged")
	}
}

// noDuplicateKeys parses one JSON log record and fails on a key repeated in
// any object (slog's JSON handler writes a repeated attribute twice).
func noDuplicateKeys(line string) error {
	dec := json.NewDecoder(strings.NewReader(line))
	var walk func() error
	walk = func() error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				key := k.(string)
				if seen[key] {
					return errors.New("duplicate key " + key)
				}
				seen[key] = true
				if err := walk(); err != nil {
					return err
				}
			}
			_, err = dec.Token() // }
			return err
		case json.Delim('['):
			for dec.More() {
				if err := walk(); err != nil {
					return err
				}
			}
			_, err = dec.Token() // ]
			return err
		}
		return nil
	}
	return walk()
}

func TestNoDuplicateKeys(t *testing.T) {
	for line, wantErr := range map[string]bool{
		`{"a":1,"b":{"a":2}}`:         false,
		`{"a":1,"a":2}`:               true,
		`{"x":[{"k":1,"k":2}]}`:       true,
		`{"component":"a","msg":"m"}`: false,
	} {
		if err := noDuplicateKeys(line); (err != nil) != wantErr {
			t.Errorf("%s: %v, want error %v", line, err, wantErr)
		}
	}
}

func TestValidateMetricsAddrAndPublicURL(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // "" for valid
	}{
		{name: "both unset", env: map[string]string{}},
		{name: "metrics apart", env: map[string]string{"ALSBOT_METRICS_ADDR": ":9090"}},
		{name: "public url", env: map[string]string{"ALSBOT_PUBLIC_URL": "https://alsbot.example.org/"}},
		{name: "metrics not an address", env: map[string]string{"ALSBOT_METRICS_ADDR": "9090"}, want: "ALSBOT_METRICS_ADDR \"9090\" is not a listen address"},
		{name: "metrics on the main address", env: map[string]string{"ALSBOT_METRICS_ADDR": ":3000"}, want: "is the same as ALSBOT_ADDR"},
		{name: "public url in clear", env: map[string]string{"ALSBOT_PUBLIC_URL": "http://alsbot.example.org"}, want: "must be the bot's public https:// address"},
		{name: "public url without host", env: map[string]string{"ALSBOT_PUBLIC_URL": "https://"}, want: "must be the bot's public https:// address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := loadConfig(envOf(tt.env)).Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
	if got := loadConfig(envOf(map[string]string{"ALSBOT_PUBLIC_URL": "https://a.example.org/"})).PublicURL; got != "https://a.example.org" {
		t.Errorf("PublicURL = %q, want no trailing slash", got)
	}
}
