package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
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
	log, closeLog := shellLogger(Config{DataDir: dir, LogLevel: "debug"}, &stderr, nil)
	defer closeLog()
	log.Info("an info line")
	log.Warn("a warning line")
	out := stderr.String()
	if strings.Contains(out, "an info line") || !strings.Contains(out, "a warning line") || !strings.Contains(out, "cannot be written") {
		t.Errorf("stderr:\n%s", out)
	}
}

// The shell's log lines carry the shell's clock, which :advance moves, not
// the real date, so they can be read beside the chat.
func TestShellLogUsesShellClock(t *testing.T) {
	dir := t.TempDir()
	clock := bot.NewManualClock(time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC))
	log, closeLog := shellLogger(Config{DataDir: dir, LogLevel: "info"}, io.Discard, clock)
	log.Info("before")
	clock.Set(time.Date(2031, 5, 8, 10, 0, 0, 0, time.UTC))
	log.Info("after")
	closeLog()
	b, err := os.ReadFile(filepath.Join(dir, shellLogName))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"time=2031-05-06T07:08:09.000Z level=INFO msg=before", "time=2031-05-08T10:00:00.000Z level=INFO msg=after"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("log file lacks %q:\n%s", want, b)
		}
	}
}
