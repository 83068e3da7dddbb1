package scheduler

// Previewing a schedule, and explaining a cron spec's mistakes in plain words.

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// PreviewHorizon is how far ahead the planner creates recurring sessions;
// a preview counts the sessions a schedule makes within it.
const PreviewHorizon = materializeAhead

// PreviewMax is the most sessions the planner creates for one schedule.
const PreviewMax = 200

// Preview is what a facilitator sees before a schedule is set.
type Preview struct {
	Next  []time.Time // the next five occurrences
	Count int         // occurrences within PreviewHorizon (at most PreviewMax)
	// Warning explains a cron spec that is probably not what was meant
	// (day of month and day of week both given).
	Warning string
}

// PreviewSchedule lists the next five occurrences after now and counts those
// within the planner's horizon.
func PreviewSchedule(r Recurring, now time.Time) Preview {
	all := r.Between(now, now.Add(PreviewHorizon), PreviewMax)
	pv := Preview{Next: r.Between(now, now.AddDate(10, 0, 0), 5), Count: len(all)}
	if s, ok := r.(*Spec); ok {
		pv.Warning = ExplainDayRule(s.String(), len(all))
	}
	return pv
}

// ExplainDayRule explains cron's rule when a spec restricts both the day of
// the month and the day of the week: cron then runs on days matching
// EITHER, which is rarely what was meant ("0 14 1-7 * 5" is every day of the
// first week and every Friday, not the first Friday). count is how many
// sessions the spec makes within the horizon. Empty when the rule does not
// apply.
func ExplainDayRule(spec string, count int) string {
	f := strings.Fields(spec)
	if len(f) > 0 && strings.HasPrefix(f[0], "CRON_TZ=") || len(f) > 0 && strings.HasPrefix(f[0], "TZ=") {
		f = f[1:]
	}
	if len(f) != 5 || f[2] == "*" || f[2] == "?" || f[4] == "*" || f[4] == "?" {
		return ""
	}
	msg := fmt.Sprintf("This spec gives both a day of the month (%s) and a day of the week (%s). Cron runs on days that match EITHER of them, not both, so it makes %d sessions in the next %d days.", f[2], f[4], count, int(PreviewHorizon.Hours()/24)-1)
	nth := map[string]string{"1-7": "first", "8-14": "second", "15-21": "third", "22-28": "fourth"}[f[2]]
	if wd, err := strconv.Atoi(f[4]); err == nil && nth != "" && wd >= 0 && wd <= 6 {
		if h, err1 := strconv.Atoi(f[1]); err1 == nil {
			if m, err2 := strconv.Atoi(f[0]); err2 == nil {
				msg += fmt.Sprintf(" For the %s %s of each month, write: schedule monthly %s %s %02d:%02d.", nth, time.Weekday(wd), nth, strings.ToLower(time.Weekday(wd).String()), h, m)
				return msg
			}
		}
	}
	return msg + " For one weekday of the month, write e.g. schedule monthly first friday 14:00."
}

// cronFields name the five fields with the values each may take.
func cronFields() [5]struct{ name, values string } {
	return [5]struct{ name, values string }{
		{"minute", "0-59"},
		{"hour", "0-23"},
		{"day of month", "1-31"},
		{"month", "1-12 or jan-dec"},
		{"day of week", "0-6 (Sunday=0) or sun-sat"},
	}
}

// checkCron explains what is wrong with a cron spec in plain words, field by
// field, instead of robfig/cron's "end of range (8) above maximum (6): 8".
func checkCron(spec string) error {
	f := strings.Fields(spec)
	if len(f) > 0 && (strings.HasPrefix(f[0], "CRON_TZ=") || strings.HasPrefix(f[0], "TZ=")) {
		f = f[1:]
	}
	if len(f) == 1 && strings.HasPrefix(f[0], "@") {
		return nil // descriptors: ParseSpec says what it thinks of them
	}
	if len(f) != 5 {
		return bot.Errorf(bot.EINVALID, "A cron spec has 5 fields (minute hour day-of-month month day-of-week), e.g. \"0 14 * * 4\" for Thursdays at 14:00; %q has %d. Or write a plain schedule, e.g. %s.", plainClip(spec), len(f), plainExamples)
	}
	for i := range f {
		probe := []string{"0", "0", "*", "*", "*"}
		probe[i] = f[i]
		_, err := specParser.Parse(strings.Join(probe, " "))
		if err == nil {
			continue
		}
		// robfig/cron says "end of range (8) above maximum (6): 8"; say
		// which field and what it may hold.
		why := " is not a number, a range (1-5), a list (1,3) or a step (*/2)"
		if e := err.Error(); strings.Contains(e, "above maximum") || strings.Contains(e, "below minimum") {
			why = " is out of range"
		}
		fd := cronFields()[i]
		return bot.Errorf(bot.EINVALID, "In the cron spec %q (minute hour day-of-month month day-of-week) the %s %q%s: the %s must be %s. Or write a plain schedule, e.g. %s.", plainClip(spec), fd.name, f[i], why, fd.name, fd.values, plainExamples)
	}
	return nil
}
