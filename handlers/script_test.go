package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/adapters/shell"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
)

// scriptRun is an example script run through the shell and the real router
// on the embedded store, as a user would run it with alsbot shell: what
// the tests built on examples/*.als check afterwards.
type scriptRun struct {
	script string
	store  *mongo.Store
	router bot.Handler
	out    *bytes.Buffer // what the shell printed
	files  string        // where the shell wrote the files it was sent
	errs   []string      // the commands refused, "@user \"text\": error"
}

// runScript runs the script at path (relative to this package) from start,
// with a seeded rotation so the run is the same every time.
func runScript(tb testing.TB, path string, start time.Time) *scriptRun {
	tb.Helper()
	script, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	store := mongotest.New(tb)
	clock := shell.NewClock(start)
	run := &scriptRun{script: string(script), store: store, out: &bytes.Buffer{}, files: tb.TempDir()}
	msgr := shell.NewMessenger(run.out)
	run.router = handlers.New(handlers.Deps{Store: store, Clock: clock, Notifier: handlers.NewDirectNotifier(msgr, nil), Rand: rand.New(rand.NewPCG(1, 2))})
	rec := &failures{next: run.router}
	sh := shell.New(shell.Config{In: bytes.NewReader(script), Out: msgr, Handler: rec, Clock: clock, Files: run.files})
	if err := sh.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	run.errs = rec.errs
	return run
}

// failures records the commands the router refused, so a script test can
// say which line failed instead of only that the output differs.
type failures struct {
	next bot.Handler
	mu   sync.Mutex
	errs []string
}

func (f *failures) Handle(ctx context.Context, req bot.Request) (bot.Message, error) {
	msg, err := f.next.Handle(ctx, req)
	if err != nil {
		f.mu.Lock()
		f.errs = append(f.errs, fmt.Sprintf("@%s %q: %v", req.Actor.ID, req.Text, err))
		f.mu.Unlock()
	}
	return msg, err
}
