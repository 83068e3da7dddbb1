package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

// respURLs is a loopback for Slack's response_url: each command gets its own
// path, so each person's answer is known.
type respURLs struct {
	srv *httptest.Server
	mu  sync.Mutex
	got map[string]string // path -> body
}

func newRespURLs(t *testing.T) *respURLs {
	a := &respURLs{got: map[string]string{}}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.got[r.URL.Path] += string(body)
		a.mu.Unlock()
		io.WriteString(w, "ok")
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *respURLs) of(path string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.got[path]
}

// TestBurstAcrossReplicas: two bot processes on one store. Twenty members
// check in at the same moment, split across both, then bid, give feedback
// and report on their commitments: every answer is a success, and every
// one of them is in the figures. On the FerretDB store process the tests
// start, and on the MongoDB of ALSBOT_TEST_MONGODB_URI when it is set.
func TestBurstAcrossReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three processes: skipped with -short")
	}
	t.Run("ferretdb", func(t *testing.T) {
		store := &storeProc{bin: buildStoreServer(t), addr: freeAddr(t), dir: t.TempDir()}
		store.start(t)
		t.Cleanup(func() { store.stop(t) })
		burstOn(t, "mongodb://"+store.addr+"/", "alsbot")
	})
	t.Run("mongodb", func(t *testing.T) {
		uri := os.Getenv(mongotest.EnvURI)
		if uri == "" {
			t.Skip(mongotest.EnvURI + " is not set")
		}
		db := mongotest.DBName(t.Name())
		burstOn(t, uri, db)
		// The database is the test's own: drop it.
		st, err := mongo.Open(context.Background(), mongo.Config{URI: uri, Database: db})
		if err == nil {
			_ = st.Database().Drop(context.Background())
			_ = st.Close(context.Background())
		}
	})
}

func burstOn(t *testing.T, uri, database string) {
	ctx := context.Background()
	slack := newReplicaSlack(t)
	ans := newRespURLs(t)
	env := []string{
		"MONGODB_URI=" + uri, "MONGODB_DATABASE=" + database,
		"SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET=shh", "SLACK_API_URL=" + slack.APIURL(),
		"ALSBOT_LOG_FORMAT=json", "ALSBOT_LOG_LEVEL=warn",
	}
	for _, name := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	bots := []*botProc{startBot(t, "A", env), startBot(t, "B", env)}
	for _, b := range bots {
		b.waitReady(t, http.StatusOK)
	}
	db, err := mongo.Open(ctx, mongo.Config{URI: uri, Database: database})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })

	var seq sync.Mutex
	n := 0
	// say sends one command and returns what its sender was answered: the
	// acknowledgement, or the response_url answer after "Working on it".
	say := func(b *botProc, user, text string) string {
		seq.Lock()
		n++
		path := fmt.Sprintf("/r/%d", n)
		seq.Unlock()
		status, body, err := b.slash(user, text, ans.srv.URL+path)
		if err != nil || status != http.StatusOK {
			return fmt.Sprintf("HTTP %d %v %s", status, err, body)
		}
		if !strings.Contains(body, "Working on it") {
			return body
		}
		deadline := time.Now().Add(time.Minute) // only stops a broken test
		for time.Now().Before(deadline) {
			if got := ans.of(path); got != "" {
				return got
			}
			time.Sleep(50 * time.Millisecond)
		}
		return "no answer"
	}
	must := func(b *botProc, user, text, want string) {
		t.Helper()
		if got := say(b, user, text); !strings.Contains(got, want) {
			t.Fatalf("%s %q on %s answered %s; want %q", user, text, b.name, got, want)
		}
	}

	members := make([]string, 20)
	mentions := make([]string, 20)
	for i := range members {
		members[i] = fmt.Sprintf("UM%02d", i+1)
		mentions[i] = fmt.Sprintf("<@%s|m%02d>", members[i], i+1)
	}
	must(bots[0], "UFRAN", "setup West set", "West set")
	must(bots[1], "UFRAN", "members add "+strings.Join(mentions, " "), "")
	must(bots[0], "UFRAN", "session start", "check in")
	for i, m := range members {
		must(bots[i%2], m, "commit Talk to my manager about cover by 2027-01-15", "Recorded")
	}
	sets, err := db.FindSets(ctx, bot.Slack, "UFRAN")
	if err != nil || len(sets) != 1 {
		t.Fatalf("sets: %v %v", sets, err)
	}
	set := sets[0]
	cms, err := db.ListCommitments(ctx, set.ID, "", false)
	if err != nil || len(cms) != len(members) {
		t.Fatalf("commitments %d (%v)", len(cms), err)
	}
	short := map[string]string{}
	for _, c := range cms {
		short[c.UserID] = c.ShortID
	}

	steps := []struct {
		verb, said string
		text       func(m string, i int) string
	}{
		{"here", "checked in to session", func(string, int) string { return "here" }},
		{"bid", "bid for presenting time is in", func(string, int) string { return "bid Cover on the duty desk" }},
		{"feedback", "is saved", func(_ string, i int) string { return fmt.Sprintf("feedback %d", i%5+1) }},
		{"report", "Saved your progress report", func(m string, _ int) string { return "report " + short[m] + " progress Met my manager" }},
	}
	told := map[string]map[string]bool{} // verb -> members told it was saved
	for _, st := range steps {
		got := make([]string, len(members))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, m := range members {
			wg.Go(func() {
				<-start
				got[i] = say(bots[i%2], m, st.text(m, i))
			})
		}
		close(start) // at the same moment
		wg.Wait()
		told[st.verb] = map[string]bool{}
		for i, m := range members {
			if strings.Contains(got[i], st.said) {
				told[st.verb][m] = true
			} else {
				t.Errorf("%s by %s on %s answered %s; want %q", st.verb, m, bots[i%2].name, got[i], st.said)
			}
		}
	}

	// One member reports twice on one commitment at the same moment, once
	// through each replica: both are kept.
	double := make([]string, 2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range double {
		wg.Go(func() {
			<-start
			double[i] = say(bots[i], members[0], fmt.Sprintf("report %s blocked Second report %d", short[members[0]], i))
		})
	}
	close(start)
	wg.Wait()
	for i, got := range double {
		if !strings.Contains(got, "Saved your report") {
			t.Errorf("second reports: %s on %s answered %s", members[0], bots[i].name, got)
		}
	}

	sess, err := db.GetSession(ctx, bot.SessionID(set.ID, 1))
	if err != nil {
		t.Fatal(err)
	}
	fb, err := db.ListFeedback(ctx, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	cms, err = db.ListCommitments(ctx, set.ID, "", false)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]map[string]bool{"here": {}, "bid": {}, "feedback": {}, "report": {}}
	for _, a := range sess.Attendees {
		stored["here"][a.UserID] = true
	}
	for _, b := range sess.Bids {
		stored["bid"][b.UserID] = true
	}
	for _, f := range fb {
		stored["feedback"][f.UserID] = true
	}
	for _, c := range cms {
		want := 1
		if c.UserID == members[0] {
			want = 3
		}
		if len(c.Reports) == want {
			stored["report"][c.UserID] = true
		} else {
			t.Errorf("%s has %d reports, want %d", c.UserID, len(c.Reports), want)
		}
	}
	for verb, who := range told {
		for m := range who {
			if !stored[verb][m] {
				t.Errorf("%s was told their %s was saved, but it is not stored", m, verb)
			}
		}
		if len(stored[verb]) != len(members) {
			t.Errorf("%d of %d %s stored", len(stored[verb]), len(members), verb)
		}
	}
	// The figures people read, from the other replica.
	stats := say(bots[1], "UFRAN", "stats")
	if !strings.Contains(stats, "20 of 20 (100%)") {
		t.Errorf("stats do not show an attendance of 20 of 20: %s", stats)
	}
}

// TestSecondBotOnDataDirRefused: the embedded store belongs to one process;
// a second bot on the same ALSBOT_DATA_DIR exits with a sentence that says
// so, and the first serves on.
func TestSecondBotOnDataDirRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two processes: skipped with -short")
	}
	slack := newReplicaSlack(t)
	env := []string{
		"ALSBOT_DATA_DIR=" + t.TempDir(),
		"SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET=shh", "SLACK_API_URL=" + slack.APIURL(),
		"ALSBOT_LOG_LEVEL=warn",
	}
	for _, name := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	first := startBot(t, "first", env)
	first.waitReady(t, http.StatusOK)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // only stops a broken test
	defer cancel()
	second := exec.CommandContext(ctx, binaryPath)
	second.Env = append(append([]string{}, env...), "ALSBOT_ADDR="+freeAddr(t))
	out, err := second.CombinedOutput()
	if err == nil {
		t.Fatalf("a second bot started on the same data directory:\n%s", out)
	}
	for _, want := range []string{"in use by process", "belongs to one alsbot process", "MONGODB_URI"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the second bot's output lacks %q:\n%s", want, out)
		}
	}
	if first.readyz() != http.StatusOK {
		t.Error("the first bot is not ready after the second was refused")
	}
}
