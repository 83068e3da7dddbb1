// Package scheduler holds the time-driven use cases (reminders, phase timers,
// prompts, nudges, digests) and the schedule math they share.
package scheduler

import (
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/alsbot/alsbot/bot"
)

// specParser accepts the 5-field cron grammar of the set commands, with an
// optional CRON_TZ= prefix.
var specParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Spec is a parsed cron spec evaluated in a time zone.
type Spec struct {
	text  string
	sched *cron.SpecSchedule
}

// ParseSpec parses a 5-field cron spec (e.g. "0 9 * * 1"), evaluated in loc
// unless it starts with CRON_TZ=<zone>. Errors are bot.EINVALID with a
// sentence a facilitator can act on.
func ParseSpec(spec string, loc *time.Location) (*Spec, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, bot.Errorf(bot.EINVALID, `The schedule is empty. Write a 5-field cron spec such as "0 9 * * 1" (minute hour day-of-month month day-of-week).`)
	}
	s, err := specParser.Parse(spec)
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "%q is not a valid cron spec (%v). Write 5 fields: minute hour day-of-month month day-of-week, e.g. \"0 9 * * 1\" for Mondays at 09:00.", spec, err)
	}
	ss, ok := s.(*cron.SpecSchedule)
	if !ok {
		// Descriptors like @every give a ConstantDelaySchedule: not calendar based.
		return nil, bot.Errorf(bot.EINVALID, "%q is not a calendar schedule. Write 5 fields, e.g. \"0 9 * * 1\".", spec)
	}
	if !strings.HasPrefix(spec, "CRON_TZ=") && !strings.HasPrefix(spec, "TZ=") {
		ss.Location = loc
	}
	return &Spec{text: spec, sched: ss}, nil
}

// String returns the spec as written.
func (s *Spec) String() string { return s.text }

// Location is the zone the spec is evaluated in.
func (s *Spec) Location() *time.Location { return s.sched.Location }

// Next returns the first occurrence strictly after t, or the zero time if
// there is none within five years.
//
// It walks civil days and wall-clock times in the spec's zone rather than
// using cron's own Next, which skips times in a spring-forward gap and can
// fire twice when clocks fall back. A wall time that does not exist on a day
// (spring forward) occurs at the jump itself; one that occurs twice (fall
// back) occurs once, at its first instant. Several gap times collapse into
// the one jump instant, so it fires once.
func (s *Spec) Next(t time.Time) time.Time {
	loc := s.sched.Location
	if loc == nil {
		loc = time.UTC
	}
	origin := t.Location()
	lt := t.In(loc)
	// Start a day early: on a fall-back day the first instant of a wall time
	// can precede t's own wall reading.
	day := time.Date(lt.Year(), lt.Month(), lt.Day()-1, 12, 0, 0, 0, loc)
	limit := lt.Year() + 5
	for ; day.Year() <= limit; day = time.Date(day.Year(), day.Month(), day.Day()+1, 12, 0, 0, 0, loc) {
		if s.sched.Month&(1<<uint(day.Month())) == 0 || !s.dayMatches(day) {
			continue
		}
		for h := 0; h < 24; h++ {
			if s.sched.Hour&(1<<uint(h)) == 0 {
				continue
			}
			for m := 0; m < 60; m++ {
				if s.sched.Minute&(1<<uint(m)) == 0 {
					continue
				}
				if at := wallInstant(day.Year(), day.Month(), day.Day(), h, m, loc); at.After(t) {
					return at.In(origin)
				}
			}
		}
	}
	return time.Time{}
}

// starBit marks a cron field written as "*" (robfig/cron's encoding).
const starBit = 1 << 63

// dayMatches applies cron's rule: when either day field is "*", both must
// match; otherwise either may.
func (s *Spec) dayMatches(day time.Time) bool {
	dom := s.sched.Dom&(1<<uint(day.Day())) != 0
	dow := s.sched.Dow&(1<<uint(day.Weekday())) != 0
	if s.sched.Dom&starBit != 0 || s.sched.Dow&starBit != 0 {
		return dom && dow
	}
	return dom || dow
}

// wallInstant returns the instant the wall clock in loc reads y-mo-d h:m:
// the first such instant when it occurs twice, and the instant of the jump
// when it does not occur at all.
func wallInstant(y int, mo time.Month, d, h, m int, loc *time.Location) time.Time {
	t := time.Date(y, mo, d, h, m, 0, 0, loc)
	if !sameWall(t.In(loc), y, mo, d, h, m) {
		// A spring-forward gap: time.Date picked one side of the jump.
		start, end := t.ZoneBounds()
		if wallAfter(t.In(loc), y, mo, d, h, m) {
			return start
		}
		return end
	}
	// The same wall time may also exist in the zone period just before
	// (fall back): prefer that earlier instant.
	start, _ := t.ZoneBounds()
	if !start.IsZero() {
		_, offNow := t.Zone()
		_, offPrev := start.Add(-time.Second).Zone()
		if offPrev != offNow {
			alt := t.Add(time.Duration(offNow-offPrev) * time.Second)
			if alt.Before(start) && sameWall(alt.In(loc), y, mo, d, h, m) {
				return alt
			}
		}
	}
	return t
}

func sameWall(t time.Time, y int, mo time.Month, d, h, m int) bool {
	return t.Year() == y && t.Month() == mo && t.Day() == d && t.Hour() == h && t.Minute() == m
}

// wallAfter reports whether t's wall clock reads later than y-mo-d h:m.
func wallAfter(t time.Time, y int, mo time.Month, d, h, m int) bool {
	want := time.Date(y, mo, d, h, m, 0, 0, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	return got.After(want)
}

// Between returns the occurrences in (from, until], at most max of them.
func (s *Spec) Between(from, until time.Time, max int) []time.Time {
	var out []time.Time
	for t := s.Next(from); !t.IsZero() && !t.After(until) && len(out) < max; t = s.Next(t) {
		out = append(out, t)
	}
	return out
}

// ValidateZone loads an IANA zone name; the error says how to write one.
func ValidateZone(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "local") {
		return nil, bot.Errorf(bot.EINVALID, "Give an IANA time zone such as Europe/London or America/New_York.")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "%q is not a time zone I know. Use an IANA name such as Europe/London or America/New_York.", name)
	}
	return loc, nil
}
