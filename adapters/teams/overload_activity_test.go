package teams

import (
	"net/http"
	"testing"
)

// With the queue full, an activity that is not a message (the bot added to
// a team, a file consent answer) has no sender to tell "busy": it is
// refused with 503, as before the notice lane, so the Bot Framework or the
// Teams client sees it failed instead of a 200/202 for work never done.
func TestOverloadRefusesWhatNobodyIsToldOf(t *testing.T) {
	h, r, shed := newHeldRig(t)
	defer close(h.open)

	ana := person("29:ana", "aad-ana", "Ana")
	if got := r.post(channelMessage(r.bf.serviceURL(), "m1", "actions", ana)); got != http.StatusAccepted {
		t.Fatalf("first activity: %d", got)
	}
	<-h.started // the worker holds it
	if got := r.post(channelMessage(r.bf.serviceURL(), "m2", "actions", ana)); got != http.StatusAccepted {
		t.Fatalf("second activity: %d, want 202 at once", got)
	}
	invoke := personalMessage(r.bf.serviceURL(), "inv-1", "", ana, map[string]any{"type": "fileUpload", "action": "accept"})
	invoke["type"], invoke["name"] = "invoke", invokeFileConsent
	for name, act := range map[string]map[string]any{
		"bot added":    installActivity(r.bf.serviceURL(), "cu-1"),
		"file consent": invoke,
	} {
		if got := r.post(act); got != http.StatusServiceUnavailable {
			t.Errorf("%s with the queue full: %d, want 503", name, got)
		}
	}
	if n := shed.Load(); n != 2 {
		t.Errorf("shed %d, want 2", n)
	}
}
