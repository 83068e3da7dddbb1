package teams

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
)

// tokenEarly: a token is renewed this long before it expires, so a request
// never carries one that expires in flight.
const tokenEarly = 5 * time.Minute

// tokenSource gets the bot's access token for the Bot Connector with the
// client-credentials grant and caches it until shortly before it expires.
// Unlike msbotbuilder-go's getToken it is safe for concurrent use, bounded
// by timeouts, and returns errors instead of panicking on network failures.
type tokenSource struct {
	url, clientID, secret string
	httpc                 *http.Client
	clock                 bot.Clock

	mu      sync.Mutex // held while fetching: concurrent callers wait for one fetch
	token   string
	renewAt time.Time
}

func newTokenSource(tokenURL, clientID, secret string, httpc *http.Client, clock bot.Clock) *tokenSource {
	return &tokenSource{url: tokenURL, clientID: clientID, secret: secret, httpc: httpc, clock: clock}
}

// Token returns a valid access token.
func (ts *tokenSource) Token(ctx context.Context) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	now := ts.clock.Now()
	if ts.token != "" && now.Before(ts.renewAt) {
		return ts.token, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {ts.clientID},
		"client_secret": {ts.secret},
		"scope":         {tokenScope},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.url, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := ts.httpc.Do(req)
	if err != nil {
		return "", fmt.Errorf("token request: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, fetchLimit))
	if err != nil {
		return "", fmt.Errorf("token response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		// The body names the AAD error (e.g. invalid_client) but never the secret.
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		return "", fmt.Errorf("token endpoint answered %d %s", resp.StatusCode, e.Error)
	}
	var ar schema.AuthResponse
	if err := json.Unmarshal(body, &ar); err != nil {
		return "", fmt.Errorf("token response: %w", err)
	}
	if ar.AccessToken == "" || ar.ExpireTime <= 0 {
		return "", errors.New("token response has no access_token or expires_in")
	}
	life := time.Duration(ar.ExpireTime) * time.Second
	early := tokenEarly
	if life <= 2*early {
		early = life / 2 // short-lived tokens: renew at half-life
	}
	ts.token = ar.AccessToken
	ts.renewAt = now.Add(life - early)
	return ts.token, nil
}
