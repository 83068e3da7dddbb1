package main

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestReadYourWritesAcrossReplicas runs two bot processes on one store
// (MONGODB_URI: neither may cache what the other can change) and has each
// person's next command land on the other replica than their last write:
// they always see what they just did.
func TestReadYourWritesAcrossReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three processes: skipped with -short")
	}
	store := &storeProc{bin: buildStoreServer(t), addr: freeAddr(t), dir: t.TempDir()}
	store.start(t)
	t.Cleanup(func() { store.stop(t) })
	slack := newReplicaSlack(t)
	respURL := slack.srv.URL + "/response/"
	env := []string{
		"MONGODB_URI=mongodb://" + store.addr + "/",
		"SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET=shh", "SLACK_API_URL=" + slack.srv.URL + "/api/",
		"ALSBOT_LOG_LEVEL=warn",
	}
	for _, name := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	a, b := startBot(t, "A", env), startBot(t, "B", env)
	a.waitReady(t, http.StatusOK)
	b.waitReady(t, http.StatusOK)

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
	must := func(bp *botProc, user, text string, want ...string) {
		t.Helper()
		got := answer(bp, user, text)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Fatalf("%s %q on %s answered %s; want %q", user, text, bp.name, got, w)
			}
		}
	}
	mustNot := func(bp *botProc, user, text, unwanted string) {
		t.Helper()
		if got := answer(bp, user, text); strings.Contains(got, unwanted) {
			t.Fatalf("%s %q on %s answered %s; it still shows %q", user, text, bp.name, got, unwanted)
		}
	}

	// Both replicas read the set (and would cache it, if they cached).
	must(a, "UFRAN", "setup West set", "West set")
	must(b, "UFRAN", "members", "fran")
	must(a, "UFRAN", "members add <@UANA|ana>", "ana")
	must(b, "UANA", "actions", "no open commitments")
	must(a, "UANA", "actions", "no open commitments")

	// A write on one replica, the next read on the other.
	must(a, "UANA", "commit Call the duty manager", "Recorded C-1")
	must(b, "UANA", "actions", "C-1", "Call the duty manager")
	must(b, "UANA", "commit Book the room", "Recorded C-2")
	must(a, "UANA", "actions", "C-1", "C-2", "Book the room")
	must(a, "UANA", "report C-1 progress Called, waiting to hear", "progress")
	must(b, "UANA", "actions", "Called, waiting to hear")
	must(b, "UANA", "report C-1 done It is sorted", "done")
	mustNot(a, "UANA", "actions", "C-1 ")
	must(a, "UANA", "actions", "C-2")

	// A set change on one replica is what the other checks roles with.
	must(b, "UFRAN", "members add <@UBEN|ben>", "ben")
	must(a, "UBEN", "actions", "no open commitments")
	must(a, "UFRAN", "members remove <@UBEN|ben>", "ben")
	must(b, "UBEN", "commit Something", "no action learning set")
}
