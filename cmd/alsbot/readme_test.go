package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/shell"
	"github.com/alsbot/alsbot/internal/golden"
)

// TestReadmeExcerpt: the worked example in README.md is what the shell
// prints for examples/readme-session.als, scheduler and all, as
// `go run ./cmd/alsbot` runs it (on the day the excerpt was taken),
// and the user guide's worked session is the whole of that run, so neither
// can drift from what the bot says.
func TestReadmeExcerpt(t *testing.T) {
	script, err := os.Open("../../examples/readme-session.als")
	if err != nil {
		t.Fatal(err)
	}
	defer script.Close()
	var stdout bytes.Buffer
	clock := shell.NewClock(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	cfg := Config{DataDir: t.TempDir(), rolesSeed: 1}
	log := slog.New(slog.DiscardHandler)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore(ctx, store, log)
	if err := runShell(ctx, cfg, store, clock, script, &stdout, io.Discard, log); err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	const guidePath = "../../docs/user-guide.md"
	if golden.Updating() {
		replaceBlock(t, guidePath, "> @fran /als setup", out)
	}
	if guide := codeBlockAfter(t, guidePath, "> @fran /als setup"); guide != out {
		t.Errorf("docs/user-guide.md's worked session is not what the script prints now (go test -run TestReadmeExcerpt -update rewrites it); the run:\n%s", out)
	}
	excerpt := codeBlockAfter(t, "../../README.md", "## A worked example")
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

// codeBlockAfter is the first code block of the file at path that comes
// after the text from (or starts with it).
func codeBlockAfter(t *testing.T, path, from string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), from)
	if i < 0 {
		t.Fatalf("%s has no %q", path, from)
	}
	rest := string(b)[i:]
	if !strings.HasPrefix(from, "> ") {
		_, rest, _ = strings.Cut(rest, "```\n")
	}
	block, _, _ := strings.Cut(rest, "```")
	return block
}

// replaceBlock rewrites the code block of the file at path that starts
// with from as block.
func replaceBlock(t *testing.T, path, from, block string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, from)
	j := strings.Index(s[max(i, 0):], "```")
	if i < 0 || j < 0 {
		t.Fatalf("%s has no code block starting %q", path, from)
	}
	if err := os.WriteFile(path, []byte(s[:i]+block+s[i+j:]), 0o644); err != nil {
		t.Fatal(err)
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
