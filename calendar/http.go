package calendar

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

// Handler serves GET /calendar/{file} where file is <token>.ics. A wrong,
// malformed or revoked token gets exactly what any unknown path gets (404,
// the mux's body), so a guess learns nothing.
type Handler struct {
	store Store
	clock bot.Clock
	log   *slog.Logger
}

// NewHandler returns the feed handler; log should carry the component
// ("calendar"). Mount it on a pattern with a {file}
// wildcard: mux.Handle("GET /calendar/{file}", h).
func NewHandler(store Store, clock bot.Clock, log *slog.Logger) *Handler {
	return &Handler{store: store, clock: clock, log: log}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || !bot.ValidCalendarToken(token) {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	t, err := h.store.GetCalendarToken(ctx, bot.CalendarTokenHash(token))
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.unavailable(w, err)
		return
	}
	now := h.clock.Now()
	evs, err := Events(ctx, h.store, t.Platform, t.UserID, now)
	if err != nil {
		h.unavailable(w, err)
		return
	}
	// The URL is the secret: keep it out of shared caches and referrers.
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="alsbot.ics"`)
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	if _, err := w.Write([]byte(Render(evs, now))); err != nil {
		h.log.Debug("write a calendar feed", "err", err)
	}
}

// unavailable answers 503 so calendar clients try again later rather than
// drop the subscription; the log names no token and no user.
func (h *Handler) unavailable(w http.ResponseWriter, err error) {
	h.log.Error("serve a calendar feed", "err", err)
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
	clock bot.Clock
	log   *slog.Logger
}

// NewSessionHandler returns the handler; mount it with
// mux.Handle("GET /calendar/session/{file}", h).
func NewSessionHandler(store SessionStore, clock bot.Clock, log *slog.Logger) *SessionHandler {
	return &SessionHandler{store: store, clock: clock, log: log}
}

func (h *SessionHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || !bot.ValidCalendarToken(id) {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	link, err := h.store.GetSessionLink(ctx, bot.CalendarTokenHash(id))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sess, err := h.store.GetSession(ctx, link.SessionID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	set, err := h.store.GetSet(ctx, sess.SetID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.clock.Now()
	evs := []Event{{Set: set, Session: sess}}
	if err := publish(ctx, h.store, evs, now); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="session.ics"`)
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	if _, err := w.Write([]byte(Render(evs, now))); err != nil {
		h.log.Debug("write a session's calendar file", "err", err)
	}
}

// fail answers 404 for what is not there and 503 for a store failure; the
// log names no id.
func (h *SessionHandler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		http.NotFound(w, r)
		return
	}
	h.log.Error("serve a session's calendar file", "err", err)
	w.Header().Set("Retry-After", "300")
	http.Error(w, "The calendar is not available just now; try again later.", http.StatusServiceUnavailable)
}
