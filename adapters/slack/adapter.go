// Package slack connects alsbot to Slack with slack-go: the /als slash
// command, buttons and modals, app mentions and DMs, and the App Home tab,
// over Socket Mode or signed HTTP requests, and a paced sender for everything
// the bot posts.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/internal/workpool"
)

const (
	defaultAPIURL  = "https://slack.com/api/"
	defaultWorkers = 8
	// defaultAckWait is how long a slash command waits for its answer before
	// acknowledging with "Working on it…": Slack shows an error after 3 s.
	defaultAckWait = 1500 * time.Millisecond
	// jobTimeout bounds one piece of work (handler and the Slack calls of its
	// answer); a response_url stays valid for 30 minutes.
	jobTimeout = 2 * time.Minute
	// maxBody caps request bodies: Slack's are a few KiB.
	maxBody = 1 << 20
)

// Config is what the adapter needs. BotToken is required, and SigningSecret
// for the HTTP endpoints, AppToken for Socket Mode.
type Config struct {
	BotToken      string // xoxb-
	SigningSecret string // verifies HTTP requests
	AppToken      string // xapp-: Socket Mode
	APIURL        string // Slack Web API base URL; default https://slack.com/api/

	Handler bot.Handler // may be set later with SetHandler, before serving
	Claimer bot.Claimer // handles each event once across replicas
	Clock   bot.Clock   // nil: the wall clock
	Logger  *slog.Logger

	Workers    int           // concurrent commands; default 8
	Queue      int           // commands waiting for a worker; default 64 per worker
	AckWait    time.Duration // how long a slash command waits for its answer; default 1.5 s
	HTTPClient *http.Client  // for the Web API; default one with a 30 s timeout
}

// Adapter is the Slack side of alsbot.
type Adapter struct {
	secret   string
	appToken string
	api      *slack.Client
	send     *sender
	people   *people
	claimer  bot.Claimer
	clock    bot.Clock
	log      *slog.Logger
	ackWait  time.Duration
	pool     *workpool.Pool
	handler  atomic.Pointer[handlerBox]
	botID    atomic.Pointer[string]
}

type handlerBox struct{ h bot.Handler }

// New builds the adapter and starts its workers.
func New(cfg Config) (*Adapter, error) {
	if cfg.BotToken == "" {
		return nil, errors.New("slack: a bot token (SLACK_BOT_TOKEN, xoxb-…) is required")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = defaultAPIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") { // slack-go appends method names
		cfg.APIURL += "/"
	}
	if cfg.Clock == nil {
		cfg.Clock = bot.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = defaultWorkers
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 64 * cfg.Workers
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = defaultAckWait
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	log := cfg.Logger.With("component", "slack", "platform", string(bot.Slack))
	opts := []slack.Option{slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	api := slack.New(cfg.BotToken, opts...)
	s := newSender(api, log)
	a := &Adapter{
		secret:   cfg.SigningSecret,
		appToken: cfg.AppToken,
		api:      api,
		send:     s,
		people:   newPeople(s, cfg.Clock),
		claimer:  cfg.Claimer,
		clock:    cfg.Clock,
		log:      log,
		ackWait:  cfg.AckWait,
		pool:     workpool.New(workpool.Config{Workers: cfg.Workers, Queue: cfg.Queue, Timeout: jobTimeout, Logger: log}),
	}
	if cfg.Handler != nil {
		a.SetHandler(cfg.Handler)
	}
	return a, nil
}

// SetHandler sets the handler of commands, for wiring where the handler needs
// the adapter's Messenger first. Call it before serving.
func (a *Adapter) SetHandler(h bot.Handler) { a.handler.Store(&handlerBox{h}) }

// Messenger is the paced sender, for the scheduler and notifiers.
func (a *Adapter) Messenger() bot.Messenger { return Sender{a.send} }

// Start learns the bot's own user id with auth.test (to tell its own
// messages and mentions apart).
func (a *Adapter) Start(ctx context.Context) error {
	r, err := a.send.authTest(ctx)
	if err != nil {
		return fmt.Errorf("slack: %w", err)
	}
	id := r.UserID
	a.botID.Store(&id)
	a.log.InfoContext(ctx, "connected to Slack", "team", r.Team, "bot_user", r.UserID)
	return nil
}

// Shutdown stops taking work and waits for what was acknowledged to finish,
// or for ctx to end.
func (a *Adapter) Shutdown(ctx context.Context) error {
	if err := a.pool.Shutdown(ctx); err != nil {
		return fmt.Errorf("slack: %w", err)
	}
	return nil
}

func (a *Adapter) botUserID() string {
	if p := a.botID.Load(); p != nil {
		return *p
	}
	return ""
}

// handle runs the handler and always returns a message to show: a failure
// becomes the user's error sentence.
func (a *Adapter) handle(ctx context.Context, req bot.Request) (msg bot.Message) {
	defer func() {
		if r := recover(); r != nil {
			a.log.ErrorContext(ctx, "handler panicked", "panic", r)
			msg = bot.Message{Kind: bot.KindError, Private: true, Text: bot.ErrorMessage(errors.New("panic"))}
		}
	}()
	box := a.handler.Load()
	if box == nil {
		return bot.Message{Kind: bot.KindError, Private: true, Text: "The bot is starting; please try again in a minute."}
	}
	msg, err := box.h.Handle(ctx, req)
	if err != nil {
		// Not logged here: the router logs internal errors once, with the
		// request's context (ARCHITECTURE: log once, at the boundary).
		if msg.Text == "" && len(msg.Sections) == 0 {
			msg = bot.Message{Kind: bot.KindError, Private: true, Text: bot.ErrorMessage(err)}
		}
	}
	return msg
}

// claim reports whether this replica is the first to see key; without a
// Claimer every event counts as new.
func (a *Adapter) claim(ctx context.Context, key string) bool {
	if a.claimer == nil {
		return true
	}
	won, err := a.claimer.Claim(ctx, key)
	if err != nil {
		// Better to risk a duplicate than to drop what a person asked for.
		a.log.WarnContext(ctx, "claim failed; handling anyway", "key", key, "err", err)
		return true
	}
	return won
}
