package slack

import (
	"strings"
	"testing"
)

// TestPrivateFilesToOwnDM: a private file (mydata, an export) goes to the
// actor's own DM with the bot, opened with conversations.open, even when
// the command came from a DM with someone else (a D… channel too).
func TestPrivateFilesToOwnDM(t *testing.T) {
	h := newHarness(t)
	r := h.command("UANA", "DOTHER", "mydata")
	if !strings.Contains(r.Text, "Everything I keep about you") {
		t.Fatalf("mydata answered %+v", r)
	}
	_, skip := h.fake.waitFor(0, func(c apiCall) bool { return c.Method == "conversations.open" && c.param("users") == "UANA" })
	done, _ := h.fake.waitFor(skip, isMethod("files.completeUploadExternal"))
	if got := done.param("channel_id"); got != "DANA" {
		t.Errorf("mydata shared in %q, want ana's own DM DANA", got)
	}
}
