package teams

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
)

func TestNewRefusesEmptyAppID(t *testing.T) {
	_, err := New(Config{Handler: &recordingHandler{}, Conversations: mongotest.New(t), Claimer: mongotest.New(t)})
	if err == nil {
		t.Fatal("New accepted an empty app id: msbotbuilder-go would disable authentication")
	}
}

// TestAuthRefusals: every bad token gets 401, and nothing is stored, claimed
// or handled.
func TestAuthRefusals(t *testing.T) {
	h := &recordingHandler{}
	r := newRig(t, h)
	stranger := newSigningKey(t, "key-1") // same kid, but not the published key
	unknown := newSigningKey(t, "key-unknown")
	now := r.clock.Now()
	svc := r.bf.serviceURL()
	act := channelMessage(svc, "m-auth", "help", person("29:ana", "aad-ana", "Ana"))

	hs256 := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": tokenIssuer, "aud": testAppID, "exp": now.Add(time.Hour).Unix(), "serviceurl": svc})
		tok.Header["kid"] = "key-1"
		s, err := tok.SignedString([]byte("guessable"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	none := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"iss": tokenIssuer, "aud": testAppID, "exp": now.Add(time.Hour).Unix(), "serviceurl": svc})
		tok.Header["kid"] = "key-1"
		s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name   string
		auth   func() string
		before func()
	}{
		{"no header", func() string { return "" }, nil},
		{"not bearer", func() string { return "Basic " + r.bf.token(r.key, now, svc, nil) }, nil},
		{"garbage", func() string { return "Bearer not.a.jwt" }, nil},
		{"wrong issuer", func() string {
			return "Bearer " + r.bf.token(r.key, now, svc, func(c jwt.MapClaims) { c["iss"] = "https://sts.windows.net/evil/" })
		}, nil},
		{"wrong audience", func() string {
			return "Bearer " + r.bf.token(r.key, now, svc, func(c jwt.MapClaims) { c["aud"] = "another-app" })
		}, nil},
		{"expired beyond skew", func() string {
			return "Bearer " + r.bf.token(r.key, now, svc, func(c jwt.MapClaims) { c["exp"] = now.Add(-6 * time.Minute).Unix() })
		}, nil},
		{"no expiry", func() string {
			return "Bearer " + r.bf.token(r.key, now, svc, func(c jwt.MapClaims) { delete(c, "exp") })
		}, nil},
		{"not valid yet beyond skew", func() string {
			return "Bearer " + r.bf.token(r.key, now, svc, func(c jwt.MapClaims) { c["nbf"] = now.Add(10 * time.Minute).Unix() })
		}, nil},
		{"unknown kid after a refresh", func() string {
			return "Bearer " + r.bf.token(unknown, r.clock.Now(), svc, nil)
		}, func() { r.clock.Advance(time.Minute) }}, // past minRefresh: the keys are fetched again, still unknown
		{"alg HS256", func() string { return "Bearer " + hs256() }, nil},
		{"alg none", func() string { return "Bearer " + none() }, nil},
		{"serviceUrl not matching the claim", func() string {
			return "Bearer " + r.bf.token(r.key, now, "https://evil.example/", nil)
		}, nil},
		{"signed by a key not in the JWKS", func() string {
			return "Bearer " + r.bf.token(stranger, now, svc, nil)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before()
			}
			jwksBefore := r.bf.jwksFetches.Load()
			if got := r.postAuth(act, tt.auth()); got != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", got)
			}
			if tt.name == "unknown kid after a refresh" && r.bf.jwksFetches.Load() != jwksBefore+1 {
				t.Errorf("an unknown kid made %d key fetches, want 1 refresh", r.bf.jwksFetches.Load()-jwksBefore)
			}
		})
	}
	r.drain(h)
	if n := r.count("conversations"); n != 0 {
		t.Errorf("%d conversation references stored from refused requests", n)
	}
	if n := r.count("claims"); n != 0 {
		t.Errorf("%d activities claimed from refused requests", n)
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("%d refused requests reached the handler", n)
	}
	if n := len(r.bf.posts()); n != 0 {
		t.Errorf("%d messages sent for refused requests", n)
	}

	// The same activity with a good token is accepted: the refusals above
	// were about the tokens.
	if got := r.post(act); got != http.StatusAccepted {
		t.Fatalf("good token: status %d, want 202", got)
	}
	r.drain(h)
	if n := len(h.requests()); n != 1 {
		t.Fatalf("handled %d requests, want 1", n)
	}
}

// TestAuthWithinSkew: a token expired less than 5 minutes ago still passes.
func TestAuthWithinSkew(t *testing.T) {
	h := &recordingHandler{}
	r := newRig(t, h)
	now := r.clock.Now()
	tok := r.bf.token(r.key, now, r.bf.serviceURL(), func(c jwt.MapClaims) { c["exp"] = now.Add(-4 * time.Minute).Unix() })
	act := channelMessage(r.bf.serviceURL(), "m-skew", "help", person("29:ana", "aad-ana", "Ana"))
	if got := r.postAuth(act, "Bearer "+tok); got != http.StatusAccepted {
		t.Fatalf("status %d, want 202", got)
	}
}

// TestKeysCached: 100 activities (20 at a time) cause one metadata and one
// JWKS fetch; a rotated key (new kid) is picked up by one refresh.
func TestKeysCached(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	svc := r.bf.serviceURL()
	tok := "Bearer " + r.bf.token(r.key, r.clock.Now(), svc, nil)
	act := map[string]any{ // a typing activity: authenticated and acknowledged, nothing else to do
		"type": "typing", "channelId": "msteams", "serviceUrl": svc,
		"from": person("29:ana", "aad-ana", "Ana"), "recipient": botAccount,
		"conversation": map[string]any{"id": "a:personal-aad-ana", "conversationType": "personal"},
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 20)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			// Not postAuth: Fatal must not be called off the test's goroutine.
			got, err := r.tryPostAuth(act, tok)
			if err != nil {
				t.Error(err)
			} else if got != http.StatusAccepted && got != http.StatusServiceUnavailable {
				t.Errorf("status %d", got)
			}
		}()
	}
	wg.Wait()
	if m, k := r.bf.metadataFetches.Load(), r.bf.jwksFetches.Load(); m != 1 || k != 1 {
		t.Fatalf("100 activities fetched the metadata %d and the keys %d times, want 1 and 1", m, k)
	}

	// The 100 typing activities were acknowledged at once and may still
	// wait for the rig's 2 workers: with the queue full the next one would
	// be refused 503 (busy), which is not what this part tests.
	for deadline := time.Now().Add(30 * time.Second); r.adapter.pool.Backlog() > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("the workers did not take the queued activities (%d left)", r.adapter.pool.Backlog())
		}
		time.Sleep(time.Millisecond)
	}

	// Key rotation: a token signed with a newly published key is accepted
	// after one refresh.
	r.clock.Advance(time.Minute)
	k2 := newSigningKey(t, "key-2")
	r.bf.publish(k2)
	if got := r.postAuth(act, "Bearer "+r.bf.token(k2, r.clock.Now(), svc, nil)); got != http.StatusAccepted {
		t.Fatalf("rotated key: status %d, want 202", got)
	}
	if m, k := r.bf.metadataFetches.Load(), r.bf.jwksFetches.Load(); m != 2 || k != 2 {
		t.Fatalf("after a rotation: metadata %d, keys %d fetches, want 2 and 2", m, k)
	}
}
