package scheduler

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// planNow is Thursday 3 December 2026, 10:00 in London.
func planNow(t *testing.T) (time.Time, *time.Location) {
	loc := mustLoad(t, "Europe/London")
	return time.Date(2026, 12, 3, 10, 0, 0, 0, loc), loc
}

func localTimes(ts []time.Time, loc *time.Location) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.In(loc).Format("Mon 2006-01-02 15:04")
	}
	return out
}

func TestPlainSchedules(t *testing.T) {
	now, loc := planNow(t)
	for _, tc := range []struct {
		in, stored string
		length     time.Duration
		next       []string
	}{
		{"every 4 weeks on thursday 14:00 2h", "every 4 weeks on thursday at 14:00 from 2026-12-03", 2 * time.Hour,
			[]string{"Thu 2026-12-03 14:00", "Thu 2026-12-31 14:00", "Thu 2027-01-28 14:00", "Thu 2027-02-25 14:00", "Thu 2027-03-25 14:00"}},
		{"every week on monday 10:00", "every week on monday at 10:00", 0,
			[]string{"Mon 2026-12-07 10:00", "Mon 2026-12-14 10:00", "Mon 2026-12-21 10:00", "Mon 2026-12-28 10:00", "Mon 2027-01-04 10:00"}},
		{"every thursday at 2pm 90", "every week on thursday at 14:00", 90 * time.Minute,
			[]string{"Thu 2026-12-03 14:00", "Thu 2026-12-10 14:00", "Thu 2026-12-17 14:00", "Thu 2026-12-24 14:00", "Thu 2026-12-31 14:00"}},
		{"weekly on Thursday 09:00", "every week on thursday at 09:00", 0,
			[]string{"Thu 2026-12-10 09:00", "Thu 2026-12-17 09:00", "Thu 2026-12-24 09:00", "Thu 2026-12-31 09:00", "Thu 2027-01-07 09:00"}},
		{"fortnightly on tuesday 18:00 from 12/1/2027", "every 2 weeks on tuesday at 18:00 from 2027-01-12", 0,
			[]string{"Tue 2027-01-12 18:00", "Tue 2027-01-26 18:00", "Tue 2027-02-09 18:00", "Tue 2027-02-23 18:00", "Tue 2027-03-09 18:00"}},
		{"every other week on friday 13:00 1h30", "every 2 weeks on friday at 13:00 from 2026-12-04", 90 * time.Minute,
			[]string{"Fri 2026-12-04 13:00", "Fri 2026-12-18 13:00", "Fri 2027-01-01 13:00", "Fri 2027-01-15 13:00", "Fri 2027-01-29 13:00"}},
		{"monthly first friday 14:00", "monthly on the first friday at 14:00", 0,
			[]string{"Fri 2026-12-04 14:00", "Fri 2027-01-01 14:00", "Fri 2027-02-05 14:00", "Fri 2027-03-05 14:00", "Fri 2027-04-02 14:00"}},
		{"monthly on the first friday at 2pm 2 h", "monthly on the first friday at 14:00", 2 * time.Hour,
			[]string{"Fri 2026-12-04 14:00", "Fri 2027-01-01 14:00", "Fri 2027-02-05 14:00", "Fri 2027-03-05 14:00", "Fri 2027-04-02 14:00"}},
		{"monthly last tuesday 9.30am", "monthly on the last tuesday at 09:30", 0,
			[]string{"Tue 2026-12-29 09:30", "Tue 2027-01-26 09:30", "Tue 2027-02-23 09:30", "Tue 2027-03-30 09:30", "Tue 2027-04-27 09:30"}},
		{"monthly on the 15th 10:00", "monthly on the 15th at 10:00", 0,
			[]string{"Tue 2026-12-15 10:00", "Fri 2027-01-15 10:00", "Mon 2027-02-15 10:00", "Mon 2027-03-15 10:00", "Thu 2027-04-15 10:00"}},
		{"monthly on the 3rd 09:00", "monthly on the 3rd at 09:00", 0, // today's 09:00 has passed
			[]string{"Sun 2027-01-03 09:00", "Wed 2027-02-03 09:00", "Wed 2027-03-03 09:00", "Sat 2027-04-03 09:00", "Mon 2027-05-03 09:00"}},
		{"monthly on the last day 17:00", "monthly on the last day at 17:00", 0,
			[]string{"Thu 2026-12-31 17:00", "Sun 2027-01-31 17:00", "Sun 2027-02-28 17:00", "Wed 2027-03-31 17:00", "Fri 2027-04-30 17:00"}},
		{"every 2 months on the second wednesday 10:00", "every 2 months on the second wednesday at 10:00 from 2026-12-01", 0,
			[]string{"Wed 2026-12-09 10:00", "Wed 2027-02-10 10:00", "Wed 2027-04-14 10:00", "Wed 2027-06-09 10:00", "Wed 2027-08-11 10:00"}},
		{"every month on the fourth monday 10:00", "monthly on the fourth monday at 10:00", 0,
			[]string{"Mon 2026-12-28 10:00", "Mon 2027-01-25 10:00", "Mon 2027-02-22 10:00", "Mon 2027-03-22 10:00", "Mon 2027-04-26 10:00"}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			r, d, err := ParseScheduleLength(tc.in, loc, now)
			if err != nil {
				t.Fatalf("ParseScheduleLength(%q): %v", tc.in, err)
			}
			if r.String() != tc.stored || d != tc.length {
				t.Errorf("stored %q, length %v; want %q, %v", r.String(), d, tc.stored, tc.length)
			}
			pv := PreviewSchedule(r, now)
			if got := localTimes(pv.Next, loc); strings.Join(got, ", ") != strings.Join(tc.next, ", ") {
				t.Errorf("next\n got %v\nwant %v", got, tc.next)
			}
			// The stored form, read back later (as the planner does), gives
			// the same sessions.
			later := now.Add(20 * 24 * time.Hour)
			again, err := ParseSchedule(r.String(), loc, later)
			if err != nil {
				t.Fatalf("stored form %q does not parse: %v", r.String(), err)
			}
			a, b := r.Between(later, later.Add(200*24*time.Hour), 50), again.Between(later, later.Add(200*24*time.Hour), 50)
			if strings.Join(localTimes(a, loc), ",") != strings.Join(localTimes(b, loc), ",") {
				t.Errorf("stored form gives other dates:\n%v\n%v", localTimes(a, loc), localTimes(b, loc))
			}
		})
	}
}

func TestPlainPreviewCount(t *testing.T) {
	now, loc := planNow(t)
	r, _, err := ParseScheduleLength("every 4 weeks on thursday 14:00", loc, now)
	if err != nil {
		t.Fatal(err)
	}
	// 121 days from Thu 3 Dec 10:00: 3 Dec, 31 Dec, 28 Jan, 25 Feb, 25 Mar.
	if pv := PreviewSchedule(r, now); pv.Count != 5 || pv.Warning != "" {
		t.Errorf("count %d, warning %q; want 5 and none", pv.Count, pv.Warning)
	}
}

// Wall times stay put across Europe/London's changes; a time in the spring
// gap happens at the jump, one that occurs twice happens once.
func TestPlainDaylightSaving(t *testing.T) {
	now, loc := planNow(t)
	for _, tc := range []struct {
		in, from, until string
		want            []string // UTC
	}{
		{"every week on sunday 14:00", "2027-03-20T00:00:00Z", "2027-04-05T00:00:00Z",
			[]string{"2027-03-21T14:00:00Z", "2027-03-28T13:00:00Z", "2027-04-04T13:00:00Z"}},
		{"every week on sunday 01:30", "2027-03-27T00:00:00Z", "2027-04-05T00:00:00Z",
			[]string{"2027-03-28T01:00:00Z", "2027-04-04T00:30:00Z"}},
		{"every week on sunday 01:30", "2027-10-30T00:00:00Z", "2027-11-08T00:00:00Z",
			[]string{"2027-10-31T00:30:00Z", "2027-11-07T01:30:00Z"}},
		{"monthly last sunday 01:30", "2027-03-01T00:00:00Z", "2027-11-01T00:00:00Z",
			[]string{"2027-03-28T01:00:00Z", "2027-04-25T00:30:00Z", "2027-05-30T00:30:00Z", "2027-06-27T00:30:00Z", "2027-07-25T00:30:00Z", "2027-08-29T00:30:00Z", "2027-09-26T00:30:00Z", "2027-10-31T00:30:00Z"}},
		{"every 4 weeks on thursday 14:00", "2027-03-01T00:00:00Z", "2027-05-01T00:00:00Z",
			[]string{"2027-03-25T14:00:00Z", "2027-04-22T13:00:00Z"}},
	} {
		t.Run(tc.in+" "+tc.from, func(t *testing.T) {
			r, err := ParseSchedule(tc.in, loc, now)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range r.Between(utc(tc.from), utc(tc.until), 20) {
				got = append(got, o.UTC().Format(time.RFC3339))
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestPlainRefused(t *testing.T) {
	now, loc := planNow(t)
	for _, tc := range []struct{ in, want string }{
		{"every 4 weeks on thursday", "Give the time after the day"},
		{"every 4 weeks on thursday 25:00", "hours go from 00 to 23"},
		{"every 4 weeks 14:00", "Say which day"},
		{"every 4 on thursday 14:00", "Say weeks or months after 4"},
		{"every 0 weeks on thursday 14:00", "not a number of weeks or months from 1 to 52"},
		{"every 4 weeks on thursday 14:00 2h Room 4", `"Room 4" is not part of a schedule`},
		{"every 4 weeks on thursday 14:00 1.5x", `"1.5x" is not a length of time`},
		{"every 4 weeks on thursday 14:00 5m", "A session lasts from 15 min to 12 h"},
		{"monthly on the 31st 10:00", "Not every month has a 31st; write monthly on the last day"},
		{"monthly fifth friday 10:00", "Not every month has a fifth friday; use last instead"},
		{"monthly first fryday 14:00", `"fryday" is not a weekday`},
		{"monthly sometimes 14:00", `"sometimes" is not first, second, third, fourth, last`},
		{"every banana 14:00", `"banana" is not weeks, months or a weekday`},
		{"every week on monday 10:00 from 31/02/2027", "has no day 31"},
		{"every week on monday 10:00 from", "Give a date after from"},
	} {
		_, _, err := ParseScheduleLength(tc.in, loc, now)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseScheduleLength(%q) error %v, want %q", tc.in, err, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), "e.g.") {
			t.Errorf("ParseScheduleLength(%q) error %q gives no example", tc.in, err)
		}
	}
}

// Cron errors in plain words, and cron's day-of-month OR day-of-week rule
// explained where a spec uses both.
func TestCronExplained(t *testing.T) {
	now, loc := planNow(t)
	for _, tc := range []struct{ in, want string }{
		{"0 14 * * 8", `the day of week "8" is out of range: the day of week must be 0-6 (Sunday=0) or sun-sat`},
		{"0 14 * * 1-8", `the day of week "1-8" is out of range`},
		{"0 25 * * 1", `the hour "25" is out of range: the hour must be 0-23`},
		{"61 14 * * 1", `the minute "61" is out of range: the minute must be 0-59`},
		{"0 14 0 * *", `the day of month "0" is out of range: the day of month must be 1-31`},
		{"0 14 * 13 *", `the month "13" is out of range: the month must be 1-12 or jan-dec`},
		{"0 14 * * fri-", `the day of week "fri-" is not a number, a range`},
		{"0 14 * *", "A cron spec has 5 fields"},
	} {
		_, err := ParseSchedule(tc.in, loc, now)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseSchedule(%q) error %v, want %q", tc.in, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "above maximum") {
			t.Errorf("library wording leaked: %v", err)
		}
	}
	r, err := ParseSchedule("0 14 1-7 * 5", loc, now)
	if err != nil {
		t.Fatal(err)
	}
	pv := PreviewSchedule(r, now)
	if pv.Count < 30 {
		t.Errorf("count %d: the OR rule makes many more sessions than four", pv.Count)
	}
	for _, want := range []string{"EITHER", "makes " + strconv.Itoa(pv.Count) + " sessions", "schedule monthly first friday 14:00"} {
		if !strings.Contains(pv.Warning, want) {
			t.Errorf("warning %q does not say %q", pv.Warning, want)
		}
	}
	if r, err := ParseSchedule("0 18 * * 2", loc, now); err != nil || PreviewSchedule(r, now).Warning != "" {
		t.Errorf("a plain weekly cron spec got a warning or error: %v", err)
	}
}

// BenchmarkPlainPreview is one preview: five dates and the count over the
// planner's horizon.
func BenchmarkPlainPreview(b *testing.B) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, loc)
	r, err := ParseSchedule("every 4 weeks on thursday 14:00", loc, now)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		PreviewSchedule(r, now)
	}
}
