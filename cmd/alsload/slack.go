package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// fakeSlack is the loopback Slack the bot under load talks to: the few Web
// API methods a slash command needs (auth.test, users.info,
// conversations.open, chat.post*), and the response_url receiver, which
// hands each arrival to the request waiting for it.
type fakeSlack struct {
	srv  *http.Server
	ln   net.Listener
	base string // http://127.0.0.1:port

	mu      sync.Mutex
	waiting map[string]chan arrival // response_url id -> its request
	stray   int                     // response_url posts nobody waited for (any more)
}

// arrival is one answer at a response_url.
type arrival struct {
	at   time.Time
	text string
}

func newFakeSlack(addr string) (*fakeSlack, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if err := loopbackOnly(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for the fake Slack: %w", err)
	}
	f := &fakeSlack{ln: ln, base: "http://" + ln.Addr().String(), waiting: map[string]chan arrival{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", f.serveAPI)
	mux.HandleFunc("POST /response/{id}", f.serveResponse)
	f.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

func (f *fakeSlack) close() { _ = f.srv.Close() }

// apiURL is what the bot gets as SLACK_API_URL.
func (f *fakeSlack) apiURL() string { return f.base + "/api/" }

// expect registers a response_url id before its request is sent.
func (f *fakeSlack) expect(id string) <-chan arrival {
	ch := make(chan arrival, 1)
	f.mu.Lock()
	f.waiting[id] = ch
	f.mu.Unlock()
	return ch
}

// forget drops a registration (answered in the acknowledgement, or given up).
func (f *fakeSlack) forget(id string) {
	f.mu.Lock()
	delete(f.waiting, id)
	f.mu.Unlock()
}

func (f *fakeSlack) serveResponse(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	body, _ := io.ReadAll(r.Body)
	var msg struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(body, &msg)
	id := r.PathValue("id")
	f.mu.Lock()
	ch, ok := f.waiting[id]
	delete(f.waiting, id)
	if !ok {
		f.stray++
	}
	f.mu.Unlock()
	if ok {
		ch <- arrival{at: at, text: msg.Text}
	}
	_, _ = io.WriteString(w, "ok")
}

func (f *fakeSlack) serveAPI(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	param := func(name string) string { return r.Form.Get(name) }
	var resp any
	switch strings.TrimPrefix(r.URL.Path, "/api/") {
	case "auth.test":
		resp = map[string]any{"ok": true, "user_id": "UBOT", "user": "alsbot", "team": "load", "team_id": "TLOAD"}
	case "users.info":
		id := param("user")
		name := strings.ToLower(strings.TrimPrefix(id, "U"))
		resp = map[string]any{"ok": true, "user": map[string]any{
			"id": id, "name": name, "real_name": name, "tz": "Europe/London",
			"profile": map[string]any{"display_name": name, "real_name": name},
		}}
	case "conversations.open":
		resp = map[string]any{"ok": true, "channel": map[string]any{"id": "D" + strings.TrimPrefix(param("users"), "U")}}
	case "chat.postMessage":
		resp = map[string]any{"ok": true, "channel": param("channel"), "ts": fmt.Sprintf("%d.000100", time.Now().Unix())}
	case "chat.postEphemeral":
		resp = map[string]any{"ok": true, "message_ts": fmt.Sprintf("%d.000200", time.Now().Unix())}
	default:
		resp = map[string]any{"ok": true}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

// loopbackOnly refuses an address or URL whose host is not a loopback IP or
// "localhost": the tool never sends load anywhere else.
func loopbackOnly(addrOrURL string) error {
	hostport := addrOrURL
	if strings.Contains(addrOrURL, "://") {
		u, err := url.Parse(addrOrURL)
		if err != nil {
			return fmt.Errorf("%q is not a URL: %w", addrOrURL, err)
		}
		hostport = u.Host
	}
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%q is not on loopback: alsload only sends load to 127.0.0.1, ::1 or localhost", addrOrURL)
}
