package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"github.com/alsbot/alsbot/bot"
)

// This file runs the real binary as it is deployed: two replicas sharing one
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

// syncBuffer collects a process's output for failure messages.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// storeProc is the shared store: FerretDB in its own process.
type storeProc struct {
	bin, addr, dir string
	cmd            *exec.Cmd
	out            *syncBuffer
}

func (s *storeProc) start(t *testing.T) {
	t.Helper()
	s.out = &syncBuffer{}
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
	out        *syncBuffer
	exited     chan error
}

func startBot(t *testing.T, name string, env []string) *botProc {
	t.Helper()
	addr := freeAddr(t)
	b := &botProc{name: name, base: "http://" + addr, out: &syncBuffer{}, exited: make(chan error, 1)}
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
	form := url.Values{
		"command": {"/als"}, "text": {text}, "user_id": {user}, "user_name": {strings.ToLower(strings.TrimPrefix(user, "U"))},
		"channel_id": {"C1"}, "channel_name": {"west-set"}, "team_id": {"T1"},
		"response_url": {responseURL}, "trigger_id": {"1.2.3"},
	}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte("shh"))
	io.WriteString(mac, "v0:"+ts+":"+form)
	req, err := http.NewRequest(http.MethodPost, b.base+"/slack/commands", strings.NewReader(form))
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
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parse /metrics of %s: %v", b.name, err)
	}
	out := map[string]float64{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			v := m.GetCounter().GetValue()
			if h := m.GetHistogram(); h != nil {
				v = float64(h.GetSampleCount())
			}
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			out[name+"{"+strings.Join(labels, ",")+"}"] += v
			out[name] += v
		}
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

// TestReplicas runs two bot processes on one shared store: a session driven
// through both delivers each message once; with the store stopped both turn
// not ready and a command changes nothing; with it back, the reminder that
// fell due meanwhile is delivered once; SIGTERM during a burst of commands
// loses none that was acknowledged; /metrics counts it all.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three processes for about two minutes: skipped with -short")
	}
	store := &storeProc{bin: buildStoreServer(t), addr: freeAddr(t), dir: t.TempDir()}
	store.start(t)
	t.Cleanup(func() { store.stop(t) })
	slack := newReplicaSlack(t)
	respURL := slack.URL() + "/response/"

	env := []string{
		// A short server selection: commands fail fast while the store is down.
		"MONGODB_URI=mongodb://" + store.addr + "/?serverSelectionTimeoutMS=2000",
		"SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET=shh", "SLACK_API_URL=" + slack.APIURL(),
		"ALSBOT_LOG_FORMAT=json", "ALSBOT_LOG_LEVEL=warn",
	}
	for _, name := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	a, b := startBot(t, "A", env), startBot(t, "B", env)
	a.waitReady(t, http.StatusOK)
	b.waitReady(t, http.StatusOK)

	// The test's own client on the store, to check what was stored.
	ctx := context.Background()
	db, err := mongo.Open(ctx, mongo.Config{URI: "mongodb://" + store.addr + "/"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })

	// answer sends a command and returns what its user saw: the HTTP answer
	// or, when the bot answered "Working on it…" first, the response_url one.
	answer := func(bp *botProc, user, text string) string {
		t.Helper()
		_, before := slack.snapshot()
		status, body, err := bp.slash(user, text, respURL)
		if err != nil || status != http.StatusOK {
			t.Fatalf("%s %q on %s: %d %v %s", user, text, bp.name, status, err, body)
		}
		if !strings.Contains(body, "Working on it") {
			return body
		}
		var got string
		eventually(t, "the answer to "+text, time.Minute, func() (bool, string) {
			_, rs := slack.snapshot()
			if len(rs) > len(before) {
				got = strings.Join(rs[len(before):], "\n")
				return true, ""
			}
			return false, "no response_url answer"
		})
		return got
	}
	must := func(bp *botProc, user, text, want string) {
		t.Helper()
		if got := answer(bp, user, text); !strings.Contains(got, want) {
			t.Fatalf("%s %q on %s answered %s; want %q", user, text, bp.name, got, want)
		}
	}

	setID := ""
	// settled waits until nothing is due and every sent delivery is one
	// chat.postMessage, then checks no message was posted twice.
	settled := func(t *testing.T) []*bot.Delivery {
		t.Helper()
		var hist []*bot.Delivery
		eventually(t, "every due delivery sent", 90*time.Second, func() (bool, string) {
			due, err := db.DueDeliveries(ctx, time.Now(), 10)
			if err != nil {
				return false, err.Error()
			}
			all, err := db.History(ctx, setID, time.Time{})
			if err != nil {
				return false, err.Error()
			}
			hist = hist[:0]
			for _, d := range all {
				if d.Kind != bot.DeliverPlan && d.Status == bot.DeliverySent {
					hist = append(hist, d)
				}
			}
			posts, _ := slack.snapshot()
			return len(due) == 0 && len(posts) == len(hist), fmt.Sprintf("%d due, %d sent in the history, %d posted", len(due), len(hist), len(posts))
		})
		posts, _ := slack.snapshot()
		seen := map[slackPost]int{}
		for _, p := range posts {
			seen[p]++
		}
		for p, n := range seen {
			if n != 1 {
				t.Errorf("posted %d times to %s: %.80q", n, p.Channel, p.Text)
			}
		}
		return hist
	}

	t.Run("session across replicas", func(t *testing.T) {
		must(a, "UFRAN", "setup West set", "West set")
		sets, err := db.FindSets(ctx, bot.Slack, "UFRAN")
		if err != nil || len(sets) != 1 {
			t.Fatalf("sets of fran: %v %v", sets, err)
		}
		setID = sets[0].ID
		must(b, "UFRAN", "members add <@UANA|ana> <@UBEN|ben>", "ana")
		must(a, "UFRAN", "session start", "")
		must(b, "UANA", "here", "")
		must(a, "UBEN", "here", "")
		must(b, "UFRAN", "round start <@UANA|ana>", "")
		must(a, "UFRAN", "round end", "")
		must(b, "UANA", "commit Talk to the duty team about handovers by 2027-01-15", "")
		must(a, "UFRAN", "session end", "")

		hist := settled(t)
		to := map[string]bool{}
		instances := map[string]bool{}
		for _, d := range hist {
			to[d.UserID] = true
			instances[d.Instance] = true
		}
		// The feedback pulses at least went to both attendees.
		if !to["UANA"] || !to["UBEN"] {
			t.Fatalf("deliveries went to %v; want ana and ben among them", to)
		}
		if a.readyz() != http.StatusOK || b.readyz() != http.StatusOK {
			t.Fatal("a replica is not ready")
		}
		t.Logf("%d deliveries sent once each, by %d instance(s)", len(hist), len(instances))
	})
	if t.Failed() {
		return
	}

	metricsBefore := b.metrics(t)

	t.Run("store down and back", func(t *testing.T) {
		// A session far enough ahead that nothing of it falls due by the wall
		// clock during the test, whatever the machine's load: the test moves
		// its reminders' due time in the store instead of sleeping toward it.
		start := time.Now().UTC().Add(20 * time.Minute).Truncate(time.Minute)
		must(b, "UFRAN", "reminders 1m", "")
		must(b, "UFRAN", "reminders facilitators off", "") // the channel and the members only, as counted below
		must(b, "UFRAN", "session add "+start.Format("2006-01-02 15:04")+" 1h Room 4", "")
		pending, err := db.PendingDeliveries(ctx, setID, bot.DeliverReminder)
		if err != nil || len(pending) != 3 {
			t.Fatalf("pending reminders %d (%v), want 3: the channel, ana and ben", len(pending), err)
		}

		store.stop(t)
		a.waitReady(t, http.StatusServiceUnavailable)
		b.waitReady(t, http.StatusServiceUnavailable)
		if got := answer(a, "UBEN", "commit Written while the store was down"); !strings.Contains(got, "nothing was changed") {
			t.Fatalf("a command with the store down answered %s; want the \"nothing was changed\" sentence", got)
		}
		// Down until A's scheduler has ticked and failed at least once
		// (its regular tick is every 15 s): driven by what A reports, not
		// by the wall clock.
		eventually(t, "a scheduler tick failing while the store is down", time.Minute, func() (bool, string) {
			n := a.metrics(t)["alsbot_scheduler_tick_errors_total"]
			return n >= 1, fmt.Sprintf("%v tick errors", n)
		})

		store.start(t)
		a.waitReady(t, http.StatusOK)
		b.waitReady(t, http.StatusOK)
		// The reminders fell due while the store was down: their due time
		// is now in the past (and the session still ahead). The test's own
		// client may first fail on a connection from before the restart.
		down := time.Now().UTC().Add(-time.Second)
		eventually(t, "the reminders moved to the downtime", time.Minute, func() (bool, string) {
			_, err := db.Database().Collection("deliveries").UpdateMany(ctx,
				bson.D{{Key: "set_id", Value: setID}, {Key: "kind", Value: bot.DeliverReminder}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "due", Value: down}, {Key: "not_before", Value: down}}}})
			if err != nil {
				return false, err.Error()
			}
			return true, ""
		})
		n, err := db.Database().Collection("commitments").CountDocuments(ctx, bson.D{{Key: "text", Value: "Written while the store was down"}})
		if err != nil || n != 0 {
			t.Fatalf("the refused command stored %d commitments (%v)", n, err)
		}

		hist := settled(t)
		reminders := 0
		for _, d := range hist {
			if d.Kind == bot.DeliverReminder {
				reminders++
			}
		}
		if reminders != 3 {
			t.Fatalf("%d reminders sent, want 3", reminders)
		}
		all, err := db.History(ctx, setID, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range all {
			if d.Status == bot.DeliverySkipped && d.Kind == bot.DeliverReminder {
				t.Errorf("reminder %s skipped (%s), want it sent late", d.ID, d.Reason)
			}
		}
	})
	if t.Failed() {
		return
	}

	t.Run("metrics", func(t *testing.T) {
		ma, mb := a.metrics(t), b.metrics(t)
		if got := mb["alsbot_commands_total"]; got <= metricsBefore["alsbot_commands_total"] {
			t.Errorf("B's alsbot_commands_total did not move: %v then %v", metricsBefore["alsbot_commands_total"], got)
		}
		for _, key := range []string{
			"alsbot_commands_total{command=setup,outcome=ok}",
			"alsbot_commands_total{command=commit,outcome=unavailable}",
			"alsbot_command_duration_seconds{command=setup}",
			"alsbot_scheduler_tick_duration_seconds",
			"alsbot_scheduler_tick_errors_total",
		} {
			if ma[key] < 1 {
				t.Errorf("A's %s = %v, want at least 1", key, ma[key])
			}
		}
		if mb["alsbot_commands_total{command=members_add,outcome=ok}"] < 1 {
			t.Error("B did not count members add")
		}
		sent := ma["alsbot_deliveries_total"] + mb["alsbot_deliveries_total"]
		out := ma["alsbot_outbound_messages_total{platform=slack}"] + mb["alsbot_outbound_messages_total{platform=slack}"]
		posts, _ := slack.snapshot()
		if out != float64(len(posts)) {
			t.Errorf("the replicas counted %v messages sent to Slack, the fake saw %d", out, len(posts))
		}
		if sent < out {
			t.Errorf("alsbot_deliveries_total %v < messages sent %v", sent, out)
		}
	})

	t.Run("SIGTERM during a burst", func(t *testing.T) {
		// Four senders each send commands one after another until A stops
		// answering; SIGTERM goes once a few have been answered, so some
		// are in flight and some come after it.
		type result struct {
			text   string
			status int
			body   string
			err    error
		}
		var (
			mu      sync.Mutex
			results []result
			wg      sync.WaitGroup
		)
		answered := make(chan struct{}, 1000)
		for w := range 4 {
			user := []string{"UANA", "UBEN"}[w%2]
			wg.Go(func() {
				for i := 0; i < 200; i++ {
					text := fmt.Sprintf("Burst item %d-%d", w, i)
					st, body, err := a.slash(user, "commit "+text+" by 2027-02-01", respURL)
					mu.Lock()
					results = append(results, result{text, st, body, err})
					mu.Unlock()
					answered <- struct{}{}
					if err != nil || st != http.StatusOK || strings.Contains(body, "nothing was done") {
						return // A has stopped taking work
					}
				}
			})
		}
		for range 8 {
			<-answered
		}
		if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		select {
		case err := <-a.exited:
			a.exited <- err
			if err != nil {
				t.Fatalf("A exited with %v after SIGTERM, want 0:\n%s", err, a.out.String())
			}
		case <-time.After(shutdownGrace + 15*time.Second):
			t.Fatal("A did not exit after SIGTERM")
		}

		_, responses := slack.snapshot()
		acked, stored, refused := 0, 0, 0
		for _, r := range results {
			if r.err != nil || r.status != http.StatusOK || strings.Contains(r.body, "nothing was done") {
				refused++ // not acknowledged: Slack shows the user an error
				continue
			}
			acked++
			cnt, err := db.Database().Collection("commitments").CountDocuments(ctx, bson.D{{Key: "text", Value: r.text}})
			if err != nil {
				t.Fatal(err)
			}
			stored += int(cnt)
			answered := strings.Contains(r.body, r.text) && !strings.Contains(r.body, "Working on it")
			for _, resp := range responses {
				answered = answered || strings.Contains(resp, r.text)
			}
			if cnt != 1 && !answered {
				t.Errorf("%q was acknowledged (%s) but is neither stored nor answered", r.text, r.body)
			}
		}
		t.Logf("%d commands acknowledged, %d stored, %d refused once A stopped", acked, stored, refused)
		if acked < 8 || refused == 0 {
			t.Fatal("the burst did not straddle the SIGTERM")
		}
		// A's logs are JSON lines, without the secrets it was given.
		for _, line := range strings.Split(strings.TrimSpace(a.out.String()), "\n") {
			if line != "" && !json.Valid([]byte(line)) {
				t.Errorf("A logged a line that is not JSON: %s", line)
			}
		}
		if strings.Contains(a.out.String(), "xoxb-test") || strings.Contains(a.out.String(), "shh") {
			t.Error("A logged a secret")
		}
		// The other replica serves on.
		if b.readyz() != http.StatusOK {
			t.Fatal("B is not ready after A stopped")
		}
		must(b, "UANA", "actions", "Talk to the duty team")
	})
}
