// Package metrics counts what alsbot does for Prometheus: commands by verb
// and outcome with their latency, outbound sends by platform, scheduled
// deliveries by kind and status, scheduler ticks and store errors. It wraps
// the bot's ports as decorators, so the use cases and adapters know nothing
// of it. Labels are only ever bounded names (verbs, error codes, platforms,
// delivery kinds, store command names), never what anyone wrote.
package metrics

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/alsbot/alsbot/bot"
)

// Delivery statuses as counted: the scheduler's sent and skipped, failed
// for an attempt that will be retried, and undeliverable for one the
// platform refused for good (not retried).
const (
	StatusSent          = "sent"
	StatusSkipped       = "skipped"
	StatusFailed        = "failed"
	StatusUndeliverable = "undeliverable"
)

// Metrics holds one process's collectors on its own registry.
type Metrics struct {
	reg *prometheus.Registry

	commands       *prometheus.CounterVec
	commandSeconds *prometheus.HistogramVec
	sends          *prometheus.CounterVec
	sendErrors     *prometheus.CounterVec
	rateLimited    *prometheus.CounterVec
	deliveries     *prometheus.CounterVec
	tickSeconds    prometheus.Histogram
	tickErrors     prometheus.Counter
	storeErrors    *prometheus.CounterVec
	buildInfo      *prometheus.GaugeVec
}

// New returns the metrics of one process, with the Go runtime and process
// collectors, on a registry of its own (never the global default one).
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alsbot_commands_total",
			Help: "Commands handled, by command (verb) and outcome (ok or the error code).",
		}, []string{"command", "outcome"}),
		commandSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "alsbot_command_duration_seconds",
			Help:    "Time to handle a command, store round trips included, by command.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"command"}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alsbot_outbound_messages_total",
			Help: "Messages the bot sent without being asked (deliveries), by platform.",
		}, []string{"platform"}),
		sendErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alsbot_outbound_errors_total",
			Help: "Sends the platform's API refused or that failed, by platform.",
		}, []string{"platform"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alsbot_outbound_rate_limited_total",
			Help: "Sends put off because the platform asked the bot to wait (rate limits), by platform.",
		}, []string{"platform"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alsbot_deliveries_total",
			Help: "Scheduled deliveries by kind and status (sent, skipped, failed: to be retried, undeliverable: refused for good).",
		}, []string{"kind", "status"}),
		tickSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "alsbot_scheduler_tick_duration_seconds",
			Help:    "Time one scheduler tick took (claiming and sending what was due).",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}),
		tickErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alsbot_scheduler_tick_errors_total",
			Help: "Scheduler ticks that failed (the store unreachable, for one); the next tick tries again.",
		}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alsbot_store_errors_total",
			Help: "Store commands that failed, by command name (find, insert, update, ...).",
		}, []string{"command"}),
		buildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "alsbot_build_info",
			Help: "Always 1: the build this process runs, by version, commit and Go version.",
		}, []string{"version", "commit", "goversion"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.commands, m.commandSeconds, m.sends, m.sendErrors, m.rateLimited,
		m.deliveries, m.tickSeconds, m.tickErrors, m.storeErrors, m.buildInfo,
	)
	return m
}

// SetBuild records the build this process runs as alsbot_build_info (one
// series, value 1), replacing any earlier one.
func (m *Metrics) SetBuild(version, commit, goVersion string) {
	m.buildInfo.Reset()
	m.buildInfo.WithLabelValues(version, commit, goVersion).Set(1)
}

// Registry is the registry the metrics are on (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// HTTPHandler serves the metrics in the Prometheus text format (GET /metrics).
func (m *Metrics) HTTPHandler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Commands wraps h so that every request is counted by verb and outcome and
// timed. The verb comes from bot.Parse; text that does not parse counts as
// "unparsed", so no label ever carries what a user typed.
func (m *Metrics) Commands(h bot.Handler) bot.Handler { return commands{m: m, h: h} }

type commands struct {
	m *Metrics
	h bot.Handler
}

func (c commands) Handle(ctx context.Context, req bot.Request) (bot.Message, error) {
	verb := "unparsed"
	if cmd, err := bot.Parse(req.Text); err == nil {
		verb = labelValue(string(cmd.Verb))
	}
	start := time.Now()
	msg, err := c.h.Handle(ctx, req)
	c.m.commandSeconds.WithLabelValues(verb).Observe(time.Since(start).Seconds())
	outcome := "ok"
	if err != nil {
		outcome = bot.ErrorCode(err)
	}
	c.m.commands.WithLabelValues(verb, outcome).Inc()
	return msg, err
}

// labelValue writes a verb as a label value without spaces ("round start"
// becomes round_start), so queries and dashboards need no quoting games.
func labelValue(verb string) string {
	return strings.Join(strings.Fields(verb), "_")
}

// Messenger wraps ms, the messenger of one platform, counting its sends,
// errors and rate-limit waits.
func (m *Metrics) Messenger(p bot.Platform, ms bot.Messenger) bot.Messenger {
	return messenger{m: m, platform: string(p), ms: ms}
}

// Messengers wraps every messenger of ms by its platform.
func (m *Metrics) Messengers(ms bot.Messengers) {
	for p, one := range ms {
		ms[p] = m.Messenger(p, one)
	}
}

type messenger struct {
	m        *Metrics
	platform string
	ms       bot.Messenger
}

func (s messenger) Send(ctx context.Context, to bot.Destination, msg bot.Message) (bot.MessageRef, error) {
	ref, err := s.ms.Send(ctx, to, msg)
	var ra *bot.RetryAfterError
	switch {
	case err == nil:
		s.m.sends.WithLabelValues(s.platform).Inc()
	case errors.As(err, &ra):
		s.m.rateLimited.WithLabelValues(s.platform).Inc()
	default:
		s.m.sendErrors.WithLabelValues(s.platform).Inc()
	}
	return ref, err
}

// Delivered counts one delivery attempt's end; it is the scheduler's
// Observer.
func (m *Metrics) Delivered(kind bot.DeliveryKind, status string) {
	m.deliveries.WithLabelValues(string(kind), status).Inc()
}

// Ticked records one scheduler tick; it is the scheduler's Observer.
func (m *Metrics) Ticked(d time.Duration, err error) {
	m.tickSeconds.Observe(d.Seconds())
	if err != nil {
		m.tickErrors.Inc()
	}
}

// StoreFailed counts a failed store command by its name; it is the store's
// OnFailure callback. A failure of a ping is counted too: readiness probes
// while the store is down are store errors an operator wants to see.
func (m *Metrics) StoreFailed(command string) {
	if command == "" {
		command = "unknown"
	}
	m.storeErrors.WithLabelValues(command).Inc()
}
