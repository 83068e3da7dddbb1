package bot_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

func TestHelpText(t *testing.T) {
	tests := []struct {
		topic    string
		contains []string
		absent   []string
	}{
		{"", []string{"Set-up", "Sessions", "Rounds", "Actions", "Evaluation & privacy",
			"/als session add <date> <time> [<length>] [<where>]", "/als forget me", "/als retention <days>"}, []string{"home"}},
		{"round start", []string{"/als round start [@presenter] [observer @x]", "Example: /als round start @ana"}, []string{"round next"}},
		{"/als SESSION  add", []string{"/als session add", "Example: /als session add 10/03/2026"}, nil},
		{"round", []string{"/als round start", "/als round next", "/als round end", "/als round status"}, []string{"commit"}},
		{"report", []string{"done|progress|blocked", "Example:"}, nil},
		// What a stuck manager types: the filler is not a topic.
		{"me", []string{"Set-up", "/als forget me"}, nil},
		{"please!", []string{"Set-up"}, nil},
		{"me with commit", []string{"/als commit <text> [by <date>]", "Example: /als commit"}, []string{"round next"}},
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			got, err := bot.HelpText(tt.topic)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.contains {
				if !strings.Contains(got, s) {
					t.Errorf("HelpText(%q) lacks %q:\n%s", tt.topic, s, got)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(got, s) {
					t.Errorf("HelpText(%q) has %q:\n%s", tt.topic, s, got)
				}
			}
		})
	}
}

func TestHelpTextEveryCommand(t *testing.T) {
	all, err := bot.HelpText("")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(all, "\n")
	for _, v := range typedVerbs {
		t.Run(string(v), func(t *testing.T) {
			n := 0
			for _, l := range lines {
				if strings.HasPrefix(l, bot.Usage(v)+":") {
					n++
				}
			}
			if n != 1 {
				t.Errorf("help lists %q %d times, want once", bot.Usage(v), n)
			}
			one, err := bot.HelpText(string(v))
			if err != nil || !strings.Contains(one, "Example: /als ") {
				t.Errorf("HelpText(%q) = %q, %v; want usage and an example", v, one, err)
			}
			// The example of each command must itself parse to that command.
			ex := one[strings.Index(one, "Example: ")+len("Example: "):]
			c, err := bot.Parse(ex)
			if err != nil || c.Verb != v {
				t.Errorf("example %q parses to %q, %v; want %q", ex, c.Verb, err, v)
			}
		})
	}
}

func TestHelpTextUnknown(t *testing.T) {
	for _, topic := range []string{"dance", "roudn", "home"} {
		t.Run(topic, func(t *testing.T) {
			_, err := bot.HelpText(topic)
			if bot.ErrorCode(err) != bot.EINVALID {
				t.Fatalf("HelpText(%q) error %v, want EINVALID", topic, err)
			}
			if !strings.Contains(bot.ErrorMessage(err), "/als help") {
				t.Errorf("message %q should point to /als help", bot.ErrorMessage(err))
			}
		})
	}
}

// Dates are taught day first: no usage line says YYYY-MM-DD and no example
// writes an ISO date, or help contradicts what every other answer teaches.
func TestHelpTeachesDayFirstDates(t *testing.T) {
	iso := regexp.MustCompile(`\b20\d\d-\d\d-\d\d\b`)
	all, err := bot.HelpText("")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(all, "YYYY") {
		t.Errorf("help says YYYY:\n%s", all)
	}
	for _, v := range typedVerbs {
		one, err := bot.HelpText(string(v))
		if err != nil {
			t.Fatal(err)
		}
		ex := one[strings.Index(one, "Example: "):]
		if iso.MatchString(ex) {
			t.Errorf("help %s: example %q writes an ISO date; write it day first", v, ex)
		}
	}
}
