package slack

import (
	"github.com/alsbot/alsbot/adapters/slack/slacktest"
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
	_, skip := h.fake.WaitFor(0, func(c slacktest.Call) bool { return c.Method == "conversations.open" && c.Param("users") == "UANA" })
	done, _ := h.fake.WaitFor(skip, isMethod("files.completeUploadExternal"))
	if got := done.Param("channel_id"); got != "DANA" {
		t.Errorf("mydata shared in %q, want ana's own DM DANA", got)
	}
}
