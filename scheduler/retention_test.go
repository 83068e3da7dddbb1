package scheduler_test

import (
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/scheduler"
)

func TestRetentionDue(t *testing.T) {
	archived := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		set  bot.Set
		now  time.Time
		want bool
	}{
		{"not archived", bot.Set{RetentionDays: 1}, archived.AddDate(1, 0, 0), false},
		{"archived, period running", bot.Set{Archived: true, ArchivedAt: archived, RetentionDays: 30}, archived.AddDate(0, 0, 30).Add(-time.Nanosecond), false},
		{"archived, period over", bot.Set{Archived: true, ArchivedAt: archived, RetentionDays: 30}, archived.AddDate(0, 0, 30), true},
		{"default 365 days, not yet", bot.Set{Archived: true, ArchivedAt: archived}, archived.AddDate(0, 0, 364), false},
		{"default 365 days, over", bot.Set{Archived: true, ArchivedAt: archived}, archived.AddDate(0, 0, 365), true},
		{"archived without a time", bot.Set{Archived: true, RetentionDays: 1}, archived, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scheduler.RetentionDue(&tt.set, tt.now); got != tt.want {
				t.Errorf("RetentionDue = %v, want %v", got, tt.want)
			}
		})
	}
}
