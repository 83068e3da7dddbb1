package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults of the configuration (DESIGN.md section 5).
const (
	defaultDatabase    = "alsbot"
	defaultDataDir     = "./data"
	defaultAddr        = ":3000"
	defaultSlackAPIURL = "https://slack.com/api/"
)

// Config is the binary's configuration, read from the environment. Secrets
// are kept here only to hand to the adapters; String never shows them.
type Config struct {
	MongoURI      string // MONGODB_URI: empty starts the embedded store
	MongoDatabase string // MONGODB_DATABASE
	DataDir       string // ALSBOT_DATA_DIR: the embedded store's files
	Addr          string // ALSBOT_ADDR: HTTP listen address
	MetricsAddr   string // ALSBOT_METRICS_ADDR: empty serves /metrics on Addr
	PublicURL     string // ALSBOT_PUBLIC_URL: base of calendar feed links, no trailing slash

	SlackBotToken      string // SLACK_BOT_TOKEN (xoxb-)
	SlackSigningSecret string // SLACK_SIGNING_SECRET: HTTP mode
	SlackAppToken      string // SLACK_APP_TOKEN (xapp-): Socket Mode
	SlackAPIURL        string // SLACK_API_URL, always with a trailing slash

	MicrosoftAppID       string // MICROSOFT_APP_ID
	MicrosoftAppPassword string // MICROSOFT_APP_PASSWORD
	MicrosoftAppTenantID string // MICROSOFT_APP_TENANT_ID: single-tenant bot
	TeamsOpenIDURL       string // TEAMS_OPENID_METADATA_URL: empty means the Teams adapter's default
	TeamsTokenURL        string // TEAMS_TOKEN_URL: empty means the Teams adapter's default

	LogLevel  string // ALSBOT_LOG_LEVEL: debug, info, warn, error
	LogFormat string // ALSBOT_LOG_FORMAT: text, json

	// Overload (docs/performance.md), as written; empty means the default.
	// Validate checks them, and the methods of the same names read them.
	WorkersText      string // ALSBOT_WORKERS: commands running at once, per platform
	QueueText        string // ALSBOT_QUEUE: commands waiting for a worker, per platform
	AnswerWithinText string // ALSBOT_ANSWER_WITHIN: how long a waiting command may wait before it is shed

	// rolesSeed, when not zero, fixes the random draw of presenters and
	// observers: set by tests that compare a whole run with the docs,
	// never from the environment.
	rolesSeed uint64
}

// Defaults of the overload settings: the queue holds several seconds of a
// peak's traffic, and an answer through Slack's response_url (valid 30
// minutes) is still useful within minutes.
const (
	defaultWorkers      = 8
	defaultQueue        = 10000
	defaultAnswerWithin = 5 * time.Minute
	maxWorkers          = 1024
	maxQueue            = 1_000_000
)

// Workers is ALSBOT_WORKERS, or its default.
func (c Config) Workers() int { return wholeOr(c.WorkersText, defaultWorkers) }

// Queue is ALSBOT_QUEUE, or its default.
func (c Config) Queue() int { return wholeOr(c.QueueText, defaultQueue) }

// AnswerWithin is ALSBOT_ANSWER_WITHIN, or its default.
func (c Config) AnswerWithin() time.Duration {
	if d, err := time.ParseDuration(c.AnswerWithinText); err == nil {
		return d
	}
	return defaultAnswerWithin
}

func wholeOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

// loadConfig reads the configuration through getenv (os.Getenv in main), with
// the defaults filled in. Values are trimmed: a stray space or newline from
// a secrets file must not make a token invalid.
func loadConfig(getenv func(string) string) Config {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		MongoURI:             get("MONGODB_URI", ""),
		MongoDatabase:        get("MONGODB_DATABASE", defaultDatabase),
		DataDir:              get("ALSBOT_DATA_DIR", defaultDataDir),
		Addr:                 get("ALSBOT_ADDR", defaultAddr),
		MetricsAddr:          get("ALSBOT_METRICS_ADDR", ""),
		PublicURL:            strings.TrimRight(get("ALSBOT_PUBLIC_URL", ""), "/"),
		SlackBotToken:        get("SLACK_BOT_TOKEN", ""),
		SlackSigningSecret:   get("SLACK_SIGNING_SECRET", ""),
		SlackAppToken:        get("SLACK_APP_TOKEN", ""),
		SlackAPIURL:          get("SLACK_API_URL", defaultSlackAPIURL),
		MicrosoftAppID:       get("MICROSOFT_APP_ID", ""),
		MicrosoftAppPassword: get("MICROSOFT_APP_PASSWORD", ""),
		MicrosoftAppTenantID: get("MICROSOFT_APP_TENANT_ID", ""),
		TeamsOpenIDURL:       get("TEAMS_OPENID_METADATA_URL", ""),
		TeamsTokenURL:        get("TEAMS_TOKEN_URL", ""),
		LogLevel:             strings.ToLower(get("ALSBOT_LOG_LEVEL", "info")),
		LogFormat:            strings.ToLower(get("ALSBOT_LOG_FORMAT", "text")),
		WorkersText:          get("ALSBOT_WORKERS", ""),
		QueueText:            get("ALSBOT_QUEUE", ""),
		AnswerWithinText:     get("ALSBOT_ANSWER_WITHIN", ""),
	}
	// slack-go joins method names to the base URL: it needs the slash.
	if !strings.HasSuffix(c.SlackAPIURL, "/") {
		c.SlackAPIURL += "/"
	}
	return c
}

// SlackEnabled reports whether Slack credentials are configured.
func (c Config) SlackEnabled() bool {
	return c.SlackBotToken != "" || c.SlackAppToken != "" || c.SlackSigningSecret != ""
}

// TeamsEnabled reports whether Teams credentials are configured.
func (c Config) TeamsEnabled() bool {
	return c.MicrosoftAppID != "" || c.MicrosoftAppPassword != "" || c.MicrosoftAppTenantID != ""
}

// Validate returns every problem of the configuration at once (joined), each
// saying which variable to set or fix, or nil. It never shows a secret.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if c.MongoURI != "" {
		if err := checkMongoURI(c.MongoURI); err != nil {
			errs = append(errs, err)
		}
	}
	if c.MongoDatabase == "" || len(c.MongoDatabase) > 63 || strings.ContainsAny(c.MongoDatabase, "/\\. \"$*<>:|?") {
		bad("MONGODB_DATABASE %q is not a valid database name: use up to 63 letters, digits, - or _", c.MongoDatabase)
	}
	if c.MongoURI == "" && c.DataDir == "" {
		bad("ALSBOT_DATA_DIR must name a directory for the embedded store")
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("ALSBOT_ADDR %q is not a listen address such as :3000 or 127.0.0.1:3000", c.Addr)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			bad("ALSBOT_METRICS_ADDR %q is not a listen address such as :9090 (leave it empty to serve /metrics on ALSBOT_ADDR)", c.MetricsAddr)
		} else if c.MetricsAddr == c.Addr {
			bad("ALSBOT_METRICS_ADDR %q is the same as ALSBOT_ADDR: leave it empty to serve /metrics there", c.MetricsAddr)
		}
	}
	if c.PublicURL != "" {
		// Calendar feed links carry a secret: they must not travel in clear.
		if u, err := url.Parse(c.PublicURL); err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			bad("ALSBOT_PUBLIC_URL %q must be the bot's public https:// address, such as https://alsbot.example.org", c.PublicURL)
		}
	}

	// Slack: a bot token, and either Socket Mode (app token) or HTTP (signing secret).
	if c.SlackBotToken != "" && !strings.HasPrefix(c.SlackBotToken, "xoxb-") {
		bad("SLACK_BOT_TOKEN must be a bot token starting with xoxb- (Slack app > OAuth & Permissions)")
	}
	if c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken, "xapp-") {
		bad("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Slack app > Basic Information > App-Level Tokens, scope connections:write)")
	}
	if c.SlackAppToken != "" && c.SlackBotToken == "" {
		bad("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: Socket Mode needs both")
	}
	if c.SlackSigningSecret != "" && c.SlackBotToken == "" {
		bad("SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not: HTTP mode needs both")
	}
	if c.SlackBotToken != "" && c.SlackAppToken == "" && c.SlackSigningSecret == "" {
		bad("SLACK_BOT_TOKEN is set without SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode): set one of them")
	}
	if err := checkURL(c.SlackAPIURL); err != nil {
		bad("SLACK_API_URL: %v", err)
	}

	// Teams: an app id and its password; a tenant id only with them.
	if c.MicrosoftAppPassword != "" && c.MicrosoftAppID == "" {
		bad("MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is not")
	}
	if c.MicrosoftAppID != "" && c.MicrosoftAppPassword == "" {
		bad("MICROSOFT_APP_ID is set but MICROSOFT_APP_PASSWORD is not: the bot needs its client secret to send messages")
	}
	if c.MicrosoftAppTenantID != "" && c.MicrosoftAppID == "" {
		bad("MICROSOFT_APP_TENANT_ID is set but MICROSOFT_APP_ID is not")
	}
	for _, u := range []struct{ name, value string }{
		{"TEAMS_OPENID_METADATA_URL", c.TeamsOpenIDURL},
		{"TEAMS_TOKEN_URL", c.TeamsTokenURL},
	} {
		if u.value == "" {
			continue
		}
		if err := checkURL(u.value); err != nil {
			bad("%s: %v", u.name, err)
		}
	}

	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("ALSBOT_LOG_FORMAT %q must be text or json", c.LogFormat)
	}
	for _, n := range []struct {
		name, value string
		most        int
	}{{"ALSBOT_WORKERS", c.WorkersText, maxWorkers}, {"ALSBOT_QUEUE", c.QueueText, maxQueue}} {
		if v, err := strconv.Atoi(n.value); n.value != "" && (err != nil || v < 1 || v > n.most) {
			bad("%s %q must be a whole number from 1 to %d", n.name, n.value, n.most)
		}
	}
	if v := c.AnswerWithinText; v != "" {
		if d, err := time.ParseDuration(v); err != nil || d < time.Second || d > 30*time.Minute {
			bad("ALSBOT_ANSWER_WITHIN %q must be a duration from 1s to 30m, e.g. 5m (a Slack response_url lasts 30 minutes)", v)
		}
	}
	return errors.Join(errs...)
}

// checkMongoURI accepts a MongoDB connection string with at least one host.
// It does not resolve a mongodb+srv name: that is the driver's job at start.
// Its messages never quote the URI, which may hold a password.
func checkMongoURI(uri string) error {
	rest, ok := strings.CutPrefix(uri, "mongodb://")
	if !ok {
		rest, ok = strings.CutPrefix(uri, "mongodb+srv://")
	}
	if !ok {
		return errors.New("MONGODB_URI must start with mongodb:// or mongodb+srv:// (leave it empty to use the embedded store)")
	}
	hosts, _, _ := strings.Cut(rest, "/")
	hosts, _, _ = strings.Cut(hosts, "?")
	if i := strings.LastIndex(hosts, "@"); i >= 0 {
		hosts = hosts[i+1:]
	}
	if hosts == "" {
		return errors.New("MONGODB_URI names no host: write it as mongodb://host:27017/ or mongodb+srv://cluster.example.net/")
	}
	return nil
}

// checkURL accepts an absolute http or https URL.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	switch s {
	case "debug":
		return slog.LevelDebug, nil
	case "info", "":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("ALSBOT_LOG_LEVEL %q must be debug, info, warn or error", s)
}

// newLogger returns the process logger on w (stderr), as configured.
func newLogger(w io.Writer, c Config) *slog.Logger {
	level, err := parseLevel(c.LogLevel)
	if err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
