package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// RetentionStore is what ApplyRetention needs of the store.
type RetentionStore interface {
	bot.SetStore
	bot.PrivacyStore
}

// RetentionDue reports whether the texts of set are past keeping at now: it
// is archived and its retention period (days, default 365) since archiving
// has run out.
func RetentionDue(set *bot.Set, now time.Time) bool {
	if !set.Archived || set.ArchivedAt.IsZero() {
		return false
	}
	days := set.RetentionDays
	if days <= 0 {
		days = bot.DefaultRetentionDays
	}
	return !now.Before(set.ArchivedAt.AddDate(0, 0, days))
}

// ApplyRetention erases the texts of every archived set whose retention
// period has run out (PurgeSetTexts keeps the figures) and returns the ids
// of the sets it purged. Purging is idempotent, so running it again (every
// hour, say, from the scheduler's tick) only re-reads those sets; one set's
// failure does not stop the others.
func ApplyRetention(ctx context.Context, store RetentionStore, now time.Time) ([]string, error) {
	sets, err := store.FindSets(ctx, "", "")
	if err != nil {
		return nil, fmt.Errorf("retention: list sets: %w", err)
	}
	return PurgeDue(ctx, store, sets, now)
}

// PurgeDue is ApplyRetention on sets already read (the scheduler's
// maintenance lists every set anyway).
func PurgeDue(ctx context.Context, store bot.PrivacyStore, sets []*bot.Set, now time.Time) ([]string, error) {
	var purged []string
	var errs []error
	for _, s := range sets {
		if !RetentionDue(s, now) {
			continue
		}
		if _, err := store.PurgeSetTexts(ctx, s.ID); err != nil {
			errs = append(errs, fmt.Errorf("retention: purge set %s: %w", s.ID, err))
			continue
		}
		purged = append(purged, s.ID)
	}
	return purged, errors.Join(errs...)
}
