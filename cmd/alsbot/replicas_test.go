package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/bot"
)

// TestReplicas runs two bot processes on one shared store: a session driven
// through both delivers each message once; with the store stopped both turn
// not ready and a command changes nothing; with it back, the reminder that
// fell due meanwhile is delivered once; SIGTERM during a burst of commands
// loses none that was acknowledged; /metrics counts it all.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three processes for about two minutes: skipped with -short")
	}
	// A short server selection: commands fail fast while the store is down.
	r := startReplicas(t, "?serverSelectionTimeoutMS=2000", "ALSBOT_LOG_FORMAT=json")
	store, slack, respURL, a, b := r.store, r.slack, r.respURL, r.a, r.b

	// The test's own client on the store, to check what was stored.
	ctx := context.Background()
	db, err := mongo.Open(ctx, mongo.Config{URI: "mongodb://" + store.addr + "/"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })

	answer := func(bp *botProc, user, text string) string { t.Helper(); return r.answer(t, bp, user, text) }
	must := func(bp *botProc, user, text, want string) { t.Helper(); r.must(t, bp, user, text, want) }

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
		n, err := db.Database().Collection("sessions").CountDocuments(ctx, bson.D{{Key: "kind", Value: "commitment"}, {Key: "text", Value: "Written while the store was down"}})
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
			cnt, err := db.Database().Collection("sessions").CountDocuments(ctx, bson.D{{Key: "kind", Value: "commitment"}, {Key: "text", Value: r.text}})
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
