package handlers_test

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestReadmeExcerpt: the worked example in README.md is what running
// examples/readme-session.als prints (on the day the excerpt was taken), so
// the front page cannot drift from what the bot says.
func TestReadmeExcerpt(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "## A worked example")
	if !ok {
		t.Fatal("README.md has no worked example")
	}
	_, rest, _ = strings.Cut(rest, "```\n")
	excerpt, _, _ := strings.Cut(rest, "```")
	run := runScript(t, "../examples/readme-session.als", time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	out := run.out.String()
	n := 0
	for _, block := range excerptBlocks(excerpt) {
		n++
		if !strings.Contains(out, block) {
			t.Errorf("README shows\n%s\nbut the run printed no such message; the run:\n%s", block, out)
			break
		}
	}
	if n < 5 {
		t.Fatalf("only %d messages in the README excerpt: has its layout changed?", n)
	}
}

// excerptBlocks are the bot's messages in an excerpt: a line starting with
// "[" and its indented continuation lines; typed lines ("> …") and elisions
// ("…") end a block.
func excerptBlocks(excerpt string) []string {
	var bs []string
	open := false
	for _, line := range strings.Split(excerpt, "\n") {
		switch {
		case strings.HasPrefix(line, "["):
			bs = append(bs, line)
			open = true
		case open && strings.HasPrefix(line, "  "):
			bs[len(bs)-1] += "\n" + line
		default:
			open = false
		}
	}
	return bs
}
