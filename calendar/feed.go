// Package calendar serves a person's sessions as an iCalendar feed (RFC
// 5545) that Outlook, Google Calendar and Apple Calendar subscribe to: one
// VEVENT per session with a stable UID, the set's time zone as a VTIMEZONE,
// SEQUENCE raised whenever what a calendar shows changes, and
// STATUS:CANCELLED for a cancelled session. The format is written and read
// by github.com/arran4/golang-ical; nothing members wrote goes into a feed.
package calendar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/alsbot/alsbot/bot"
)

// Recent is how far back a feed reaches: sessions that ended longer ago are
// left out, so the feed stays small and a calendar keeps what it has.
const Recent = 90 * 24 * time.Hour

// Store is what a feed reads: the person's sets and their sessions, the
// tokens and the published state of each event.
type Store interface {
	bot.CalendarStore
	FindSets(ctx context.Context, platform bot.Platform, userID string) ([]*bot.Set, error)
	ListSessions(ctx context.Context, setID string) ([]*bot.Session, error)
}

// Event is one session as a feed shows it.
type Event struct {
	Set       *bot.Set
	Session   *bot.Session
	Sequence  int
	ChangedAt time.Time
}

// Events returns the person's events: every session, upcoming or ended
// within Recent, of every set in which they are a facilitator or a member
// (mentors do not attend sessions). It raises and stores the SEQUENCE of
// each session whose calendar fields changed since the last feed.
func Events(ctx context.Context, st Store, platform bot.Platform, userID string, now time.Time) ([]Event, error) {
	sets, err := st.FindSets(ctx, platform, userID)
	if err != nil {
		return nil, fmt.Errorf("find the sets of a feed: %w", err)
	}
	var evs []Event
	for _, set := range sets {
		if !set.HasRole(userID, bot.RoleFacilitator) && !set.HasRole(userID, bot.RoleMember) {
			continue
		}
		sessions, err := st.ListSessions(ctx, set.ID)
		if err != nil {
			return nil, fmt.Errorf("list the sessions of set %s: %w", set.ID, err)
		}
		for _, sess := range sessions {
			if sess.End().Before(now.Add(-Recent)) {
				continue
			}
			evs = append(evs, Event{Set: set, Session: sess})
		}
	}
	if err := publish(ctx, st, evs, now); err != nil {
		return nil, err
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Session.Start.Before(evs[j].Session.Start) })
	return evs, nil
}

// publish gives each event the SEQUENCE it is published with, raising and
// storing it for each session whose calendar fields changed since it was
// last published (in a feed or in a session's own file: one sequence).
func publish(ctx context.Context, st bot.CalendarStore, evs []Event, now time.Time) error {
	ids := make([]string, len(evs))
	for i, e := range evs {
		ids[i] = e.Session.ID
	}
	published, err := st.CalendarEvents(ctx, ids)
	if err != nil {
		return fmt.Errorf("read published events: %w", err)
	}
	for i := range evs {
		e := &evs[i]
		fp := Fingerprint(e.Set, e.Session)
		old := published[e.Session.ID]
		switch {
		case old != nil && old.Fingerprint == fp:
			e.Sequence, e.ChangedAt = old.Sequence, old.ChangedAt
			continue
		case old != nil:
			e.Sequence = old.Sequence + 1
		}
		e.ChangedAt = now
		if err := st.PutCalendarEvent(ctx, &bot.CalendarEvent{SessionID: e.Session.ID, Fingerprint: fp, Sequence: e.Sequence, ChangedAt: now}); err != nil {
			return fmt.Errorf("store the sequence of session %s: %w", e.Session.ID, err)
		}
	}
	return nil
}

// Fingerprint digests what a calendar shows of a session: when a session is
// moved, lengthened, relocated, cancelled or its set renamed or re-zoned,
// it changes, and with it the SEQUENCE.
func Fingerprint(set *bot.Set, s *bot.Session) string {
	h := sha256.New()
	for _, f := range []string{set.Name, set.TZ, strconv.Itoa(s.Number), s.Start.UTC().Format(time.RFC3339), s.Duration.String(), s.Where, strconv.FormatBool(s.Status == bot.SessionCancelled)} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// UID is a session's stable event id: a digest of its id, so the feed does
// not show the platform's channel ids.
func UID(sessionID string) string {
	sum := sha256.Sum256([]byte("alsbot-session:" + sessionID))
	return hex.EncodeToString(sum[:16]) + "@alsbot"
}

const localFormat = "20060102T150405"

// Render writes the feed of evs, stamped now. It is pure: the same events
// give the same feed apart from DTSTAMP.
func Render(evs []Event, now time.Time) string {
	cal := ics.NewCalendarFor("alsbot")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName("Action learning sets")
	cal.SetXWRCalName("Action learning sets")
	cal.SetRefreshInterval("PT4H")
	cal.SetXPublishedTTL("PT4H")

	// One VTIMEZONE per zone, covering the events' span.
	spans := map[string][2]time.Time{}
	var zones []string
	for _, e := range evs {
		loc := location(e.Set)
		if loc == time.UTC {
			continue
		}
		span, ok := spans[loc.String()]
		if !ok {
			zones = append(zones, loc.String())
			span = [2]time.Time{e.Session.Start, e.Session.End()}
		}
		if e.Session.Start.Before(span[0]) {
			span[0] = e.Session.Start
		}
		if e.Session.End().After(span[1]) {
			span[1] = e.Session.End()
		}
		spans[loc.String()] = span
	}
	sort.Strings(zones)
	for _, z := range zones {
		loc, _ := time.LoadLocation(z) // loaded once already by location
		addTimezone(cal, loc, spans[z][0], spans[z][1])
	}

	for _, e := range evs {
		s := e.Session
		ev := cal.AddEvent(UID(s.ID))
		ev.SetDtStampTime(now)
		ev.SetModifiedAt(e.ChangedAt)
		ev.SetSequence(e.Sequence)
		loc := location(e.Set)
		if loc == time.UTC {
			ev.SetStartAt(s.Start)
			ev.SetEndAt(s.End())
		} else {
			ev.SetProperty(ics.ComponentPropertyDtStart, s.Start.In(loc).Format(localFormat), ics.WithTZID(loc.String()))
			ev.SetProperty(ics.ComponentPropertyDtEnd, s.End().In(loc).Format(localFormat), ics.WithTZID(loc.String()))
		}
		// The set's name and the session's place are the facilitator's
		// settings; nothing a member wrote (bids, commitments, reports) is
		// used.
		ev.SetSummary(fmt.Sprintf("%s: session %d", e.Set.Name, s.Number))
		ev.SetDescription(fmt.Sprintf("Session %d of the action learning set %s. See it in chat with /als sessions.", s.Number, e.Set.Name))
		if s.Where != "" {
			ev.SetLocation(s.Where)
			if u := link(s.Where); u != "" {
				ev.SetURL(u)
			}
		}
		if s.Status == bot.SessionCancelled {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
		ev.SetTimeTransparency(ics.TransparencyOpaque)
	}
	return cal.Serialize()
}

// location is the set's zone, UTC when it has none or it does not load.
func location(set *bot.Set) *time.Location {
	if set.TZ == "" || set.TZ == "UTC" {
		return time.UTC
	}
	loc, err := time.LoadLocation(set.TZ)
	if err != nil {
		return time.UTC
	}
	return loc
}

// link returns where when it is an http(s) URL (a video call link).
func link(where string) string {
	u, err := url.Parse(strings.TrimSpace(where))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(where, " \t") {
		return ""
	}
	return u.String()
}

// addTimezone writes loc as a VTIMEZONE with one observance per offset
// change from a year before from to a year after to. Go does not expose a
// zone's rules (RRULEs), so each transition is listed with its own DTSTART,
// which RFC 5545 allows and calendars read alike.
func addTimezone(cal *ics.Calendar, loc *time.Location, from, to time.Time) {
	tz := cal.AddTimezone(loc.String())
	start, end := from.AddDate(-1, 0, 0), to.AddDate(1, 0, 0)

	t := start.In(loc)
	name, offset := t.Zone()
	// The observance in force at start, from a fixed point before it.
	first := observance(t.IsDST())
	first.SetProperty(ics.ComponentProperty(ics.PropertyDtstart), "19700101T000000")
	first.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), formatOffset(offset))
	first.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), formatOffset(offset))
	first.SetProperty(ics.ComponentProperty(ics.PropertyTzname), name)
	tz.Components = append(tz.Components, first)

	for {
		_, next := t.ZoneBounds()
		if next.IsZero() || next.After(end) {
			return
		}
		t = next.In(loc)
		_, fromOffset := next.Add(-time.Second).In(loc).Zone()
		name, toOffset := t.Zone()
		if toOffset == fromOffset {
			continue // a change of name only
		}
		o := observance(t.IsDST())
		// DTSTART is the wall time of the change in the offset before it.
		o.SetProperty(ics.ComponentProperty(ics.PropertyDtstart), next.UTC().Add(time.Duration(fromOffset)*time.Second).Format(localFormat))
		o.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), formatOffset(fromOffset))
		o.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), formatOffset(toOffset))
		o.SetProperty(ics.ComponentProperty(ics.PropertyTzname), name)
		tz.Components = append(tz.Components, o)
	}
}

// observer is a STANDARD or DAYLIGHT sub-component.
type observer interface {
	ics.Component
	SetProperty(property ics.ComponentProperty, value string, params ...ics.PropertyParameter)
}

func observance(dst bool) observer {
	if dst {
		return &ics.Daylight{}
	}
	return ics.NewStandard()
}

// formatOffset writes seconds east of UTC as +HHMM (or +HHMMSS).
func formatOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}
