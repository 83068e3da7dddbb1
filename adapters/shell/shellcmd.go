package shell

// The shell's own ':' commands: help, :advance and the clock, and the
// {today}/{now+2h} placeholders a script may use.

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

const shellHelp = `[shell] Lines are commands of the user they start with:
  @alice /als setup West set    acts as alice (the /als is optional)
  round start                   a line without @name acts as the previous user
  @bob                          switches to bob without a command
  @names in a command (members add @ana @ben) are shell users
Shell commands:
  :help                         this list
  :now                          shows the bot's clock (UTC)
  :advance <duration>           moves the clock on and delivers what fell due: 90m, 26h, 7d, 1d12h
  :advance to <YYYY-MM-DD> <HH:MM>  moves the clock to that time (UTC)
  :channel [<name>]             shows or switches the channel commands come from (one set per channel)
  :dm / :dm off                 the following lines come from each user's DM with the bot / the channel
In lines, {today}, {tomorrow} and {today+3d} become dates (YYYY-MM-DD) and {now+2h} a date and time
(YYYY-MM-DD HH:MM), from the bot's clock in UTC. Blank lines and lines starting with # are ignored.
`

// shellCommand runs a line starting with ':'.
func (s *Shell) shellCommand(ctx context.Context, line string) {
	fields := strings.Fields(line)
	switch strings.ToLower(fields[0]) {
	case ":help":
		s.print(shellHelp)
	case ":now":
		s.printNow()
	case ":advance":
		target, err := s.advanceTarget(fields[1:])
		if err != nil {
			s.note("%s", bot.ErrorMessage(err))
			return
		}
		s.advance(ctx, target)
	case ":channel":
		switch len(fields) {
		case 1:
			s.note("Commands come from #%s.", s.channel)
		case 2:
			name := strings.TrimPrefix(fields[1], "#")
			if name == "" {
				s.note("Write the channel's name, e.g. `:channel east-set`.")
				return
			}
			s.channel = name
			s.dm = false
			s.note("Commands now come from #%s.", s.channel)
		default:
			s.note("A channel name has no spaces, e.g. `:channel east-set`.")
		}
	case ":dm":
		switch {
		case len(fields) == 1 || (len(fields) == 2 && strings.EqualFold(fields[1], "on")):
			s.dm = true
			s.note("Commands now come from each user's DM with the bot; `:dm off` goes back to #%s.", s.channel)
		case len(fields) == 2 && strings.EqualFold(fields[1], "off"):
			s.dm = false
			s.note("Commands now come from #%s.", s.channel)
		default:
			s.note("Write `:dm` to talk to the bot directly, `:dm off` to go back to the channel.")
		}
	default:
		s.note("%s is not a shell command; `:help` lists them.", fields[0])
	}
}

func (s *Shell) printNow() {
	s.print("[clock] now " + s.clock.Now().UTC().Format("Mon 02 Jan 2006 15:04 MST") + "\n")
}

// advanceTarget reads ":advance <duration>" or ":advance to <date> <time>".
func (s *Shell) advanceTarget(args []string) (time.Time, error) {
	now := s.clock.Now()
	const usage = "Write `:advance <duration>` (e.g. 90m, 26h, 7d, 1d12h) or `:advance to <YYYY-MM-DD> <HH:MM>` (UTC)."
	switch {
	case len(args) == 1:
		d, err := ParseDuration(args[0])
		if err != nil {
			return time.Time{}, bot.Errorf(bot.EINVALID, "%q is not a duration. %s", args[0], usage)
		}
		if d <= 0 {
			return time.Time{}, bot.Errorf(bot.EINVALID, "The clock only moves forward: give a positive duration. %s", usage)
		}
		return now.Add(d), nil
	case len(args) == 3 && strings.EqualFold(args[0], "to"):
		t, err := time.ParseInLocation("2006-01-02 15:04", args[1]+" "+args[2], time.UTC)
		if err != nil {
			return time.Time{}, bot.Errorf(bot.EINVALID, "%q is not a date and time. %s", args[1]+" "+args[2], usage)
		}
		if !t.After(now) {
			return time.Time{}, bot.Errorf(bot.EINVALID, "%s is not after the clock's %s: the clock only moves forward.", t.Format("2006-01-02 15:04"), now.Format("2006-01-02 15:04"))
		}
		return t, nil
	default:
		return time.Time{}, bot.Errorf(bot.EINVALID, "%s", usage)
	}
}

// advance moves the clock to target in steps, calling OnAdvance after each
// so messages come out in order at their time: straight to each due time
// when NextDue says, else by at most Step.
func (s *Shell) advance(ctx context.Context, target time.Time) {
	if s.cfg.OnAdvance == nil {
		s.clock.Set(target.UTC())
		s.printNow()
		return
	}
	for now := s.clock.Now(); now.Before(target); now = s.clock.Now() {
		next := now.Add(s.cfg.Step)
		if s.cfg.NextDue != nil {
			due, err := s.cfg.NextDue(ctx)
			switch {
			case err != nil:
				s.log.Error("next due time", "err", err)
			case due.IsZero():
				next = target
			case due.After(now):
				next = due
			}
		}
		if next.After(target) {
			next = target
		}
		s.clock.Set(next.UTC())
		if err := s.cfg.OnAdvance(ctx); err != nil {
			s.log.Error("deliver due messages", "err", err)
			s.print("[clock] " + next.Format("Mon 02 Jan 2006 15:04 MST") + ": delivering what fell due failed; it is tried again on the next step.\n")
		}
		if ctx.Err() != nil {
			return
		}
	}
	s.printNow()
}

// ParseDuration is time.ParseDuration that also accepts days: "7d",
// "1d12h", "1.5d".
func ParseDuration(text string) (time.Duration, error) {
	text = strings.TrimSpace(text)
	var bad error
	converted := daysRE.ReplaceAllStringFunc(text, func(m string) string {
		f, err := strconv.ParseFloat(strings.TrimSuffix(m, "d"), 64)
		if err != nil {
			bad = err
			return m
		}
		return strconv.FormatFloat(f*24, 'f', -1, 64) + "h"
	})
	if bad != nil {
		return 0, fmt.Errorf("parse duration %q: %w", text, bad)
	}
	d, err := time.ParseDuration(converted)
	if err != nil {
		return 0, fmt.Errorf("parse duration %q: %w", text, err)
	}
	return d, nil
}

var (
	daysRE        = regexp.MustCompile(`[0-9]+(\.[0-9]+)?d`)
	placeholderRE = regexp.MustCompile(`\{(today|tomorrow|now)([+-][0-9.a-z]+)?\}`)
)

// expand replaces {today}, {tomorrow}, {today+3d} with dates and {now+2h}
// with a date and time, from the clock in UTC, so a script can add a session
// relative to whenever it runs. Placeholders with a bad offset stay as
// written (the command then says what is wrong).
func (s *Shell) expand(line string) string {
	if !strings.Contains(line, "{") {
		return line
	}
	now := s.clock.Now().UTC()
	return placeholderRE.ReplaceAllStringFunc(line, func(m string) string {
		sub := placeholderRE.FindStringSubmatch(m)
		t := now
		if sub[1] == "tomorrow" {
			t = t.AddDate(0, 0, 1)
		}
		if sub[2] != "" {
			d, err := ParseDuration(strings.TrimPrefix(sub[2], "+"))
			if err != nil {
				return m
			}
			t = t.Add(d)
		}
		if sub[1] == "now" {
			return t.Format("2006-01-02 15:04")
		}
		return t.Format("2006-01-02")
	})
}
