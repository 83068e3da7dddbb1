package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
	"github.com/alsbot/alsbot/scheduler"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m)) }

const (
	testSecret   = "test-signing-secret"
	testBotToken = "xoxb-test"
	testAppToken = "xapp-test"
	setChannel   = "C0SET"
)

// harness is the adapter on a real HTTP server, with the real handlers on
// the embedded store (or a handler double), talking to a fake Slack.
type harness struct {
	t      testing.TB
	fake   *slacktest.Server
	a      *Adapter
	srv    *httptest.Server
	store  *mongo.Store
	clock  *bot.ManualClock
	nextRU int // response_url counter
	// refusalsExpected: the test sends payloads Slack refuses on purpose.
	refusalsExpected bool
	sched            *scheduler.Scheduler // set by withScheduler
}

type harnessOpt func(*Config)

func withHandler(h bot.Handler) harnessOpt { return func(c *Config) { c.Handler = h } }
func withAppToken() harnessOpt             { return func(c *Config) { c.AppToken = testAppToken } }
func withAckWait(d time.Duration) harnessOpt {
	return func(c *Config) { c.AckWait = d }
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.DiscardHandler)
}

func newHarness(t testing.TB, opts ...harnessOpt) *harness {
	t.Helper()
	h := &harness{t: t, fake: slacktest.New(t), clock: bot.NewManualClock(time.Now().Truncate(time.Second))}
	for _, u := range []struct{ id, name, tz string }{
		{"UFAC", "Fay", "Europe/London"}, {"UANA", "Ana", "Europe/London"},
		{"UBEN", "Ben", "America/New_York"}, {"UCAT", "Cat", "UTC"},
	} {
		h.fake.AddUser(u.id, u.name, u.tz)
	}
	h.fake.AddChannel(setChannel, "C0SOCK")
	h.store = mongotest.New(t)
	cfg := Config{
		BotToken: testBotToken, SigningSecret: testSecret, APIURL: h.fake.APIURL(),
		Claimer: h.store, Clock: h.clock, Logger: testLogger(t), Workers: 4,
		// The acknowledgement waits for the answer on the wall clock: with
		// the 1.5 s default a slow command on a loaded machine (a chart under
		// -race took about that) was acknowledged "Working on it…" and its
		// answer went to the response_url instead, failing tests that read
		// the answer in the acknowledgement. The tests of that path set a
		// short wait themselves (withAckWait).
		AckWait: time.Minute,
	}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Handler == nil {
		a.SetHandler(realHandler(h, a, cfg.Logger))
	}
	a.send.pace = 0 // tests post many messages to one channel; pacing has its own test
	h.a = a
	mux := http.NewServeMux()
	a.Register(mux)
	h.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		h.srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = a.Shutdown(ctx)
		// Whatever a test checks, nothing the bot sent may be a payload
		// Slack refuses.
		if !h.refusalsExpected {
			for _, c := range h.fake.Refused() {
				t.Errorf("Slack would refuse %s (%s): %v", c.Method, c.Error, c.Problems)
			}
		}
	})
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return h
}

// post sends body to path, signed at the clock's time.
func (h *harness) post(path, contentType string, body []byte, header http.Header) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if header == nil {
		ts := strconv.FormatInt(h.clock.Now().Unix(), 10)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", slacktest.Sign(testSecret, ts, body))
	} else {
		for k, v := range header {
			req.Header[k] = v
		}
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp
}

// commandBody is a slash command form as Slack posts it.
func (h *harness) commandBody(user, channel, text string) []byte {
	h.nextRU++
	chName := "west-set"
	if strings.HasPrefix(channel, "D") {
		chName = "directmessage"
	}
	return []byte(url.Values{
		"token": {"deprecated"}, "team_id": {"T1"}, "team_domain": {"test"},
		"channel_id": {channel}, "channel_name": {chName},
		"user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/als"}, "text": {text},
		"response_url": {h.fake.ResponseURL(h.nextRU)},
		"trigger_id":   {"trigger-" + strconv.Itoa(h.nextRU)},
	}.Encode())
}

// command runs /als text as user in channel and returns the immediate
// response (decoded).
func (h *harness) command(user, channel, text string) commandResponse {
	h.t.Helper()
	resp := h.post("/slack/commands", "application/x-www-form-urlencoded", h.commandBody(user, channel, text), nil)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		h.t.Fatalf("/als %s: status %d: %s", text, resp.StatusCode, body)
	}
	var cr commandResponse
	if len(bytes.TrimSpace(body)) > 0 {
		var raw struct {
			ResponseType string          `json:"response_type"`
			Text         string          `json:"text"`
			Blocks       json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(body, &raw); err != nil {
			h.t.Fatalf("/als %s: %v: %s", text, err, body)
		}
		cr.ResponseType, cr.Text = raw.ResponseType, raw.Text+"\n"+string(raw.Blocks)
		// Slack checks the acknowledgement's blocks like a message's.
		if problems := slacktest.ValidateMessage(raw.Text, raw.Blocks); len(problems) > 0 {
			h.t.Errorf("/als %s: Slack would refuse the immediate answer: %v", text, problems)
		} else {
			h.fake.Capture("command", raw.Text, raw.Blocks)
		}
	}
	return cr
}

// interact posts an interaction payload and returns the status and body.
func (h *harness) interact(payload any) (int, []byte) {
	h.t.Helper()
	raw, err := json.Marshal(payload)
	if err != nil {
		h.t.Fatal(err)
	}
	resp := h.post("/slack/interactions", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(raw)}}.Encode()), nil)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// event posts an Events API event_callback.
func (h *harness) event(eventID string, inner map[string]any, header http.Header) int {
	h.t.Helper()
	body, _ := json.Marshal(map[string]any{
		"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": eventID,
		"event_time": h.clock.Now().Unix(), "event": inner,
	})
	if header != nil {
		ts := strconv.FormatInt(h.clock.Now().Unix(), 10)
		header.Set("X-Slack-Request-Timestamp", ts)
		header.Set("X-Slack-Signature", slacktest.Sign(testSecret, ts, body))
	}
	resp := h.post("/slack/events", "application/json", body, header)
	resp.Body.Close()
	return resp.StatusCode
}

// buttonPress is a block_actions payload for pressing the button with
// actionID and value in channel.
func buttonPress(user, channel, actionID, value, responseURL string) map[string]any {
	p := map[string]any{
		"type": "block_actions", "trigger_id": "trigger-" + actionID + "-" + user,
		"user":      map[string]any{"id": user, "name": strings.ToLower(user)},
		"team":      map[string]any{"id": "T1"},
		"container": map[string]any{"type": "message", "channel_id": channel, "message_ts": "1.1"},
		"channel":   map[string]any{"id": channel},
		"actions":   []any{map[string]any{"type": "button", "action_id": actionID, "block_id": "als_actions", "value": value}},
	}
	if responseURL != "" {
		p["response_url"] = responseURL
	}
	return p
}

// viewSubmission is a view_submission payload for a modal opened with view,
// with the given values (block id = action id = field name).
func viewSubmission(user string, view map[string]any, values map[string]map[string]any) map[string]any {
	state := map[string]any{}
	for name, v := range values {
		state[name] = map[string]any{name: v}
	}
	view = maps(view)
	view["id"] = "V1"
	view["state"] = map[string]any{"values": state}
	return map[string]any{
		"type": "view_submission", "user": map[string]any{"id": user, "name": strings.ToLower(user)},
		"team": map[string]any{"id": "T1"}, "view": view,
	}
}

func maps(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// button finds the button labelled label in a recorded message's blocks.
func button(t testing.TB, c slacktest.Call, label string) (actionID, value string) {
	t.Helper()
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(c.Param("blocks")), &blocks); err != nil {
		t.Fatalf("blocks of %s: %v", c.Method, err)
	}
	for _, b := range blocks {
		els, _ := b["elements"].([]any)
		for _, e := range els {
			el, _ := e.(map[string]any)
			txt, _ := el["text"].(map[string]any)
			if el["type"] == "button" && txt["text"] == label {
				return el["action_id"].(string), el["value"].(string)
			}
		}
	}
	t.Fatalf("no button %q in %s", label, c.Param("blocks"))
	return "", ""
}

func isMethod(method string) func(slacktest.Call) bool {
	return func(c slacktest.Call) bool { return c.Method == method && c.OK() }
}

func posted(channel, contains string) func(slacktest.Call) bool {
	return func(c slacktest.Call) bool {
		return (c.Method == "chat.postMessage" || c.Method == "chat.postEphemeral") && c.OK() &&
			c.Param("channel") == channel && strings.Contains(c.Text(), contains)
	}
}

func responded(n int, contains string) func(slacktest.Call) bool {
	return func(c slacktest.Call) bool {
		return c.Method == "response_url" && c.OK() && c.JSON["url"] == "/response/"+strconv.Itoa(n) && strings.Contains(c.Text(), contains)
	}
}

// withScheduler wires the handler as the served bot is: the real scheduler
// (h.sched) plans and delivers through the adapter's Messenger.
func (h *harness) withScheduler() {
	h.t.Helper()
	log := slog.New(slog.DiscardHandler)
	h.sched = scheduler.New(scheduler.Deps{Store: h.store, Deliveries: h.store, Messenger: h.a.Messenger(), Clock: h.clock, Logger: log, Instance: "test"})
	h.a.SetHandler(handlers.New(handlers.Deps{
		Store: h.store, Clock: h.clock, Logger: log, Notifier: h.sched, Planner: h.sched,
		Rand: rand.New(rand.NewPCG(1, 2)),
	}))
}

// realHandler is the bot's real command handler on the harness's store,
// sending what commands cause through the adapter's own Messenger.
func realHandler(h *harness, a *Adapter, log *slog.Logger) bot.Handler {
	return handlers.New(handlers.Deps{
		Store: h.store, Clock: h.clock, Logger: log,
		Notifier: handlers.NewDirectNotifier(a.Messenger(), log),
		Rand:     rand.New(rand.NewPCG(1, 2)),
	})
}
