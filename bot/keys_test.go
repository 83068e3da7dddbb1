package bot_test

import (
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// A deleted future session's number can be reused by a new session: its
// reminder and digest keys name the start, so keys the old one already
// claimed never suppress the new one's deliveries.
func TestKeysOfReusedSessionNumber(t *testing.T) {
	old := &bot.Session{ID: "shell:c1/2", SetID: "shell:c1", Number: 2, Start: time.Date(2026, 12, 10, 14, 0, 0, 0, time.UTC)}
	reused := *old
	reused.Start = old.Start.Add(7 * 24 * time.Hour)
	tests := []struct {
		name     string
		old, new bot.DeliveryKey
	}{
		{"channel reminder", bot.ReminderKey(old, time.Hour, ""), bot.ReminderKey(&reused, time.Hour, "")},
		{"member reminder", bot.ReminderKey(old, 24*time.Hour, "UANA"), bot.ReminderKey(&reused, 24*time.Hour, "UANA")},
		{"digest", bot.DigestKey(old), bot.DigestKey(&reused)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.old.String() == tt.new.String() {
				t.Errorf("key %q is the same for the deleted session and the one reusing its number", tt.old)
			}
		})
	}
}
