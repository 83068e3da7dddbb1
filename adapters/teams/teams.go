// Package teams serves alsbot in Microsoft Teams through the Bot Framework:
// POST /api/messages with JWT authentication, commands from messages and
// Adaptive Card submissions, replies and proactive messages through the Bot
// Connector, and conversation references kept in the store.
//
// It builds on msbotbuilder-go v0.2.5 (schema types, the adapter's request
// parsing and activity sending) but replaces its weak parts through the
// library's own interfaces: auth.TokenValidator (cached OpenID metadata and
// keys, full claim checks, injected clock) and client.Client (a token source
// that is mutex-guarded and time-bounded, rate limiting, 429 handling).
package teams

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/infracloudio/msbotbuilder-go/connector/auth"
	"github.com/infracloudio/msbotbuilder-go/core"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/internal/workpool"
)

// Public Bot Framework endpoints.
const (
	DefaultOpenIDMetadataURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
	multiTenantTokenURL      = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
	tokenScope               = "https://api.botframework.com/.default"
	tokenIssuer              = "https://api.botframework.com"
)

// ConversationStore keeps Bot Framework conversation references (as JSON) by
// key; *mongo.Store implements it. A reference the connector refused is
// marked stale and not used again until an activity stores it anew.
type ConversationStore interface {
	// PutConversations stores each reference under its key in one round
	// trip, clearing any stale mark.
	PutConversations(ctx context.Context, refs map[string][]byte) error
	// GetConversation returns the reference under key and whether it is
	// stale; a bot.ENOTFOUND error when there is none.
	GetConversation(ctx context.Context, key string) (ref []byte, stale bool, err error)
	// MarkConversationStale marks the reference under key stale.
	MarkConversationStale(ctx context.Context, key string) error
}

// Config configures the adapter. AppID, Handler, Conversations and Claimer
// are required.
type Config struct {
	AppID       string // MICROSOFT_APP_ID: the bot's Azure app (client) id, the token audience
	AppPassword string // MICROSOFT_APP_PASSWORD: the client secret
	// TenantID (MICROSOFT_APP_TENANT_ID) makes a single-tenant bot: tokens
	// come from that tenant; empty means the botframework.com tenant.
	TenantID string
	// OpenIDMetadataURL (TEAMS_OPENID_METADATA_URL): default the public Bot
	// Framework one.
	OpenIDMetadataURL string
	// TokenURL (TEAMS_TOKEN_URL): default from TenantID.
	TokenURL string

	Handler       bot.Handler
	Conversations ConversationStore
	Claimer       bot.Claimer // dedupes incoming activities across replicas
	Clock         bot.Clock   // token and JWT expiry; nil means the wall clock
	Logger        *slog.Logger
	// HTTPClient for the OpenID metadata, keys, token endpoint and Bot
	// Connector; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
	// Workers handling activities at once; 0 means 4.
	Workers int
	// Queue is how many activities may wait for a worker; 0 means 32 per
	// worker. With the queue full a message is still acknowledged (202)
	// and its sender told "busy, nothing was done" (OnShed); any other
	// activity, with nobody to tell, is answered 503.
	Queue int
	// AnswerWithin is how long a message may wait for a worker: one that
	// waited longer is shed (answered "too busy, nothing was done", counted
	// with OnShed) instead of run late. 0 means 5 minutes.
	AnswerWithin time.Duration
	// OnShed, when set, is called for every activity shed (full queue, or
	// waited too long); quick and non-blocking (metrics).
	OnShed func()
	// AllowEmulator also accepts activities of the Bot Framework
	// Emulator's channel ("emulator"), for development only: no
	// environment variable sets it, so a deployed bot accepts only Teams.
	AllowEmulator bool
	// TypingAfter is how long a command may take before the bot shows
	// that it is typing; 0 means one second, negative never.
	TypingAfter time.Duration
}

// Adapter is the Teams endpoint and messenger.
type Adapter struct {
	typingAfter time.Duration // see Config.TypingAfter
	httpc       *http.Client  // file uploads to the URL Teams gives (never with the bot's token)
	appID       string
	tenantID    string
	handler     bot.Handler
	convs       ConversationStore
	claimer     bot.Claimer
	clock       bot.Clock
	log         *slog.Logger
	validator   *validator
	conn        *connector
	bf          *core.BotFrameworkAdapter // parses requests through our validator

	pool   *workpool.Pool
	within time.Duration
	onShed func()
}

var _ bot.Messenger = (*Adapter)(nil)

// New builds an adapter and starts its workers. It refuses an empty AppID:
// msbotbuilder-go would treat it as "authentication disabled" and accept
// anyone's activities.
func New(cfg Config) (*Adapter, error) {
	var problems []string
	if strings.TrimSpace(cfg.AppID) == "" {
		problems = append(problems, "MICROSOFT_APP_ID is empty (without it inbound requests could not be authenticated)")
	}
	if cfg.Handler == nil {
		problems = append(problems, "no Handler")
	}
	if cfg.Conversations == nil {
		problems = append(problems, "no Conversations store")
	}
	if cfg.Claimer == nil {
		problems = append(problems, "no Claimer")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("teams: %s", strings.Join(problems, "; "))
	}
	clock := cfg.Clock
	if clock == nil {
		clock = bot.SystemClock{}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "teams", "platform", string(bot.Teams))
	httpc := cfg.HTTPClient
	if httpc == nil {
		httpc = &http.Client{Timeout: 30 * time.Second}
	}
	metadataURL := cfg.OpenIDMetadataURL
	if metadataURL == "" {
		metadataURL = DefaultOpenIDMetadataURL
	}
	tokenURL := cfg.TokenURL
	if tokenURL == "" {
		tokenURL = multiTenantTokenURL
		if cfg.TenantID != "" {
			tokenURL = "https://login.microsoftonline.com/" + cfg.TenantID + "/oauth2/v2.0/token"
		}
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = 4
	}
	queue := cfg.Queue
	if queue <= 0 {
		queue = workers * 32
	}
	within := cfg.AnswerWithin
	if within <= 0 {
		within = 5 * time.Minute
	}
	onShed := cfg.OnShed
	if onShed == nil {
		onShed = func() {}
	}

	typing := cfg.TypingAfter
	if typing == 0 {
		typing = time.Second
	}
	a := &Adapter{
		typingAfter: typing,
		httpc:       httpc,
		appID:       cfg.AppID,
		tenantID:    cfg.TenantID,
		handler:     cfg.Handler,
		convs:       cfg.Conversations,
		claimer:     cfg.Claimer,
		clock:       clock,
		log:         log,
		validator:   newValidator(cfg.AppID, metadataURL, httpc, clock, cfg.TenantID, cfg.AllowEmulator),
		pool:        workpool.New(workpool.Config{Workers: workers, Queue: queue, Timeout: jobTimeout, Logger: log}),
		within:      within,
		onShed:      onShed,
	}
	a.conn = newConnector(newTokenSource(tokenURL, cfg.AppID, cfg.AppPassword, httpc, clock), httpc, log)
	a.bf = &core.BotFrameworkAdapter{
		AdapterSetting: core.AdapterSetting{
			AppID:              cfg.AppID,
			AppPassword:        cfg.AppPassword,
			ChannelAuthTenant:  cfg.TenantID,
			OpenIDMetadata:     metadataURL,
			CredentialProvider: auth.SimpleCredentialProvider{AppID: cfg.AppID, Password: cfg.AppPassword},
		},
		TokenValidator: a.validator,
		// Client stays nil here: each send binds its own (see send.go).
	}
	return a, nil
}

// Register adds POST /api/messages to mux.
func (a *Adapter) Register(mux *http.ServeMux) {
	mux.Handle("POST /api/messages", http.HandlerFunc(a.serveMessages))
}

// Messenger returns the adapter as a bot.Messenger for Teams destinations.
func (a *Adapter) Messenger() bot.Messenger { return a }

// Shutdown stops taking activities (new ones get 503 so the Bot Framework
// retries them elsewhere) and waits for the acknowledged ones to be handled,
// or until ctx ends.
func (a *Adapter) Shutdown(ctx context.Context) error {
	if err := a.pool.Shutdown(ctx); err != nil {
		return fmt.Errorf("teams: %w", err)
	}
	return nil
}

// Keys of stored references.
func convKey(conversationID string) string { return "teams:conv:" + conversationID }
func userKey(userID string) string         { return "teams:user:" + userID }                // the user's 1:1 chat with the bot
func memberKey(userID string) string       { return "teams:member:" + userID }              // how to reach a user who has no 1:1 chat yet
func activityKey(convID, id string) string { return "teams:activity:" + convID + "/" + id } // Teams message ids are unique per conversation only

// ErrStaleConversation is wrapped by Send when the stored reference was
// refused by the connector (403/404) before: it is not tried again until an
// activity from that conversation stores it anew.
// It carries bot.EFORBIDDEN so the scheduler skips such a delivery instead
// of retrying it.
var ErrStaleConversation error = bot.Errorf(bot.EFORBIDDEN, "the Teams conversation no longer accepts the bot's messages")
