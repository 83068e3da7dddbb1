package deployments

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// docFiles are README.md and every page under docs/.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{filepath.Join(root, "README.md")}, files...)
}

// TestDocumentedCommandsParse: every concrete command the documentation
// shows as `/als …` (no <placeholder>, no [optional part]) is one the
// bot's parser accepts, so a page cannot teach a command that is refused.
func TestDocumentedCommandsParse(t *testing.T) {
	span := regexp.MustCompile("`/als ([^`]+)`")
	n := 0
	for _, f := range docFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range span.FindAllStringSubmatch(string(b), -1) {
			text := m[1]
			if strings.ContainsAny(text, "<[…|") || strings.Contains(text, "...") {
				continue // a usage line, not a command
			}
			n++
			if _, err := bot.Parse(text); err != nil {
				t.Errorf("%s: `/als %s` does not parse: %v", filepath.Base(f), text, err)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d commands found in the docs: has the scan broken?", n)
	}
}

// TestDocLinks: every relative link of README.md and docs/ names a file
// that exists.
func TestDocLinks(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	for _, f := range docFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path := filepath.Clean(filepath.Join(filepath.Dir(f), target))
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links to %s, which does not exist", filepath.Base(f), target)
			}
		}
	}
}
