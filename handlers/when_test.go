package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// The trial's inputs of issue 13, item 1: each is understood, or refused
// with the store unchanged; none becomes text.
func TestDatesInCommands(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana")
	e.must("fac", "mentor @eve for @ana")

	t.Run("commit by a UK date", func(t *testing.T) {
		msg := e.must("ana", "commit Talk to the agency about notice periods by 31/12/2026")
		wantContains(t, allText(msg), "Recorded C-1: Talk to the agency about notice periods\n", "due Thu 31 Dec 2026")
	})
	t.Run("commit by next friday", func(t *testing.T) {
		msg := e.must("ana", "commit Call the agency by next friday")
		wantContains(t, allText(msg), "Call the agency\n", "due Fri 4 Dec 2026")
	})
	t.Run("refused dates change nothing", func(t *testing.T) {
		for _, in := range []string{
			"commit Talk to the agency by 31/02/2026",
			"commit Talk to the agency by 12/31/2026",
			"commit Talk to the agency by next fryday",
			"commit Talk to the agency by 30/11/2026", // past
			"session add 31/02/2027 14:00",
			"session add 2026-12-23 25:00",
			"session add 2026-12-23 14:00 1.5x Teams",
			"mentoring log @ana 16/13/2026 note",
		} {
			before := e.snapshot()
			_, err := e.do(fromCmd(in), in)
			if bot.ErrorCode(err) != bot.EINVALID {
				t.Errorf("%q: %v, want a refusal", in, err)
			}
			if m := strings.ToLower(bot.ErrorMessage(err)); !strings.Contains(m, "e.g.") && !strings.Contains(m, "did you mean") && !strings.Contains(m, "such as") {
				t.Errorf("%q: %q gives no example", in, bot.ErrorMessage(err))
			}
			e.assertUnchanged(before)
		}
	})
	t.Run("session add: 90 is minutes, not the place", func(t *testing.T) {
		msg := e.must("fac", "session add 2026-12-23 14:00 90")
		wantContains(t, allText(msg), "Wed 23 Dec 2026 14:00 (UTC), 1 h 30 min (scheduled)")
		if s := e.session(1); s.Duration != 90*time.Minute || s.Where != "" {
			t.Errorf("stored %v at %q", s.Duration, s.Where)
		}
		msg = e.must("fac", "session add 2027-01-20 14:00 1.5h Teams link https://teams.example/x")
		wantContains(t, allText(msg), "1 h 30 min, Teams link https://teams.example/x")
		msg = e.must("fac", "session add 17 Feb 2027 2-4pm Room 4")
		wantContains(t, allText(msg), "Wed 17 Feb 2027 14:00 (UTC), 2 h, Room 4")
	})
	t.Run("a second session at the same time is refused", func(t *testing.T) {
		before := e.snapshot()
		_, err := e.do("fac", "session add 23/12/2026 2pm 2h Room 9")
		if bot.ErrorCode(err) != bot.EEXISTS || !strings.Contains(bot.ErrorMessage(err), "Session 1 is already at Wed 23 Dec 2026 14:00") {
			t.Fatalf("got %v", err)
		}
		e.assertUnchanged(before)
	})
	t.Run("mentoring log with a date is that day, no note", func(t *testing.T) {
		e.clock.Set(time.Date(2026, 12, 20, 9, 0, 0, 0, time.UTC))
		e.must("eve", "mentoring log @ana 16/12/2026")
		e.must("eve", "mentoring log @ana yesterday Talked through the rota")
		ms, err := e.store.ListMentoring(context.Background(), e.setID())
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2 || ms[0].Date != "2026-12-16" || ms[0].Note != "" || ms[1].Date != "2026-12-19" || ms[1].Note != "Talked through the rota" {
			for _, m := range ms {
				t.Logf("%s %q", m.Date, m.Note)
			}
			t.Fatalf("mentoring stored wrong")
		}
		e.clock.Set(start)
	})
	t.Run("session cancel by date, twice", func(t *testing.T) {
		e.must("fac", "session cancel 23 Dec")
		_, err := e.do("fac", "session cancel 23/12/2026")
		if !strings.Contains(bot.ErrorMessage(err), "Session 1 (Wed 23 Dec 2026 14:00 (UTC)) is already cancelled") {
			t.Fatalf("got %v", err)
		}
	})
}

// fromCmd says who runs a command in TestDatesInCommands.
func fromCmd(in string) string {
	switch {
	case strings.HasPrefix(in, "commit"):
		return "ana"
	case strings.HasPrefix(in, "mentoring"):
		return "eve"
	}
	return "fac"
}

func TestTimezoneNames(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West")
	for _, tc := range []struct{ in, zone, says string }{
		{"timezone London", "Europe/London", "London is Europe/London"},
		{"timezone europe/london", "Europe/London", "now runs in Europe/London"},
		{"timezone UK", "Europe/London", "UK is Europe/London"},
		{"timezone BST", "Europe/London", "BST is London's summer time"},
		{"timezone GMT", "GMT", "never changes for summer time"},
		{"timezone UTC+1", "Etc/GMT-1", "these names reverse the sign"},
	} {
		msg := e.must("fac", tc.in)
		wantContains(t, allText(msg), tc.says)
		if got := e.set().TZ; got != tc.zone {
			t.Errorf("%q stored %q, want %q", tc.in, got, tc.zone)
		}
	}
	before := e.snapshot()
	_, err := e.do("fac", "timezone Londn")
	if !strings.Contains(bot.ErrorMessage(err), "Did you mean Europe/London") {
		t.Errorf("got %v", err)
	}
	e.assertUnchanged(before)
}

// A schedule is previewed, and created only when confirmed; cron's
// day-of-month OR day-of-week rule is explained before anything happens.
func TestSchedulePreviewThenConfirm(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West")
	e.must("fac", "timezone Europe/London")
	before := e.snapshot()
	msg := e.must("fac", "schedule monthly first friday 14:00 2h")
	wantContains(t, allText(msg), "Preview:", "monthly on the first friday at 14:00", "Fri 4 Dec 2026 14:00", "Fri 1 Jan 2027 14:00", "Fri 2 Apr 2027 14:00",
		"That makes 4 sessions in the next 120 days", "Nothing is created")
	e.assertUnchanged(before)
	if len(msg.Buttons) != 1 || !strings.HasSuffix(msg.Buttons[0].Command, "confirm") {
		t.Fatalf("buttons %+v", msg.Buttons)
	}
	msg = e.must("fac", msg.Buttons[0].Command)
	wantContains(t, allText(msg), "added 4 sessions")
	if s := e.set(); s.Schedule == nil || s.Schedule.Spec != "monthly on the first friday at 14:00" || s.Schedule.Duration != 2*time.Hour {
		t.Fatalf("stored schedule %+v", s.Schedule)
	}

	msg = e.must("fac", `schedule "0 14 1-7 * 5" 2h`)
	wantContains(t, allText(msg), "EITHER", "schedule monthly first friday 14:00")
}

func TestScheduleRefusals(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West")
	for _, tc := range []struct{ in, want string }{
		{`schedule "0 14 * * 8"`, `the day of week "8" is out of range: the day of week must be 0-6 (Sunday=0) or sun-sat`},
		{"schedule every 4 weeks on thursday", "Give the time"},
		{"schedule monthly on the 31st 10:00", "monthly on the last day"},
		{"schedule every 4 weeks on thursday 14:00 2h Room 4", "not part of a schedule"},
	} {
		before := e.snapshot()
		_, err := e.do("fac", tc.in)
		if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(bot.ErrorMessage(err), tc.want) {
			t.Errorf("%q: %v, want %q", tc.in, err, tc.want)
		}
		e.assertUnchanged(before)
	}
}

// Replacing a schedule removes the old one's sessions to come, so the next
// meeting after session 1 is session 2, and sessions lists as past only the
// sessions held.
func TestScheduleReplaced(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana")
	e.must("fac", "session add 2026-12-01 10:00 2h")
	e.clock.Set(time.Date(2026, 12, 1, 9, 55, 0, 0, time.UTC))
	e.must("fac", "session start")
	e.must("ana", "here")
	e.must("fac", "session end")
	e.must("fac", "schedule every week on tuesday 18:00 2h confirm")
	if n := e.set().SessionSeq; n < 10 {
		t.Fatalf("weekly schedule made %d sessions", n)
	}
	e.must("fac", "session cancel 3")
	msg := e.must("fac", "schedule monthly first friday 14:00 2h confirm")
	wantContains(t, allText(msg), "added 4 sessions")
	sessions, err := e.store.ListSessions(context.Background(), e.setID())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range sessions {
		got = append(got, fmt.Sprintf("%d %s %s", s.Number, s.Start.Format("Mon 2 Jan"), s.Status))
	}
	want := []string{"1 Tue 1 Dec closed", "2 Fri 4 Dec scheduled", "3 Fri 1 Jan scheduled", "4 Fri 5 Feb scheduled", "5 Fri 5 Mar scheduled"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("sessions\n got %v\nwant %v", got, want)
	}
	msg = e.must("fac", "sessions")
	if held := msg.Sections[1]; held.Title != "Held (latest 5)" || !strings.Contains(held.Text, "Session 1") || strings.Contains(held.Text, "Session 2") {
		t.Errorf("held section %+v", held)
	}
}

// The preview's confirm command is written as a facilitator types it (the
// date day first, the length in hours), and confirming the same schedule a
// second time is answered privately without a second channel post.
func TestScheduleConfirmTwice(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West")
	e.must("fac", "timezone Europe/London")
	msg := e.must("fac", "schedule every 4 weeks on thursday 14:00 2h")
	if len(msg.Buttons) != 1 || msg.Buttons[0].Command != "schedule every 4 weeks on thursday at 14:00 from 03/12/2026 2h confirm" {
		t.Fatalf("buttons %+v", msg.Buttons)
	}
	wantContains(t, msg.Text, "`/als schedule every 4 weeks on thursday at 14:00 from 03/12/2026 2h confirm`")
	first := e.must("fac", msg.Buttons[0].Command)
	if first.Private {
		t.Errorf("the first confirm is not posted in the channel: %+v", first)
	}
	wantContains(t, first.Text, "now recur every 4 weeks on thursday at 14:00", "added 5 sessions")
	before := e.snapshot()
	again := e.must("fac", msg.Buttons[0].Command)
	if !again.Private {
		t.Errorf("a second confirm is posted in the channel again: %+v", again)
	}
	wantContains(t, again.Text, "already recur", "added 0 sessions", "nothing changed")
	e.assertUnchanged(before)
}
