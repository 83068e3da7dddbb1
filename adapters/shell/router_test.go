package shell_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/adapters/shell"
	"github.com/alsbot/alsbot/adapters/shell/shelltest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m)) }

// runRouter runs script through the shell on the real handlers on a fresh
// embedded store, and returns everything printed.
func runRouter(t *testing.T, script string, start time.Time) string {
	t.Helper()
	store := mongotest.New(t)
	clock := shell.NewClock(start)
	var out strings.Builder
	msgr := shell.NewMessenger(&out)
	log := slog.New(slog.DiscardHandler)
	router := handlers.New(handlers.Deps{
		Store:    store,
		Clock:    clock,
		Notifier: handlers.NewDirectNotifier(msgr, log),
		Rand:     rand.New(rand.NewPCG(1, 2)),
		Logger:   log,
	})
	sh := shell.New(shell.Config{In: strings.NewReader(script), Out: msgr, Handler: router, Clock: clock, Logger: log})
	if err := sh.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String()
}

func TestShellWithRouter(t *testing.T) {
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	script := `# a small set: fran facilitates ana, ben and cat
@fran /als setup West set
members add @ana @ben @cat
session add {today} 10:00 2h Room 4
:advance to {today} 09:55
session start
@ana here
@ben here
@cat here
@fran round start
round next
round end
@ana commit Call the duty team about the rota
actions
:dm
@ben actions
:dm off
@ben round start
@fran frobnicate
:channel east
@fran members
`
	bs := shelltest.Blocks(runRouter(t, script, start))
	tests := []struct {
		line string
		want []string // regular expressions, one per printed block, in order
	}{
		{"@fran /als setup West set", []string{`^\[#als\] .*West set`}},
		{"members add @ana @ben @cat", []string{`^\[#als\] .*ana.*ben.*cat`}},
		{"session add 2026-12-01 10:00 2h Room 4", []string{`^\[#als\] .*Session 1`}},
		{":advance to 2026-12-01 09:55", []string{`^\[clock\] now Tue 01 Dec 2026 09:55 UTC$`}},
		{"session start", []string{`(?s)^\[#als\] .*check in.*\n  \[I'm here\] -> type: /als here`}},
		{"@ana here", []string{`^\[@ana\] .*checked in`}},
		{"@fran round start", []string{`(?s)^\[#als\] Round 1\n.*Presenter: (ana|ben|cat)\n.*Observer: (ana|ben|cat)\n`}},
		{"round next", []string{`^\[#als\] Round 1: questioning`}},
		// The action prompt DM prints after the reply that announces it.
		{"round end", []string{`^\[#als\] Round 1 is over`, `(?s)^\[DM @(ana|ben|cat)\] .*\n  \[Record my commitment\] -> type: /als commit <text> \[by <date>\]`}},
		{"@ana commit Call the duty team about the rota", []string{`^\[@ana\] Recorded C-1: Call the duty team about the rota`}},
		{"actions", []string{`(?s)^\[@ana\] .*C-1.*Call the duty team`}},
		{"@ben actions", []string{`^\[@ben\] `}},
		{"@ben round start", []string{`^\[@ben\] .*facilitator`}},
		{"@fran frobnicate", []string{`^\[@fran\] .*frobnicate`}},
		{"@fran members", []string{`^\[@fran\] .*no action learning set in this channel`}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got := shelltest.AnswerTo(bs, tt.line)
			if len(got) != len(tt.want) {
				t.Fatalf("answer to %q: %d blocks, want %d:\n%s", tt.line, len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i, re := range tt.want {
				if !regexp.MustCompile(re).MatchString(got[i]) {
					t.Errorf("answer to %q, block %d:\n%s\ndoes not match %s", tt.line, i, got[i], re)
				}
			}
		})
	}
	// The presenter is the one the action prompt went to, and is not the observer.
	card := strings.Join(shelltest.AnswerTo(bs, "@fran round start"), "\n")
	presenter := regexp.MustCompile(`Presenter: (\w+)`).FindStringSubmatch(card)
	observer := regexp.MustCompile(`Observer: (\w+)`).FindStringSubmatch(card)
	prompt := strings.Join(shelltest.AnswerTo(bs, "round end"), "\n")
	if presenter == nil || observer == nil || presenter[1] == observer[1] || !strings.Contains(prompt, "[DM @"+presenter[1]+"]") {
		t.Errorf("role card %q and action prompt %q disagree", card, prompt)
	}
}

// TestMessengerConcurrentSends checks messages sent at once come out whole.
func TestMessengerConcurrentSends(t *testing.T) {
	var out strings.Builder
	m := shell.NewMessenger(&out)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			to := bot.Destination{Platform: bot.Shell, UserID: fmt.Sprintf("u%d", i)}
			msg := bot.Message{Title: fmt.Sprintf("title %d", i), Text: fmt.Sprintf("line a %d\nline b %d", i, i)}
			if _, err := m.Send(context.Background(), to, msg); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	bs := shelltest.Blocks(out.String())
	if len(bs) != 20 {
		t.Fatalf("%d blocks, want 20:\n%s", len(bs), out.String())
	}
	for _, b := range bs {
		var i int
		if _, err := fmt.Sscanf(b, "[DM @u%d]", &i); err != nil {
			t.Fatalf("block %q: %v", b, err)
		}
		if want := fmt.Sprintf("[DM @u%d] title %d\n  line a %d\n  line b %d", i, i, i, i); b != want {
			t.Errorf("block %q, want %q", b, want)
		}
	}
}
