package calendar

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// Handler serves GET /calendar/{file} where file is <token>.ics. A wrong,
// malformed or revoked token gets exactly what any unknown path gets (404,
// the mux's body), so a guess learns nothing.
type Handler struct {
	store Store
	served
}

// served is what both calendar handlers are built with besides their store.
type served struct {
	clock bot.Clock
	log   *slog.Logger
}

// NewHandler returns the feed handler; log should carry the component
// ("calendar"). Mount it on a pattern with a {file}
// wildcard: mux.Handle("GET /calendar/{file}", h).
func NewHandler(store Store, clock bot.Clock, log *slog.Logger) *Handler {
	return &Handler{store: store, served: served{clock: clock, log: log}}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const what = "a calendar feed"
	hash, ok := icsHash(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	t, err := h.store.GetCalendarToken(ctx, hash)
	if err != nil {
		fail(w, r, h.log, what, err)
		return
	}
	now := h.clock.Now()
	evs, err := Events(ctx, h.store, t.Platform, t.UserID, now)
	if err != nil {
		unavailable(w, h.log, what, err)
		return
	}
	writeICS(w, h.log, what, `inline; filename="alsbot.ics"`, evs, now)
}

// icsHash is the stored hash of the token or id a {file} path value
// <name>.ics names. When it names none it answers 404, as for any unknown
// path, and returns false.
func icsHash(w http.ResponseWriter, r *http.Request) (string, bool) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || !bot.ValidCalendarToken(name) {
		http.NotFound(w, r)
		return "", false
	}
	return bot.CalendarTokenHash(name), true
}

// writeICS sends evs as a calendar file. The URL is the secret: keep it out
// of shared caches and referrers.
func writeICS(w http.ResponseWriter, log *slog.Logger, what, disposition string, evs []Event, now time.Time) {
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", disposition)
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	if _, err := w.Write([]byte(Render(evs, now))); err != nil {
		log.Debug("write "+what, "err", err)
	}
}

// fail answers 404 for what is not there (as for any unknown path, so a
// guess learns nothing) and 503 for a store failure.
func fail(w http.ResponseWriter, r *http.Request, log *slog.Logger, what string, err error) {
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		http.NotFound(w, r)
		return
	}
	unavailable(w, log, what, err)
}

// unavailable answers 503 so calendar clients try again later rather than
// drop the subscription; the log names no token, id or user.
func unavailable(w http.ResponseWriter, log *slog.Logger, what string, err error) {
	log.Error("serve "+what, "err", err)
	w.Header().Set("Retry-After", "300")
	http.Error(w, "The calendar is not available just now; try again later.", http.StatusServiceUnavailable)
}

// SessionStore is what a session's own calendar file reads: its link, the
// session and its set, and the published state of its event.
type SessionStore interface {
	bot.CalendarStore
	bot.SessionLinkStore
	GetSet(ctx context.Context, id string) (*bot.Set, error)
	GetSession(ctx context.Context, id string) (*bot.Session, error)
}

// SessionHandler serves GET /calendar/session/{file}, file <id>.ics: one
// session's event, for "Add to calendar" in a reminder or a session add
// answer. It has the feed's UID and SEQUENCE for the session, so a calendar
// that has both keeps one event. A wrong id, or a session or set that is
// gone, gets the mux's 404.
type SessionHandler struct {
	store SessionStore
	served
}

// NewSessionHandler returns the handler; mount it with
// mux.Handle("GET /calendar/session/{file}", h).
func NewSessionHandler(store SessionStore, clock bot.Clock, log *slog.Logger) *SessionHandler {
	return &SessionHandler{store: store, served: served{clock: clock, log: log}}
}

func (h *SessionHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const what = "a session's calendar file"
	hash, ok := icsHash(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	link, err := h.store.GetSessionLink(ctx, hash)
	if err != nil {
		fail(w, r, h.log, what, err)
		return
	}
	sess, err := h.store.GetSession(ctx, link.SessionID)
	if err != nil {
		fail(w, r, h.log, what, err)
		return
	}
	set, err := h.store.GetSet(ctx, sess.SetID)
	if err != nil {
		fail(w, r, h.log, what, err)
		return
	}
	now := h.clock.Now()
	evs := []Event{{Set: set, Session: sess}}
	if err := publish(ctx, h.store, evs, now); err != nil {
		fail(w, r, h.log, what, err)
		return
	}
	writeICS(w, h.log, what, `attachment; filename="session.ics"`, evs, now)
}
