package calendar

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/alsbot/alsbot/bot"
)

// Links makes the per-session "Add to calendar" addresses,
// <public URL>/calendar/session/<id>.ics. A reminder in a set's channel is
// seen by everyone there, so it cannot carry a person's feed token; each
// session gets an address of its own instead. Its id is an HMAC-SHA256 of
// the session id under a server key kept in the store (made once, from
// crypto/rand), so it cannot be guessed, it is the same in every message
// about the session and on every replica, and it is made again at send time
// without keeping the address anywhere. The store keeps only the id's hash,
// for the served file to find its session.
type Links struct {
	store  bot.SessionLinkStore
	base   string
	random io.Reader

	mu     sync.Mutex
	key    []byte
	stored map[string]bool // sessions whose link this process has stored (a few bytes per session)
}

var _ bot.SessionLinks = (*Links)(nil)

// NewLinks returns the addresses on publicURL (ALSBOT_PUBLIC_URL); random
// (crypto/rand.Reader in production) makes the key when the store has none.
// With an empty publicURL every address is empty.
func NewLinks(store bot.SessionLinkStore, publicURL string, random io.Reader) *Links {
	return &Links{store: store, base: strings.TrimRight(publicURL, "/"), random: random, stored: map[string]bool{}}
}

// SessionLink returns the address of sess's calendar file and makes sure
// the store can find the session from it.
func (l *Links) SessionLink(ctx context.Context, sess *bot.Session) (string, error) {
	if l == nil || l.base == "" {
		return "", nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.key == nil {
		fresh := make([]byte, 32)
		if _, err := io.ReadFull(l.random, fresh); err != nil {
			return "", fmt.Errorf("read random bytes for the session link key: %w", err)
		}
		key, err := l.store.SessionLinkKey(ctx, fresh)
		if err != nil {
			return "", fmt.Errorf("read the session link key: %w", err)
		}
		l.key = key
	}
	id := sessionLinkID(l.key, sess.ID)
	if !l.stored[sess.ID] {
		if err := l.store.PutSessionLink(ctx, &bot.SessionLink{Hash: bot.CalendarTokenHash(id), SessionID: sess.ID, SetID: sess.SetID}); err != nil {
			return "", fmt.Errorf("store the calendar link of session %s: %w", sess.ID, err)
		}
		l.stored[sess.ID] = true
	}
	return l.base + "/calendar/session/" + id + ".ics", nil
}

// sessionLinkID is 32 bytes of HMAC-SHA256, base64url: the shape of a feed
// token, so bot.ValidCalendarToken refuses a malformed one early.
func sessionLinkID(key []byte, sessionID string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("alsbot-session-link:" + sessionID))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
