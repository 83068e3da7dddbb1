package slack

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
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeSlack is a loopback Slack: the Web API methods the adapter calls
// (recorded with their arrival time), response_urls, and a Socket Mode
// websocket.
type fakeSlack struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	calls    []apiCall
	changed  chan struct{} // closed and replaced on every call
	users    map[string]fakeUser
	limit    map[string][]int // method -> Retry-After seconds of 429s to answer first
	ts       int
	ws       *websocket.Conn
	wsMu     sync.Mutex
	acks     chan socketAck
	envelope int
}

type fakeUser struct{ name, tz string }

// apiCall is one recorded request to the fake.
type apiCall struct {
	Method string // Web API method, or "response_url"
	At     time.Time
	Form   url.Values
	JSON   map[string]any
	Status int
	Auth   string // Authorization header
}

// param returns a form or top-level JSON parameter as a string.
func (c apiCall) param(name string) string {
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

// text returns all the text a posted message shows (its fallback text and
// its blocks), for assertions.
func (c apiCall) text() string {
	return c.param("text") + "\n" + c.param("blocks")
}

type socketAck struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{t: t, changed: make(chan struct{}), users: map[string]fakeUser{}, limit: map[string][]int{}, acks: make(chan socketAck, 100)}
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

func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

func (f *fakeSlack) addUser(id, name, tz string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id] = fakeUser{name, tz}
}

// rateLimit makes the next calls of method answer 429 with these Retry-After values.
func (f *fakeSlack) rateLimit(method string, retryAfter ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limit[method] = append(f.limit[method], retryAfter...)
}

func (f *fakeSlack) record(c apiCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *fakeSlack) snapshot() ([]apiCall, chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiCall(nil), f.calls...), f.changed
}

// count returns how many calls match.
func (f *fakeSlack) count(match func(apiCall) bool) int {
	calls, _ := f.snapshot()
	n := 0
	for _, c := range calls {
		if match(c) {
			n++
		}
	}
	return n
}

// waitFor returns the first recorded call after the first skip calls that
// matches, waiting for it (up to a generous limit that only stops a broken
// test from hanging).
func (f *fakeSlack) waitFor(skip int, match func(apiCall) bool) (apiCall, int) {
	f.t.Helper()
	limit := time.After(20 * time.Second)
	for {
		calls, changed := f.snapshot()
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
				methods = append(methods, c.Method+" "+c.param("channel")+" "+strings.ReplaceAll(c.param("text"), "\n", " "))
			}
			f.t.Fatalf("no matching Slack call after #%d; calls since:\n%s", skip, strings.Join(methods, "\n"))
		}
	}
}

func (f *fakeSlack) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	c := apiCall{Method: method, At: time.Now(), Auth: r.Header.Get("Authorization")}
	body, _ := io.ReadAll(r.Body)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, &c.JSON)
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	f.mu.Lock()
	var retry = -1
	if q := f.limit[method]; len(q) > 0 {
		retry, f.limit[method] = q[0], q[1:]
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
	var resp any
	switch method {
	case "auth.test":
		resp = map[string]any{"ok": true, "user_id": "UBOT", "user": "alsbot", "team": "Test team", "team_id": "T1"}
	case "chat.postMessage":
		resp = map[string]any{"ok": true, "channel": c.param("channel"), "ts": ts}
	case "chat.postEphemeral":
		resp = map[string]any{"ok": true, "message_ts": ts}
	case "conversations.open":
		resp = map[string]any{"ok": true, "channel": map[string]any{"id": "D" + strings.TrimPrefix(c.param("users"), "U")}}
	case "users.info":
		id := c.param("user")
		f.mu.Lock()
		u, ok := f.users[id]
		f.mu.Unlock()
		if !ok {
			resp = map[string]any{"ok": false, "error": "user_not_found"}
			break
		}
		resp = map[string]any{"ok": true, "user": map[string]any{"id": id, "name": strings.ToLower(u.name), "real_name": u.name, "tz": u.tz, "profile": map[string]any{"display_name": u.name}}}
	case "files.getUploadURLExternal":
		id := "F" + strconv.Itoa(f.ts)
		resp = map[string]any{"ok": true, "upload_url": f.srv.URL + "/upload/" + id, "file_id": id}
	case "files.completeUploadExternal":
		resp = map[string]any{"ok": true, "files": []any{map[string]any{"id": "F", "title": "t"}}}
	case "views.open", "views.publish":
		resp = map[string]any{"ok": true, "view": map[string]any{"id": "V" + ts}}
	case "apps.connections.open":
		resp = map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"}
	default:
		resp = map[string]any{"ok": false, "error": "unknown_method"}
	}
	f.record(c)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func (f *fakeSlack) serveResponse(w http.ResponseWriter, r *http.Request) {
	c := apiCall{Method: "response_url", At: time.Now(), Status: http.StatusOK}
	body, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(body, &c.JSON)
	c.JSON["url"] = r.URL.Path
	f.record(c)
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"ok":true}`)
}

// serveUpload takes a file upload to a URL files.getUploadURLExternal gave,
// as multipart form data with the field "file"; it records the file's name
// (Form "filename"), its content ("content") and the URL path ("url").
func (f *fakeSlack) serveUpload(w http.ResponseWriter, r *http.Request) {
	c := apiCall{Method: "upload", At: time.Now(), Status: http.StatusOK, Form: url.Values{}, Auth: r.Header.Get("Authorization")}
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

func (f *fakeSlack) responseURL(n int) string {
	return f.srv.URL + "/response/" + strconv.Itoa(n)
}

// serveWS speaks Socket Mode: hello, pings, envelopes from the test, acks
// back to the test.
func (f *fakeSlack) serveWS(w http.ResponseWriter, r *http.Request) {
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
	f.record(apiCall{Method: "websocket", At: time.Now()})
	for {
		var ack socketAck
		if err := conn.ReadJSON(&ack); err != nil {
			return
		}
		f.acks <- ack
	}
}

// sendEnvelope sends a Socket Mode envelope and returns its id.
func (f *fakeSlack) sendEnvelope(typ string, payload any, envelopeID string) string {
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

// waitAck returns the ack of envelope id.
func (f *fakeSlack) waitAck(id string) socketAck {
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

// signRequest signs body the way Slack does: v0=hex(HMAC-SHA256(secret, "v0:ts:body")).
func signRequest(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}
