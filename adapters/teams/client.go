package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/connector/client"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
)

// Teams limits and how we wait on them.
const (
	perConvPerSecond = 7                // Teams: 7 messages per second per conversation
	maxAttempts      = 4                // one send, then up to 3 retries on 429/5xx
	maxRetryWait     = 10 * time.Second // longer waits are left to the caller (bot.RetryAfterError)
	requestTimeout   = 20 * time.Second
)

// errGone wraps connector answers 403 and 404: the bot was removed from the
// conversation or it no longer exists.
var errGone = errors.New("conversation refused or gone")

// connector talks to the Bot Connector REST API with a token from ts,
// pacing sends per conversation and retrying 429s and 5xx with backoff.
type connector struct {
	ts    *tokenSource
	httpc *http.Client
	log   *slog.Logger

	mu   sync.Mutex
	sent map[string][]time.Time // recent send times per conversation, for pacing
}

func newConnector(ts *tokenSource, httpc *http.Client, log *slog.Logger) *connector {
	return &connector{ts: ts, httpc: httpc, log: log, sent: map[string][]time.Time{}}
}

// statusError is a connector answer outside 2xx.
type statusError struct {
	method, url string
	code        int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("bot connector %s %s answered %d", e.method, redactURL(e.url), e.code)
}

func (e *statusError) Unwrap() error {
	if e.code == http.StatusForbidden || e.code == http.StatusNotFound {
		return errGone
	}
	return nil
}

// do sends one JSON request, paced on paceKey (a conversation id, or "" for
// none), and decodes a 2xx answer into out when out is not nil.
func (c *connector) do(ctx context.Context, method, target, paceKey string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("encode %s body: %w", method, err)
		}
	}
	for attempt := 1; ; attempt++ {
		if paceKey != "" {
			if err := c.pace(ctx, paceKey); err != nil {
				return err
			}
		}
		wait, named, err := c.once(ctx, method, target, payload, out)
		if err == nil {
			return nil
		}
		if wait == 0 {
			return err
		}
		if !named {
			wait <<= attempt - 1 // exponential backoff when the server names no time
		}
		if attempt >= maxAttempts || wait > maxRetryWait {
			var se *statusError
			if errors.As(err, &se) && se.code == http.StatusTooManyRequests {
				return &bot.RetryAfterError{After: wait, Err: err}
			}
			return err
		}
		c.log.Debug("bot connector asked to wait", "status", statusOf(err), "wait", wait, "attempt", attempt)
		if err := bot.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// once makes one request. wait > 0 means the failure may be retried after
// that long (429, 5xx); named says the server's Retry-After gave it.
func (c *connector) once(ctx context.Context, method, target string, payload []byte, out any) (wait time.Duration, named bool, err error) {
	token, err := c.ts.Token(ctx)
	if err != nil {
		return 0, false, err
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, false, fmt.Errorf("bot connector request: %w", err)
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.httpc.Do(req)
	if err != nil {
		return 0, false, fmt.Errorf("bot connector %s %s: %w", method, redactURL(target), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, fetchLimit))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out != nil && len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, out); err != nil {
				return 0, false, fmt.Errorf("bot connector answer: %w", err)
			}
		}
		return 0, false, nil
	}
	se := &statusError{method: method, url: target, code: resp.StatusCode}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if h := resp.Header.Get("Retry-After"); h != "" {
			return retryAfter(h, time.Now()), true, se
		}
		return time.Second, false, se
	}
	return 0, false, se
}

// retryAfter reads a Retry-After header (seconds or an HTTP date); without
// one, a second.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if secs, err := strconv.Atoi(h); err == nil && secs >= 0 {
		return max(time.Duration(secs)*time.Second, 100*time.Millisecond)
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 100*time.Millisecond)
	}
	return time.Second
}

// pace waits until a send to conversation key keeps within Teams' limit of
// perConvPerSecond messages in any second. Real time, not the bot's clock:
// the limit is the platform's.
func (c *connector) pace(ctx context.Context, key string) error {
	for {
		wait := c.reserve(key, time.Now())
		if wait == 0 {
			return nil
		}
		if err := bot.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// reserve records a send to key at now and returns 0 when it keeps within
// the limit; otherwise it records nothing and returns how long to wait.
func (c *connector) reserve(key string, now time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	recent := c.sent[key][:0:0]
	for _, t := range c.sent[key] {
		if now.Sub(t) < time.Second {
			recent = append(recent, t)
		}
	}
	if len(recent) < perConvPerSecond {
		c.sent[key] = append(recent, now)
		if len(c.sent) > 1000 {
			c.pruneLocked(now)
		}
		return 0
	}
	c.sent[key] = recent
	return recent[0].Add(time.Second).Sub(now)
}

func (c *connector) pruneLocked(now time.Time) {
	for k, ts := range c.sent {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= time.Second {
			delete(c.sent, k)
		}
	}
}

func statusOf(err error) int {
	var se *statusError
	if errors.As(err, &se) {
		return se.code
	}
	return 0
}

// redactURL keeps scheme, host and path: enough to debug, nothing secret.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(bad url)"
	}
	return u.Scheme + "://" + u.Host + u.Path
}

// createConversation opens a 1:1 conversation with a user
// (POST /v3/conversations) and returns its id.
func (c *connector) createConversation(ctx context.Context, serviceURL string, params schema.ConversationParameters) (string, error) {
	target, err := endpoint(serviceURL, "v3/conversations")
	if err != nil {
		return "", err
	}
	var res schema.ConversationResourceResponse
	if err := c.do(ctx, http.MethodPost, target, "", params, &res); err != nil {
		return "", fmt.Errorf("create conversation: %w", err)
	}
	if res.ID == "" {
		return "", errors.New("create conversation: the connector returned no conversation id")
	}
	return res.ID, nil
}

// member asks the connector for one member of a conversation
// (GET /v3/conversations/{id}/members/{memberId}): Teams answers with the
// member's AAD object id, which mention entities do not always carry.
func (c *connector) member(ctx context.Context, serviceURL, convID, memberID string) (schema.ChannelAccount, error) {
	var acc schema.ChannelAccount
	target, err := endpoint(serviceURL, "v3/conversations/"+url.PathEscape(convID)+"/members/"+url.PathEscape(memberID))
	if err != nil {
		return acc, err
	}
	if err := c.do(ctx, http.MethodGet, target, "", nil, &acc); err != nil {
		return acc, fmt.Errorf("get conversation member: %w", err)
	}
	return acc, nil
}

func endpoint(serviceURL, path string) (string, error) {
	u, err := url.Parse(serviceURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("bad serviceUrl %q", serviceURL)
	}
	return strings.TrimSuffix(u.String(), "/") + "/" + path, nil
}

// boundClient is msbotbuilder-go's client.Client for one send. The library's
// interface carries neither a context nor the connector's answer, so each
// send binds its own: the context of the call (kept only for that call) and
// the id of the activity the connector created.
type boundClient struct {
	ctx  context.Context //nolint:containedctx // see the type comment: per-call value, never kept
	conn *connector
	id   string
}

var _ client.Client = (*boundClient)(nil)

func (b *boundClient) Post(target url.URL, act schema.Activity) error {
	body, err := compactActivity(act)
	if err != nil {
		return err
	}
	var rr schema.ResourceResponse
	if err := b.conn.do(b.ctx, http.MethodPost, target.String(), act.Conversation.ID, body, &rr); err != nil {
		return err
	}
	b.id = rr.ID
	return nil
}

func (b *boundClient) Put(target url.URL, act schema.Activity) error {
	body, err := compactActivity(act)
	if err != nil {
		return err
	}
	return b.conn.do(b.ctx, http.MethodPut, target.String(), act.Conversation.ID, body, nil)
}

// compactActivity drops the top-level fields schema.Activity cannot omit
// (zero times such as "expiration", empty structs such as "relatesTo"), so
// the connector sees only what we mean to send.
func compactActivity(act schema.Activity) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(act)
	if err != nil {
		return nil, fmt.Errorf("encode activity: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("encode activity: %w", err)
	}
	for k, v := range m {
		if isEmptyJSON(v) {
			delete(m, k)
		}
	}
	return m, nil
}

func isEmptyJSON(v json.RawMessage) bool {
	switch string(v) {
	case `""`, `{}`, `[]`, `null`, `false`, `"0001-01-01T00:00:00Z"`:
		return true
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(v, &obj) != nil || len(obj) == 0 {
		return false
	}
	for _, x := range obj {
		if !isEmptyJSON(x) {
			return false
		}
	}
	return true
}

func (b *boundClient) Delete(target url.URL, act schema.Activity) error {
	return b.conn.do(b.ctx, http.MethodDelete, target.String(), "", nil, nil)
}
