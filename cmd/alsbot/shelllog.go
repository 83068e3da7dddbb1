package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/alsbot/alsbot/bot"
)

// shellLogName is the shell's log file, under ALSBOT_DATA_DIR.
const shellLogName = "alsbot.log"

// shellLogger is the logger of a shell session. The chat is on the
// terminal, and log lines printed there land between a command and its
// answer, so they go to a file under the data directory instead, at the
// configured level. When that file cannot be opened only warnings and
// errors go to stderr, where a person needs to see them. Each line is
// stamped with clock, the shell's clock that `:advance` moves, so a log
// line sits beside the chat it belongs to; nil stamps the real time.
func shellLogger(cfg Config, stderr io.Writer, clock bot.Clock) (*slog.Logger, func()) {
	level, err := parseLevel(cfg.LogLevel)
	if err != nil {
		level = slog.LevelInfo
	}
	path := filepath.Join(cfg.DataDir, shellLogName)
	f, ferr := openLogFile(path)
	if ferr != nil {
		log := newLeveledLogger(stderr, cfg, max(level, slog.LevelWarn), clock)
		log.Warn("the shell's log file cannot be written; only warnings go to stderr", "component", "shell", "path", path, "err", ferr)
		return log, func() {}
	}
	return newLeveledLogger(f, cfg, level, clock), func() { _ = f.Close() }
}

func openLogFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return f, nil
}

// newLeveledLogger is newLogger at a given level, its lines stamped by
// clock (the real time when nil).
func newLeveledLogger(w io.Writer, c Config, level slog.Level, clock bot.Clock) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if clock != nil {
		opts.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Time(slog.TimeKey, clock.Now())
			}
			return a
		}
	}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
