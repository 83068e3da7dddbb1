// Package slacktest is a loopback Slack for tests: the Web API methods
// alsbot calls, response_urls, file uploads and a Socket Mode websocket, on
// an httptest server, speaking Slack's wire format. It is strict the way
// Slack is: every message and view is checked against Block Kit's documented
// limits (ValidateMessage, ValidateView) and refused with Slack's own error
// (invalid_blocks, invalid_arguments), a post to a channel it does not know
// answers channel_not_found, and rate limits answer 429 with Retry-After
// where a test asks for them. Every call is recorded for assertions.
package slacktest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Server is the loopback Slack.
type Server struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	calls    []Call
	changed  chan struct{} // closed and replaced on every call
	users    map[string]User
	channels map[string]string   // known channel -> the error posting there answers ("" = ok)
	limit    map[string][]int    // method -> Retry-After seconds of 429s to answer first
	fail     map[string][]string // method -> Slack errors to answer first
	messages map[string]bool     // channel + "/" + ts of posted messages, for chat.update
	ts       int
	ws       *websocket.Conn
	wsMu     sync.Mutex
	acks     chan Ack
	envelope int
	// capture, when set (ALSBOT_CAPTURE_DIR), is where every payload Slack
	// accepted is written, for tools/platform-check to hold to @slack/types.
	capture  string
	prefix   string
	captured int
}

// User is a workspace member users.info knows.
type User struct{ Name, TZ string }

// Call is one recorded request.
type Call struct {
	Method string // Web API method, "response_url", "upload" or "websocket"
	At     time.Time
	Form   url.Values
	JSON   map[string]any
	Status int    // HTTP status answered
	Error  string // the Slack error answered with "ok": false, "" when ok
	Auth   string // Authorization header
	// Problems are the Block Kit rules the payload broke (Error is then
	// invalid_blocks or invalid_arguments).
	Problems []Problem
}

// OK reports whether Slack accepted the call.
func (c Call) OK() bool { return c.Status == http.StatusOK && c.Error == "" }

// Param returns a form or top-level JSON parameter as a string (JSON
// values other than strings re-encoded).
func (c Call) Param(name string) string {
	if v := c.Form.Get(name); v != "" {
		return v
	}
	switch v := c.JSON[name].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// Text returns all the text a posted message shows (its fallback text and
// its blocks), for assertions.
func (c Call) Text() string { return c.Param("text") + "\n" + c.Param("blocks") }

// Ack is a Socket Mode acknowledgement the bot sent.
type Ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

// New starts a loopback Slack, closed when the test ends.
func New(t testing.TB) *Server {
	f := &Server{
		t: t, changed: make(chan struct{}), users: map[string]User{}, channels: map[string]string{},
		limit: map[string][]int{}, fail: map[string][]string{}, messages: map[string]bool{}, acks: make(chan Ack, 100),
	}
	if dir := os.Getenv("ALSBOT_CAPTURE_DIR"); dir != "" {
		f.capture = filepath.Join(dir, "slack")
		f.prefix = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '-'
		}, t.Name())
		if err := os.MkdirAll(f.capture, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", f.serveAPI)
	mux.HandleFunc("/response/", f.serveResponse)
	mux.HandleFunc("/ws", f.serveWS)
	mux.HandleFunc("/upload/", f.serveUpload)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.wsMu.Lock()
		if f.ws != nil {
			f.ws.Close()
		}
		f.wsMu.Unlock()
		f.srv.Close()
	})
	return f
}

// URL is the server's base URL.
func (f *Server) URL() string { return f.srv.URL }

// APIURL is the Web API base URL (slack.OptionAPIURL, SLACK_API_URL).
func (f *Server) APIURL() string { return f.srv.URL + "/api/" }

// ResponseURL is the n-th response_url a slash command or interaction may carry.
func (f *Server) ResponseURL(n int) string { return f.srv.URL + "/response/" + strconv.Itoa(n) }

// AddUser makes users.info know a user.
func (f *Server) AddUser(id, name, tz string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id] = User{name, tz}
}

// AddChannel makes a channel the bot may post in. Direct message channels
// are known once conversations.open opened them.
func (f *Server) AddChannel(ids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		f.channels[id] = ""
	}
}

// RefuseChannel makes every post to channel answer Slack's error, e.g.
// "not_in_channel" or "is_archived".
func (f *Server) RefuseChannel(channel, slackError string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.channels[channel] = slackError
}

// RateLimit makes the next calls of method answer 429 with these
// Retry-After values (seconds).
func (f *Server) RateLimit(method string, retryAfter ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limit[method] = append(f.limit[method], retryAfter...)
}

// Fail makes the next calls of method answer "ok": false with these errors.
func (f *Server) Fail(method string, slackErrors ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method] = append(f.fail[method], slackErrors...)
}

func (f *Server) record(c Call) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
	close(f.changed)
	f.changed = make(chan struct{})
}

// Calls returns the calls so far and a channel closed at the next one.
func (f *Server) Calls() ([]Call, chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...), f.changed
}

// Count returns how many calls match.
func (f *Server) Count(match func(Call) bool) int {
	calls, _ := f.Calls()
	n := 0
	for _, c := range calls {
		if match(c) {
			n++
		}
	}
	return n
}

// WaitFor returns the first recorded call after the first skip calls that
// matches, and the number of calls up to it, waiting for it (up to a
// generous limit that only stops a broken test from hanging).
func (f *Server) WaitFor(skip int, match func(Call) bool) (Call, int) {
	f.t.Helper()
	limit := time.After(20 * time.Second)
	for {
		calls, changed := f.Calls()
		for i := skip; i < len(calls); i++ {
			if match(calls[i]) {
				return calls[i], i + 1
			}
		}
		select {
		case <-changed:
		case <-limit:
			var methods []string
			for _, c := range calls[skip:] {
				line := c.Method + " " + c.Param("channel") + " " + strings.ReplaceAll(c.Param("text"), "\n", " ")
				if c.Error != "" {
					line += " -> " + c.Error
				}
				methods = append(methods, line)
			}
			f.t.Fatalf("no matching Slack call after #%d; calls since:\n%s", skip, strings.Join(methods, "\n"))
		}
	}
}

// Refused returns the calls Slack would have refused for their payload, for
// a test to assert there are none.
func (f *Server) Refused() []Call {
	calls, _ := f.Calls()
	var out []Call
	for _, c := range calls {
		if len(c.Problems) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// Sign signs body the way Slack does: v0=hex(HMAC-SHA256(secret, "v0:ts:body")).
func Sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}
