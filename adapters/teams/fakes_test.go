package teams

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
	"github.com/infracloudio/msbotbuilder-go/schema"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m)) }

// The store the binary wires in implements the adapter's port.
var _ ConversationStore = (*mongo.Store)(nil)

const testAppID = "00000000-aaaa-bbbb-cccc-000000000001"

func newFakeClock() *bot.ManualClock {
	return bot.NewManualClock(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
}

// signingKey is a key the fake identity service may publish.
type signingKey struct {
	kid string
	key *rsa.PrivateKey
	// endorsements published with the key: nil means ["msteams"]; empty
	// (not nil) publishes the key without any.
	endorsements []string
}

func newSigningKey(t testing.TB, kid string) signingKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return signingKey{kid: kid, key: k}
}

// recorded is one request the fake connector received.
type recorded struct {
	Method, Path, Auth string
	ConvID             string
	Activity           schema.Activity
	Params             schema.ConversationParameters
	Raw                map[string]any
	At                 time.Time
	Status             int      // what the fake answered
	Problems           []string // why it refused the activity (400/413), as Teams would
}

// botFramework fakes, on one loopback server, what alsbot talks to: the
// OpenID metadata and JWKS, the AAD token endpoint and the Bot Connector.
type botFramework struct {
	t   testing.TB
	srv *httptest.Server

	metadataFetches, jwksFetches, tokenCalls atomic.Int64
	captured                                 atomic.Int64

	mu        sync.Mutex
	published []signingKey
	requests  []recorded
	// script answers connector posts to a conversation with these statuses
	// first (e.g. 429), then 200.
	script   map[string][]int
	gone     map[string]bool // conversations answering 403
	tokenTTL int             // expires_in of issued tokens, seconds
	convSeq  int
	// directory answers GET .../members/{id}: channel account id -> account.
	directory     map[string]schema.ChannelAccount
	memberLookups atomic.Int64
	// posted are the activities the connector created, by conversation
	// and id: an update of any other answers 404 like Teams.
	posted map[string]bool
	// uploads are the files put at the upload URLs the fake hands out in
	// file consent answers (as OneDrive would take them), by name.
	uploads map[string][]byte
}

func newBotFramework(t testing.TB, keys ...signingKey) *botFramework {
	bf := &botFramework{t: t, published: keys, script: map[string][]int{}, gone: map[string]bool{}, tokenTTL: 3600, directory: map[string]schema.ChannelAccount{}, posted: map[string]bool{}, uploads: map[string][]byte{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openid", func(w http.ResponseWriter, r *http.Request) {
		bf.metadataFetches.Add(1)
		writeJSON(w, map[string]any{"issuer": tokenIssuer, "jwks_uri": bf.srv.URL + "/keys", "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		bf.jwksFetches.Add(1)
		bf.mu.Lock()
		defer bf.mu.Unlock()
		var keys []map[string]any
		for _, k := range bf.published {
			jwk := map[string]any{
				"kty": "RSA", "use": "sig", "kid": k.kid,
				"n": base64.RawURLEncoding.EncodeToString(k.key.N.Bytes()),
				"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.key.E)).Bytes()),
			}
			switch {
			case k.endorsements == nil:
				jwk["endorsements"] = []string{"msteams"}
			case len(k.endorsements) > 0:
				jwk["endorsements"] = k.endorsements
			}
			keys = append(keys, jwk)
		}
		writeJSON(w, map[string]any{"keys": keys})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		n := bf.tokenCalls.Add(1)
		if err := r.ParseForm(); err != nil || r.Form.Get("grant_type") != "client_credentials" ||
			r.Form.Get("client_id") != testAppID || r.Form.Get("client_secret") != "s3cret" ||
			r.Form.Get("scope") != "https://api.botframework.com/.default" {
			w.WriteHeader(http.StatusUnauthorized)
			writeJSON(w, map[string]any{"error": "invalid_client"})
			return
		}
		bf.mu.Lock()
		ttl := bf.tokenTTL
		bf.mu.Unlock()
		writeJSON(w, map[string]any{"token_type": "Bearer", "expires_in": ttl, "ext_expires_in": ttl, "access_token": fmt.Sprintf("bot-token-%d", n)})
	})
	mux.HandleFunc("POST /svc/v3/conversations/{conv}/activities", func(w http.ResponseWriter, r *http.Request) {
		arrived := time.Now() // before the checks below, which take their time
		conv := r.PathValue("conv")
		body, act, raw, ok := readActivity(w, r)
		if !ok {
			return
		}
		// Strict like Teams: an activity over the documented size limit
		// is refused with 413 MessageSizeTooBig, a card Teams cannot take
		// with 400.
		problems, status := refusal(body, raw)
		if status == http.StatusOK {
			bf.capture(raw)
		}
		bf.mu.Lock()
		bf.requests = append(bf.requests, recorded{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), ConvID: conv, Activity: act, Raw: raw, At: arrived, Problems: problems})
		n := len(bf.requests)
		switch s := bf.script[conv]; {
		case status != http.StatusOK: // refused for its content
		case len(s) > 0:
			status, bf.script[conv] = s[0], s[1:]
		case bf.gone[conv]:
			status = http.StatusForbidden
		}
		bf.requests[n-1].Status = status
		bf.mu.Unlock()
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		switch status {
		case http.StatusOK:
			bf.mu.Lock()
			bf.posted[baseConv(conv)+"/"+fmt.Sprintf("act-%d", n)] = true
			bf.mu.Unlock()
			writeJSON(w, map[string]any{"id": fmt.Sprintf("act-%d", n)})
		case http.StatusRequestEntityTooLarge:
			w.WriteHeader(status)
			writeJSON(w, map[string]any{"error": map[string]any{"code": "MessageSizeTooBig", "message": "Message size too big"}})
		case http.StatusBadRequest:
			w.WriteHeader(status)
			writeJSON(w, map[string]any{"error": map[string]any{"code": "BadArgument", "message": strings.Join(problems, "; ")}})
		default:
			w.WriteHeader(status)
		}
	})
	// Update activity: the card is checked like a new one, and only an
	// activity the connector created can be updated.
	mux.HandleFunc("PUT /svc/v3/conversations/{conv}/activities/{id}", func(w http.ResponseWriter, r *http.Request) {
		conv, id := r.PathValue("conv"), r.PathValue("id")
		body, act, raw, ok := readActivity(w, r)
		if !ok {
			return
		}
		problems, status := refusal(body, raw)
		bf.mu.Lock()
		if status == http.StatusOK && !bf.posted[baseConv(conv)+"/"+id] {
			status = http.StatusNotFound
		}
		if status == http.StatusOK && bf.gone[conv] {
			status = http.StatusForbidden
		}
		bf.requests = append(bf.requests, recorded{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), ConvID: conv, Activity: act, Raw: raw, At: time.Now(), Problems: problems, Status: status})
		bf.mu.Unlock()
		if status == http.StatusOK {
			bf.capture(raw)
			writeJSON(w, map[string]any{"id": id})
			return
		}
		w.WriteHeader(status)
	})
	// OneDrive's upload session as the file consent flow uses it: one PUT
	// of the whole file with Content-Range, no bot token.
	mux.HandleFunc("PUT /upload/{name}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		want := fmt.Sprintf("bytes 0-%d/%d", len(body)-1, len(body))
		if r.Header.Get("Content-Range") != want || r.Header.Get("Authorization") != "" {
			http.Error(w, "bad upload", http.StatusBadRequest)
			return
		}
		bf.mu.Lock()
		bf.uploads[r.PathValue("name")] = body
		bf.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		writeJSON(w, map[string]any{"id": "file-" + r.PathValue("name"), "name": r.PathValue("name")})
	})
	mux.HandleFunc("GET /svc/v3/conversations/{conv}/members/{member}", func(w http.ResponseWriter, r *http.Request) {
		bf.memberLookups.Add(1)
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer bot-token-") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		bf.mu.Lock()
		acc, ok := bf.directory[r.PathValue("member")]
		bf.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			writeJSON(w, map[string]any{"error": map[string]any{"code": "MemberNotFoundInConversation"}})
			return
		}
		writeJSON(w, acc)
	})
	mux.HandleFunc("POST /svc/v3/conversations", func(w http.ResponseWriter, r *http.Request) {
		var p schema.ConversationParameters
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil || len(p.Members) != 1 {
			http.Error(w, "bad parameters", http.StatusBadRequest)
			return
		}
		bf.mu.Lock()
		bf.convSeq++
		id := fmt.Sprintf("a:dm-%d-%s", bf.convSeq, p.Members[0].ID)
		bf.requests = append(bf.requests, recorded{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Params: p, At: time.Now()})
		bf.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		writeJSON(w, map[string]any{"id": id})
	})
	bf.srv = httptest.NewServer(mux)
	t.Cleanup(bf.srv.Close)
	return bf
}

// teamsMessageLimit is Teams' documented bot message size limit: about
// 100 KB of the payload encoded as UTF-16 (learn.microsoft.com, "Format your
// bot messages"); the fake refuses beyond it as Teams does.
const teamsMessageLimit = 100 << 10

// baseConv is a conversation id without its thread (";messageid=…").
func baseConv(id string) string { base, _, _ := strings.Cut(id, ";"); return base }

// refusal is why Teams would refuse an activity, and with which status
// (200 when it would not).
func refusal(body []byte, raw map[string]any) ([]string, int) {
	if n := utf16Bytes(body); n > teamsMessageLimit {
		return []string{fmt.Sprintf("%d bytes as UTF-16, over %d", n, teamsMessageLimit)}, http.StatusRequestEntityTooLarge
	}
	var problems []string
	atts, _ := raw["attachments"].([]any)
	for _, a := range atts {
		att, _ := a.(map[string]any)
		if att["contentType"] == fileConsentType {
			// Teams offers files only in the personal scope.
			conv, _ := raw["conversation"].(map[string]any)
			content, _ := att["content"].(map[string]any)
			if conv["conversationType"] != "personal" {
				problems = append(problems, "file consent card outside a personal chat")
			}
			if att["name"] == "" || att["name"] == nil || content["sizeInBytes"] == nil || content["acceptContext"] == nil {
				problems = append(problems, "file consent card without name, sizeInBytes or acceptContext")
			}
			continue
		}
		if att["contentType"] != cardContentType {
			continue
		}
		card, _ := json.Marshal(att["content"])
		problems = append(problems, validateCard(card)...)
	}
	if len(problems) > 0 {
		return problems, http.StatusBadRequest
	}
	return nil, http.StatusOK
}

// capture writes the cards of an accepted activity to ALSBOT_CAPTURE_DIR
// (when set), for tools/platform-check to hold to Microsoft's adaptivecards.
func (bf *botFramework) capture(raw map[string]any) {
	dir := os.Getenv("ALSBOT_CAPTURE_DIR")
	if dir == "" {
		return
	}
	dir = filepath.Join(dir, "teams")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		bf.t.Errorf("capture: %v", err)
		return
	}
	atts, _ := raw["attachments"].([]any)
	for _, a := range atts {
		att, _ := a.(map[string]any)
		if att["contentType"] != cardContentType {
			continue
		}
		b, _ := json.MarshalIndent(att["content"], "", "  ")
		name := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '-'
		}, bf.t.Name()) + fmt.Sprintf("-%03d.json", bf.captured.Add(1))
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			bf.t.Errorf("capture: %v", err)
		}
	}
}

// refused returns the activities the fake refused.
func (bf *botFramework) refused() []recorded {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	var out []recorded
	for _, r := range bf.requests {
		if len(r.Problems) > 0 {
			out = append(out, r)
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (bf *botFramework) serviceURL() string { return bf.srv.URL + "/svc/" }

func (bf *botFramework) publish(k signingKey) {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	bf.published = append(bf.published, k)
}

// posts returns the activities posted to conversations, in order.
func (bf *botFramework) posts() []recorded {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	var out []recorded
	for _, r := range bf.requests {
		// Typing indicators are not posts: a command shows one only when
		// it is slow, which tests counting posts must not depend on.
		if strings.HasSuffix(r.Path, "/activities") && r.Activity.Type != "typing" {
			out = append(out, r)
		}
	}
	return out
}

func (bf *botFramework) creates() []recorded {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	var out []recorded
	for _, r := range bf.requests {
		if strings.HasSuffix(r.Path, "/v3/conversations") {
			out = append(out, r)
		}
	}
	return out
}

// token mints a Bot Framework style token; mutate edits the claims.
func (bf *botFramework) token(k signingKey, now time.Time, serviceURL string, mutate func(jwt.MapClaims)) string {
	claims := jwt.MapClaims{
		"iss":        tokenIssuer,
		"aud":        testAppID,
		"exp":        now.Add(time.Hour).Unix(),
		"nbf":        now.Add(-time.Minute).Unix(),
		"serviceurl": serviceURL,
	}
	if mutate != nil {
		mutate(claims)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = k.kid
	s, err := tok.SignedString(k.key)
	if err != nil {
		bf.t.Fatal(err)
	}
	return s
}

// readActivity reads an activity the bot posts or updates, as the schema
// type and as raw JSON; a body that is not an activity gets 400 and false.
func readActivity(w http.ResponseWriter, r *http.Request) ([]byte, schema.Activity, map[string]any, bool) {
	var act schema.Activity
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &act); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, act, nil, false
	}
	var raw map[string]any
	_ = json.Unmarshal(body, &raw)
	return body, act, raw, true
}

// rig is an adapter on a real store, served on loopback, with the fakes.
type rig struct {
	t       testing.TB
	bf      *botFramework
	key     signingKey
	clock   *bot.ManualClock
	store   *mongo.Store
	adapter *Adapter
	srv     *httptest.Server
	// refusalsExpected: the test sends what Teams refuses on purpose.
	refusalsExpected bool
	// allowEmulator builds the adapter with AllowEmulator on the next start.
	allowEmulator bool
}

func newRig(t testing.TB, h bot.Handler) *rig {
	t.Helper()
	key := newSigningKey(t, "key-1")
	r := &rig{t: t, key: key, clock: newFakeClock(), store: mongotest.New(t)}
	r.bf = newBotFramework(t, key)
	r.start(h)
	t.Cleanup(func() {
		// Whatever a test checks, nothing the bot sent may be refused.
		if !r.refusalsExpected {
			for _, x := range r.bf.refused() {
				t.Errorf("Teams would refuse the activity to %s: %v", x.ConvID, x.Problems)
			}
		}
	})
	return r
}

// start builds a new adapter on the rig's store (also a "restart").
func (r *rig) start(h bot.Handler) {
	r.t.Helper()
	if r.srv != nil {
		r.stop()
	}
	a, err := New(Config{
		AppID: testAppID, AppPassword: "s3cret", TenantID: "tenant-1",
		OpenIDMetadataURL: r.bf.srv.URL + "/openid", TokenURL: r.bf.srv.URL + "/token",
		Handler: h, Conversations: r.store, Claimer: r.store, Clock: r.clock,
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		HTTPClient: r.bf.srv.Client(), Workers: 2, AllowEmulator: r.allowEmulator,
	})
	if err != nil {
		r.t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	r.adapter = a
	r.srv = httptest.NewServer(mux)
	r.t.Cleanup(r.stop)
}

func (r *rig) stop() {
	if r.srv == nil {
		return
	}
	r.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.adapter.Shutdown(ctx); err != nil {
		r.t.Errorf("shutdown: %v", err)
	}
	r.srv = nil
}

// drain waits until the adapter handled everything acknowledged so far, by
// shutting it down and starting a fresh one on the same store.
func (r *rig) drain(h bot.Handler) { r.start(h) }

// post sends an activity with a valid token; it returns the HTTP status.
func (r *rig) post(act map[string]any) int {
	r.t.Helper()
	return r.postAuth(act, "Bearer "+r.bf.token(r.key, r.clock.Now(), r.bf.serviceURL(), nil))
}

func (r *rig) postAuth(act map[string]any, auth string) int {
	r.t.Helper()
	body, err := json.Marshal(act)
	if err != nil {
		r.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, r.srv.URL+"/api/messages", strings.NewReader(string(body)))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// count returns the number of documents in a collection of the rig's store.
func (r *rig) count(coll string) int64 {
	r.t.Helper()
	n, err := r.store.Database().Collection(coll).CountDocuments(context.Background(), bson.D{})
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

// Activities as Teams sends them.

var botAccount = map[string]any{"id": "28:" + testAppID, "name": "alsbot"}

func person(id, aad, name string) map[string]any {
	return map[string]any{"id": id, "name": name, "aadObjectId": aad}
}

func channelMessage(serviceURL, id, text string, from map[string]any, entities ...map[string]any) map[string]any {
	ents := []map[string]any{{"type": "mention", "text": "<at>alsbot</at>", "mentioned": botAccount}}
	ents = append(ents, entities...)
	return map[string]any{
		"type": "message", "id": id, "channelId": "msteams", "serviceUrl": serviceURL,
		"timestamp": "2026-11-30T09:00:00Z", "localTimezone": "Europe/London",
		"from": from, "recipient": botAccount,
		"conversation": map[string]any{"id": "19:west@thread.tacv2;messageid=" + id, "conversationType": "channel", "tenantId": "tenant-1", "isGroup": true},
		"channelData":  map[string]any{"tenant": map[string]any{"id": "tenant-1"}, "channel": map[string]any{"id": "19:west@thread.tacv2", "name": "west-set"}},
		"text":         "<at>alsbot</at> " + text,
		"entities":     ents,
	}
}

func mention(p map[string]any) map[string]any {
	return map[string]any{"type": "mention", "text": "<at>" + p["name"].(string) + "</at>", "mentioned": p}
}

func personalMessage(serviceURL, id, text string, from map[string]any, value map[string]any) map[string]any {
	act := map[string]any{
		"type": "message", "id": id, "channelId": "msteams", "serviceUrl": serviceURL,
		"localTimezone": "Europe/London",
		"from":          from, "recipient": botAccount,
		"conversation": map[string]any{"id": "a:personal-" + from["aadObjectId"].(string), "conversationType": "personal", "tenantId": "tenant-1"},
		"channelData":  map[string]any{"tenant": map[string]any{"id": "tenant-1"}},
		"text":         text,
	}
	if value != nil {
		act["value"] = value
	}
	return act
}

func installActivity(serviceURL, id string) map[string]any {
	return map[string]any{
		"type": "conversationUpdate", "id": id, "channelId": "msteams", "serviceUrl": serviceURL,
		"from":         map[string]any{"id": "29:installer", "aadObjectId": "aad-installer"},
		"recipient":    botAccount,
		"conversation": map[string]any{"id": "19:west@thread.tacv2", "conversationType": "channel", "tenantId": "tenant-1", "isGroup": true},
		"channelData":  map[string]any{"tenant": map[string]any{"id": "tenant-1"}, "team": map[string]any{"id": "19:west@thread.tacv2"}, "eventType": "teamMemberAdded"},
		"membersAdded": []map[string]any{botAccount},
	}
}

// cardOf returns the Adaptive Card of a posted activity.
func cardOf(t testing.TB, act schema.Activity) Card {
	t.Helper()
	if len(act.Attachments) != 1 || act.Attachments[0].ContentType != cardContentType {
		t.Fatalf("activity has no adaptive card: %+v", act.Attachments)
	}
	b, _ := json.Marshal(act.Attachments[0].Content)
	var c Card
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// cardText is every text of a card, for assertions on what was said.
func cardText(c Card) string {
	var b strings.Builder
	var walk func([]Element)
	walk = func(els []Element) {
		for _, e := range els {
			b.WriteString(e.Text + "\n")
			for _, f := range e.Facts {
				b.WriteString(f.Title + ": " + f.Value + "\n")
			}
			walk(e.Items)
		}
	}
	walk(c.Body)
	for _, a := range c.Actions {
		b.WriteString("[" + a.Title + "]\n")
	}
	return b.String()
}

// recordingHandler is a bot.Handler double for adapter-only tests: it
// records requests and answers with the text it got.
type recordingHandler struct {
	mu   sync.Mutex
	reqs []bot.Request
	send func(req bot.Request) (bot.Message, error)
}

func (h *recordingHandler) Handle(ctx context.Context, req bot.Request) (bot.Message, error) {
	h.mu.Lock()
	h.reqs = append(h.reqs, req)
	h.mu.Unlock()
	if h.send != nil {
		return h.send(req)
	}
	return bot.Message{Kind: bot.KindReply, Text: "got: " + req.Text}, nil
}

func (h *recordingHandler) requests() []bot.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Request(nil), h.reqs...)
}
