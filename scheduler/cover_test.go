package scheduler_test

import (
	"crypto/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
	"github.com/alsbot/alsbot/calendar"
	"github.com/alsbot/alsbot/scheduler"
)

const day = 24 * time.Hour

// covers lists the cover reminders sent as "at who title".
func covers(e *env) []string {
	var out []string
	for _, s := range e.rec.All() {
		if strings.HasPrefix(s.Msg.Title, "Arrange cover") {
			out = append(out, s.At.UTC().Format("01-02T15:04")+" "+s.Who()+" "+s.Msg.Title)
		}
	}
	return out
}

// pendingCovers lists the cover deliveries in the pending queue.
func pendingCovers(t *testing.T, e *env) []string {
	t.Helper()
	ds, err := e.store.PendingDeliveries(ctx, "", "")
	must(t, err)
	var out []string
	for _, d := range ds {
		if d.Kind == bot.DeliverCover {
			out = append(out, d.Due.UTC().Format("01-02T15:04")+" "+d.UserID)
		}
	}
	return out
}

func coverSet(e *env, lead time.Duration) *bot.Set {
	set := newSet("shell:west", e.clock.Now())
	set.People = set.People[:3] // fran, ana, ben
	set.People[1].MentorID = ""
	set.NudgeSpec = "0 9 1 1 *" // out of the way
	set.Reminders = []time.Duration{day}
	set.CoverLead = lead
	return set
}

// TestCoverReminder: with a cover lead, each member (not the facilitator)
// is asked by DM, that long before each session, to arrange cover; once,
// even with two ticks at every step, at its own key beside the reminders.
func TestCoverReminder(t *testing.T) {
	e := newEnv(t, utc("2026-11-02T10:00:00Z"))
	set := e.createSet(t, coverSet(e, 14*day))
	sess := e.addSession(t, set, utc("2026-11-26T18:00:00Z"), "Room 4")

	// Planned as soon as the session is added, 14 days before it in the
	// set's zone.
	if got, want := pendingCovers(t, e), []string{"11-12T18:00 ana", "11-12T18:00 ben"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("planned cover reminders %v, want %v", got, want)
	}
	e.runUntil(t, utc("2026-11-27T00:00:00Z"), e.sched.Tick, e.sched.Tick)
	want := []string{
		"11-12T18:00 @ana Arrange cover: West set, session 1",
		"11-12T18:00 @ben Arrange cover: West set, session 1",
	}
	if got := covers(e); !reflect.DeepEqual(got, want) {
		t.Fatalf("cover reminders:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range e.rec.All() {
		if strings.HasPrefix(s.Msg.Title, "Arrange cover") {
			body := bottest.Words(s.Msg)
			if !s.To.IsDM() || !strings.Contains(body, "in 14 days") || !strings.Contains(body, "arrange cover") || !strings.Contains(body, "Room 4") {
				t.Errorf("cover reminder to %s: %q", s.Who(), body)
			}
		}
	}
	// The reminders are sent as before, on their own keys: with one lead
	// (1d), to the channel and each member.
	if n := len(e.rec.OfKind(bot.KindReminder)) - len(want); n != 3 {
		t.Errorf("%d session reminders besides the cover ones, want 3", n)
	}
	hist, err := e.store.History(ctx, set.ID, time.Time{})
	must(t, err)
	n := 0
	for _, h := range hist {
		if h.Kind == bot.DeliverCover {
			n++
			if h.Status != bot.DeliverySent || !h.Done.Equal(h.Due) || h.ID != bot.CoverKey(sess, 14*day, h.UserID).String() {
				t.Errorf("history %+v", h)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d cover deliveries in the history, want 2", n)
	}
}

// TestCoverReminderReplanned: a changed lead, a moved session and cover
// turned off each change what is planned; a cancelled session gets none.
func TestCoverReminderReplanned(t *testing.T) {
	e := newEnv(t, utc("2026-11-02T10:00:00Z"))
	set := e.createSet(t, coverSet(e, 0))
	moved := e.addSession(t, set, utc("2026-11-26T18:00:00Z"), "")
	cancelled := e.addSession(t, set, utc("2026-11-27T18:00:00Z"), "")
	if got := pendingCovers(t, e); len(got) != 0 {
		t.Fatalf("cover reminders planned while off: %v", got)
	}

	// Turned on: the next session's (the planner looks two days past the
	// longest lead for the others, so session 2's come with a later plan).
	set.CoverLead = 14 * day
	must(t, e.store.SaveSet(ctx, set))
	must(t, e.sched.SetChanged(ctx, set))
	if got, want := pendingCovers(t, e), []string{"11-12T18:00 ana", "11-12T18:00 ben"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after cover on: %v, want %v", got, want)
	}

	// A new lead replaces the old one.
	set.CoverLead = 10 * day
	must(t, e.store.SaveSet(ctx, set))
	must(t, e.sched.SetChanged(ctx, set))
	if got, want := pendingCovers(t, e), []string{"11-16T18:00 ana", "11-16T18:00 ben"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after 10d: %v, want %v", got, want)
	}

	// 16 Nov: session 2's are planned too.
	e.runUntil(t, utc("2026-11-16T12:00:00Z"))
	if got, want := pendingCovers(t, e), []string{"11-16T18:00 ana", "11-16T18:00 ben", "11-17T18:00 ana", "11-17T18:00 ben"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("on 16 Nov: %v, want %v", got, want)
	}

	// Session 1 moves a week later; session 2 is cancelled.
	moved.Start = utc("2026-12-03T18:00:00Z")
	must(t, e.store.SaveSession(ctx, moved))
	must(t, e.sched.SessionChanged(ctx, set, moved))
	cancelled.Status = bot.SessionCancelled
	must(t, e.store.SaveSession(ctx, cancelled))
	must(t, e.sched.SessionChanged(ctx, set, cancelled))
	if got, want := pendingCovers(t, e), []string{"11-23T18:00 ana", "11-23T18:00 ben"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after the move and the cancel: %v, want %v", got, want)
	}
	e.runUntil(t, utc("2026-12-04T00:00:00Z"))
	want := []string{
		"11-23T18:00 @ana Arrange cover: West set, session 1",
		"11-23T18:00 @ben Arrange cover: West set, session 1",
	}
	if got := covers(e); !reflect.DeepEqual(got, want) {
		t.Fatalf("cover reminders:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Off: nothing planned for the next session.
	e.addSession(t, set, utc("2026-12-20T18:00:00Z"), "")
	if len(pendingCovers(t, e)) != 2 {
		t.Fatalf("the new session's cover reminders are not planned: %v", pendingCovers(t, e))
	}
	set.CoverLead = 0
	must(t, e.store.SaveSet(ctx, set))
	must(t, e.sched.SetChanged(ctx, set))
	if got := pendingCovers(t, e); len(got) != 0 {
		t.Fatalf("cover reminders still planned after off: %v", got)
	}
}

// TestReminderCalendarLink: with a public address, the channel reminder,
// each member's reminder and the cover reminder carry the session's own
// calendar address (the same one), never a feed token; without one, none.
func TestReminderCalendarLink(t *testing.T) {
	for _, public := range []string{"https://alsbot.example.org", ""} {
		t.Run("public="+public, func(t *testing.T) {
			e := newEnv(t, utc("2026-11-02T10:00:00Z"))
			var links bot.SessionLinks
			if public != "" {
				links = calendar.NewLinks(e.store, public, rand.Reader)
			}
			e.sched = scheduler.New(scheduler.Deps{Store: e.store, Deliveries: e.store, Messenger: e.rec, Clock: e.clock, Instance: "test", Jitter: noJitter, Links: links})
			set := coverSet(e, 14*day)
			set.Reminders = []time.Duration{7 * day, day}
			e.createSet(t, set)
			e.addSession(t, set, utc("2026-11-26T18:00:00Z"), "")
			e.runUntil(t, utc("2026-11-27T00:00:00Z"))

			sent := e.rec.All()
			if len(sent) != 6 { // cover x2, channel at 7d, digest, members at 1d x2
				t.Fatalf("%d messages, want 6: %v", len(sent), summary(sent))
			}
			seen := map[string]bool{}
			for _, s := range sent {
				if s.Msg.Kind != bot.KindReminder {
					continue // the digest is about reports, not the session's time
				}
				body := bottest.Words(s.Msg)
				i := strings.Index(body, "Add to calendar: ")
				if public == "" {
					if i >= 0 {
						t.Errorf("a link without a public address: %q", body)
					}
					continue
				}
				if i < 0 {
					t.Errorf("no calendar link in %s to %s: %q", s.Msg.Title, s.Who(), body)
					continue
				}
				url, _, _ := strings.Cut(body[i+len("Add to calendar: "):], "\n")
				if !strings.HasPrefix(url, public+"/calendar/session/") || !strings.HasSuffix(url, ".ics") {
					t.Errorf("link %q", url)
				}
				seen[url] = true
			}
			if public != "" && len(seen) != 1 {
				t.Errorf("%d different links for one session, want 1: %v", len(seen), seen)
			}
		})
	}
}
