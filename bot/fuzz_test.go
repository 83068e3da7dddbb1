package bot_test

import (
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/alsbot/alsbot/bot"
)

// FuzzParse checks that Parse never panics, that every error is an EINVALID
// *bot.Error with a message, and that accepted free text is within the limit.
// Run: go test -fuzz=FuzzParse -fuzztime=60s ./bot
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "/als", "help round start", "setup West set", "members add @a @b", "members remove @a",
		"facilitator add @c", "mentor @m for @n", "timezone Europe/London",
		"phases presenting=10m questioning=25m action=5m process-review=10m", "observer on",
		"reminders 7d,1d,1h", `nudges "0 9 * * 1"`, "nudges “0 9 * * 1”",
		"session add 2026-03-10 09:30 2h Room 4", `schedule "0 18 * * 2" 2h`, "schedule off",
		"sessions", "session cancel 2", "session cancel 2026-03-10", "session start", "session end",
		"here", "bid my issue", "round start @a observer @b", "round next", "round end", "round status",
		"commit do it by 2026-03-01", "actions", "report c12 done it", "feedback 4 ok",
		"mentoring log @a 2026-02-20 note", "stats", "export", "mydata", "forget me", "set archive",
		"retention 365", "home",
		"session add 2026-02-30 09:00", "session add 2026-03-10 25:00", "reminders 0m,61d,7x",
		"phases talk=1m", "feedback 6", "retention 0", "report C-1 maybe x", `nudges "0 9`,
		"\"", "“", "”", "@", "@@", "commit \x00\xff", "reminders 999999999999d", "phases action=99999999h",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := bot.Parse(in)
		if err != nil {
			var e *bot.Error
			if !errors.As(err, &e) || e.Code != bot.EINVALID || e.Message == "" {
				t.Fatalf("Parse(%q) error %#v, want an EINVALID *bot.Error with a message", in, err)
			}
			return
		}
		if c.Verb == "" {
			t.Fatalf("Parse(%q) succeeded without a verb", in)
		}
		// Every string the verb's arguments hold is free text or a token
		// of it: none may exceed the limit.
		args := reflect.ValueOf(c.Args)
		if args.Kind() != reflect.Struct {
			t.Fatalf("Parse(%q) arguments %T, want a struct", in, c.Args)
		}
		for i := 0; i < args.NumField(); i++ {
			if f := args.Field(i); f.Kind() == reflect.String {
				if n := utf8.RuneCountInString(f.String()); n > bot.MaxTextLen {
					t.Fatalf("Parse(%q) accepted %d characters of text", in, n)
				}
			}
		}
	})
}
