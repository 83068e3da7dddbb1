package bot

import (
	"errors"
	"fmt"
	"testing"
)

func TestPermanentReason(t *testing.T) {
	base := errors.New("slack: invalid_blocks")
	tests := []struct {
		name   string
		err    error
		reason string
		ok     bool
	}{
		{"plain", base, "", false},
		{"nil", nil, "", false},
		{"permanent", Permanent("invalid_blocks", base), "invalid_blocks", true},
		{"wrapped", fmt.Errorf("post reminder: %w", Permanent("not_in_channel", base)), "not_in_channel", true},
		{"retry after", &RetryAfterError{Err: base}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason, ok := PermanentReason(tt.err)
			if reason != tt.reason || ok != tt.ok {
				t.Fatalf("PermanentReason = %q, %v; want %q, %v", reason, ok, tt.reason, tt.ok)
			}
		})
	}
	if got := Permanent("channel_not_found", base).Error(); got != "channel_not_found: slack: invalid_blocks" {
		t.Fatalf("Error() = %q", got)
	}
}
