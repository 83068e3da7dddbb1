// Command alsbot runs action learning sets in Slack, Microsoft Teams or, with
// no platform credentials, in a terminal shell on the embedded store.
package main

import (
	"context"
	cryptorand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
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
	"github.com/alsbot/alsbot/calendar"
	"github.com/alsbot/alsbot/handlers"
	"github.com/alsbot/alsbot/scheduler"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "alsbot:", err)
		if errors.Is(err, errUsage) || errors.Is(err, errNoCredentials) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// The release build stamps these (-ldflags "-X main.version=v1.2.0 -X
// main.commit=<sha>"): the Docker build has no VCS data to read.
var (
	version string
	commit  string
)

// errUsage marks a command line that could not be understood.
var errUsage = errors.New("usage")

// errNoCredentials is `alsbot serve` without any platform to serve: exit 2,
// like a usage error, because guessing (starting the shell in a container
// nobody types into) would look like a running bot that answers nothing.
var errNoCredentials = errors.New("serve needs Slack or Teams credentials, and none is set: " +
	"set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode), " +
	"and/or MICROSOFT_APP_ID with MICROSOFT_APP_PASSWORD (and MICROSOFT_APP_TENANT_ID for a single-tenant bot); " +
	"to try the bot in a terminal run `alsbot shell`")

const usageText = `Usage:
  alsbot            the shell without platform credentials, else serve
  alsbot shell      the bot in the terminal: reads standard input, prints what
                    the bot sends (a script on standard input runs to its end)
  alsbot serve      Slack and/or Teams, the scheduler and the HTTP endpoints;
                    exits 2 naming the variables when no credentials are set
  alsbot version    print the version and commit
  alsbot healthcheck
                    exit 0 when the bot on ALSBOT_ADDR answers /healthz, else 1
                    (the container's HEALTHCHECK)
  alsbot export --set <name or id> --out <dir>
                    write a set's records as CSV files and exit
  alsbot report --programme <name or id> --out <dir>
                    write a programme's HTML evaluation report and exit
  alsbot help       print this help
Configuration: environment variables, see docs/configuration.md.
`

// run is the whole program: it returns when the work is done or ctx is
// cancelled (SIGINT, SIGTERM), with everything it opened closed.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "", "serve", "shell":
		if len(args) > 1 {
			return fmt.Errorf("%w: unexpected arguments %q\n%s", errUsage, args[1:], usageText)
		}
		return serve(ctx, sub, getenv, stdin, stdout, stderr)
	case "version", "-version", "--version":
		_, err := fmt.Fprintln(stdout, versionString())
		return err
	case "healthcheck":
		return healthcheck(ctx, getenv, stdout)
	case "help", "-h", "-help", "--help":
		_, err := io.WriteString(stdout, usageText)
		return err
	case "export":
		return export(ctx, args[1:], getenv, stdout, stderr)
	case "report":
		return reportCmd(ctx, args[1:], getenv, stdout, stderr)
	default:
		return fmt.Errorf("%w: unknown command %q\n%s", errUsage, sub, usageText)
	}
}

// serve reads the configuration, opens the store and runs what mode asks
// for until ctx ends or, in the shell, the input ends: "serve" the platforms
// (never the shell), "shell" the terminal, "" the platforms when credentials
// are set and else the shell (what a bare `go run ./cmd/alsbot` does).
func serve(ctx context.Context, mode string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := loadConfig(getenv)
	platforms := cfg.SlackEnabled() || cfg.TeamsEnabled()
	if mode == "serve" && !platforms {
		return errNoCredentials
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("the configuration has problems:\n%w", err)
	}
	log := newLogger(stderr, cfg)
	if platforms && mode != "shell" {
		return runServer(ctx, cfg, log)
	}
	// The shell's clock starts now and moves with :advance; the log file
	// is stamped with it too.
	clock := shell.NewClock(time.Now())
	log, closeLog := shellLogger(cfg, stderr, clock)
	defer closeLog()

	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore(ctx, store, log)
	return runShell(ctx, cfg, store, clock, stdin, stdout, stderr, log)
}

// openStore opens MongoDB, or the embedded store under the data directory.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (*mongo.Store, error) {
	return openStoreObserved(ctx, cfg, log, nil)
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
// random source and calendar feed links on the public URL.
func newRouter(cfg Config, store *mongo.Store, clock bot.Clock, notifier bot.Notifier, planner bot.Planner, links bot.SessionLinks, live map[bot.Platform]bot.LiveMessenger, log *slog.Logger) *handlers.Router {
	return handlers.New(handlers.Deps{
		Live:      live,
		Store:     store,
		Clock:     clock,
		Notifier:  notifier,
		Planner:   planner,
		Rand:      rolesRand(cfg),
		Logger:    log, // the router adds its component
		Calendar:  store,
		PublicURL: cfg.PublicURL,

		SessionLinks: links,
	})
}

// rolesRand draws presenters and observers among equals: seeded afresh,
// unless a test fixed the seed.
func rolesRand(cfg Config) *rand.Rand {
	if cfg.rolesSeed != 0 {
		return rand.New(rand.NewPCG(cfg.rolesSeed, cfg.rolesSeed))
	}
	return rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
}

// newSessionLinks gives the per-session "Add to calendar" addresses on the
// public URL, or nil without one: then messages carry no link at all.
func newSessionLinks(cfg Config, store *mongo.Store) bot.SessionLinks {
	if cfg.PublicURL == "" {
		return nil
	}
	return calendar.NewLinks(store, cfg.PublicURL, cryptorand.Reader)
}

// runShell plays the bot in the terminal: every message it sends, replies
// and notifications alike, is printed in order on stdout. The scheduler runs
// on the shell's clock: `:advance` and every command let it deliver what is
// due, exactly as the served bot does.
func runShell(ctx context.Context, cfg Config, store *mongo.Store, clock *shell.Clock, stdin io.Reader, stdout, stderr io.Writer, log *slog.Logger) error {
	out := shell.NewMessenger(stdout)
	links := newSessionLinks(cfg, store)
	sched := scheduler.New(scheduler.Deps{
		Store: store, Deliveries: store, Messenger: bot.Messengers{bot.Shell: out},
		Clock: clock, Logger: log, Instance: "shell", Links: links,
	})
	router := newRouter(cfg, store, clock, sched, sched, links, nil, log)
	sh := shell.New(shell.Config{
		In:        stdin,
		Out:       out,
		Handler:   tickAfter{h: router, tick: sched.Tick, log: log},
		Clock:     clock,
		OnAdvance: sched.Tick,
		NextDue:   sched.NextDue,
		Files:     filepath.Join(cfg.DataDir, "files"),
		Logger:    log,
	})
	if _, err := io.WriteString(stderr, banner); err != nil {
		return fmt.Errorf("print banner: %w", err)
	}
	if err := sh.Run(ctx); err != nil {
		return fmt.Errorf("shell: %w", err)
	}
	return nil
}

// tickAfter lets the scheduler deliver, right after a command, the messages
// the command caused (prompts, DMs), so the shell shows them under its reply.
type tickAfter struct {
	h    bot.Handler
	tick func(context.Context) error
	log  *slog.Logger
}

func (t tickAfter) Handle(ctx context.Context, req bot.Request) (bot.Message, error) {
	msg, err := t.h.Handle(ctx, req)
	if terr := t.tick(ctx); terr != nil {
		t.log.Error("deliver after command", "component", "scheduler", "err", terr)
	}
	return msg, err
}

const banner = `alsbot shell: a terminal chat with the action learning set bot, on the
embedded store. You play every user: start a line with who is speaking.
  @alice /als setup West set     alice creates a set in #als and facilitates it
  @alice members add @bob @cat   (a line without @name acts as the previous user)
  :advance 1d                    moves the bot's clock on a day
  :help                          the shell's own commands; "help" the bot's
To connect Slack set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or
SLACK_SIGNING_SECRET (HTTP); for Teams set MICROSOFT_APP_ID,
MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID, and run "alsbot serve".
See docs/slack.md and docs/teams.md. The bot's own log is alsbot.log in the
data directory (ALSBOT_DATA_DIR).
`

// versionString is the module version and VCS commit the binary was built
// from, as the Go toolchain stamped them.
func versionString() string {
	ver, rev := buildVersion()
	return fmt.Sprintf("alsbot %s, commit %s, %s", ver, rev, runtime.Version())
}

// buildVersion is the version and commit of this binary: values stamped
// with -ldflags win over the build info (the Docker build has no VCS data).
func buildVersion() (ver, rev string) {
	ver, rev, modified := "(devel)", "unknown", false
	if info, ok := debug.ReadBuildInfo(); ok {
		if v := info.Main.Version; v != "" {
			ver = v
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified {
		rev += "-modified"
	}
	if version != "" {
		ver = version
	}
	if commit != "" {
		rev = commit
	}
	return ver, rev
}

// healthcheck asks the bot listening on ALSBOT_ADDR for /healthz, on
// loopback when it listens on every interface, and fails unless it answers
// 200 within a few seconds. Images without a shell or curl use it.
func healthcheck(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg := loadConfig(getenv)
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fmt.Errorf("healthcheck: ALSBOT_ADDR %q is not a listen address such as :3000", cfg.Addr)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	u := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", u, res.Status)
	}
	_, err = fmt.Fprintln(stdout, "ok")
	return err
}
