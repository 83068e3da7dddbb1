package bottest

import (
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// CheckPermanent fails t unless err is a failed send classed as want says:
// permanent with reason want or, when want is "", retryable. It reports
// whether err is permanent, for the caller's checks of the rest.
func CheckPermanent(t testing.TB, err error, want string) bool {
	t.Helper()
	if err == nil {
		t.Fatal("send succeeded")
	}
	reason, ok := bot.PermanentReason(err)
	if want == "" {
		if ok {
			t.Fatalf("%v is permanent (%s), want it retryable", err, reason)
		}
		return false
	}
	if !ok || reason != want {
		t.Fatalf("error %v: permanent %v %q, want %q", err, ok, reason, want)
	}
	return true
}
