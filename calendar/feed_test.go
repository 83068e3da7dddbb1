package calendar_test

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/calendar"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m)) }

// clock is the test's time source: the port's double, moved by the test.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// secret marks what members wrote: none of it may reach a feed.
const secret = "SECRET-MEMBER-TEXT"

type fixture struct {
	store *mongo.Store
	clock *clock
	srv   *httptest.Server
	token string
	north []*bot.Session // the London set's sessions, across the end of summer time
	east  *bot.Session
}

func person(id string, roles ...bot.Role) bot.Person {
	return bot.Person{User: bot.UserRef{ID: id, Name: id}, Roles: roles}
}

// newFixture stores three sets in which ana has a role (member of two,
// mentor only of the third), sessions with member texts attached, and a
// feed token for ana, and serves the feed on loopback.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st := mongotest.New(t)
	f := &fixture{store: st, clock: &clock{now: time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)}}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	sets := []*bot.Set{
		{ID: "slack:CNORTH", Name: "North set", Platform: bot.Slack, TZ: "Europe/London",
			People: []bot.Person{person("fran", bot.RoleFacilitator), person("ana", bot.RoleMember)}},
		{ID: "slack:CEAST", Name: "East set", Platform: bot.Slack, TZ: "UTC",
			People: []bot.Person{person("ana", bot.RoleMember)}},
		{ID: "slack:CWEST", Name: "West set", Platform: bot.Slack, TZ: "UTC",
			People: []bot.Person{person("ana", bot.RoleMentor), person("ben", bot.RoleMember)}},
	}
	for _, s := range sets {
		if err := st.CreateSet(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	sessions := []*bot.Session{
		// 22 October is summer time (BST, UTC+1), 29 October winter (GMT).
		{SetID: "slack:CNORTH", Number: 1, Start: time.Date(2026, 10, 22, 14, 0, 0, 0, london), Duration: 2 * time.Hour, Where: "Room 2",
			Bids: []bot.Bid{{UserID: "ana", Title: secret}}, Rounds: []bot.Round{{Number: 1, Presenter: "ana", Title: secret}}},
		{SetID: "slack:CNORTH", Number: 2, Start: time.Date(2026, 10, 29, 14, 0, 0, 0, london), Duration: 3 * time.Hour, Where: "https://meet.example.org/north"},
		// Ended long ago: left out.
		{SetID: "slack:CNORTH", Number: 3, Start: f.clock.now.AddDate(0, -8, 0), Duration: time.Hour, Status: bot.SessionClosed},
		{SetID: "slack:CEAST", Number: 1, Start: time.Date(2026, 11, 5, 9, 30, 0, 0, time.UTC), Duration: time.Hour},
		{SetID: "slack:CWEST", Number: 1, Start: time.Date(2026, 11, 6, 9, 30, 0, 0, time.UTC), Duration: time.Hour},
	}
	for _, s := range sessions {
		s.ID = bot.SessionID(s.SetID, s.Number)
		if s.Status == "" {
			s.Status = bot.SessionScheduled
		}
		s.Start = s.Start.UTC()
		if err := st.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	f.north, f.east = sessions[:2], sessions[3]
	if err := st.CreateCommitment(ctx, &bot.Commitment{ID: "slack:CNORTH/C-1", SetID: "slack:CNORTH", UserID: "ana", Text: secret}); err != nil {
		t.Fatal(err)
	}
	tok, hash, err := bot.NewCalendarToken(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateCalendarToken(ctx, &bot.CalendarToken{Hash: hash, Platform: bot.Slack, UserID: "ana", CreatedAt: f.clock.now}); err != nil {
		t.Fatal(err)
	}
	f.token = tok
	mux := http.NewServeMux()
	mux.Handle("GET /calendar/{file}", calendar.NewHandler(st, f.clock, slog.New(slog.DiscardHandler)))
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

type response struct {
	status int
	header http.Header
	body   string
}

func (f *fixture) get(t *testing.T, path string) response {
	t.Helper()
	res, err := http.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

// feed fetches ana's feed and parses it back with golang-ical.
func (f *fixture) feed(t *testing.T) (*ics.Calendar, string) {
	t.Helper()
	r := f.get(t, "/calendar/"+f.token+".ics")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("GET feed = %d %q:\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, r.body)
	}
	return cal, r.body
}

func prop(c *ics.ComponentBase, p ics.ComponentProperty) string {
	if v := c.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func eventsByUID(cal *ics.Calendar) map[string]*ics.VEvent {
	out := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		out[e.Id()] = e
	}
	return out
}

// offsetAt resolves the UTC offset of instant u from a parsed VTIMEZONE:
// the observance with the latest onset (its DTSTART, a wall time in its
// TZOFFSETFROM) not after u. It checks the feed's own zone data, not Go's.
func offsetAt(t *testing.T, tz *ics.VTimezone, u time.Time) time.Duration {
	t.Helper()
	var best time.Time
	var off time.Duration
	found := false
	for _, c := range tz.Components {
		var base *ics.ComponentBase
		switch o := c.(type) {
		case *ics.Standard:
			base = &o.ComponentBase
		case *ics.Daylight:
			base = &o.ComponentBase
		default:
			continue
		}
		wall, err := time.Parse("20060102T150405", prop(base, ics.ComponentProperty(ics.PropertyDtstart)))
		if err != nil {
			t.Fatal(err)
		}
		onset := wall.Add(-parseOffset(t, prop(base, ics.ComponentProperty(ics.PropertyTzoffsetfrom))))
		if !onset.After(u) && (!found || onset.After(best)) {
			best, off, found = onset, parseOffset(t, prop(base, ics.ComponentProperty(ics.PropertyTzoffsetto))), true
		}
	}
	if !found {
		t.Fatalf("no observance of %s covers %v", prop(&tz.ComponentBase, ics.ComponentPropertyTzid), u)
	}
	return off
}

func parseOffset(t *testing.T, s string) time.Duration {
	t.Helper()
	if len(s) < 5 {
		t.Fatalf("bad offset %q", s)
	}
	h, err1 := strconv.Atoi(s[1:3])
	m, err2 := strconv.Atoi(s[3:5])
	if err1 != nil || err2 != nil {
		t.Fatalf("bad offset %q", s)
	}
	d := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	if s[0] == '-' {
		d = -d
	}
	return d
}

func TestFeed(t *testing.T) {
	f := newFixture(t)
	cal, body := f.feed(t)

	evs := eventsByUID(cal)
	// North 1 and 2, East 1: not the old session, not the set where ana is
	// only a mentor.
	want := []*bot.Session{f.north[0], f.north[1], f.east}
	if len(cal.Events()) != len(want) {
		t.Fatalf("%d VEVENTs, want %d:\n%s", len(cal.Events()), len(want), body)
	}
	var london *ics.VTimezone
	for _, tz := range cal.Timezones() {
		if prop(&tz.ComponentBase, ics.ComponentPropertyTzid) == "Europe/London" {
			london = tz
		}
	}
	if london == nil || len(cal.Timezones()) != 1 {
		t.Fatalf("want one VTIMEZONE, Europe/London; got %d:\n%s", len(cal.Timezones()), body)
	}

	tests := []struct {
		sess      *bot.Session
		wantStart string // DTSTART as written
		wantTZID  string
		wantLoc   string
		wantURL   string
	}{
		{f.north[0], "20261022T140000", "Europe/London", "Room 2", ""},
		{f.north[1], "20261029T140000", "Europe/London", "https://meet.example.org/north", "https://meet.example.org/north"},
		{f.east, "20261105T093000Z", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.sess.ID, func(t *testing.T) {
			ev := evs[calendar.UID(tt.sess.ID)]
			if ev == nil {
				t.Fatalf("no VEVENT with UID %s", calendar.UID(tt.sess.ID))
			}
			start := ev.GetProperty(ics.ComponentPropertyDtStart)
			if start.Value != tt.wantStart || strings.Join(start.ICalParameters["TZID"], ",") != tt.wantTZID {
				t.Errorf("DTSTART = %q TZID %v, want %q TZID %q", start.Value, start.ICalParameters["TZID"], tt.wantStart, tt.wantTZID)
			}
			got, err := ev.GetStartAt()
			if err != nil || !got.Equal(tt.sess.Start) {
				t.Errorf("start = %v (%v), want %v", got, err, tt.sess.Start)
			}
			end, err := ev.GetEndAt()
			if err != nil || !end.Equal(tt.sess.End()) {
				t.Errorf("end = %v (%v), want %v", end, err, tt.sess.End())
			}
			if tt.wantTZID != "" {
				// The feed's VTIMEZONE alone turns the wall time into the
				// session's instant, on both sides of the clock change.
				wall, _ := time.Parse("20060102T150405", start.Value)
				if u := wall.Add(-offsetAt(t, london, tt.sess.Start)); !u.Equal(tt.sess.Start) {
					t.Errorf("wall time %s with the VTIMEZONE is %v, want %v", start.Value, u, tt.sess.Start)
				}
			}
			for p, want := range map[ics.ComponentProperty]string{
				ics.ComponentPropertySequence: "0",
				ics.ComponentPropertyStatus:   "CONFIRMED",
				ics.ComponentPropertyLocation: tt.wantLoc,
				ics.ComponentPropertyUrl:      tt.wantURL,
			} {
				if got := prop(&ev.ComponentBase, p); got != want {
					t.Errorf("%s = %q, want %q", p, got, want)
				}
			}
			if prop(&ev.ComponentBase, ics.ComponentPropertyDtstamp) == "" || !strings.Contains(prop(&ev.ComponentBase, ics.ComponentPropertySummary), "session") {
				t.Errorf("DTSTAMP or SUMMARY missing: %s", body)
			}
		})
	}
	if strings.Contains(body, secret) {
		t.Errorf("the feed carries what a member wrote:\n%s", body)
	}
	// A second fetch publishes the same UIDs: calendars keep their events.
	again, _ := f.feed(t)
	for uid := range eventsByUID(again) {
		if evs[uid] == nil {
			t.Errorf("UID %s is new on the second fetch", uid)
		}
	}
}

func TestChangesRaiseSequence(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	seq := func(t *testing.T, s *bot.Session) (string, string) {
		t.Helper()
		cal, body := f.feed(t)
		ev := eventsByUID(cal)[calendar.UID(s.ID)]
		if ev == nil {
			t.Fatalf("no event for %s:\n%s", s.ID, body)
		}
		return prop(&ev.ComponentBase, ics.ComponentPropertySequence), prop(&ev.ComponentBase, ics.ComponentPropertyStatus)
	}
	if s, st := seq(t, f.north[1]); s != "0" || st != "CONFIRMED" {
		t.Fatalf("before: SEQUENCE %s STATUS %s", s, st)
	}

	// Cancel session 2.
	sess, err := f.store.GetSession(ctx, f.north[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	sess.Status = bot.SessionCancelled
	if err := f.store.SaveSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	f.clock.now = f.clock.now.Add(time.Hour)
	if s, st := seq(t, f.north[1]); s != "1" || st != "CANCELLED" {
		t.Errorf("cancelled: SEQUENCE %s STATUS %s, want 1 CANCELLED", s, st)
	}
	// Fetching again changes nothing: the sequence stays.
	if s, _ := seq(t, f.north[1]); s != "1" {
		t.Errorf("unchanged session: SEQUENCE %s, want 1", s)
	}
	// The other session did not change.
	if s, _ := seq(t, f.north[0]); s != "0" {
		t.Errorf("untouched session: SEQUENCE %s, want 0", s)
	}
	// Moving session 1 raises its sequence too; a check-in does not.
	sess, err = f.store.GetSession(ctx, f.north[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	sess.Attendees = append(sess.Attendees, bot.Attendance{UserID: "ana", At: f.clock.now})
	if err := f.store.SaveSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if s, _ := seq(t, f.north[0]); s != "0" {
		t.Errorf("after a check-in: SEQUENCE %s, want 0", s)
	}
	sess.Start = sess.Start.Add(24 * time.Hour)
	if err := f.store.SaveSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if s, _ := seq(t, f.north[0]); s != "1" {
		t.Errorf("moved: SEQUENCE %s, want 1", s)
	}
}

func TestWrongTokenIsNotFound(t *testing.T) {
	f := newFixture(t)
	other, _, err := bot.NewCalendarToken(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	plain := f.get(t, "/no-such-page")
	check := func(t *testing.T, path string) {
		t.Helper()
		r := f.get(t, path)
		if r.status != http.StatusNotFound || r.body != plain.body || r.header.Get("Content-Type") != plain.header.Get("Content-Type") {
			t.Errorf("GET %s = %d %q %q; want what any unknown path gets: %d %q %q",
				path, r.status, r.header.Get("Content-Type"), r.body, plain.status, plain.header.Get("Content-Type"), plain.body)
		}
	}
	for name, path := range map[string]string{
		"never issued":      "/calendar/" + other + ".ics",
		"no .ics":           "/calendar/" + f.token,
		"malformed":         "/calendar/not-a-token.ics",
		"one character off": "/calendar/" + f.token[:42] + flip(f.token[42]) + ".ics",
	} {
		t.Run(name, func(t *testing.T) { check(t, path) })
	}
	t.Run("revoked", func(t *testing.T) {
		f.feed(t) // it works before
		n, err := f.store.DeleteCalendarTokens(context.Background(), bot.Slack, "ana")
		if err != nil || n != 1 {
			t.Fatalf("revoke = %d, %v", n, err)
		}
		check(t, "/calendar/"+f.token+".ics")
	})
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// TestForgetMeRemovesTokens: forget me's plan deletes the person's calendar
// tokens, so the feed stops.
func TestForgetMeRemovesTokens(t *testing.T) {
	f := newFixture(t)
	sets, err := f.store.FindSets(context.Background(), bot.Slack, "ana")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := bot.NewErasePlan(bot.Slack, "ana", sets)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.ForgetUser(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.GetCalendarToken(context.Background(), bot.CalendarTokenHash(f.token)); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("token after forget me: %v, want ENOTFOUND", err)
	}
	if r := f.get(t, "/calendar/"+f.token+".ics"); r.status != http.StatusNotFound {
		t.Fatalf("feed after forget me = %d", r.status)
	}
}
