package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// target is one bot under load: its base URL and signing secret, and the
// process when the tool started it (for memory figures and the stop).
type target struct {
	name   string
	base   string
	secret string
	client *http.Client

	cmd    *exec.Cmd
	pid    int
	exited chan error
	logs   *tail
}

// startBot runs bin serve in Slack HTTP mode on a free loopback port, on a
// fresh embedded store under dataDir, against the fake Slack, and waits for
// /readyz. extraEnv (KEY=VALUE) goes to the bot as well, e.g. pool sizes.
func startBot(ctx context.Context, name, bin, dataDir string, slack *fakeSlack, extraEnv []string) (*target, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	secret := "alsload-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	t := &target{name: name, base: "http://" + addr, secret: secret, client: newClient(), exited: make(chan error, 1), logs: &tail{max: 64 << 10}}
	t.cmd = exec.Command(bin, "serve")
	// Only what the bot needs: no platform credentials of the caller's
	// environment leak into it, and nothing makes it dial out.
	t.cmd.Env = append([]string{
		pathEnv(),
		"HOME=" + dataDir,
		"ALSBOT_ADDR=" + addr,
		"ALSBOT_DATA_DIR=" + dataDir,
		"ALSBOT_LOG_LEVEL=warn",
		"SLACK_BOT_TOKEN=xoxb-alsload",
		"SLACK_SIGNING_SECRET=" + secret,
		"SLACK_API_URL=" + slack.apiURL(),
	}, extraEnv...)
	t.cmd.Stdout, t.cmd.Stderr = t.logs, t.logs
	if err := t.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	t.pid = t.cmd.Process.Pid
	go func() { t.exited <- t.cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if t.ready(ctx) {
			return t, nil
		}
		select {
		case err := <-t.exited:
			t.exited <- err
			return nil, fmt.Errorf("bot %s exited before it was ready (%v):\n%s", name, err, t.logs)
		case <-ctx.Done():
			t.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.stop()
			return nil, fmt.Errorf("bot %s never answered /readyz:\n%s", name, t.logs)
		}
	}
}

// pathEnv is this process's PATH=… entry, so the bot finds what it needs.
func pathEnv() string {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PATH=") {
			return kv
		}
	}
	return "PATH=/usr/bin:/bin"
}

// attach is a bot someone else started (with SLACK_API_URL pointing at this
// tool's fake Slack); pid 0 means no memory figures.
func attach(name, base, secret string, pid int) (*target, error) {
	if err := loopbackOnly(base); err != nil {
		return nil, err
	}
	return &target{name: name, base: strings.TrimSuffix(base, "/"), secret: secret, client: newClient(), pid: pid}, nil
}

func newClient() *http.Client {
	tr := &http.Transport{
		Proxy:               nil, // loopback only, whatever HTTP_PROXY says
		MaxIdleConns:        4096,
		MaxIdleConnsPerHost: 4096,
		IdleConnTimeout:     30 * time.Second,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

func (t *target) ready(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, t.base+"/readyz", nil)
	res, err := t.client.Do(req)
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// stop ends a bot the tool started: SIGTERM, then a kill after 20 s.
func (t *target) stop() {
	if t.cmd == nil {
		return
	}
	_ = t.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-t.exited:
	case <-time.After(20 * time.Second):
		_ = t.cmd.Process.Kill()
		<-t.exited
	}
	t.cmd = nil
}

// slashBody is a slash command's form body as Slack sends it.
func slashBody(channel, user, text, responseURL string) string {
	return url.Values{
		"token": {"unused"}, "team_id": {"TLOAD"}, "team_domain": {"load"},
		"channel_id": {channel}, "channel_name": {"load-set"},
		"user_id": {user}, "user_name": {strings.ToLower(strings.TrimPrefix(user, "U"))},
		"command": {"/als"}, "text": {text}, "api_app_id": {"ALOAD"},
		"response_url": {responseURL}, "trigger_id": {"1.2.3"},
	}.Encode()
}

// sign returns Slack's v0 signature headers for body at ts.
func sign(secret, body string, ts time.Time) (timestamp, signature string) {
	timestamp = strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+timestamp+":"+body)
	return timestamp, "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// ack is the bot's immediate answer to a slash command.
type ack struct {
	status int
	text   string
	at     time.Time
}

// slash posts one signed slash command and reads the acknowledgement.
func (t *target) slash(ctx context.Context, body string) (ack, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+"/slack/commands", strings.NewReader(body))
	if err != nil {
		return ack{}, err
	}
	ts, sig := sign(t.secret, body, time.Now())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	res, err := t.client.Do(req)
	if err != nil {
		return ack{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	a := ack{status: res.StatusCode, at: time.Now()}
	if err != nil {
		return a, err
	}
	if res.StatusCode == http.StatusOK && len(raw) > 0 {
		var msg struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(raw, &msg); err != nil {
			return a, fmt.Errorf("acknowledgement is not JSON: %w", err)
		}
		a.text = msg.Text
	}
	return a, nil
}

// memory is a process's resident memory from /proc/<pid>/status.
type memory struct {
	RSSKiB, HWMKiB int64 // VmRSS, VmHWM
}

func (m memory) String() string {
	if m.RSSKiB == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MiB (peak %.0f MiB)", float64(m.RSSKiB)/1024, float64(m.HWMKiB)/1024)
}

func readMemory(pid int) (memory, error) {
	if pid == 0 {
		return memory{}, errors.New("no pid")
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			m.RSSKiB = n
		case "VmHWM":
			m.HWMKiB = n
		}
	}
	return m, sc.Err()
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// tail keeps the last max bytes a process wrote, for error messages.
type tail struct {
	max int
	mu  sync.Mutex
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
