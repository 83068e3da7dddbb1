package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"github.com/alsbot/alsbot/bot/bottest"
	"github.com/alsbot/alsbot/metrics/metricstest"
)

// The kit of the tests that run the real binary as it is deployed
// (replicas_test.go, readwrites_test.go): two replicas sharing one
// MongoDB-wire store (FerretDB in a process of its own, which the test stops
// and restarts), Slack in HTTP mode against a loopback Slack, signed
// requests, /readyz, /metrics and SIGTERM.

// slackPost is one message a bot posted with chat.postMessage.
type slackPost struct {
	Channel, Text string
}

// replicaSlack is the strict loopback Slack (slacktest) shared by several
// bot processes, read as the posts and response_url answers they made.
type replicaSlack struct{ *slacktest.Server }

func newReplicaSlack(t *testing.T) *replicaSlack {
	f := slacktest.New(t)
	for id, name := range map[string]string{"UFRAN": "fran", "UANA": "ana", "UBEN": "ben"} {
		f.AddUser(id, name, "UTC")
	}
	f.AddChannel("C1")
	return &replicaSlack{f}
}

// snapshot returns the messages posted with chat.postMessage and the bodies
// of the response_url answers so far, each as the text it shows.
func (f *replicaSlack) snapshot() ([]slackPost, []string) {
	calls, _ := f.Calls()
	var posts []slackPost
	var responses []string
	for _, c := range calls {
		switch {
		case !c.OK():
		case c.Method == "chat.postMessage" && strings.Contains(c.Param("blocks"), `"Next phase"`):
			// A round's live card: posted by the command itself (it keeps
			// the ts to update it), not a scheduled delivery.
		case c.Method == "chat.postMessage":
			posts = append(posts, slackPost{Channel: c.Param("channel"), Text: c.Text()})
		case c.Method == "response_url":
			responses = append(responses, c.Text())
		}
	}
	return posts, responses
}

// storeProc is the shared store: FerretDB in its own process.
type storeProc struct {
	bin, addr, dir string
	cmd            *exec.Cmd
	out            *bottest.Buffer
}

func (s *storeProc) start(t *testing.T) {
	t.Helper()
	s.out = &bottest.Buffer{}
	s.cmd = exec.Command(s.bin, "-addr", s.addr, "-dir", s.dir)
	s.cmd.Stderr = s.out
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "listening") {
		t.Fatalf("the store did not start: %s", s.out.String())
	}
	go io.Copy(io.Discard, stdout)
}

func (s *storeProc) stop(t *testing.T) {
	t.Helper()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	_ = s.cmd.Wait()
	s.cmd = nil
}

// botProc is one replica of the served bot.
type botProc struct {
	name, base string
	cmd        *exec.Cmd
	out        *bottest.Buffer
	exited     chan error
}

func startBot(t *testing.T, name string, env []string) *botProc {
	t.Helper()
	addr := freeAddr(t)
	b := &botProc{name: name, base: "http://" + addr, out: &bottest.Buffer{}, exited: make(chan error, 1)}
	b.cmd = exec.Command(binaryPath)
	b.cmd.Env = append(append([]string{}, env...), "ALSBOT_ADDR="+addr)
	b.cmd.Stdout, b.cmd.Stderr = b.out, b.out
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { b.exited <- b.cmd.Wait() }()
	t.Cleanup(func() {
		_ = b.cmd.Process.Kill()
		<-b.exited
		if t.Failed() {
			t.Logf("bot %s output:\n%s", b.name, b.out.String())
		}
	})
	return b
}

// readyz returns the status of /readyz (0 when the bot does not answer).
func (b *botProc) readyz() int {
	res, err := http.Get(b.base + "/readyz")
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// waitReady waits for /readyz to answer want; the limit only stops a broken
// test from hanging.
func (b *botProc) waitReady(t *testing.T, want int) {
	t.Helper()
	for range 600 {
		if b.readyz() == want {
			return
		}
		select {
		case err := <-b.exited:
			b.exited <- err
			t.Fatalf("bot %s exited (%v) waiting for /readyz %d:\n%s", b.name, err, want, b.out.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("bot %s: /readyz never answered %d:\n%s", b.name, want, b.out.String())
}

// slash sends a signed slash command as user and returns the HTTP status
// and body; err when the bot did not answer at all.
func (b *botProc) slash(user, text, responseURL string) (int, string, error) {
	return postSlash(b.base, "shh", slashForm(user, text, responseURL))
}

// metrics scrapes /metrics and parses it with the Prometheus text parser,
// returning the sum of each family's counter or histogram count per
// family name and label set ("name{k=v,...}") and per family ("name").
func (b *botProc) metrics(t *testing.T) map[string]float64 {
	t.Helper()
	res, err := http.Get(b.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	series, err := metricstest.Parse(res.Body)
	if err != nil {
		t.Fatalf("parse /metrics of %s: %v", b.name, err)
	}
	out := map[string]float64{}
	for key, v := range series {
		name, _, _ := strings.Cut(key, "{")
		out[key] += v
		out[name] += v
	}
	return out
}

func buildStoreServer(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "storeserver")
	if out, err := exec.Command(goBin, "build", "-o", bin, "./internal/storeserver").CombinedOutput(); err != nil {
		t.Fatalf("build storeserver: %v\n%s", err, out)
	}
	return bin
}

// eventually polls cond until it holds; the limit only stops a broken test
// from hanging, it times nothing.
func eventually(t *testing.T, what string, limit time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: never happened; last state: %s", what, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// replicaPair is two replicas of the served bot (A and B) on one store in
// a process of its own, talking to one loopback Slack.
type replicaPair struct {
	store   *storeProc
	slack   *replicaSlack
	respURL string
	a, b    *botProc
}

// startReplicas starts the store and two bots on it, both ready, and stops
// them when the test ends. uriQuery is appended to the MONGODB_URI (e.g.
// "?serverSelectionTimeoutMS=2000"); extraEnv goes to both bots.
func startReplicas(t *testing.T, uriQuery string, extraEnv ...string) *replicaPair {
	t.Helper()
	store := &storeProc{bin: buildStoreServer(t), addr: freeAddr(t), dir: t.TempDir()}
	store.start(t)
	t.Cleanup(func() { store.stop(t) })
	slack := newReplicaSlack(t)
	env := []string{
		"MONGODB_URI=mongodb://" + store.addr + "/" + uriQuery,
		"SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET=shh", "SLACK_API_URL=" + slack.APIURL(),
		"ALSBOT_LOG_LEVEL=warn",
	}
	env = append(env, extraEnv...)
	for _, name := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	a, b := startBot(t, "A", env), startBot(t, "B", env)
	a.waitReady(t, http.StatusOK)
	b.waitReady(t, http.StatusOK)
	return &replicaPair{store: store, slack: slack, respURL: slack.URL() + "/response/", a: a, b: b}
}

// answer sends a command and returns what its user saw: the HTTP answer
// or, when the bot answered "Working on it…" first, the response_url one.
func (r *replicaPair) answer(t *testing.T, bp *botProc, user, text string) string {
	t.Helper()
	_, before := r.slack.snapshot()
	status, body, err := bp.slash(user, text, r.respURL)
	if err != nil || status != http.StatusOK {
		t.Fatalf("%s %q on %s: %d %v %s", user, text, bp.name, status, err, body)
	}
	if !strings.Contains(body, "Working on it") {
		return body
	}
	var got string
	eventually(t, "the answer to "+text, time.Minute, func() (bool, string) {
		_, rs := r.slack.snapshot()
		if len(rs) > len(before) {
			got = strings.Join(rs[len(before):], "\n")
			return true, ""
		}
		return false, "no response_url answer"
	})
	return got
}

// must fails unless the answer to text holds every one of want.
func (r *replicaPair) must(t *testing.T, bp *botProc, user, text string, want ...string) {
	t.Helper()
	got := r.answer(t, bp, user, text)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Fatalf("%s %q on %s answered %s; want %q", user, text, bp.name, got, w)
		}
	}
}
