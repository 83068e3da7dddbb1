package teams

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v4"

	"github.com/alsbot/alsbot/bot"
)

// TestChannelAndTenantRefusals: only Teams (channelId msteams) may speak
// for a member, with a key endorsed for that channel, from the bot's own
// tenant. A Direct Line client (its secret is meant for web pages) setting
// from.id to a member's id is refused, nothing stored or handled.
func TestChannelAndTenantRefusals(t *testing.T) {
	h := &recordingHandler{}
	r := newRig(t, h)
	svc := r.bf.serviceURL()
	ana := person("29:ana", "aad-ana", "Ana")
	// Real Bot Framework keys endorse many channels.
	wide := newSigningKey(t, "key-wide")
	wide.endorsements = []string{"msteams", "directline", "webchat", "emulator"}
	bare := newSigningKey(t, "key-bare")
	bare.endorsements = []string{}
	r.bf.publish(wide)
	r.bf.publish(bare)
	r.drain(h) // the keys are fetched again with the new ones

	with := func(act map[string]any, edit func(map[string]any)) map[string]any {
		edit(act)
		return act
	}
	tests := []struct {
		name string
		key  signingKey
		act  map[string]any
	}{
		{"directline impersonating a member", wide, with(personalMessage(svc, "m-dl", "actions", person("aad-ana", "", "Ana"), nil), func(a map[string]any) {
			a["channelId"] = "directline"
			delete(a, "channelData")
			delete(a["conversation"].(map[string]any), "tenantId")
		})},
		{"webchat", wide, with(channelMessage(svc, "m-wc", "actions", ana), func(a map[string]any) { a["channelId"] = "webchat" })},
		{"emulator, not configured", wide, with(channelMessage(svc, "m-em", "actions", ana), func(a map[string]any) { a["channelId"] = "emulator" })},
		{"msteams signed by a key without endorsements", bare, channelMessage(svc, "m-bare", "actions", ana)},
		{"another tenant in channelData", r.key, with(channelMessage(svc, "m-t1", "actions", ana), func(a map[string]any) {
			a["channelData"].(map[string]any)["tenant"] = map[string]any{"id": "tenant-evil"}
			delete(a["conversation"].(map[string]any), "tenantId")
		})},
		{"another tenant in the conversation", r.key, with(channelMessage(svc, "m-t2", "actions", ana), func(a map[string]any) {
			a["conversation"].(map[string]any)["tenantId"] = "tenant-evil"
		})},
		{"a message without a tenant", r.key, with(channelMessage(svc, "m-t3", "actions", ana), func(a map[string]any) {
			delete(a, "channelData")
			delete(a["conversation"].(map[string]any), "tenantId")
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.postAuth(tt.act, "Bearer "+r.bf.token(tt.key, r.clock.Now(), svc, nil)); got != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", got)
			}
		})
	}
	r.drain(h)
	if n := len(h.requests()); n != 0 {
		t.Errorf("%d refused activities reached the handler", n)
	}
	if n := len(r.bf.posts()); n != 0 {
		t.Errorf("%d messages sent for refused activities", n)
	}
	if n := r.count("conversations") + r.count("claims"); n != 0 {
		t.Errorf("%d references or claims stored from refused activities", n)
	}
	// The wide key is fine for Teams itself.
	if got := r.postAuth(channelMessage(svc, "m-ok", "actions", ana), "Bearer "+r.bf.token(wide, r.clock.Now(), svc, nil)); got != http.StatusAccepted {
		t.Errorf("msteams with a wide key: status %d, want 202", got)
	}
}

// TestEmulatorWhenConfigured: the Bot Framework Emulator's channel is
// accepted only by an adapter built with AllowEmulator (development).
func TestEmulatorWhenConfigured(t *testing.T) {
	h := &recordingHandler{}
	r := newRig(t, h)
	r.allowEmulator = true
	r.drain(h)
	k := newSigningKey(t, "key-em")
	k.endorsements = []string{"emulator"}
	r.bf.publish(k)
	act := channelMessage(r.bf.serviceURL(), "m-em", "help", person("29:ana", "aad-ana", "Ana"))
	act["channelId"] = "emulator"
	r.clock.Advance(minRefresh)
	if got := r.postAuth(act, "Bearer "+r.bf.token(k, r.clock.Now(), r.bf.serviceURL(), nil)); got != http.StatusAccepted {
		t.Errorf("emulator with AllowEmulator: status %d, want 202", got)
	}
}

// TestAuthorizationHeaderCapped: an Authorization header longer than any
// Bot Framework token (a few KB) is refused before it is parsed: a validly
// signed token carrying 20 KiB of padding would pass the parser, and is
// refused.
func TestAuthorizationHeaderCapped(t *testing.T) {
	h := &recordingHandler{}
	r := newRig(t, h)
	svc := r.bf.serviceURL()
	act := channelMessage(svc, "m-big", "help", person("29:ana", "aad-ana", "Ana"))
	padded := r.bf.token(r.key, r.clock.Now(), svc, func(c jwt.MapClaims) { c["pad"] = strings.Repeat("x", 20<<10) })
	if got := r.postAuth(act, "Bearer "+padded); got != http.StatusUnauthorized {
		t.Errorf("a signed token of %d bytes: status %d, want 401", len(padded), got)
	}
	if got := r.postAuth(act, "Bearer "+strings.Repeat("A", 200<<10)); got != http.StatusUnauthorized {
		t.Errorf("a 200 KiB header: status %d, want 401", got)
	}
	r.drain(h)
	if n := len(h.requests()); n != 0 {
		t.Errorf("%d refused activities reached the handler", n)
	}
	if got := r.post(act); got != http.StatusAccepted {
		t.Errorf("the same activity with a normal token: status %d, want 202", got)
	}
}

// TestMemberTextRenderedInert: what a member wrote cannot become a link
// under the bot's name: markdown links and autolinks are broken in every
// text the card renders (TextBlocks, section titles, facts), and the words
// stay.
func TestMemberTextRenderedInert(t *testing.T) {
	evil := "[IT notice: sign in again](https://evil.example/login) or <https://evil.example/x> or <a@evil.example>"
	m := bot.Message{
		Title:    "Digest " + evil,
		Text:     "Ana: " + evil + "\n  detail " + evil,
		Sections: []bot.Section{{Title: evil, Text: evil, Fields: []bot.Field{{Label: evil, Value: evil}}}},
	}
	b, err := json.Marshal(RenderCard(m))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				if s, ok := y.(string); ok && (k == "text" || k == "title" || k == "value") {
					texts = append(texts, s)
				}
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	var card any
	if err := json.Unmarshal(b, &card); err != nil {
		t.Fatal(err)
	}
	walk(card)
	link := regexp.MustCompile(`\]\(|<[a-z]+:|<[^<>\s\x{200b}][^<>\s]*@`)
	n := 0
	for _, s := range texts {
		if strings.Contains(s, "IT notice") {
			n++
			if link.MatchString(s) {
				t.Errorf("rendered text holds a live link: %q", s)
			}
			if !strings.Contains(s, "evil.example/login") {
				t.Errorf("the words were lost: %q", s)
			}
		}
	}
	if n < 6 {
		t.Errorf("found the text %d times in the card, want every place (6): %s", n, b)
	}
}

// BenchmarkHugeAuthorization: what a 1 MiB Authorization header costs
// before authentication (the JWT parser allocated 16 MiB for one).
func BenchmarkHugeAuthorization(b *testing.B) {
	r := newRig(b, &recordingHandler{})
	body, _ := json.Marshal(channelMessage(r.bf.serviceURL(), "m-huge", "help", person("29:ana", "aad-ana", "Ana")))
	auth := "Bearer " + strings.Repeat("eyJhbGciOiJSUzI1NiJ9.", 1<<20/22)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/api/messages", bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		r.adapter.serveMessages(w, req)
		if w.Code != http.StatusUnauthorized {
			b.Fatalf("status %d", w.Code)
		}
	}
}
