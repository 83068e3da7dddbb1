package handlers_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
)

// calendarEnv is an env whose router issues feeds on publicURL.
func calendarEnv(t *testing.T, publicURL string) *env {
	t.Helper()
	e := newEnv(t, 1)
	e.router = handlers.New(handlers.Deps{Store: e.store, Clock: e.clock, Notifier: e.keys, Calendar: e.store, PublicURL: publicURL})
	return e
}

var feedURL = regexp.MustCompile(`https://alsbot\.example\.org/calendar/([A-Za-z0-9_-]{43})\.ics`)

// feedToken finds the one feed address in a message.
func feedToken(t *testing.T, msg bot.Message) string {
	t.Helper()
	m := feedURL.FindAllStringSubmatch(msg.Text, -1)
	if len(m) != 1 {
		t.Fatalf("want one feed address in %q", msg.Text)
	}
	return m[0][1]
}

func (e *env) tokens(user string) []*bot.CalendarToken {
	e.t.Helper()
	toks, err := e.store.FindCalendarTokens(context.Background(), bot.Shell, e.id(user))
	if err != nil {
		e.t.Fatal(err)
	}
	return toks
}

func TestCalendarNotSetUp(t *testing.T) {
	e := calendarEnv(t, "")
	_, err := e.do("ana", "calendar")
	if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(bot.ErrorMessage(err), "ALSBOT_PUBLIC_URL") {
		t.Fatalf("calendar without a public URL = %v, want a clear refusal naming ALSBOT_PUBLIC_URL", err)
	}
	if toks := e.tokens("ana"); len(toks) != 0 {
		t.Fatalf("a refused calendar stored %d tokens", len(toks))
	}
}

func TestCalendarIssueAndReset(t *testing.T) {
	e := calendarEnv(t, "https://alsbot.example.org/")
	msg := e.must("ana", "calendar")
	if !msg.Private {
		t.Error("the feed address must be answered privately")
	}
	tok := feedToken(t, msg)
	toks := e.tokens("ana")
	if len(toks) != 1 || toks[0].Hash != bot.CalendarTokenHash(tok) {
		t.Fatalf("stored tokens %v, want the hash of %s", toks, tok)
	}
	// The store holds the hash, never the token.
	for _, d := range storedDocs(t, e, "calendar_tokens") {
		if strings.Contains(d.String(), tok) {
			t.Fatalf("the token is stored in clear: %s", d)
		}
	}

	// Asking again shows no address and makes no new token.
	again := e.must("ana", "calendar")
	if feedURL.MatchString(again.Text) || !strings.Contains(again.Text, "calendar reset") {
		t.Errorf("second calendar = %q, want a pointer to calendar reset and no address", again.Text)
	}
	if n := len(e.tokens("ana")); n != 1 {
		t.Errorf("%d tokens after asking twice, want 1", n)
	}

	// Reset, here from a DM: a new address, the old one gone.
	reset, err := e.dm("ana", "calendar reset")
	if err != nil {
		t.Fatal(err)
	}
	tok2 := feedToken(t, reset)
	toks = e.tokens("ana")
	if tok2 == tok || len(toks) != 1 || toks[0].Hash != bot.CalendarTokenHash(tok2) || !strings.Contains(reset.Text, "no longer works") {
		t.Errorf("after reset: token %s (was %s), stored %v, text %q", tok2, tok, toks, reset.Text)
	}
	// Someone else's feed is their own.
	if ben := feedToken(t, e.must("ben", "calendar")); ben == tok2 {
		t.Error("two people got one token")
	}
}

// TestCalendarFeedEndToEnd: the address a member is given serves the
// sessions the facilitator planned, and stops once reset.
func TestCalendarFeedEndToEnd(t *testing.T) {
	e := calendarEnv(t, "https://alsbot.example.org")
	e.must("fac", "setup West set")
	e.must("fac", "members add @ana")
	e.must("fac", "timezone Europe/London")
	e.must("fac", "session add 2026-12-10 18:00 2h Room 4")
	e.must("ana", "commit Call the duty team about my secret plan")
	tok := feedToken(t, e.must("ana", "calendar"))

	srv := calendarServer(t, e)
	feed := func() (int, string) { return get(t, srv.URL+"/calendar/"+tok+".ics") }
	code, body := feed()
	if code != http.StatusOK {
		t.Fatalf("feed = %d %s", code, body)
	}
	if start := oneEvent(t, body).GetProperty(ics.ComponentPropertyDtStart); start.Value != "20261210T180000" || start.ICalParameters["TZID"][0] != "Europe/London" {
		t.Errorf("DTSTART %v", start)
	}
	if strings.Contains(body, "secret plan") {
		t.Error("the feed carries a commitment")
	}

	e.must("ana", "calendar reset")
	if code, _ := feed(); code != http.StatusNotFound {
		t.Errorf("the old address after reset = %d, want 404", code)
	}
}
