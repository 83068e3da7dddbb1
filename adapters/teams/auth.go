package teams

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v4"
	"github.com/infracloudio/msbotbuilder-go/connector/auth"
	"github.com/infracloudio/msbotbuilder-go/schema"
	"github.com/lestrrat-go/jwx/jwk"

	"github.com/alsbot/alsbot/bot"
)

const (
	clockSkew = 5 * time.Minute
	// keysTTL: the Bot Framework rotates its keys rarely and publishes new
	// ones ahead of use; a day-old cache is refreshed anyway.
	keysTTL = 24 * time.Hour
	// minRefresh bounds how often an unknown kid can make us fetch the keys
	// again, so forged tokens cannot turn into a request flood upstream.
	minRefresh = 30 * time.Second
	fetchLimit = 1 << 20
)

// errUnauthorized is what every authentication failure wraps.
var errUnauthorized = errors.New("unauthorized")

// validator implements msbotbuilder-go's auth.TokenValidator: RS256 tokens
// checked against the keys of the configured OpenID metadata (cached,
// refreshed on an unknown kid), issuer, audience, expiry with skew and the
// serviceurl claim, on the injected clock.
type validator struct {
	appID       string
	metadataURL string
	httpc       *http.Client
	clock       bot.Clock
	tenantID    string   // a single-tenant bot's tenant: activities from others are refused
	channels    []string // the Bot Framework channels accepted: msteams (and emulator in development)

	mu        sync.Mutex // guards the cache below; held while fetching so concurrent misses fetch once
	keys      map[string]verifyKey
	fetchedAt time.Time
}

type verifyKey struct {
	pub          *rsa.PublicKey
	endorsements []string // channels the key may sign for, e.g. "msteams"
}

var _ auth.TokenValidator = (*validator)(nil)

func newValidator(appID, metadataURL string, httpc *http.Client, clock bot.Clock, tenantID string, allowEmulator bool) *validator {
	channels := []string{"msteams"}
	if allowEmulator {
		channels = append(channels, "emulator")
	}
	return &validator{appID: appID, metadataURL: metadataURL, httpc: httpc, clock: clock, tenantID: tenantID, channels: channels}
}

// AuthenticateRequest implements auth.TokenValidator. The credentials and
// channel service the library passes are ignored: the app id is our own and
// an empty one never gets this far (New refuses it).
func (v *validator) AuthenticateRequest(ctx context.Context, act schema.Activity, authHeader string, _ auth.CredentialProvider, _ string) (auth.ClaimsIdentity, error) {
	scheme, raw, ok := strings.Cut(strings.TrimSpace(authHeader), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return nil, fmt.Errorf("%w: no bearer token", errUnauthorized)
	}
	var key verifyKey
	parser := jwt.Parser{ValidMethods: []string{"RS256"}, SkipClaimsValidation: true} // claims are checked below, on our clock with skew
	claims := jwt.MapClaims{}
	_, err := parser.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("token has no kid")
		}
		k, err := v.key(ctx, kid)
		if err != nil {
			return nil, err
		}
		key = k
		return k.pub, nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUnauthorized, err)
	}
	if err := v.checkClaims(claims, act, key); err != nil {
		return nil, fmt.Errorf("%w: %v", errUnauthorized, err)
	}
	return auth.NewClaimIdentity(claims, true), nil
}

func (v *validator) checkClaims(c jwt.MapClaims, act schema.Activity, key verifyKey) error {
	if iss, _ := c["iss"].(string); iss != tokenIssuer {
		return fmt.Errorf("issuer %q is not %s", iss, tokenIssuer)
	}
	if !hasAudience(c["aud"], v.appID) {
		return errors.New("audience is not this bot's app id")
	}
	now := v.clock.Now()
	exp, ok := numericDate(c["exp"])
	if !ok {
		return errors.New("token has no expiry")
	}
	if now.After(exp.Add(clockSkew)) {
		return fmt.Errorf("token expired at %s", exp.UTC().Format(time.RFC3339))
	}
	if nbf, ok := numericDate(c["nbf"]); ok && now.Before(nbf.Add(-clockSkew)) {
		return errors.New("token is not valid yet")
	}
	if su, _ := c["serviceurl"].(string); su == "" || su != act.ServiceURL {
		return errors.New("serviceurl claim does not match the activity's serviceUrl")
	}
	// Bot Framework keys sign for many channels (Direct Line, Web Chat,
	// whose clients choose from.id themselves): only Teams vouches for who
	// a member is. A key without endorsements vouches for no channel.
	if !slices.Contains(v.channels, act.ChannelID) {
		return fmt.Errorf("channel %q is not accepted", act.ChannelID)
	}
	if !slices.Contains(key.endorsements, act.ChannelID) {
		return fmt.Errorf("key is not endorsed for channel %q", act.ChannelID)
	}
	return v.checkTenant(act)
}

// checkTenant refuses, for a single-tenant bot, an activity from another
// tenant, and an activity the bot acts on that names no tenant (Teams
// always sends one).
func (v *validator) checkTenant(act schema.Activity) error {
	if v.tenantID == "" {
		return nil
	}
	var named []string
	if act.Conversation.TenantID != "" {
		named = append(named, act.Conversation.TenantID)
	}
	if t, ok := act.ChannelData["tenant"].(map[string]any); ok {
		id, _ := t["id"].(string)
		named = append(named, id)
	}
	for _, id := range named {
		if !strings.EqualFold(id, v.tenantID) {
			return errors.New("activity is from another tenant")
		}
	}
	if len(named) == 0 && (act.Type == schema.Message || act.Type == schema.ConversationUpdate || act.Type == schema.Invoke) {
		return errors.New("activity names no tenant")
	}
	return nil
}

func hasAudience(aud any, appID string) bool {
	switch a := aud.(type) {
	case string:
		return a == appID
	case []any:
		for _, x := range a {
			if s, _ := x.(string); s == appID {
				return true
			}
		}
	}
	return false
}

func numericDate(v any) (time.Time, bool) {
	switch n := v.(type) {
	case float64:
		return time.Unix(int64(n), 0), true
	case json.Number:
		f, err := n.Float64()
		return time.Unix(int64(f), 0), err == nil
	}
	return time.Time{}, false
}

// key returns the verification key for kid: from the cache while it is
// fresh, else after fetching the metadata and keys again. An unknown kid
// refreshes at most once per minRefresh.
func (v *validator) key(ctx context.Context, kid string) (verifyKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.clock.Now()
	if v.keys == nil || now.Sub(v.fetchedAt) >= keysTTL {
		// With keys in hand, a failed periodic refresh keeps them: better
		// than refusing every activity while the metadata is unreachable.
		if err := v.refresh(ctx, now); err != nil && v.keys == nil {
			return verifyKey{}, err
		}
	}
	if k, ok := v.keys[kid]; ok {
		return k, nil
	}
	if now.Sub(v.fetchedAt) < minRefresh {
		return verifyKey{}, fmt.Errorf("unknown key id %q", kid)
	}
	if err := v.refresh(ctx, now); err != nil {
		return verifyKey{}, err
	}
	if k, ok := v.keys[kid]; ok {
		return k, nil
	}
	return verifyKey{}, fmt.Errorf("unknown key id %q after refreshing the keys", kid)
}

// refresh fetches the OpenID metadata, then its jwks_uri. Called with mu held.
func (v *validator) refresh(ctx context.Context, now time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := v.getJSON(ctx, v.metadataURL, &meta); err != nil {
		return fmt.Errorf("fetch OpenID metadata: %w", err)
	}
	if meta.JWKSURI == "" {
		return errors.New("OpenID metadata has no jwks_uri")
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := v.getJSON(ctx, meta.JWKSURI, &set); err != nil {
		return fmt.Errorf("fetch signing keys: %w", err)
	}
	keys := make(map[string]verifyKey, len(set.Keys))
	for _, raw := range set.Keys {
		var extra struct {
			Kid          string   `json:"kid"`
			Endorsements []string `json:"endorsements"`
		}
		if json.Unmarshal(raw, &extra) != nil || extra.Kid == "" {
			continue
		}
		k, err := jwk.ParseKey(raw)
		if err != nil {
			continue // a key we cannot read cannot verify anything
		}
		var pub rsa.PublicKey
		if err := k.Raw(&pub); err != nil {
			continue // not an RSA public key
		}
		keys[extra.Kid] = verifyKey{pub: &pub, endorsements: extra.Endorsements}
	}
	v.keys = keys
	v.fetchedAt = now
	return nil
}

func (v *validator) getJSON(ctx context.Context, url string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := v.httpc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, fetchLimit))
	if err != nil {
		return err
	}
	return json.Unmarshal(body, into)
}
