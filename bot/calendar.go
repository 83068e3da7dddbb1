package bot

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"time"
)

// CalendarToken is a person's calendar feed token, stored by the SHA-256 of
// the token (hex) so that a copy of the database does not hand out feeds.
// The token itself is shown once, when it is made.
type CalendarToken struct {
	Hash      string    `bson:"_id"`
	Platform  Platform  `bson:"platform"`
	UserID    string    `bson:"user_id"`
	CreatedAt time.Time `bson:"created_at"`
}

// CalendarEvent is what a feed last published for one session: a
// fingerprint of the fields a calendar shows and the SEQUENCE it carried.
// When the fingerprint changes the sequence goes up, so calendar clients
// replace their copy (RFC 5545 section 3.8.7.4). It is kept apart from the
// session document so that no use case has to remember to raise it.
type CalendarEvent struct {
	SessionID   string    `bson:"_id"`
	Fingerprint string    `bson:"fingerprint"`
	Sequence    int       `bson:"sequence"`
	ChangedAt   time.Time `bson:"changed_at"`
}

// CalendarStore keeps calendar feed tokens and the published state of each
// session's event.
type CalendarStore interface {
	// CreateCalendarToken stores t; EEXISTS when its hash is taken.
	CreateCalendarToken(ctx context.Context, t *CalendarToken) error
	// GetCalendarToken reads the token with this hash; ENOTFOUND when there
	// is none (never issued, or revoked).
	GetCalendarToken(ctx context.Context, hash string) (*CalendarToken, error)
	// FindCalendarTokens returns the person's tokens, oldest first.
	FindCalendarTokens(ctx context.Context, platform Platform, userID string) ([]*CalendarToken, error)
	// DeleteCalendarTokens revokes every token of the person and reports how
	// many there were.
	DeleteCalendarTokens(ctx context.Context, platform Platform, userID string) (int, error)
	// CalendarEvents returns the stored events of these sessions, by id;
	// sessions never published are absent.
	CalendarEvents(ctx context.Context, sessionIDs []string) (map[string]*CalendarEvent, error)
	// PutCalendarEvent stores e, replacing the session's earlier one.
	PutCalendarEvent(ctx context.Context, e *CalendarEvent) error
}

// NewCalendarToken returns a new feed token read from random (crypto/rand
// in production): 32 bytes, base64url without padding (43 characters), so
// it cannot be guessed, and its hash to store.
func NewCalendarToken(random io.Reader) (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", "", fmt.Errorf("read random bytes for a calendar token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, CalendarTokenHash(token), nil
}

// CalendarTokenHash is the stored form of a token: SHA-256, hex. A token is
// long and random, so a plain hash (no salt, no stretching) cannot be
// reversed, and it lets the feed find the token by _id.
func CalendarTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ValidCalendarToken reports whether s has the shape NewCalendarToken gives,
// so that a malformed request is refused before the store is asked.
func ValidCalendarToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// SessionLink finds the session of a per-session calendar address ("Add to
// calendar" in a reminder or a session add answer). It is stored by the
// SHA-256 of the address's id, like a feed token, so the store does not hold
// the addresses themselves. Unlike a feed token it names one session, not a
// person, and opens only what the message carrying it already says: the
// set's name and the session's time and place.
type SessionLink struct {
	Hash      string `bson:"_id"`
	SessionID string `bson:"session_id"`
	SetID     string `bson:"set_id"`
}

// SessionLinkStore keeps the per-session calendar addresses and the server
// key they are derived from.
type SessionLinkStore interface {
	// SessionLinkKey returns the key per-session addresses are derived
	// from, storing fresh as that key when there is none yet: every replica
	// ends up with the first one stored.
	SessionLinkKey(ctx context.Context, fresh []byte) ([]byte, error)
	// PutSessionLink stores l, replacing one with the same hash.
	PutSessionLink(ctx context.Context, l *SessionLink) error
	// GetSessionLink reads the link with this hash; ENOTFOUND when there is
	// none.
	GetSessionLink(ctx context.Context, hash string) (*SessionLink, error)
}

// SessionLinks gives the "Add to calendar" address of one session: an
// .ics file holding that session's event. Handlers and the scheduler are
// given one when the bot has a public address (ALSBOT_PUBLIC_URL); an
// empty address means there is none to give, and the message goes without.
type SessionLinks interface {
	SessionLink(ctx context.Context, sess *Session) (string, error)
}
