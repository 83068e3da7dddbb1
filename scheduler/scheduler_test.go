package scheduler_test

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
	"github.com/alsbot/alsbot/scheduler"
)

// TestEveryKindOnce runs a set from eight days before a session until after
// it and checks each time-driven message goes out at its time, once, to the
// right place, with the content of the moment it is sent.
func TestEveryKindOnce(t *testing.T) {
	e := newEnv(t, utc("2026-11-26T10:00:00Z"))
	set := e.createSet(t, newSet("shell:west", e.clock.Now()))
	e.addSession(t, set, utc("2026-12-04T18:00:00Z"), "Room 4")
	e.commit(t, set, 1, "ana", "Talk to the duty team about handovers")

	// Two ticks at once at every step: still once each. A report made after
	// planning shows in what is sent later.
	twice := []func(context.Context) error{e.sched.Tick, e.sched.Tick}
	e.runUntil(t, utc("2026-11-28T12:00:00Z"), twice...)
	must(t, e.store.AddReport(ctx, bot.CommitmentID(set.ID, "C-1"), bot.Report{Status: bot.ReportProgress, Text: "Met the duty manager", At: e.clock.Now()}, bot.CommitmentOpen))
	e.runUntil(t, utc("2026-12-04T20:00:00Z"), twice...)

	// The channel is reminded at the longest lead (7 days), members by DM
	// at the others (issue 12: nobody gets the same reminder twice at once).
	want := []string{
		"11-27T18:00 #west reminder",
		"11-30T09:00 @ana nudge", "11-30T09:00 @mo mentor-nudge",
		"12-03T18:00 #west digest",
		"12-03T18:00 @ana reminder", "12-03T18:00 @ben reminder",
		"12-04T17:00 @ana reminder", "12-04T17:00 @ben reminder",
	}
	got := summary(e.rec.All())
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sent:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	checks := []struct {
		name     string
		kind     bot.MessageKind
		who, at  string
		contains []string
		absent   []string
	}{
		{"channel reminder says when and where, no commitments", bot.KindReminder, "#west", "11-27T18:00",
			[]string{"in 7 days", "Fri 4 Dec 2026 18:00 (Europe/London)", "Room 4"}, []string{"duty team"}},
		{"member reminder in the member's zone with the open commitment", bot.KindReminder, "@ana", "12-03T18:00",
			[]string{"in 1 day", "Fri 4 Dec 2026 13:00 (America/New_York)", "C-1", "duty team", "Met the duty manager"}, nil},
		{"member without commitment who never presented is not asked to record one", bot.KindReminder, "@ben", "12-04T17:00",
			[]string{"in 1 hour", "(Europe/London)"}, []string{"duty team", "no open commitment", "/als commit"}},
		{"nudge shows the commitment", bot.KindNudge, "@ana", "11-30T09:00",
			[]string{"How is your action going?", "C-1"}, nil},
		{"mentor nudge lists the commitment, never reports", bot.KindMentorNudge, "@mo", "11-30T09:00",
			[]string{"Ana", "C-1", "duty team", "mentoring log"}, []string{"Met the duty manager"}},
		{"digest has commitments and reports", bot.KindDigest, "#west", "12-03T18:00",
			[]string{"Report-back", "Ana", "duty team", "Met the duty manager", "Ben"}, nil},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			var found *sent
			for _, s := range e.rec.OfKind(c.kind) {
				if s.Who() == c.who && s.At.UTC().Format("01-02T15:04") == c.at {
					found = &s
				}
			}
			if found == nil {
				t.Fatalf("no %s to %s at %s", c.kind, c.who, c.at)
			}
			body := bottest.Words(found.Msg)
			for _, w := range c.contains {
				if !strings.Contains(body, w) {
					t.Errorf("%q missing from:\n%s", w, body)
				}
			}
			for _, w := range c.absent {
				if strings.Contains(body, w) {
					t.Errorf("%q must not be in:\n%s", w, body)
				}
			}
		})
	}

	t.Run("nudge buttons open the report form", func(t *testing.T) {
		n := e.rec.OfKind(bot.KindNudge)[0].Msg
		if len(n.Buttons) != 3 {
			t.Fatalf("buttons: %+v", n.Buttons)
		}
		for i, st := range []string{"done", "progress", "blocked"} {
			b := n.Buttons[i]
			f := b.Form
			if f == nil || f.ID != "report" || f.Command != "report C-1 "+st || b.Command != "report C-1 "+st {
				t.Fatalf("button %d: %+v", i, b)
			}
			if b.SetID != set.ID || f.SetID != set.ID {
				t.Errorf("button %d names set %q, its form %q; want %s so a DM acts on it", i, b.SetID, f.SetID, set.ID)
			}
			if len(f.Fields) != 1 || f.Fields[0].Name != "text" || !f.Fields[0].Required || !f.Fields[0].Multiline ||
				f.Fields[0].MaxLen != bot.MaxTextLen || f.Fields[0].Label != "What did you do and learn?" {
				t.Fatalf("form fields: %+v", f.Fields)
			}
		}
	})

	t.Run("sent deliveries left the pending queue for the history", func(t *testing.T) {
		hist, err := e.store.History(ctx, set.ID, time.Time{})
		must(t, err)
		sentN := 0
		for _, h := range hist {
			if h.Status == bot.DeliverySent && h.Kind != bot.DeliverPlan {
				sentN++
			}
		}
		if sentN != len(want) {
			t.Errorf("history has %d sent, want %d", sentN, len(want))
		}
		pending, err := e.store.PendingDeliveries(ctx, set.ID, "")
		must(t, err)
		for _, p := range pending {
			if p.Kind == bot.DeliverReminder || p.Kind == bot.DeliverDigest {
				t.Errorf("session over, still pending: %s", p.ID)
			}
		}
	})
}

// TestPhaseNotices: "nearly up" and "up" for the current phase only, at
// 2 minutes before the end of a long box and at 20% of a short one.
func TestPhaseNotices(t *testing.T) {
	t0 := utc("2026-11-26T14:00:00Z")
	e := newEnv(t, t0)
	set := newSet("shell:west", t0)
	set.Phases[bot.PhaseAction] = 5 * time.Minute
	e.createSet(t, set)
	sess := e.addSession(t, set, t0, "")
	sess.Status, sess.OpenedAt = bot.SessionOpen, t0
	sess.Attendees = []bot.Attendance{{UserID: "ana", At: t0}, {UserID: "ben", At: t0}}
	sess.Rounds = append(sess.Rounds, bot.NewRound(1, bot.RoundRoles{Presenter: "ana", Enablers: []string{"ben"}}, set.Phases, t0))
	must(t, e.store.SaveSession(ctx, sess))
	must(t, e.sched.SessionChanged(ctx, set, sess))

	step := func(at string, change func(r *bot.Round, now time.Time)) {
		t.Helper()
		e.runUntil(t, utc(at))
		change(&sess.Rounds[len(sess.Rounds)-1], e.clock.Now())
		must(t, e.store.SaveSession(ctx, sess))
		must(t, e.sched.SessionChanged(ctx, set, sess))
	}
	next := func(r *bot.Round, now time.Time) { must(t, r.Next(now)) }
	// presenting 10m: nearly up 14:08, up 14:10; moved on at 14:11.
	step("2026-11-26T14:11:00Z", next)
	// questioning 25m from 14:11: moved on at 14:20, before any notice.
	step("2026-11-26T14:20:00Z", next)
	// action 5m from 14:20: nearly up at 20% (1m) 14:24, up 14:25; moved on at 14:30.
	step("2026-11-26T14:30:00Z", next)
	// process-review 10m from 14:30: the round is ended at 14:39, after nearly up at 14:38.
	step("2026-11-26T14:39:00Z", func(r *bot.Round, now time.Time) { must(t, r.End(now)) })
	e.runUntil(t, utc("2026-11-26T16:00:00Z"))

	want := []string{
		"11-26T14:08 #west phase", "11-26T14:10 #west phase",
		"11-26T14:24 #west phase", "11-26T14:25 #west phase",
		"11-26T14:38 #west phase",
	}
	got := summary(e.rec.OfKind(bot.KindPhase))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("phase notices:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	msgs := e.rec.OfKind(bot.KindPhase)
	for i, w := range []string{"presenting is nearly up (2 min left, until 14:10)", "time is up for presenting", "action is nearly up (1 min left", "time is up for action", "process-review is nearly up"} {
		if !strings.Contains(msgs[i].Msg.Text, w) {
			t.Errorf("notice %d: %q does not say %q", i, msgs[i].Msg.Text, w)
		}
	}
}

// TestDaylightSaving: a nudge at a time that does not exist on the day
// fires once, right after the jump; one at a time that occurs twice fires
// once.
func TestDaylightSaving(t *testing.T) {
	tests := []struct {
		name, zone, spec, from, until string
		want                          []string
	}{
		{"London spring forward", "Europe/London", "30 1 * * *", "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z",
			[]string{"03-29T01:00 @ana nudge", "03-30T00:30 @ana nudge"}},
		{"London fall back", "Europe/London", "30 1 * * *", "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z",
			[]string{"10-25T00:30 @ana nudge", "10-26T01:30 @ana nudge"}},
		{"New York spring forward", "America/New_York", "30 2 * * *", "2026-03-07T12:00:00Z", "2026-03-09T12:00:00Z",
			[]string{"03-08T07:00 @ana nudge", "03-09T06:30 @ana nudge"}},
		{"New York fall back", "America/New_York", "30 1 * * *", "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z",
			[]string{"11-01T05:30 @ana nudge", "11-02T06:30 @ana nudge"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, utc(tc.from))
			set := newSet("shell:west", e.clock.Now())
			set.TZ, set.NudgeSpec = tc.zone, tc.spec
			set.People = set.People[:2] // fran and ana: no mentor
			set.People[1].MentorID = ""
			e.createSet(t, set)
			e.commit(t, set, 1, "ana", "Try a new supervision format")
			e.runUntil(t, utc(tc.until))
			if got := summary(e.rec.All()); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestReminderAcrossDaylightSaving: a 7-day reminder comes at the session's
// wall-clock time a week before, though the clocks changed in between.
func TestReminderAcrossDaylightSaving(t *testing.T) {
	tests := []struct {
		zone, start, want7d, want1h string
	}{
		{"Europe/London", "2026-03-31T17:00:00Z" /* Tue 18:00 BST */, "2026-03-24T18:00:00Z" /* Tue 18:00 GMT */, "2026-03-31T16:00:00Z"},
		{"America/New_York", "2026-11-03T23:00:00Z" /* Tue 18:00 EST */, "2026-10-27T22:00:00Z" /* Tue 18:00 EDT */, "2026-11-03T22:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.zone, func(t *testing.T) {
			e := newEnv(t, utc(tc.start).Add(-8*24*time.Hour))
			set := newSet("shell:west", e.clock.Now())
			set.TZ, set.NudgeSpec = tc.zone, "0 9 1 1 *"
			set.People = set.People[:2] // the channel at 7 days, ana's DM at 1 hour
			set.Reminders = []time.Duration{7 * 24 * time.Hour, time.Hour}
			e.createSet(t, set)
			e.addSession(t, set, utc(tc.start), "")
			e.runUntil(t, utc(tc.start))
			var got []string
			for _, s := range e.rec.OfKind(bot.KindReminder) {
				got = append(got, s.At.UTC().Format(time.RFC3339))
			}
			if want := []string{tc.want7d, tc.want1h}; !reflect.DeepEqual(got, want) {
				t.Errorf("reminders at %v, want %v", got, want)
			}
		})
	}
}

// TestRun: Run ticks at once when something is notified, well before its
// next regular tick (here the regular ticks come only when the test sends
// one, on the manual clock); it ticks on its regular tick; and it returns
// when its context ends. Without the kick in Notify the first message
// would wait for a regular tick that never comes, and the test fails.
func TestRun(t *testing.T) {
	start := utc("2026-11-26T10:00:00Z")
	e := newEnv(t, start)
	ticks := make(chan time.Time)
	out := make(chan sent, 10)
	m := messengerFunc(func(c context.Context, to bot.Destination, msg bot.Message) (bot.MessageRef, error) {
		ref, err := e.rec.Send(c, to, msg)
		out <- e.rec.All()[len(e.rec.All())-1]
		return ref, err
	})
	ticked := &tickWatch{c: make(chan struct{}, 10)}
	s := scheduler.New(scheduler.Deps{Store: e.store, Deliveries: e.store, Messenger: m, Clock: e.clock, Instance: "run", Ticks: ticks, Jitter: noJitter, Observer: ticked})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Run(runCtx) }()
	// Run's catch-up tick at start is over before anything is notified.
	select {
	case <-ticked.c:
	case <-time.After(30 * time.Second):
		t.Fatal("Run never ticked")
	}

	// wait stops a broken test; it asserts nothing about time.
	wait := func(what string) sent {
		t.Helper()
		select {
		case got := <-out:
			return got
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: nothing sent", what)
		}
		return sent{}
	}
	must(t, s.Notify(ctx, []bot.Outgoing{{To: bot.Destination{Platform: bot.Shell, UserID: "ana"}, Message: bot.Message{Text: "now"}, Key: bot.AdHocKey("", "run/1")}}))
	got := wait("the notified message")
	if got.Msg.Text != "now" || !got.At.Equal(start) {
		t.Fatalf("sent %q at %s; want \"now\" at %s, before any regular tick (the next is due at %s)", got.Msg.Text, got.At, start, start.Add(15*time.Second))
	}

	// A delivery due in 10 s, stored without a kick: the regular tick sends it.
	to, msg := bot.Destination{Platform: bot.Shell, UserID: "ben"}, bot.Message{Text: "later"}
	_, err := e.store.AddDeliveries(ctx, []*bot.Delivery{{ID: "run/2", Kind: bot.DeliverMessage, To: &to, Message: &msg,
		Due: start.Add(10 * time.Second), NotBefore: start.Add(10 * time.Second), Until: start.Add(time.Hour)}})
	must(t, err)
	e.clock.Set(start.Add(15 * time.Second))
	ticks <- e.clock.Now()
	if got := wait("the regular tick"); got.Msg.Text != "later" {
		t.Fatalf("the regular tick sent %q", got.Msg.Text)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(e.rec.All()); n != 2 {
		t.Fatalf("sent %d, want 2", n)
	}
}

// tickWatch is an Observer that signals each tick's end.
type tickWatch struct{ c chan struct{} }

func (w *tickWatch) Delivered(bot.DeliveryKind, string) {}
func (w *tickWatch) Ticked(time.Duration, error)        { w.c <- struct{}{} }

// TestCatchUp: after downtime, a reminder is sent late while its session has
// not started, and skipped (with a record) once it has; a nudge is sent late
// before the next nudge and skipped after it.
func TestCatchUp(t *testing.T) {
	e := newEnv(t, utc("2026-11-20T10:00:00Z"))
	set := newSet("shell:west", e.clock.Now())
	set.Reminders = []time.Duration{24 * time.Hour}
	set.People = set.People[:3]
	set.People[1].MentorID = ""
	e.createSet(t, set)
	e.commit(t, set, 1, "ana", "Shadow a colleague")
	early := e.addSession(t, set, utc("2026-11-25T18:00:00Z"), "")
	late := e.addSession(t, set, utc("2026-11-26T18:00:00Z"), "")

	// Down from before the first reminders (24-25 Nov 18:00) and the nudge
	// of Mon 23 Nov 09:00 until 26 Nov 12:00: early has started, late has not;
	// the nudge is still useful until Mon 30 Nov.
	e.clock.Set(utc("2026-11-26T12:00:00Z"))
	must(t, e.sched.Tick(ctx))

	got := summary(e.rec.All())
	want := []string{
		"11-26T12:00 #west digest", "11-26T12:00 #west reminder", "11-26T12:00 @ana nudge", "11-26T12:00 @ana reminder", "11-26T12:00 @ben reminder",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sent %v, want %v", got, want)
	}
	for _, s := range e.rec.OfKind(bot.KindReminder) {
		if !strings.Contains(s.Msg.Title, "session 2") {
			t.Errorf("late reminder is not for the session that has not started: %q", s.Msg.Title)
		}
	}
	hist, err := e.store.History(ctx, set.ID, time.Time{})
	must(t, err)
	skipped := map[string]int{}
	for _, h := range hist {
		if h.Status == bot.DeliverySkipped {
			skipped[h.SessionID+" "+string(h.Kind)]++
		}
	}
	wantSkipped := map[string]int{early.ID + " reminder": 3, early.ID + " digest": 1, late.ID + " digest": 0, " nudge": 1 /* ben: no open commitment */}
	for k, n := range wantSkipped {
		if skipped[k] != n {
			t.Errorf("skipped %q: %d, want %d (all: %v)", k, skipped[k], n, skipped)
		}
	}
	// The late session's digest was due 25 Nov 18:00 and is still useful.
	for _, s := range e.rec.OfKind(bot.KindDigest) {
		if !strings.Contains(s.Msg.Text, "Session 2") {
			t.Errorf("digest for the wrong session: %q", s.Msg.Text)
		}
	}

	t.Run("a nudge missed past the next one is skipped", func(t *testing.T) {
		e.clock.Set(utc("2026-12-08T10:00:00Z")) // past Mon 30 Nov and Mon 7 Dec 09:00
		before := len(e.rec.OfKind(bot.KindNudge))
		must(t, e.sched.Tick(ctx))
		// 30 Nov is past the next nudge (7 Dec): skipped. 7 Dec is still
		// useful until 14 Dec: sent late.
		if n := len(e.rec.OfKind(bot.KindNudge)) - before; n != 1 {
			t.Errorf("%d nudges sent, want the 7 Dec one only", n)
		}
		_, err := e.store.GetDelivered(ctx, set.ID+"/nudge/"+unix("2026-12-07T09:00:00Z")+"/@ana")
		must(t, err)
		d, err := e.store.GetDelivered(ctx, set.ID+"/nudge/"+unix("2026-11-30T09:00:00Z")+"/@ana")
		must(t, err)
		if d.Status != bot.DeliverySkipped || d.Reason == "" {
			t.Errorf("missed nudge: %+v", d)
		}
	})
}

func unix(s string) string { return strconv.FormatInt(utc(s).Unix(), 10) }

// TestReschedule: moving a session, changing lead times, the zone or
// cancelling re-plans; nothing is sent for a cancelled session or at an old
// time.
func TestReschedule(t *testing.T) {
	e := newEnv(t, utc("2026-11-02T10:00:00Z"))
	set := newSet("shell:west", e.clock.Now())
	set.People = set.People[:3]
	set.People[1].MentorID = ""
	set.NudgeSpec = "0 9 1 1 *" // out of the way
	e.createSet(t, set)
	moved := e.addSession(t, set, utc("2026-11-12T18:00:00Z"), "")
	cancelled := e.addSession(t, set, utc("2026-11-13T18:00:00Z"), "")

	// 5 Nov 18:00: the 7d reminder of session 1 is sent. Then session 1
	// moves a week later; session 2 is cancelled; lead times become 2d.
	e.runUntil(t, utc("2026-11-05T20:00:00Z"))
	moved.Start = utc("2026-11-19T18:00:00Z")
	must(t, e.store.SaveSession(ctx, moved))
	must(t, e.sched.SessionChanged(ctx, set, moved))
	cancelled.Status = bot.SessionCancelled
	must(t, e.store.SaveSession(ctx, cancelled))
	must(t, e.sched.SessionChanged(ctx, set, cancelled))
	set.Reminders = []time.Duration{7 * 24 * time.Hour, 2 * 24 * time.Hour}
	must(t, e.store.SaveSet(ctx, set))
	must(t, e.sched.SetChanged(ctx, set))
	e.runUntil(t, utc("2026-11-20T00:00:00Z"))

	var got []string
	for _, s := range e.rec.OfKind(bot.KindReminder) {
		if s.To.ChannelID != "" || s.To.UserID == "ana" {
			got = append(got, s.At.UTC().Format("01-02T15:04")+" "+s.Who()+" "+s.Msg.Title)
		}
	}
	// The channel at the longest lead, members' DMs at the others.
	want := []string{
		"11-05T18:00 #west Reminder: West set, session 1", // 7d before the old date
		"11-12T18:00 #west Reminder: West set, session 1", // 7d before the new date: the date changed
		"11-17T18:00 @ana Reminder: West set, session 1",  // 2d before the new date
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("channel reminders %v, want %v", got, want)
	}
	for _, s := range e.rec.All() {
		if strings.Contains(s.Msg.Title, "session 2") || strings.Contains(s.Msg.Text, "Session 2") {
			t.Errorf("sent for the cancelled session: %s %q", s.At, s.Msg.Title)
		}
	}

	t.Run("zone change moves the nudges", func(t *testing.T) {
		set.NudgeSpec = "0 9 * * *"
		must(t, e.store.SaveSet(ctx, set))
		must(t, e.sched.SetChanged(ctx, set))
		set.TZ = "America/New_York"
		must(t, e.store.SaveSet(ctx, set))
		must(t, e.sched.SetChanged(ctx, set))
		pending, err := e.store.PendingDeliveries(ctx, set.ID, bot.DeliverNudge)
		must(t, err)
		if len(pending) != 2 { // ana and ben
			t.Fatalf("pending nudges: %d", len(pending))
		}
		for _, p := range pending {
			if !p.Due.Equal(utc("2026-11-20T14:00:00Z")) {
				t.Errorf("nudge at %s, want 09:00 New York", p.Due)
			}
		}
	})
}

// TestOutboundPacing: a failed send is retried with backoff, a rate limit
// delays exactly its Retry-After, and a delivery that never gets through is
// skipped once useless.
func TestOutboundPacing(t *testing.T) {
	e := newEnv(t, utc("2026-11-26T10:00:00Z"))
	var calls []time.Time
	e.rec.FailWith(func(to bot.Destination, m bot.Message) error {
		calls = append(calls, e.clock.Now())
		switch len(calls) {
		case 1:
			return errors.New("connection reset")
		case 2:
			return &bot.RetryAfterError{After: 7 * time.Second, Err: errors.New("429")}
		}
		return nil
	})
	must(t, e.sched.Notify(ctx, []bot.Outgoing{{To: bot.Destination{Platform: bot.Shell, UserID: "ana"}, Message: bot.Message{Text: "hello"}, Key: bot.AdHocKey("", "k1")}}))
	e.runUntil(t, utc("2026-11-26T10:05:00Z"))
	t0 := utc("2026-11-26T10:00:00Z")
	want := []time.Time{t0, t0.Add(30 * time.Second), t0.Add(37 * time.Second)}
	if !reflect.DeepEqual(calls, want) {
		t.Fatalf("attempts at %v, want %v", calls, want)
	}
	if n := len(e.rec.All()); n != 1 {
		t.Fatalf("sent %d times", n)
	}
	d, err := e.store.GetDelivered(ctx, "k1")
	must(t, err)
	if d.Status != bot.DeliverySent || d.Attempt != 2 || d.Message != nil {
		t.Errorf("history (attempt 2, sent, without the text): %+v", d)
	}

	t.Run("a send that keeps failing is skipped when useless", func(t *testing.T) {
		e.rec.FailWith(func(bot.Destination, bot.Message) error { return errors.New("down") })
		must(t, e.sched.Notify(ctx, []bot.Outgoing{{To: bot.Destination{Platform: bot.Shell, UserID: "ben"}, Message: bot.Message{Text: "hi"}, Key: bot.AdHocKey("", "k2")}}))
		e.runUntil(t, e.clock.Now().Add(26*time.Hour))
		d, err := e.store.GetDelivered(ctx, "k2")
		must(t, err)
		if d.Status != bot.DeliverySkipped {
			t.Errorf("history: %+v", d)
		}
	})

	t.Run("notify with a key already delivered or pending is a no-op", func(t *testing.T) {
		e.rec.FailWith(nil)
		before := len(e.rec.All())
		for i := 0; i < 2; i++ {
			must(t, e.sched.Notify(ctx, []bot.Outgoing{
				{To: bot.Destination{Platform: bot.Shell, UserID: "ana"}, Message: bot.Message{Text: "hello"}, Key: bot.AdHocKey("", "k1")},
				{To: bot.Destination{Platform: bot.Shell, UserID: "ana"}, Message: bot.Message{Text: "new"}, Key: bot.AdHocKey("", "k3")},
			}))
		}
		must(t, e.sched.Tick(ctx))
		if n := len(e.rec.All()) - before; n != 1 {
			t.Errorf("sent %d, want only k3 once", n)
		}
	})
}

// TestRecurringSessions: a schedule keeps sessions materialized 120 days
// ahead as time passes; a cancelled occurrence is not made again.
func TestRecurringSessions(t *testing.T) {
	e := newEnv(t, utc("2026-11-02T10:00:00Z"))
	set := newSet("shell:west", e.clock.Now())
	set.People = set.People[:2]
	set.People[1].MentorID = ""
	set.Reminders = []time.Duration{time.Hour}
	set.NudgeSpec = "0 9 1 1 *"
	set.Schedule = &bot.Recurrence{Spec: "0 18 * * 2", Duration: 2 * time.Hour, Where: "Room 1"}
	e.createSet(t, set)

	list := func() []*bot.Session {
		ss, err := e.store.ListSessions(ctx, set.ID)
		must(t, err)
		return ss
	}
	ss := list()
	if len(ss) < 17 {
		t.Fatalf("%d sessions materialized, want every Tuesday for 120 days", len(ss))
	}
	last := ss[len(ss)-1].Start
	if last.Before(e.clock.Now().Add(120 * 24 * time.Hour).Add(-7 * 24 * time.Hour)) {
		t.Errorf("last session %s", last)
	}
	// Cancel the second one; run 30 days.
	ss[1].Status = bot.SessionCancelled
	must(t, e.store.SaveSession(ctx, ss[1]))
	must(t, e.sched.SessionChanged(ctx, set, ss[1]))
	e.runUntil(t, utc("2026-12-02T10:00:00Z"))
	ss = list()
	if last := ss[len(ss)-1].Start; last.Before(e.clock.Now().Add(113 * 24 * time.Hour)) {
		t.Errorf("after 30 days the last session is %s: not 120 days ahead", last)
	}
	starts := map[int64]int{}
	for _, s := range ss {
		starts[s.Start.Unix()]++
		if starts[s.Start.Unix()] > 1 {
			t.Errorf("two sessions at %s", s.Start)
		}
	}
	got, err := e.store.GetSet(ctx, set.ID)
	must(t, err)
	if got.SessionSeq != len(ss) {
		t.Errorf("SessionSeq %d, sessions %d", got.SessionSeq, len(ss))
	}
	for _, s := range e.rec.OfKind(bot.KindReminder) {
		if strings.Contains(s.Msg.Title, "session 2") {
			t.Error("reminder for the cancelled occurrence")
		}
	}
	if n := len(e.rec.OfKind(bot.KindReminder)); n != 2*4 { // 4 Tuesdays held (3, 17, 24 Nov, 1 Dec), channel + ana
		t.Errorf("%d reminders", n)
	}

	t.Run("a zone change moves future recurring sessions to the new wall time", func(t *testing.T) {
		set, err := e.store.GetSet(ctx, set.ID)
		must(t, err)
		set.TZ = "America/New_York"
		must(t, e.store.SaveSet(ctx, set))
		must(t, e.sched.SetChanged(ctx, set))
		ny, _ := time.LoadLocation("America/New_York")
		for _, s := range list() {
			if s.Status == bot.SessionScheduled && s.Start.After(e.clock.Now()) {
				if h := s.Start.In(ny).Hour(); h != 18 {
					t.Errorf("session %d at %s", s.Number, s.Start.In(ny))
				}
			}
		}
	})
}
