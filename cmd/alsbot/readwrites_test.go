package main

import (
	"strings"
	"testing"
)

// TestReadYourWritesAcrossReplicas runs two bot processes on one store
// (MONGODB_URI: neither may cache what the other can change) and has each
// person's next command land on the other replica than their last write:
// they always see what they just did.
func TestReadYourWritesAcrossReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three processes: skipped with -short")
	}
	r := startReplicas(t, "")
	a, b := r.a, r.b
	must := func(bp *botProc, user, text string, want ...string) { t.Helper(); r.must(t, bp, user, text, want...) }
	mustNot := func(bp *botProc, user, text, unwanted string) {
		t.Helper()
		if got := r.answer(t, bp, user, text); strings.Contains(got, unwanted) {
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
	mustNot(b, "UBEN", "commit Something", "Recorded")
}
