package slacktest

// Socket Mode: the websocket, envelopes from the test and the bot's acks.

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
)

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
