package bot_test

import (
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// Arrival in the words people use runs `here` (issue 13: "I am here" was
// answered "Did you mean /als bid?").
func TestParseHereAliases(t *testing.T) {
	for _, in := range []string{"I am here", "im here", "I'm here", "i’m here", "I'm here!", "/als I am here", "here!", "here.", "HERE"} {
		t.Run(in, func(t *testing.T) {
			got, err := bot.Parse(in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", in, err)
			}
			if got.Verb != bot.VerbHere {
				t.Fatalf("Parse(%q) = %s, want %s", in, got.Verb, bot.VerbHere)
			}
		})
	}
}

// Everyday phrasings are answered with the command they mean, never with
// a look-alike by spelling ("start round" -> stats, "next" -> not).
func TestParsePhrasingsSuggest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"check in", "Did you mean /als here?"},
		{"checkin", "Did you mean /als here?"},
		{"present", "Did you mean /als here?"},
		{"arrived", "Did you mean /als here?"},
		{"I am here now", "Did you mean /als here?"},
		{"start round", "Did you mean /als round start?"},
		{"next round", "Did you mean /als round start?"},
		{"next", "Did you mean /als round next?"},
		{"end round", "Did you mean /als round end?"},
		{"start session", "Did you mean /als session start?"},
		{"end session", "Did you mean /als session end?"},
		{"end", "Did you mean /als round end or /als session end?"},
		{"status", "Did you mean /als session status or /als round status?"},
		{"commitments", "Did you mean /als actions?"},
		{"my actions", "Did you mean /als actions?"},
		{"statistics", "Did you mean /als stats?"},
		// Words in a manager's order, not the verb's.
		{"add members @ana @ben", "Did you mean /als members add @a @b?"},
		{"add member @ana", "Did you mean /als members add @a @b?"},
		{"remove member @ana", "Did you mean /als members remove @a?"},
		{"add facilitator @ben", "Did you mean /als facilitator add @a?"},
		{"session open", "Did you mean /als session start?"},
		{"session close", "Did you mean /als session end?"},
		{"round stop", "Did you mean /als round end?"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := bot.Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", tt.in, got)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.want) {
				t.Errorf("Parse(%q) error %q\nwant it to contain %q", tt.in, msg, tt.want)
			}
		})
	}
}

// Punctuation is trimmed only to find a one-word verb; "round." is still
// the round family, and text after the verb is kept as written.
func TestParsePunctuationKeepsArguments(t *testing.T) {
	got, err := bot.Parse("bid! Agency cover")
	if err != nil {
		t.Fatal(err)
	}
	if got.Verb != bot.VerbBid {
		t.Fatalf("Parse = %s, want bid", got.Verb)
	}
}
