package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/metrics"
	"github.com/alsbot/alsbot/scheduler"
)

// TestRateLimitedConversationHoldsUpNobodyElse: the platform keeps a send to
// one conversation waiting (as a sender does while it waits out a 429's
// Retry-After, then gives up with a RetryAfterError); a message to another
// conversation, due at the same moment and queued after it, goes out
// meanwhile. Sent one after another, the second would wait for the first.
func TestRateLimitedConversationHoldsUpNobodyElse(t *testing.T) {
	t0 := utc("2026-11-26T10:00:00Z")
	for _, lane := range []string{"lane", "bulk"} {
		t.Run(lane, func(t *testing.T) {
			e := newEnv(t, t0)
			otherSent := make(chan struct{})
			var limited int
			stalled := false // the other conversation's message waited for this one
			m := messengerFunc(func(c context.Context, to bot.Destination, msg bot.Message) (bot.MessageRef, error) {
				if to.ChannelID == "C-busy" {
					limited++
					if limited == 1 {
						select {
						case <-otherSent:
						case <-time.After(30 * time.Second): // a broken test, not a timing assertion
							stalled = true
						}
						return bot.MessageRef{}, &bot.RetryAfterError{After: 30 * time.Second, Err: errors.New("429")}
					}
				}
				ref, err := e.rec.Send(c, to, msg)
				if to.ChannelID == "C-free" {
					close(otherSent)
				}
				return ref, err
			})
			s := scheduler.New(scheduler.Deps{Store: e.store, Deliveries: e.store, Messenger: m, Clock: e.clock, Instance: "t", Jitter: noJitter})
			busy := bot.Destination{Platform: bot.Slack, ChannelID: "C-busy"}
			free := bot.Destination{Platform: bot.Slack, ChannelID: "C-free"}
			if lane == "lane" {
				// Messages a command asked for: the lane for time-critical work.
				must(t, s.Notify(ctx, []bot.Outgoing{
					{To: busy, Message: bot.Message{Text: "first"}, Key: bot.AdHocKey("", "a/busy")},
					{To: free, Message: bot.Message{Text: "second"}, Key: bot.AdHocKey("", "b/free")},
				}))
			} else {
				// Bulk: two sets' digests, due at once.
				for i, ch := range []string{"C-busy", "C-free"} {
					set := newSet(fmt.Sprintf("slack:%c", 'a'+i), t0.Add(-time.Hour))
					set.Platform, set.Channel.ID, set.NudgeSpec, set.Reminders = bot.Slack, ch, "0 9 1 1 *", nil
					e.createSet(t, set)
					e.addSession(t, set, t0.Add(24*time.Hour+time.Minute), "")
				}
				e.clock.Set(t0.Add(time.Minute)) // the digests are due
			}
			must(t, s.Tick(ctx))
			var got []string
			for _, x := range e.rec.All() {
				got = append(got, x.To.ChannelID)
			}
			if stalled || len(got) == 0 || got[0] != "C-free" || limited != 1 {
				t.Fatalf("sent to %v (busy tried %d times); want C-free sent while C-busy waited", got, limited)
			}
			// The rate-limited one comes 30 s later, as the platform asked.
			e.runUntil(t, e.clock.Now().Add(31*time.Second), s.Tick)
			if n := len(e.rec.All()); n != 2 || limited != 2 {
				t.Fatalf("after Retry-After: %d sent, busy tried %d times", n, limited)
			}
		})
	}
}

// TestPhaseNoticeNotHeldBehindBurst: 30 sets' nudges (210 DMs) fall due at
// 09:00; each send takes 100 ms on the manual clock. A phase notice due at
// 09:00:05 goes out at 09:00:05, while the burst is still being sent, not
// after it. One worker: the clock moves only with sends, so with several
// the others' sends would move it while the notice is claimed and built.
func TestPhaseNoticeNotHeldBehindBurst(t *testing.T) {
	monday := utc("2026-11-30T09:00:00Z")
	e := newEnv(t, monday.Add(-10*time.Minute))
	m := messengerFunc(func(c context.Context, to bot.Destination, msg bot.Message) (bot.MessageRef, error) {
		ref, err := e.rec.Send(c, to, msg)
		e.clock.Advance(100 * time.Millisecond) // time passes while the burst goes out
		return ref, err
	})
	s := scheduler.New(scheduler.Deps{Store: e.store, Deliveries: e.store, Messenger: m, Clock: e.clock, Instance: "t", Jitter: noJitter, Workers: 1})
	for i := 0; i < 30; i++ {
		set := newSet(fmt.Sprintf("slack:burst%02d", i), e.clock.Now())
		set.Platform = bot.Slack
		for _, u := range []string{"cat", "dev", "eve", "fay"} {
			set.People = append(set.People, bot.Person{User: bot.UserRef{ID: u}, Roles: []bot.Role{bot.RoleMember}})
		}
		must(t, e.store.CreateSet(ctx, set))
		for j, u := range []string{"ana", "ben", "cat", "dev", "eve", "fay"} {
			e.commit(t, set, j+1, u, "Try it")
		}
	}
	// A round in another set whose presenting phase ends at 09:00:05.
	set := newSet("slack:live", e.clock.Now())
	set.Platform, set.NudgeSpec = bot.Slack, "0 9 1 1 *"
	must(t, e.store.CreateSet(ctx, set))
	started := monday.Add(5*time.Second - set.Phases[bot.PhasePresenting])
	sess := &bot.Session{ID: bot.SessionID(set.ID, 1), SetID: set.ID, Number: 1, Start: started, Duration: time.Hour,
		Status: bot.SessionOpen, OpenedAt: started, Attendees: []bot.Attendance{{UserID: "ana", At: started}, {UserID: "ben", At: started}},
		Bids: []bot.Bid{}, Rounds: []bot.Round{bot.NewRound(1, bot.RoundRoles{Presenter: "ana", Enablers: []string{"ben"}}, set.Phases, started)}}
	must(t, e.store.CreateSession(ctx, sess))
	must(t, s.Tick(ctx)) // the upkeep plans every set
	must(t, s.SessionChanged(ctx, set, sess))
	e.clock.Set(monday.Add(-time.Second))
	must(t, s.Tick(ctx)) // the "nearly up" notice at 08:58:05
	before := len(e.rec.All())

	e.clock.Set(monday)
	must(t, s.Tick(ctx))
	sends := e.rec.All()[before:]
	var at time.Time
	after := 0
	for _, x := range sends {
		switch {
		case x.Msg.Kind == bot.KindPhase:
			at = x.At
		case !at.IsZero() && x.Msg.Kind == bot.KindNudge:
			after++
		}
	}
	nudges := len(e.rec.OfKind(bot.KindNudge))
	if nudges != 180 {
		t.Fatalf("%d nudges sent, want 180", nudges)
	}
	due := monday.Add(5 * time.Second)
	if at.IsZero() || at.Before(due) || at.After(due.Add(time.Second)) || after == 0 {
		t.Fatalf("time-is-up notice sent at %s (due %s) with %d nudges after it; want it at its time, in the middle of the burst (it ended at %s)",
			at.Format("15:04:05.0"), due.Format("15:04:05"), after, e.clock.Now().Format("15:04:05.0"))
	}
}

// TestPermanentFailure: a send the platform refuses for good ends the
// delivery at once: recorded as undeliverable with its reason, counted,
// never retried; the set's facilitator is told once by DM that the
// channel's messages do not get through, however many fail the same way.
func TestPermanentFailure(t *testing.T) {
	t0 := utc("2026-11-26T10:00:00Z")
	e := newEnv(t, t0)
	met := metrics.New()
	var tries []string
	e.rec.FailWith(func(to bot.Destination, m bot.Message) error {
		if to.ChannelID != "" {
			tries = append(tries, string(m.Kind))
			return bot.Permanent("not_in_channel", errors.New("slack: not_in_channel"))
		}
		if to.UserID == "ben" && m.Kind == bot.KindReminder {
			tries = append(tries, "dm")
			return bot.Permanent("user_not_found", errors.New("slack: user_not_found"))
		}
		return nil
	})
	s := scheduler.New(scheduler.Deps{Store: e.store, Deliveries: e.store, Messenger: e.rec, Clock: e.clock, Instance: "t", Observer: met, Jitter: noJitter})
	set := newSet("shell:west", t0)
	set.Reminders = []time.Duration{7 * 24 * time.Hour, 24 * time.Hour}
	must(t, e.store.CreateSet(ctx, set))
	must(t, s.SetChanged(ctx, set))
	e.addSession(t, set, t0.Add(7*24*time.Hour+time.Hour), "Room 4")
	// The 7-day channel reminder, then the digest and ben's 1-day reminder.
	e.runUntil(t, t0.Add(7*24*time.Hour), s.Tick)

	if want := []string{"reminder", "digest", "dm"}; strings.Join(tries, " ") != strings.Join(want, " ") {
		t.Errorf("tried %v, want each once: %v", tries, want)
	}
	hist, err := e.store.History(ctx, set.ID, time.Time{})
	must(t, err)
	undeliverable := map[string]string{}
	for _, h := range hist {
		if h.Status == bot.DeliveryUndeliverable {
			undeliverable[string(h.Kind)+" "+h.UserID] = h.Reason
		}
	}
	if want := map[string]string{"reminder ": "not_in_channel", "digest ": "not_in_channel", "reminder ben": "user_not_found"}; fmt.Sprint(undeliverable) != fmt.Sprint(want) {
		t.Errorf("undeliverable in the history: %v, want %v", undeliverable, want)
	}
	var told []sent
	for _, x := range e.rec.All() {
		if strings.Contains(x.Msg.Title, "Could not post") {
			told = append(told, x)
		}
	}
	if len(told) != 1 || told[0].To.UserID != "fran" || !strings.Contains(told[0].Msg.Text, "not_in_channel") || !strings.Contains(told[0].Msg.Text, "Invite the bot") {
		t.Fatalf("facilitators told %+v; want one DM to fran saying how to fix it", told)
	}
	fams, err := met.Registry().Gather()
	must(t, err)
	var counted float64
	for _, f := range fams {
		if f.GetName() != "alsbot_deliveries_total" {
			continue
		}
		for _, mt := range f.GetMetric() {
			for _, l := range mt.GetLabel() {
				if l.GetName() == "status" && l.GetValue() == scheduler.ObservedUndeliverable {
					counted += mt.GetCounter().GetValue()
				}
			}
		}
	}
	if counted != 3 {
		t.Errorf("alsbot_deliveries_total{status=undeliverable} = %v, want 3", counted)
	}
}
