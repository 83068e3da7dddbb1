// Command alsbot runs action learning sets in Slack, Microsoft Teams or, with
// no platform credentials, in a terminal shell on the embedded store.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"
	// Schedules are computed in IANA zones: embed the database so the binary
	// does not depend on the host's zoneinfo.
	_ "time/tzdata"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/shell"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "alsbot:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// errUsage marks a command line that could not be understood.
var errUsage = errors.New("usage")

const usageText = `Usage:
  alsbot            run the bot: the shell on standard input without platform
                    credentials, else Slack and/or Teams (see README.md)
  alsbot version    print the version and commit
  alsbot help       print this help
`

// run is the whole program: it returns when the work is done or ctx is
// cancelled (SIGINT, SIGTERM), with everything it opened closed.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "", "serve":
		if len(args) > 1 {
			return fmt.Errorf("%w: unexpected arguments %q\n%s", errUsage, args[1:], usageText)
		}
		return serve(ctx, getenv, stdin, stdout, stderr)
	case "version", "-version", "--version":
		_, err := fmt.Fprintln(stdout, versionString())
		return err
	case "help", "-h", "-help", "--help":
		_, err := io.WriteString(stdout, usageText)
		return err
	case "export":
		return errors.New("`alsbot export` is not in this build yet; a facilitator can use `/als export` once it is")
	default:
		return fmt.Errorf("%w: unknown command %q\n%s", errUsage, sub, usageText)
	}
}

// serve reads the configuration, opens the store and runs the adapters the
// configuration asks for until ctx ends or, in the shell, the input ends.
func serve(ctx context.Context, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := loadConfig(getenv)
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("the configuration has problems:\n%w", err)
	}
	log := newLogger(stderr, cfg)
	if cfg.SlackEnabled() || cfg.TeamsEnabled() {
		// Here the platform adapters, the HTTP server and the scheduler are
		// to run side by side in an errgroup on the store opened below.
		return errors.New("Slack/Teams credentials are set, but this build does not include the Slack and Teams adapters yet; unset SLACK_* and MICROSOFT_APP_* to use the shell")
	}

	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore(ctx, store, log)

	return runShell(ctx, store, stdin, stdout, stderr, log)
}

// openStore opens MongoDB, or the embedded store under the data directory.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (*mongo.Store, error) {
	openCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	store, err := mongo.Open(openCtx, mongo.Config{
		URI:      cfg.MongoURI,
		Database: cfg.MongoDatabase,
		DataDir:  cfg.DataDir,
		Logger:   log,
	})
	if err != nil {
		return nil, fmt.Errorf("open the store: %w", err)
	}
	return store, nil
}

// closeStore closes the store even when ctx was cancelled by a signal, with a
// bound so a stuck server cannot hold the exit.
func closeStore(ctx context.Context, store *mongo.Store, log *slog.Logger) {
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := store.Close(closeCtx); err != nil {
		log.Error("close the store", "component", "store", "err", err)
	}
}

// newRouter builds the use cases on the store, with roles chosen by a seeded
// random source.
func newRouter(store bot.Store, clock bot.Clock, notifier bot.Notifier, planner bot.Planner, log *slog.Logger) *handlers.Router {
	return handlers.New(handlers.Deps{
		Store:    store,
		Clock:    clock,
		Notifier: notifier,
		Planner:  planner,
		Rand:     rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		Logger:   log.With("component", "handlers"),
	})
}

// runShell plays the bot in the terminal: every message it sends, replies
// and notifications alike, is printed in order on stdout.
func runShell(ctx context.Context, store *mongo.Store, stdin io.Reader, stdout, stderr io.Writer, log *slog.Logger) error {
	clock := shell.NewClock(time.Now())
	out := shell.NewMessenger(stdout)
	router := newRouter(store, clock, handlers.NewDirectNotifier(out, log), nil, log)
	sh := shell.New(shell.Config{
		In:      stdin,
		Out:     out,
		Handler: router,
		Clock:   clock,
		Logger:  log,
	})
	if _, err := io.WriteString(stderr, banner); err != nil {
		return fmt.Errorf("print banner: %w", err)
	}
	if err := sh.Run(ctx); err != nil {
		return fmt.Errorf("shell: %w", err)
	}
	return nil
}

const banner = `alsbot shell: a terminal chat with the action learning set bot, on the
embedded store. You play every user: start a line with who is speaking.
  @alice /als setup West set     alice creates a set in #als and facilitates it
  @alice members add @bob @cat   (a line without @name acts as the previous user)
  :advance 1d                    moves the bot's clock on a day
  :help                          the shell's own commands; "help" the bot's
To connect Slack set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or
SLACK_SIGNING_SECRET (HTTP); for Teams set MICROSOFT_APP_ID,
MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID. See README.md.
`

// versionString is the module version and VCS commit the binary was built
// from, as the Go toolchain stamped them.
func versionString() string {
	version, commit, modified := "(devel)", "unknown", false
	if info, ok := debug.ReadBuildInfo(); ok {
		if v := info.Main.Version; v != "" {
			version = v
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified {
		commit += " (modified)"
	}
	return fmt.Sprintf("alsbot %s, commit %s, %s", version, commit, runtime.Version())
}
