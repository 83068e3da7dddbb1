package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
)

// sectionText is the text of m's section titled title, or "".
func sectionText(m bot.Message, title string) string {
	for _, s := range m.Sections {
		if s.Title == title {
			return s.Text
		}
	}
	return ""
}

// TestStatusReadsArePrivate: round status and session status answer only
// the caller, whoever asks (a trial found a member's round status posted to
// the channel).
func TestStatusReadsArePrivate(t *testing.T) {
	e := newEnv(t, 3)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben @cy")
	if msg := e.must("ana", "round status"); !msg.Private {
		t.Errorf("round status with no session open is posted: %+v", msg)
	}
	e.openSessionAt()
	for _, m := range []string{"ana", "ben", "cy"} {
		e.must(m, "here")
	}
	e.msgr.Take()
	for _, who := range []string{"ana", "fac"} {
		for _, text := range []string{"round status", "session status"} {
			if msg := e.must(who, text); !msg.Private {
				t.Errorf("%s: %s with no round is posted: %+v", who, text, msg)
			}
		}
	}
	e.must("fac", "round start")
	e.msgr.Take()
	for _, who := range []string{"ana", "fac"} {
		for _, text := range []string{"round status", "session status"} {
			if msg := e.must(who, text); !msg.Private {
				t.Errorf("%s: %s during a round is posted: %+v", who, text, msg)
			}
		}
	}
	if out := e.msgr.Take(); len(out) != 0 {
		t.Errorf("status reads sent %d messages, want none", len(out))
	}
}

// TestSessionStatusBidLines: one line per bidder, the title beside the name
// for a facilitator (a trial found the bids run on from the label).
func TestSessionStatusBidLines(t *testing.T) {
	e := newEnv(t, 4)
	e.openSession("ana", "ben", "cy")
	e.must("ben", "bid Agency notice periods")
	e.must("cy", "bid Rota gaps over Christmas")
	if got, want := sectionText(e.must("fac", "session status"), "Bids (2)"), "Ben: Agency notice periods\nCy: Rota gaps over Christmas"; got != want {
		t.Errorf("facilitator's bids = %q, want %q", got, want)
	}
	if got, want := sectionText(e.must("ana", "session status"), "Bids (2)"), "Ben\nCy"; got != want {
		t.Errorf("member's bids = %q, want %q", got, want)
	}
}

// TestSecondActionPrompt: a presenter who presents twice in a session gets
// a second prompt that names its round, and the follow-up at session end
// says it is one (a trial found all three worded the same, and the second
// presentation got none though the channel said one was sent).
func TestSecondActionPrompt(t *testing.T) {
	e := newEnv(t, 5)
	e.openSession("ana", "ben", "cy")
	prompts := func() []bot.Message {
		var out []bot.Message
		for _, s := range e.msgr.Take() {
			if s.Msg.Kind == bot.KindActionPrompt && s.To.UserID == e.id("ana") {
				out = append(out, s.Msg)
			}
		}
		return out
	}
	e.must("fac", "round start @ana")
	e.must("fac", "round end")
	first := prompts()
	if len(first) != 1 || first[0].Title != "Your action" {
		t.Fatalf("first prompts = %+v", first)
	}
	e.must("fac", "round start @ben")
	e.must("fac", "round end")
	e.msgr.Take()
	e.must("fac", "round start @ana again")
	e.must("fac", "round end")
	second := prompts()
	if len(second) != 1 {
		t.Fatalf("second presentation: %d prompts to ana, want 1", len(second))
	}
	wantContains(t, second[0].Title, "round 3")
	wantContains(t, second[0].Text, "presenting again", "session 1 (round 3)", "second action prompt")
	if second[0].Text == first[0].Text {
		t.Errorf("second prompt reads as the first: %q", second[0].Text)
	}
	e.must("fac", "session end")
	again := prompts()
	if len(again) != 1 {
		t.Fatalf("session end: %d prompts to ana, want 1", len(again))
	}
	wantContains(t, again[0].Title, "follow-up")
	wantContains(t, again[0].Text, "A follow-up", "session 1 (rounds 1 and 3)", "not recorded an action yet")
	if len(again[0].Buttons) != 1 || again[0].Buttons[0].Form == nil || again[0].Buttons[0].SetID != e.setID() {
		t.Errorf("follow-up button = %+v", again[0].Buttons)
	}
}

// TestStatsWording: the two report figures are named apart and explained,
// and a session without ratings says only "no ratings yet".
func TestStatsWording(t *testing.T) {
	e := newEnv(t, 6)
	e.openSession("ana", "ben")
	e.must("ana", "commit Call the agency")
	e.must("ana", "report C-1 progress Called once")
	e.must("ana", "report C-1 done Agreed the notice period")
	e.must("fac", "session end")
	msg := e.must("fac", "stats")
	if got, want := field(msg, handlers.LabelCommitments), "made 1, with a report 1, done 1, dropped 0"; got != want {
		t.Errorf("commitments = %q, want %q", got, want)
	}
	if got := field(msg, "Reports written"); got != "2" {
		t.Errorf("reports written = %q, want 2", got)
	}
	wantContains(t, msg.Text, "Commitments with a report: reported on at least once", "Reports written: every `/als report`")
	per := sectionText(msg, "Per session")
	wantContains(t, per, "; no ratings yet")
	if strings.Contains(per, "mean rating no ratings") {
		t.Errorf("per session: %q", per)
	}
}

// TestSetupSaysTheZone: setup names the set's zone, whether it is the
// default, and how to change it.
func TestSetupSaysTheZone(t *testing.T) {
	e := newEnv(t, 7)
	msg := e.must("fac", "setup West")
	wantContains(t, msg.Text, "Time zone: UTC (the default", "/als timezone Europe/London", "London or UK")
	e.channel = "C2"
	e.users["fac"] = bot.UserRef{ID: "UFAC", Name: "Fac", TZ: "Europe/London"}
	msg = e.must("fac", "setup East")
	wantContains(t, msg.Text, "Time zone: Europe/London (yours", "/als timezone Europe/London")
}

// TestRemindersFacilitatorsSetting: on by default, turned off and on by
// the facilitator; a bad word is refused and changes nothing; members may
// not change it.
func TestRemindersFacilitatorsSetting(t *testing.T) {
	e := newEnv(t, 8)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana")
	if e.set().FacRemindOff {
		t.Fatal("a new set has facilitators' reminders off")
	}
	msg := e.must("fac", "reminders facilitators off")
	wantContains(t, msg.Text, "Facilitators get no session reminders by DM")
	if !e.set().FacRemindOff {
		t.Error("reminders facilitators off did not turn them off")
	}
	before := e.snapshot()
	if _, err := e.do("fac", "reminders facilitators maybe"); bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(bot.ErrorMessage(err), "on or off") {
		t.Errorf("maybe: %v", err)
	}
	if _, err := e.do("ana", "reminders facilitators on"); err == nil {
		t.Error("a member changed the facilitators' reminders")
	}
	e.assertUnchanged(before)
	wantContains(t, e.must("fac", "reminders facilitators on").Text, "one, not two")
	if e.set().FacRemindOff {
		t.Error("reminders facilitators on did not turn them on")
	}
}

// TestSessionStartAfterAMissedSession: a planned session whose day passed
// unstarted is never skipped in silence: session start asks, changing
// nothing; session start <n> holds it, session start extra opens one
// outside the plan and says so (a trial got a silent extra session that
// counted as held).
func TestSessionStartAfterAMissedSession(t *testing.T) {
	e := newEnv(t, 9)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben")
	e.must("fac", "session add 2026-12-01 14:00 2h Room 4")
	e.must("fac", "session add 2026-12-29 14:00 2h Room 4")
	e.clock.Set(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)) // session 1's day passed

	before := e.snapshot()
	_, err := e.do("fac", "session start")
	if bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("session start after a missed session: %v", err)
	}
	wantContains(t, bot.ErrorMessage(err), "Session 1 was planned for Tue 1 Dec 2026 14:00", "never started", "session start 1", "session start extra", "session cancel 1")
	e.assertUnchanged(before)

	for _, bad := range []string{"session start 7", "session start two", "session start 1 2"} {
		if _, err := e.do("fac", bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	e.assertUnchanged(before)

	msg := e.must("fac", "session start 1")
	wantContains(t, msg.Text, "Session 1 is open", "This is session 1, planned for Tue 1 Dec 2026 14:00")
	if s := e.session(1); s.Status != bot.SessionOpen {
		t.Errorf("session 1 is %s", s.Status)
	}
	e.must("fac", "session end")

	// Session 1 was held: nothing is missed now, and a start on a day
	// without a planned session opens an extra one, saying so.
	msg = e.must("fac", "session start")
	wantContains(t, msg.Text, "Session 3 is open", "an extra session, outside the plan", "It is session 3 because sessions up to 2 are numbered already",
		"next planned one is session 2, Tue 29 Dec 2026 14:00 (UTC): if you meant that one", "session undo start", "session start 2")
	e.must("fac", "session end")
	_, err = e.do("fac", "session start 1")
	if bot.ErrorCode(err) != bot.ECONFLICT || !strings.Contains(bot.ErrorMessage(err), "Session 1 is closed") {
		t.Errorf("starting a closed session: %v", err)
	}
}

// TestSessionStartPicksTodaysSession: with two sessions today, session
// start opens the one whose time has come and says which.
func TestSessionStartPicksTodaysSession(t *testing.T) {
	e := newEnv(t, 10)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana")
	e.must("fac", "session add 2026-12-01 10:00 1h")
	e.must("fac", "session add 2026-12-01 15:00 1h")
	e.clock.Set(time.Date(2026, 12, 1, 14, 50, 0, 0, time.UTC)) // the 10:00 one was missed
	msg := e.must("fac", "session start")
	wantContains(t, msg.Text, "Session 2 is open", "This is session 2, planned for 15:00", "today has 2 planned sessions")
}

// TestCommitSameWordsTwice: a commitment with the same words as an open one
// is recorded, and the answer says how to drop it if it is a repeat; other
// commitments say nothing of the kind.
func TestCommitSameWordsTwice(t *testing.T) {
	e := newEnv(t, 11)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben")
	if msg := e.must("ana", "commit Ring the agency."); strings.Contains(msg.Text, "same words") {
		t.Errorf("first commitment: %q", msg.Text)
	}
	msg := e.must("ana", "commit ring  the agency")
	wantContains(t, msg.Text, "Recorded C-2", "You already have C-1 with the same words", "commitment drop C-2 duplicate")
	if msg := e.must("ben", "commit Ring the agency"); strings.Contains(msg.Text, "same words") {
		t.Errorf("ben's commitment is not ana's repeat: %q", msg.Text)
	}
	if msg := e.must("ana", "commit Ring the agency and the union"); strings.Contains(msg.Text, "same words") {
		t.Errorf("other words: %q", msg.Text)
	}
}

// twoPlanned sets up West with ana and sessions on 2 and 30 December.
func twoPlanned(e *env) {
	e.must("fac", "setup West")
	e.must("fac", "members add @ana")
	e.must("fac", "session add 2026-12-02 10:00 2h")
	e.must("fac", "session add 2026-12-30 10:00 2h")
}

// TestSessionsListsMissedApart: a planned session whose time passed
// unstarted is not listed as upcoming.
func TestSessionsListsMissedApart(t *testing.T) {
	e := newEnv(t, 12)
	twoPlanned(e)
	e.clock.Set(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC))
	msg := e.must("fac", "sessions")
	if up := sectionText(msg, "Upcoming"); strings.Contains(up, "Session 1") || !strings.Contains(up, "Session 2") {
		t.Errorf("upcoming: %q", up)
	}
	wantContains(t, sectionText(msg, "Not started, time passed"), "Session 1: Wed 2 Dec 2026 10:00", "session start 1", "session cancel 1")
}

// The stats' per-session lines date a session as every other answer does.
func TestStatsSessionDate(t *testing.T) {
	e := newEnv(t, 1)
	e.openSession("ana")
	e.must("fac", "session end")
	per := sectionText(e.must("fac", "stats"), "Per session")
	wantContains(t, per, "Session 1 (Tue 1 Dec 2026): 1 attended")
}

// The check-in answer says how to bid in plain words, not in the usage
// line's brackets.
func TestCheckInSaysHowToBid(t *testing.T) {
	e := newEnv(t, 1)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana")
	e.openSessionAt()
	msg := e.must("ana", "here")
	wantContains(t, msg.Text, "Send `/als bid`, with a short title after it if you like.")
	if strings.Contains(msg.Text, "[<") {
		t.Errorf("check-in answer %q shows usage brackets", msg.Text)
	}
}

// A round still running at session end sent no action prompt, so its
// presenter gets the first prompt then, not a "follow-up" to one never sent.
func TestSessionEndClosesRoundFirstPrompt(t *testing.T) {
	e := newEnv(t, 5)
	e.openSession("ana", "ben", "cy")
	e.must("fac", "round start @ana")
	e.msgr.Take()
	e.must("fac", "session end")
	var got []bot.Message
	for _, s := range e.msgr.Take() {
		if s.Msg.Kind == bot.KindActionPrompt && s.To.UserID == e.id("ana") {
			got = append(got, s.Msg)
		}
	}
	if len(got) != 1 || got[0].Title != "Your action" || strings.Contains(got[0].Text, "follow-up") {
		t.Fatalf("prompts to ana at session end = %+v, want the first prompt once", got)
	}
	wantContains(t, got[0].Text, "Thank you for presenting", "session 1")
}

// TestSessionsListsOpenFirst: the session being held is listed on its own,
// first, not under Upcoming (a trial read it there as not started).
func TestSessionsListsOpenFirst(t *testing.T) {
	e := newEnv(t, 12)
	twoPlanned(e)
	e.clock.Set(time.Date(2026, 12, 2, 10, 5, 0, 0, time.UTC))
	e.must("fac", "session start")
	msg := e.must("ana", "sessions")
	if len(msg.Sections) == 0 || msg.Sections[0].Title != "Being held now" {
		t.Fatalf("sections %v, want Being held now first", msg.Sections)
	}
	wantContains(t, msg.Sections[0].Text, "Session 1: Wed 2 Dec 2026 10:00", "(open)", "here")
	if up := sectionText(msg, "Upcoming"); strings.Contains(up, "Session 1") || !strings.Contains(up, "Session 2") {
		t.Errorf("upcoming: %q", up)
	}
}

// TestRemovedMemberAfterSession: a member removed while a session was
// being held is not asked for feedback they could not give, and their open
// commitment stays in the report-back under their name, marked as no
// longer in the set (a trial's removed member got a pulse, then a refusal).
func TestRemovedMemberAfterSession(t *testing.T) {
	e := newEnv(t, 3)
	e.openSession("ana", "ben")
	e.must("ben", "commit Ring the agency")
	e.must("fac", "members remove @ben withdrew moved post")
	e.msgr.Take()
	e.must("fac", "session end")
	for _, s := range e.msgr.OfKind(bot.KindFeedback) {
		if s.To.UserID == e.id("ben") {
			t.Error("ben, removed, was asked for feedback")
		}
	}
	if len(e.msgr.OfKind(bot.KindFeedback)) != 1 {
		t.Errorf("feedback pulses %d, want 1 (ana)", len(e.msgr.OfKind(bot.KindFeedback)))
	}
	if _, err := e.do("ben", "feedback 4"); err == nil {
		t.Error("ben's feedback was taken")
	}
	digest := bot.Digest(e.set(), []*bot.Commitment{{ID: "x", ShortID: "C-1", SetID: e.setID(), UserID: e.id("ben"), Text: "Ring the agency", Status: bot.CommitmentOpen}}, time.Time{}, time.Time{}, time.UTC)
	if sectionText(digest, "Ben (no longer in the set)") == "" {
		t.Errorf("report-back sections %v, want Ben marked as no longer in the set", digest.Sections)
	}
}

// TestExtraSessionOnAPlannedDay: an extra session asked for on a day with a
// planned one does not say nothing was planned.
func TestExtraSessionOnAPlannedDay(t *testing.T) {
	e := newEnv(t, 12)
	twoPlanned(e)
	e.clock.Set(time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC))
	msg := e.must("fac", "session start extra")
	wantContains(t, msg.Text, "This is an extra session, outside the plan", "next planned one is session 1, Wed 2 Dec 2026 10:00")
	if strings.Contains(msg.Text, "Nothing was planned") {
		t.Errorf("said nothing was planned on a planned day: %q", msg.Text)
	}
}

// TestSettingsView: `settings` shows the set's settings as they are, to
// anyone in the set, each with the command that changes it; a bare setting
// command points to it (a facilitator typed `reminders` to see them).
func TestSettingsView(t *testing.T) {
	e := newEnv(t, 12)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana")
	e.must("fac", "timezone Europe/London")
	e.must("fac", "reminders 2d,2h")
	e.must("fac", "observer off")
	e.must("fac", "reminders cover 14d")
	e.must("fac", `nudges "0 8 * * 5"`)
	msg := e.must("ana", "settings")
	want := map[string]string{
		"Time zone":                 "Europe/London",
		"Observer":                  "off",
		"Reminders":                 "2d, 2h before each session: the channel at 2d, by DM at the others",
		"Reminder to arrange cover": "14d before each session",
		"Nudges about actions":      `"0 8 * * 5", next Fri 4 Dec 2026 08:00`,
		"Phases":                    "questioning 25 min",
	}
	got := map[string]string{}
	for _, sec := range msg.Sections {
		for _, f := range sec.Fields {
			got[f.Label] = f.Value
		}
	}
	for label, part := range want {
		if !strings.Contains(got[label], part) {
			t.Errorf("%s = %q, want it to contain %q", label, got[label], part)
		}
	}
	_, err := e.do("fac", "reminders")
	if !strings.Contains(bot.ErrorMessage(err), "/als settings") {
		t.Errorf("bare reminders: %v", err)
	}
}

// TestStatsOpenSessionCountsOnceSomeoneIsHere: right after `session start`
// nobody has checked in yet, and the open session does not count as held
// (it made everyone's attendance drop); it counts from the first check-in.
func TestStatsOpenSessionCountsOnceSomeoneIsHere(t *testing.T) {
	e := newEnv(t, 6)
	e.openSession("ana", "ben")
	e.must("fac", "session end")
	e.must("fac", "session add 2026-12-08 18:00 2h Room 4")
	e.clock.Set(time.Date(2026, 12, 8, 17, 55, 0, 0, time.UTC))
	e.must("fac", "session start")
	if got, want := field(e.must("fac", "stats"), handlers.LabelAttendance), "2 of 2 (100%)"; got != want {
		t.Errorf("attendance right after session start = %q, want %q", got, want)
	}
	e.must("ana", "here")
	if got, want := field(e.must("fac", "stats"), handlers.LabelAttendance), "3 of 4 (75%)"; got != want {
		t.Errorf("attendance after one check-in = %q, want %q", got, want)
	}
}
