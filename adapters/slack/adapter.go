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
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/alsbot/alsbot/bot"
)

const (
	defaultAPIURL  = "https://slack.com/api/"
	defaultWorkers = 8
	// defaultAckWait is how long a slash command waits for its answer before
	// acknowledging with "Working on it…": Slack shows an error after 3 s.
	defaultAckWait = 1500 * time.Millisecond
	// defaultAnswerWithin bounds how long a slash command waits for a
	// worker before it is shed.
	defaultAnswerWithin = 5 * time.Minute
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

	Workers int // concurrent commands; default 8
	Queue   int // commands waiting for a worker; default 64 per worker
	// AnswerWithin is how long a slash command may wait for a worker: one
	// that waited longer is shed (answered "too busy", nothing done, and
	// counted with OnShed) rather than run late. 0 means 5 minutes; Slack's
	// response_url lasts 30.
	AnswerWithin time.Duration
	// OnShed, when set, is called for every command shed: its queue was
	// full, or it waited past AnswerWithin (metrics). Quick, non-blocking.
	OnShed func()
	// AckAtOnce is the backlog (commands waiting for a worker) from which a
	// slash command is acknowledged at once and answered at its
	// response_url, instead of waiting AckWait for its answer; 0 means as
	// many as there are workers. Acknowledging at once also frees the HTTP
	// request, which the server counts against its cap of platform requests
	// in flight (cmd/alsbot: 64), so a backlog does not turn into 503s.
	AckAtOnce  int
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
	atOnce   int
	within   time.Duration
	onShed   func()
	pool     *pool
	handler  atomic.Pointer[handlerBox]
	botID    atomic.Pointer[string]
	shutOnce sync.Once
}

type handlerBox struct{ h bot.Handler }

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

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
		cfg.Clock = wallClock{}
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
	if cfg.AckAtOnce <= 0 {
		cfg.AckAtOnce = cfg.Workers
	}
	if cfg.AnswerWithin <= 0 {
		cfg.AnswerWithin = defaultAnswerWithin
	}
	if cfg.OnShed == nil {
		cfg.OnShed = func() {}
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
		atOnce:   cfg.AckAtOnce,
		within:   cfg.AnswerWithin,
		onShed:   cfg.OnShed,
		pool:     newPool(cfg.Workers, cfg.Queue, log),
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
	a.shutOnce.Do(a.pool.close)
	return a.pool.wait(ctx)
}

func (a *Adapter) botUserID() string {
	if p := a.botID.Load(); p != nil {
		return *p
	}
	return ""
}

// handle runs the handler and always returns a message to show: a failure
// becomes the user's error sentence; only internal errors are logged.
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
		if bot.ErrorCode(err) == bot.EINTERNAL {
			a.log.ErrorContext(ctx, "command failed", "err", err)
		}
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

// pool is a bounded set of workers: a slow command never stalls receiving,
// and a panic in one never takes the process down.
type pool struct {
	log  *slog.Logger
	jobs chan func(context.Context)
	wg   sync.WaitGroup

	mu     sync.RWMutex
	closed bool
}

func newPool(workers, queue int, log *slog.Logger) *pool {
	p := &pool{log: log, jobs: make(chan func(context.Context), queue)}
	for range workers {
		p.wg.Go(func() {
			for job := range p.jobs {
				p.run(job)
			}
		})
	}
	return p
}

func (p *pool) run(job func(context.Context)) {
	ctx, cancel := context.WithTimeout(context.Background(), jobTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("slack work panicked", "panic", r)
		}
	}()
	job(ctx)
}

// backlog is how many jobs wait for a worker.
func (p *pool) backlog() int { return len(p.jobs) }

// submit queues job; false when the queue is full or shut down.
func (p *pool) submit(job func(context.Context)) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return false
	}
	select {
	case p.jobs <- job:
		return true
	default:
		return false
	}
}

func (p *pool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	close(p.jobs)
}

func (p *pool) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("slack: shutdown: %w", ctx.Err())
	}
}
