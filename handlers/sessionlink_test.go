package handlers_test

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/calendar"
	"github.com/alsbot/alsbot/handlers"
)

var sessionURL = regexp.MustCompile(`https://alsbot\.example\.org/calendar/session/([A-Za-z0-9_-]{43})\.ics`)

// linkEnv is an env whose router gives session links (and feeds) on the
// example public address; public "" gives none.
func linkEnv(t *testing.T, public string) *env {
	t.Helper()
	e := newEnv(t, 1)
	var links bot.SessionLinks
	if public != "" {
		links = calendar.NewLinks(e.store, public, rand.Reader)
	}
	e.router = handlers.New(handlers.Deps{Store: e.store, Clock: e.clock, Notifier: e.keys, Calendar: e.store, PublicURL: public, SessionLinks: links})
	return e
}

// calendarServer serves the feeds and the session files as the binary does.
func calendarServer(t *testing.T, e *env) *httptest.Server {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	mux := http.NewServeMux()
	mux.Handle("GET /calendar/{file}", calendar.NewHandler(e.store, e.clock, log))
	mux.Handle("GET /calendar/session/{file}", calendar.NewSessionHandler(e.store, e.clock, log))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// oneEvent parses a calendar file that must hold exactly one event.
func oneEvent(t *testing.T, body string) *ics.VEvent {
	t.Helper()
	cal, err := ics.ParseCalendar(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1:\n%s", len(evs), body)
	}
	return evs[0]
}

// storedDocs reads every document of collection coll as stored.
func storedDocs(t *testing.T, e *env, coll string) []bson.Raw {
	t.Helper()
	cur, err := e.store.Database().Collection(coll).Find(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []bson.Raw
	if err := cur.All(context.Background(), &docs); err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestSessionAddCalendarLink: the session add answer carries the session's
// own calendar address; the file there parses back to one event at the
// session's local time, with the feed's UID, and nothing members wrote; a
// wrong id gets 404. The store keeps the id's hash, not the id.
func TestSessionAddCalendarLink(t *testing.T) {
	e := linkEnv(t, "https://alsbot.example.org")
	e.must("fac", "setup West set")
	e.must("fac", "members add @ana")
	e.must("fac", "timezone Europe/London")
	e.must("ana", "commit Call the duty team about my secret plan")
	e.must("fac", "session add 2026-12-10 18:00 2h Room 4")
	msg := e.must("fac", "session add 2027-04-01 09:30 2h https://meet.example.org/west")

	m := sessionURL.FindAllStringSubmatch(allText(msg), -1)
	if len(m) != 1 || !strings.Contains(allText(msg), "Add to calendar: ") {
		t.Fatalf("session add answer %q: want one Add to calendar address", allText(msg))
	}
	id := m[0][1]
	srv := calendarServer(t, e)

	code, body := get(t, srv.URL+"/calendar/session/"+id+".ics")
	if code != http.StatusOK {
		t.Fatalf("session file = %d %s", code, body)
	}
	ev := oneEvent(t, body)
	// 1 April 2027 is in British Summer Time: 09:30 local is 08:30 UTC.
	if start := ev.GetProperty(ics.ComponentPropertyDtStart); start.Value != "20270401T093000" || start.ICalParameters["TZID"][0] != "Europe/London" {
		t.Errorf("DTSTART %v", start)
	}
	if at, err := ev.GetStartAt(); err != nil || !at.Equal(time.Date(2027, 4, 1, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("start %v (%v), want 08:30 UTC", at, err)
	}
	sess := e.session(2)
	if got := ev.Id(); got != calendar.UID(sess.ID) {
		t.Errorf("UID %s, want the feed's %s", got, calendar.UID(sess.ID))
	}
	if strings.Contains(body, "secret plan") || strings.Contains(body, "duty team") {
		t.Error("the session file carries a commitment")
	}

	// The feed has the same event under the same UID.
	tok := feedToken(t, e.must("ana", "calendar"))
	_, feed := get(t, srv.URL+"/calendar/"+tok+".ics")
	if !strings.Contains(feed, "UID:"+calendar.UID(sess.ID)) {
		t.Errorf("the feed lacks UID %s", calendar.UID(sess.ID))
	}

	// A wrong id, one of the right shape, a malformed one: 404.
	other := []byte(id)
	other[0] ^= 1
	for _, path := range []string{"/calendar/session/" + string(other) + ".ics", "/calendar/session/" + id[:20] + ".ics", "/calendar/session/" + id + ".txt"} {
		if code, _ := get(t, srv.URL+path); code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", path, code)
		}
	}

	// Stored by hash only.
	docs := storedDocs(t, e, "calendar_links")
	if len(docs) != 2 {
		t.Errorf("%d stored links, want one per session (2)", len(docs))
	}
	for _, d := range docs {
		if strings.Contains(d.String(), id) {
			t.Errorf("the link id is stored in clear: %s", d)
		}
	}
}

// TestSessionLinkFollowsTheSession: the same address serves the session as
// it is now: once cancelled, STATUS:CANCELLED with a higher SEQUENCE (a
// wrong or unknown id's 404 is in TestSessionAddCalendarLink).
func TestSessionLinkFollowsTheSession(t *testing.T) {
	e := linkEnv(t, "https://alsbot.example.org")
	e.must("fac", "setup West set")
	e.must("fac", "timezone Europe/London")
	id := sessionURL.FindStringSubmatch(allText(e.must("fac", "session add 2026-12-10 18:00 2h Room 4")))[1]
	srv := calendarServer(t, e)
	url := srv.URL + "/calendar/session/" + id + ".ics"
	_, before := get(t, url)
	e.must("fac", "session cancel 1")
	_, after := get(t, url)
	cal, err := ics.ParseCalendar(strings.NewReader(after))
	if err != nil {
		t.Fatal(err)
	}
	ev := cal.Events()[0]
	if st := ev.GetProperty(ics.ComponentPropertyStatus); st == nil || st.Value != string(ics.ObjectStatusCancelled) {
		t.Errorf("status after cancel: %v", st)
	}
	if !strings.Contains(before, "SEQUENCE:0") || !strings.Contains(after, "SEQUENCE:1") {
		t.Errorf("sequence before/after cancel:\n%s\n%s", before, after)
	}
}

// TestSessionAddNoLinkWithoutPublicURL: no public address, no link (and no
// button).
func TestSessionAddNoLinkWithoutPublicURL(t *testing.T) {
	e := linkEnv(t, "")
	e.must("fac", "setup West set")
	msg := e.must("fac", "session add 2026-12-10 18:00 2h Room 4")
	if strings.Contains(allText(msg), "calendar") || len(msg.Buttons) != 0 {
		t.Errorf("session add without a public address: %+v", msg)
	}
}

// TestRemindersCover: the verb sets, changes and turns off the cover lead;
// bad input is refused with a clear message and changes nothing.
func TestRemindersCover(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West set")
	e.must("fac", "members add @ana")
	if e.set().CoverLead != 0 {
		t.Fatal("a new set has cover reminders")
	}
	for _, tc := range []struct {
		cmd  string
		want time.Duration
		says string
	}{
		{"reminders cover", 14 * 24 * time.Hour, "14d before every session"},
		{"reminders cover 10d", 10 * 24 * time.Hour, "10d before every session"},
		{"/als reminders cover off", 0, "no reminder to arrange cover"},
	} {
		msg := e.must("fac", tc.cmd)
		if got := e.set().CoverLead; got != tc.want || !strings.Contains(msg.Text, tc.says) {
			t.Errorf("%s: lead %v, answer %q; want %v and %q", tc.cmd, got, msg.Text, tc.want, tc.says)
		}
	}
	e.must("fac", "reminders cover 14d")
	before := e.snapshot()
	for _, bad := range []string{"reminders cover 2h", "reminders cover 61d", "reminders cover soon", "reminders cover 7d 14d"} {
		_, err := e.do("fac", bad)
		if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(bot.ErrorMessage(err), "reminders cover") {
			t.Errorf("%s = %v, want a refusal with the usage", bad, err)
		}
	}
	if _, err := e.do("ana", "reminders cover 7d"); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a member set cover reminders: %v", err)
	}
	e.assertUnchanged(before)
	// The session reminders' lead times are their own.
	if got := e.set().Reminders; len(got) != 3 {
		t.Errorf("reminders changed to %v", got)
	}
}
