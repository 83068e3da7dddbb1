package bot

import (
	"strings"
	"testing"
	"time"
)

// today is Thursday 3 December 2026 in London.
func whenToday(t *testing.T) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	return time.Date(2026, 12, 3, 10, 0, 0, 0, loc)
}

func TestParseDateAccepted(t *testing.T) {
	today := whenToday(t)
	for _, tc := range []struct{ in, want, past string }{
		{"2026-12-31", "2026-12-31", ""},
		{"2026/12/31", "2026-12-31", ""},
		{"31/12/2026", "2026-12-31", ""},
		{"31/12/26", "2026-12-31", ""},
		{"1/2/2027", "2027-02-01", ""},
		{"31-12-2026", "2026-12-31", ""},
		{"31.12.2026", "2026-12-31", ""},
		{"31/12", "2026-12-31", ""},
		{"2/1", "2027-01-02", "2026-01-02"},
		{"1/12", "2026-12-01", "2026-12-01"}, // two days ago: kept (the use case says it has passed), not next year's
		{"31 Dec", "2026-12-31", "2025-12-31"},
		{"31 dec.", "2026-12-31", ""},
		{"31st December", "2026-12-31", ""},
		{"31 December 2026", "2026-12-31", ""},
		{"1st of March 2027", "2027-03-01", ""},
		{"Dec 31", "2026-12-31", ""},
		{"December 31st 2026", "2026-12-31", ""},
		{"sept 1", "2027-09-01", ""},
		{"Thu 31 Dec", "2026-12-31", ""},
		{"Thursday 31st December 2026", "2026-12-31", ""},
		{"Fri 4/12/2026", "2026-12-04", ""},
		{"the 15th", "2026-12-15", "2026-11-15"},
		{"the 1st", "2027-01-01", "2026-12-01"},
		{"15th", "2026-12-15", ""},
		{"today", "2026-12-03", "2026-12-03"},
		{"tomorrow", "2026-12-04", ""},
		{"Tomorrow", "2026-12-04", ""},
		{"yesterday", "2026-12-02", "2026-12-02"},
		{"friday", "2026-12-04", "2026-11-27"},
		{"fri", "2026-12-04", ""},
		{"thursday", "2026-12-10", "2026-11-26"}, // said on a Thursday: next week's / last week's
		{"next friday", "2026-12-04", "2026-12-04"},
		{"this friday", "2026-12-04", ""},
		{"next monday", "2026-12-07", ""},
		{"last friday", "2026-11-27", "2026-11-27"},
		{"friday week", "2026-12-11", "2026-12-11"}, // UK: a week after the coming friday
		{"thursday week", "2026-12-10", ""},         // said on a Thursday: a week today
		{"in 3 days", "2026-12-06", ""},
		{"in 2 weeks", "2026-12-17", ""},
		{"in 2weeks", "2026-12-17", ""},
		{"in a week", "2026-12-10", ""},
		{"in a fortnight", "2026-12-17", ""},
		{"in 1 month", "2027-01-03", ""},
		{"within 10 days", "2026-12-13", ""},
		{"end of the month", "2026-12-31", ""},
		{"end of week", "2026-12-04", ""},
		{"end of next week", "2026-12-11", ""},
		{"the end of next month", "2027-01-31", ""},
		{"the end of the month", "2026-12-31", ""},
		{"29/02", "2028-02-29", "2024-02-29"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			spec, err := ParseDate(tc.in)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tc.in, err)
			}
			got, err := spec.Resolve(today)
			if err != nil {
				t.Fatalf("Resolve(%q): %v", tc.in, err)
			}
			if got.String() != tc.want {
				t.Errorf("%q = %s, want %s", tc.in, got, tc.want)
			}
			if tc.past != "" {
				got, err := spec.ResolvePast(today)
				if err != nil || got.String() != tc.past {
					t.Errorf("%q ResolvePast = %s, %v; want %s", tc.in, got, err, tc.past)
				}
			}
			if spec.String() != strings.Join(strings.Fields(tc.in), " ") {
				t.Errorf("String() = %q, want it as written", spec.String())
			}
		})
	}
}

func TestParseDateRefused(t *testing.T) {
	today := whenToday(t)
	for _, tc := range []struct{ in, want string }{
		{"31/02/2026", "February 2026 has no day 31"},
		{"29/02/2027", "February 2027 has no day 29"},
		{"12/31/2026", "did you mean 31/12/2026?"},
		{"12/31", "did you mean 31/12?"},
		{"2026-13-01", "no month 13"},
		{"2026-02-30", "has no day 30"},
		{"31/13/2026", "no month 13"},
		{"32/12/2026", "no day 32"},
		{"1/1/1999", "1999 is not a year"},
		{"31/12/202", "day first"},
		{"3l/12/2026", "not a date"},
		{"31 Decmber", "Did you mean 31 december?"},
		{"next fryday", "Did you mean next friday?"},
		{"next week", "Say which day"},
		{"last week", "Say which day"},
		{"December", "is a month, not a day"},
		{"in 2 fortnites", "in 2 days"},
		{"in 3", "needs a unit"},
		{"in 999 months", "too far ahead"},
		{"end of term", "end of the week, end of next week"},
		{"the 32nd", "no day 32"},
		{"31 feb", "February has no day 31"},
		{"tomorrow morning", "not a date"},
		{"banana", "not a date"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			spec, err := ParseDate(tc.in)
			if err == nil {
				d, rerr := spec.Resolve(today)
				t.Fatalf("ParseDate(%q) = %v (%v), want an error", tc.in, d, rerr)
			}
			if ErrorCode(err) != EINVALID {
				t.Errorf("code %q, want invalid", ErrorCode(err))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestResolveWeekdayMismatch(t *testing.T) {
	spec, err := ParseDate("Fri 31 Dec 2026")
	if err != nil {
		t.Fatal(err)
	}
	_, err = spec.Resolve(whenToday(t))
	if err == nil || !strings.Contains(err.Error(), "Thu 31 Dec 2026 is a Thursday, not a Friday") {
		t.Fatalf("got %v, want the weekday mismatch explained", err)
	}
}

func TestReadDateLeavesText(t *testing.T) {
	for _, in := range []string{"", "phone", "2 people", "in person", "next steps agreed", "Friday's meeting", "the team", "end"} {
		_, n, err := ReadDate(strings.Fields(in))
		if err != nil || n != 0 {
			t.Errorf("ReadDate(%q) = %d words, %v; want text", in, n, err)
		}
	}
}

func TestParseTimeOfDay(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"14:00", "14:00"},
		{"9:30", "09:30"},
		{"09:30", "09:30"},
		{"14.30", "14:30"},
		{"2pm", "14:00"},
		{"2 pm", "14:00"},
		{"2PM", "14:00"},
		{"2.30pm", "14:30"},
		{"2:30pm", "14:30"},
		{"9.30am", "09:30"},
		{"9am", "09:00"},
		{"12pm", "12:00"},
		{"12am", "00:00"},
		{"12:30am", "00:30"},
		{"2p.m.", "14:00"},
		{"noon", "12:00"},
		{"midday", "12:00"},
		{"midnight", "00:00"},
		{"00:00", "00:00"},
		{"02:30", "02:30"},
		{"23:59", "23:59"},
	} {
		got, err := ParseTimeOfDay(tc.in)
		if err != nil || got.String() != tc.want {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"25:00", "hours go from 00 to 23"},
		{"14:60", "minutes go up to 59"},
		{"13pm", "hours go from 1 to 12"},
		{"0am", "hours go from 1 to 12"},
		{"2.30", "could be morning or afternoon. Write 2.30pm (or 14:30), or 02:30"},
		{"2:5", "not a time"},
		{"14", "bare number"},
		{"1400", "not a time"},
		{"14:00:00", "not a time"},
		{"2xm", "not a time"},
		{"afternoon", "not a time"},
	} {
		_, err := ParseTimeOfDay(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseTimeOfDay(%q) error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"90", 90 * time.Minute},
		{"90m", 90 * time.Minute},
		{"90min", 90 * time.Minute},
		{"90 mins", 90 * time.Minute},
		{"90 minutes", 90 * time.Minute},
		{"2h", 2 * time.Hour},
		{"2H", 2 * time.Hour},
		{"2 h", 2 * time.Hour},
		{"2hrs", 2 * time.Hour},
		{"2 hours", 2 * time.Hour},
		{"1.5h", 90 * time.Minute},
		{"1.5 hours", 90 * time.Minute},
		{"1.25h", 75 * time.Minute},
		{"1h30", 90 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"1h 30m", 90 * time.Minute},
		{"1 hour 30 minutes", 90 * time.Minute},
		{"1hr30", 90 * time.Minute},
	} {
		got, err := ParseDuration(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"1.5x", "not a length of time"},
		{"1.5", "Did you mean 1.5h?"},
		{"90s", "not a length of time"},
		{"2hh", "not a length of time"},
		{"1h1h", "not a length of time"},
		{"30m1h", "not a length of time"},
		{"1.5m", "not a length of time"},
		{"1..5h", "not a length of time"},
		{"1h30x", "not a length of time"},
		{"2 h 30", "not a length of time"}, // minutes after hours need their unit
		{"two hours", "not a length of time"},
	} {
		_, err := ParseDuration(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseDuration(%q) error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestLengthText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		45 * time.Minute: "45 min", 2 * time.Hour: "2 h", 90 * time.Minute: "1 h 30 min", 0: "0 min",
	} {
		if got := lengthText(d); got != want {
			t.Errorf("lengthText(%v) = %q, want %q", d, got, want)
		}
	}
}

// The commit examples: a date after "by" at the end is the due
// date; one that looks like a date but is not is refused, never kept as text.
func TestReadDue(t *testing.T) {
	today := whenToday(t)
	for _, tc := range []struct{ in, text, due string }{
		{"Talk to the agency about notice periods by 31/12/2026", "Talk to the agency about notice periods", "2026-12-31"},
		{"Talk to the agency by next friday", "Talk to the agency", "2026-12-04"},
		{"Talk to HR about exit interviews by friday week", "Talk to HR about exit interviews", "2026-12-11"},
		{"Talk to the agency by 2026-12-31", "Talk to the agency", "2026-12-31"},
		{"Call Ana by tomorrow", "Call Ana", "2026-12-04"},
		{"Draft the rota by 31 Dec", "Draft the rota", "2026-12-31"},
		{"Draft the rota by the end of the month", "Draft the rota", "2026-12-31"},
		{"Draft the rota due 15/1/2027", "Draft the rota", "2027-01-15"},
		{"Draft the rota in 2 weeks", "Draft the rota in 2 weeks", ""}, // no "by": text
		{"Improve handovers by writing a checklist", "Improve handovers by writing a checklist", ""},
		{"Reach the team by phone", "Reach the team by phone", ""},
		{"Cut waiting by 2 people by friday", "Cut waiting by 2 people", "2026-12-04"},
		{"Go by", "Go by", ""},
	} {
		words := strings.Fields(tc.in)
		n, due, err := ReadDue(words)
		if err != nil {
			t.Errorf("ReadDue(%q): %v", tc.in, err)
			continue
		}
		if got := strings.Join(words[:n], " "); got != tc.text {
			t.Errorf("ReadDue(%q) text %q, want %q", tc.in, got, tc.text)
		}
		got := ""
		if !due.IsZero() {
			d, err := due.Resolve(today)
			if err != nil {
				t.Fatal(err)
			}
			got = d.String()
		}
		if got != tc.due {
			t.Errorf("ReadDue(%q) due %q, want %q", tc.in, got, tc.due)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"Talk to the agency by 31/02/2026", "has no day 31"},
		{"Talk to the agency by 12/31/2026", "did you mean 31/12/2026?"},
		{"Talk to the agency by next fryday", "Did you mean next friday?"},
		{"Talk to the agency by next week", "Say which day"},
		{"Talk to the agency by friday morning", "Put the date at the end"},
		{"Talk to the agency by December", "Write the day too"},
	} {
		_, _, err := ReadDue(strings.Fields(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadDue(%q) error %v, want %q", tc.in, err, tc.want)
		}
	}
}

// The session add examples: what follows the time is a length (or
// an end time) when it starts with a digit, and only then the place.
func TestReadSessionWhen(t *testing.T) {
	today := whenToday(t)
	for _, tc := range []struct {
		in, date, at string
		dur          time.Duration
		where        string
	}{
		{"2026-12-23 14:00 90", "2026-12-23", "14:00", 90 * time.Minute, ""},
		{"2026-12-23 14:00 1.5h Teams link https://teams.example/x", "2026-12-23", "14:00", 90 * time.Minute, "Teams link https://teams.example/x"},
		{"2026-12-23 14:00", "2026-12-23", "14:00", 0, ""},
		{"2026-12-23 14:00 Room 4", "2026-12-23", "14:00", 0, "Room 4"},
		{"23/12/2026 2pm 2h Room 4", "2026-12-23", "14:00", 2 * time.Hour, "Room 4"},
		{"23/12 2 pm 2 h Room 4", "2026-12-23", "14:00", 2 * time.Hour, "Room 4"},
		{"23 Dec 2.30pm 1h30 Town Hall", "2026-12-23", "14:30", 90 * time.Minute, "Town Hall"},
		{"tomorrow at noon 90m", "2026-12-04", "12:00", 90 * time.Minute, ""},
		{"next friday 14:00-16:00 Room 4", "2026-12-04", "14:00", 2 * time.Hour, "Room 4"},
		{"next friday 2-4pm", "2026-12-04", "14:00", 2 * time.Hour, ""},
		{"next friday 2pm-4.30pm", "2026-12-04", "14:00", 150 * time.Minute, ""},
		{"next friday 14:00 to 16:00 Room 4", "2026-12-04", "14:00", 2 * time.Hour, "Room 4"},
		{"next friday 14:00 16:00", "2026-12-04", "14:00", 2 * time.Hour, ""},
		{"2026-12-23 14:00 2h 4 Elm Street", "2026-12-23", "14:00", 2 * time.Hour, "4 Elm Street"},
		{"2026-12-23 14:00 2nd floor", "2026-12-23", "14:00", 0, "2nd floor"},
		{"2026-12-23 14:00-16:00 4th Avenue", "2026-12-23", "14:00", 2 * time.Hour, "4th Avenue"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			words := strings.Fields(tc.in)
			sw, err := ReadSessionWhen(words)
			if err != nil {
				t.Fatalf("ReadSessionWhen(%q): %v", tc.in, err)
			}
			d, err := sw.Date.Resolve(today)
			if err != nil {
				t.Fatal(err)
			}
			if d.String() != tc.date || sw.At.String() != tc.at || sw.Duration != tc.dur {
				t.Errorf("got %s %s %v, want %s %s %v", d, sw.At, sw.Duration, tc.date, tc.at, tc.dur)
			}
			if got := strings.Join(words[sw.Rest:], " "); got != tc.where {
				t.Errorf("where %q, want %q", got, tc.where)
			}
		})
	}
	for _, tc := range []struct{ in, want string }{
		{"", "Give the date and the start time"},
		{"Room 4", "not a date"},
		{"2026-12-23", "Give the start time"},
		{"2026-12-23 Room", "not a time"},
		{"2026-12-23 25:00", "hours go from 00 to 23"},
		{"12/23/2026 14:00", "did you mean 23/12/2026?"},
		{"31/02/2026 14:00", "has no day 31"},
		{"2026-12-23 14:00 1.5x Teams", "\"1.5x\" is not a length of time"},
		{"2026-12-23 14:00 4 Elm Street", "Did you mean 4h?"},
		{"2026-12-23 14:00 0", "A session lasts from 15 min to 12 h"},
		{"2026-12-23 14:00 13h", "A session lasts from 15 min to 12 h"},
		{"2026-12-23 14:00 1:30", "neither a length nor an end time"},
		{"2026-12-23 16:00-14:00", "The end time is not after the start time"},
		{"2026-12-23 14:00-", "not a time range"},
		{"2026-12-23 14:00 to", "Give the end time"},
	} {
		_, err := ReadSessionWhen(strings.Fields(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadSessionWhen(%q) error %v, want %q", tc.in, err, tc.want)
		}
	}
}

// mentoring log @ana 16/12/2026 note: the date is read first, in the past.
func TestReadDateMentoring(t *testing.T) {
	today := time.Date(2026, 12, 20, 10, 0, 0, 0, time.UTC)
	words := strings.Fields("16/12 Talked through the rota")
	spec, n, err := ReadDate(words)
	if err != nil || n != 1 {
		t.Fatalf("ReadDate = %d, %v", n, err)
	}
	d, err := spec.ResolvePast(today)
	if err != nil || d.String() != "2026-12-16" {
		t.Fatalf("ResolvePast = %s, %v", d, err)
	}
	if _, _, err := ReadDate(strings.Fields("16/13/2026 note")); err == nil {
		t.Fatal("a bad date before the note was accepted")
	}
}

// FuzzWhen: no input makes the readers panic or claim more words than given.
func FuzzWhen(f *testing.F) {
	for _, s := range []string{"2026-12-23 14:00 1.5h Teams", "next friday 2-4pm", "by 31/02", "1h30m", "2-m", "14:00-", "-", "in a", "the end of", "Fri 31 Dec 2026", "12/31"} {
		f.Add(s)
	}
	today := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		words := strings.Fields(s)
		if sw, err := ReadSessionWhen(words); err == nil {
			if sw.Rest > len(words) {
				t.Fatalf("Rest %d beyond %d words", sw.Rest, len(words))
			}
			_, _ = sw.Date.Resolve(today)
		}
		if n, due, err := ReadDue(words); err == nil && (n > len(words) || n < 0) {
			t.Fatalf("text length %d of %d words", n, len(words))
		} else if err == nil && !due.IsZero() {
			_, _ = due.ResolvePast(today)
		}
		if _, n, err := ReadDuration(words); err == nil && n > len(words) {
			t.Fatalf("duration used %d of %d words", n, len(words))
		}
		if _, n, err := ReadTime(words); err == nil && n > len(words) {
			t.Fatalf("time used %d of %d words", n, len(words))
		}
	})
}

func BenchmarkReadSessionWhen(b *testing.B) {
	words := strings.Fields("next friday 2.30pm 1h30 Teams link https://teams.example/x")
	for b.Loop() {
		if _, err := ReadSessionWhen(words); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLookupZone(b *testing.B) {
	for b.Loop() {
		if _, err := LookupZone("europe/london"); err != nil {
			b.Fatal(err)
		}
	}
}

// A whole date, time or length with more after it is refused, naming what
// was expected and showing forms that work (readWhole, shared by the three).
func TestParseWholeRefusesMore(t *testing.T) {
	for _, tc := range []struct {
		in   string
		err  error
		want string
	}{
		{"tomorrow morning", func() error { _, err := ParseDate("tomorrow morning"); return err }(), `"tomorrow morning" is not a date. Write e.g. ` + dateExamples},
		{"14:00 sharp", func() error { _, err := ParseTimeOfDay("14:00 sharp"); return err }(), `"14:00 sharp" is not a time. Write e.g. ` + timeExamples},
		{"90 please", func() error { _, err := ParseDuration("90 please"); return err }(), `"90 please" is not a length of time. Write e.g. ` + durationExamples},
		{"", func() error { _, err := ParseDuration(""); return err }(), `"" is not a length of time.`},
	} {
		if ErrorCode(tc.err) != EINVALID || !strings.Contains(ErrorMessage(tc.err), tc.want) {
			t.Errorf("%q: error %v, want EINVALID saying %q", tc.in, tc.err, tc.want)
		}
	}
}
