package scheduler

import (
	"testing"
	"time"
	_ "time/tzdata" // zones without the system database, as the binary does
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSpecNextDaylightSaving(t *testing.T) {
	tests := []struct {
		name, zone, spec, from, until string
		want                          []string // UTC instants
	}{
		{"London spring forward: 01:30 fires at the jump", "Europe/London", "30 1 * * *",
			"2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z",
			[]string{"2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"}},
		{"London fall back: 01:30 fires once", "Europe/London", "30 1 * * *",
			"2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z",
			[]string{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}},
		{"New York spring forward: 02:30 fires at the jump", "America/New_York", "30 2 * * *",
			"2026-03-07T12:00:00Z", "2026-03-09T12:00:00Z",
			[]string{"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"}},
		{"New York fall back: 01:30 fires once", "America/New_York", "30 1 * * *",
			"2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z",
			[]string{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}},
		{"London every 30 min across the gap: gap times collapse into one", "Europe/London", "*/30 * * * *",
			"2026-03-29T00:10:00Z", "2026-03-29T01:40:00Z",
			[]string{"2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"}},
		{"London every 30 min across the repeated hour: each wall time once", "Europe/London", "*/30 * * * *",
			"2026-10-24T23:40:00Z", "2026-10-25T02:10:00Z",
			[]string{"2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T02:00:00Z"}},
		{"weekly Monday 09:00 in London across spring forward", "Europe/London", "0 9 * * 1",
			"2026-03-20T00:00:00Z", "2026-04-07T00:00:00Z",
			[]string{"2026-03-23T09:00:00Z", "2026-03-30T08:00:00Z", "2026-04-06T08:00:00Z"}},
		{"CRON_TZ prefix overrides the set's zone", "Europe/London", "CRON_TZ=America/New_York 0 9 * * *",
			"2026-06-01T00:00:00Z", "2026-06-02T23:00:00Z",
			[]string{"2026-06-01T13:00:00Z", "2026-06-02T13:00:00Z"}},
		{"day of month or day of week when both are given", "UTC", "0 12 1 * 5",
			"2026-05-01T13:00:00Z", "2026-05-16T00:00:00Z",
			[]string{"2026-05-08T12:00:00Z", "2026-05-15T12:00:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSpec(tc.spec, mustLoad(t, tc.zone))
			if err != nil {
				t.Fatal(err)
			}
			got := s.Between(utc(tc.from), utc(tc.until), 100)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if !got[i].Equal(utc(tc.want[i])) {
					t.Errorf("occurrence %d: got %s, want %s", i, got[i].UTC().Format(time.RFC3339), tc.want[i])
				}
			}
		})
	}
}

// TestSpecNextMatchesCronOutsideTransitions checks the day walk against
// robfig/cron's own Next where no clock change is near.
func TestSpecNextMatchesCronOutsideTransitions(t *testing.T) {
	specs := []string{"0 9 * * 1", "15 18 * * 2,4", "0 0 1 * *", "*/20 8-10 * * 1-5", "0 12 29 2 *"}
	loc := mustLoad(t, "Asia/Tokyo") // no daylight saving
	for _, spec := range specs {
		t.Run(spec, func(t *testing.T) {
			s, err := ParseSpec(spec, loc)
			if err != nil {
				t.Fatal(err)
			}
			at := utc("2026-01-01T00:00:00Z")
			for i := 0; i < 50; i++ {
				want := s.sched.Next(at)
				got := s.Next(at)
				if !got.Equal(want) {
					t.Fatalf("after %s: got %s, want %s", at, got, want)
				}
				at = got
			}
		})
	}
}
