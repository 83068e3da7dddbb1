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
	"fmt"
	"io"
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

func (f *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	c := Call{Method: method, At: time.Now(), Auth: r.Header.Get("Authorization")}
	body, _ := io.ReadAll(r.Body)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, &c.JSON)
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	f.mu.Lock()
	retry := -1
	if q := f.limit[method]; len(q) > 0 {
		retry, f.limit[method] = q[0], q[1:]
	}
	var scripted string
	if q := f.fail[method]; len(q) > 0 {
		scripted, f.fail[method] = q[0], q[1:]
	}
	f.ts++
	ts := fmt.Sprintf("1700000000.%06d", f.ts)
	f.mu.Unlock()
	if retry >= 0 {
		c.Status = http.StatusTooManyRequests
		f.record(c)
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	c.Status = http.StatusOK
	resp := f.answer(&c, method, ts)
	if scripted != "" {
		resp = map[string]any{"ok": false, "error": scripted}
	}
	if ok, _ := resp["ok"].(bool); !ok {
		c.Error, _ = resp["error"].(string)
	}
	if len(c.Problems) > 0 {
		msgs := make([]string, len(c.Problems))
		for i, p := range c.Problems {
			msgs[i] = "[ERROR] " + p.String()
		}
		resp["response_metadata"] = map[string]any{"messages": msgs}
	}
	f.record(c)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func refuse(err string) map[string]any { return map[string]any{"ok": false, "error": err} }

// answer is the Web API's answer to one call; it validates payloads first.
func (f *Server) answer(c *Call, method, ts string) map[string]any {
	switch method {
	case "auth.test":
		return map[string]any{"ok": true, "user_id": "UBOT", "user": "alsbot", "team": "Test team", "team_id": "T1"}
	case "chat.postMessage", "chat.postEphemeral", "chat.update":
		channel := c.Param("channel")
		if c.Problems = ValidateMessage(c.Param("text"), json.RawMessage(c.Param("blocks"))); len(c.Problems) > 0 {
			if strings.Contains(c.Problems[0].Msg, "no_text") {
				return refuse("no_text")
			}
			return refuse("invalid_blocks")
		}
		if err := f.channelError(channel); err != "" {
			return refuse(err)
		}
		switch method {
		case "chat.postEphemeral":
			if !f.knownUser(c.Param("user")) {
				return refuse("user_not_found")
			}
			f.keep(method, c.Param("text"), c.Param("blocks"))
			return map[string]any{"ok": true, "message_ts": ts}
		case "chat.update":
			f.mu.Lock()
			ok := f.messages[channel+"/"+c.Param("ts")]
			f.mu.Unlock()
			if !ok {
				return refuse("message_not_found")
			}
			f.keep(method, c.Param("text"), c.Param("blocks")) // a live card's updates are checked too
			return map[string]any{"ok": true, "channel": channel, "ts": c.Param("ts")}
		}
		f.mu.Lock()
		f.messages[channel+"/"+ts] = true
		f.mu.Unlock()
		f.keep(method, c.Param("text"), c.Param("blocks"))
		return map[string]any{"ok": true, "channel": channel, "ts": ts}
	case "conversations.info":
		// Like Slack: a public channel the bot is not in answers is_member
		// false; a channel it cannot see, channel_not_found.
		channel := c.Param("channel")
		switch err := f.channelError(channel); err {
		case "":
			return map[string]any{"ok": true, "channel": map[string]any{"id": channel, "is_member": true}}
		case "not_in_channel":
			return map[string]any{"ok": true, "channel": map[string]any{"id": channel, "is_member": false}}
		default:
			return refuse(err)
		}
	case "conversations.open":
		user := c.Param("users")
		if !f.knownUser(user) {
			return refuse("user_not_found")
		}
		id := "D" + strings.TrimPrefix(user, "U")
		f.mu.Lock()
		if _, ok := f.channels[id]; !ok {
			f.channels[id] = ""
		}
		f.mu.Unlock()
		return map[string]any{"ok": true, "channel": map[string]any{"id": id}}
	case "users.info":
		id := c.Param("user")
		f.mu.Lock()
		u, ok := f.users[id]
		f.mu.Unlock()
		if !ok {
			return refuse("user_not_found")
		}
		return map[string]any{"ok": true, "user": map[string]any{"id": id, "name": strings.ToLower(u.Name), "real_name": u.Name, "tz": u.TZ, "profile": map[string]any{"display_name": u.Name}}}
	case "files.getUploadURLExternal":
		id := "F" + strings.ReplaceAll(ts, ".", "")
		return map[string]any{"ok": true, "upload_url": f.srv.URL + "/upload/" + id, "file_id": id}
	case "files.completeUploadExternal":
		if ch := c.Param("channel_id"); ch != "" {
			if err := f.channelError(ch); err != "" {
				return refuse(err)
			}
		}
		return map[string]any{"ok": true, "files": []any{map[string]any{"id": "F", "title": "t"}}}
	case "views.open", "views.publish", "views.update":
		if c.Problems = ValidateView(json.RawMessage(c.Param("view"))); len(c.Problems) > 0 {
			return refuse("invalid_arguments")
		}
		f.keepRaw(method, []byte(c.Param("view")))
		return map[string]any{"ok": true, "view": map[string]any{"id": "V" + ts}}
	case "apps.connections.open":
		return map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"}
	}
	return refuse("unknown_method")
}

// channelError is what posting to channel answers: "" when the bot may post.
func (f *Server) channelError(channel string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	err, ok := f.channels[channel]
	if !ok {
		return "channel_not_found"
	}
	return err
}

func (f *Server) knownUser(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.users[id]
	return ok
}

// serveResponse takes an answer posted to a response_url; Slack checks its
// blocks like a message's.
func (f *Server) serveResponse(w http.ResponseWriter, r *http.Request) {
	c := Call{Method: "response_url", At: time.Now(), Status: http.StatusOK}
	body, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(body, &c.JSON)
	if c.JSON == nil {
		c.JSON = map[string]any{}
	}
	c.JSON["url"] = r.URL.Path
	w.Header().Set("Content-Type", "application/json")
	if c.Problems = ValidateMessage(c.Param("text"), json.RawMessage(c.Param("blocks"))); len(c.Problems) > 0 {
		c.Error = "invalid_blocks"
		f.record(c)
		_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_blocks"}`)
		return
	}
	f.record(c)
	f.keep("response_url", c.Param("text"), c.Param("blocks"))
	_, _ = io.WriteString(w, `{"ok":true}`)
}

// Capture writes a message payload Slack accepted other than through this
// server (a slash command's immediate answer) to the capture directory,
// when there is one (ALSBOT_CAPTURE_DIR).
func (f *Server) Capture(kind, text string, blocks json.RawMessage) {
	f.keep(kind, text, string(blocks))
}

// keep writes an accepted message payload to the capture directory.
func (f *Server) keep(method, text, blocks string) {
	if f.capture == "" {
		return
	}
	if blocks == "" {
		blocks = "[]"
	}
	f.keepRaw(method, []byte(`{"text":`+strconv.Quote(text)+`,"blocks":`+blocks+`}`))
}

func (f *Server) keepRaw(method string, payload []byte) {
	if f.capture == "" {
		return
	}
	f.mu.Lock()
	f.captured++
	name := fmt.Sprintf("%s-%03d-%s.json", f.prefix, f.captured, method)
	f.mu.Unlock()
	var v any
	if json.Unmarshal(payload, &v) != nil {
		return
	}
	pretty, _ := json.MarshalIndent(v, "", "  ")
	if err := os.WriteFile(filepath.Join(f.capture, name), pretty, 0o644); err != nil {
		f.t.Errorf("capture %s: %v", name, err)
	}
}

// serveUpload takes a file upload to a URL files.getUploadURLExternal gave,
// as multipart form data with the field "file"; it records the file's name
// (Form "filename"), its content ("content") and the URL path ("url").
func (f *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	c := Call{Method: "upload", At: time.Now(), Status: http.StatusOK, Form: url.Values{}, Auth: r.Header.Get("Authorization")}
	c.Form.Set("url", r.URL.Path)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		c.Status = http.StatusBadRequest
		f.record(c)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b, _ := io.ReadAll(file)
	c.Form.Set("filename", hdr.Filename)
	c.Form.Set("content", string(b))
	f.record(c)
	_, _ = io.WriteString(w, "OK - "+strconv.Itoa(len(b)))
}

// serveWS speaks Socket Mode: hello, pings, envelopes from the test, acks
// back to the test.
func (f *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	// slack-go dials with Origin https://api.slack.com, as Slack expects.
	up := websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "https://api.slack.com" }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	f.wsMu.Lock()
	f.ws = conn
	_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
	f.wsMu.Unlock()
	_ = conn.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(time.Second))
	f.record(Call{Method: "websocket", At: time.Now(), Status: http.StatusOK})
	for {
		var ack Ack
		if err := conn.ReadJSON(&ack); err != nil {
			return
		}
		f.acks <- ack
	}
}

// SendEnvelope sends a Socket Mode envelope and returns its id ("" picks one).
func (f *Server) SendEnvelope(typ string, payload any, envelopeID string) string {
	f.t.Helper()
	f.wsMu.Lock()
	defer f.wsMu.Unlock()
	if envelopeID == "" {
		f.envelope++
		envelopeID = "env-" + strconv.Itoa(f.envelope)
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.ws.WriteJSON(map[string]any{"type": typ, "envelope_id": envelopeID, "payload": json.RawMessage(raw), "accepts_response_payload": typ != "events_api"}); err != nil {
		f.t.Fatal(err)
	}
	return envelopeID
}

// WaitAck returns the ack of envelope id.
func (f *Server) WaitAck(id string) Ack {
	f.t.Helper()
	limit := time.After(20 * time.Second)
	for {
		select {
		case a := <-f.acks:
			if a.EnvelopeID == id {
				return a
			}
		case <-limit:
			f.t.Fatalf("no ack for envelope %s", id)
		}
	}
}

// Sign signs body the way Slack does: v0=hex(HMAC-SHA256(secret, "v0:ts:body")).
func Sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}
