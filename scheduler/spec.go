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
func (s *Spec) Next(t time.Time) time.Time { return s.sched.Next(t) }

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
