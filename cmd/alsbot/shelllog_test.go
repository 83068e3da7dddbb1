package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The shell's log never lands in the chat: it goes to alsbot.log under the
// data directory, and the terminal shows only the banner and the answers.
func TestShellLogsToFile(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	script := "@alice setup West\n@alice members add @bob\n"
	if err := run(context.Background(), nil, envOf(map[string]string{"ALSBOT_DATA_DIR": dir}), strings.NewReader(script), &stdout, &stderr); err != nil {
		t.Fatalf("run: %v", err)
	}
	for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
		if strings.Contains(out, "level=") || strings.Contains(out, `"level"`) {
			t.Errorf("%s has log lines:\n%s", name, out)
		}
	}
	if !strings.Contains(stdout.String(), "Welcome to West") {
		t.Errorf("stdout lacks the answers:\n%s", stdout.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, shellLogName))
	if err != nil {
		t.Fatalf("no log file: %v", err)
	}
	if !strings.Contains(string(b), "embedded store started") {
		t.Errorf("log file lacks the store's start:\n%s", b)
	}
}

// When the file cannot be written, only warnings and errors reach stderr.
func TestShellLoggerFallsBackToWarn(t *testing.T) {
	dir := t.TempDir()
	// A directory where the file should be: opening it for writing fails.
	if err := os.Mkdir(filepath.Join(dir, shellLogName), 0o750); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	log, closeLog := shellLogger(Config{DataDir: dir, LogLevel: "debug"}, &stderr)
	defer closeLog()
	log.Info("an info line")
	log.Warn("a warning line")
	out := stderr.String()
	if strings.Contains(out, "an info line") || !strings.Contains(out, "a warning line") || !strings.Contains(out, "cannot be written") {
		t.Errorf("stderr:\n%s", out)
	}
}
