package bot_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

func date(y int, m time.Month, d int) *bot.Date { return &bot.Date{Year: y, Month: m, Day: d} }

func mustDate(s string) bot.DateSpec {
	d, err := bot.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestParseValid(t *testing.T) {
	long := strings.Repeat("é", bot.MaxTextLen)
	tests := []struct {
		in   string
		want bot.Command
	}{
		{"", bot.Command{Verb: bot.VerbHelp, Args: bot.HelpArgs{}}},
		{"  /als  ", bot.Command{Verb: bot.VerbHelp, Args: bot.HelpArgs{}}},
		{"help", bot.Command{Verb: bot.VerbHelp, Args: bot.HelpArgs{}}},
		{"/ALS Help Round  Start", bot.Command{Verb: bot.VerbHelp, Args: bot.HelpArgs{Topic: "round start"}}},
		{"home", bot.Command{Verb: bot.VerbHome, Args: bot.NoArgs{}}},
		{"setup West   managers set", bot.Command{Verb: bot.VerbSetup, Args: bot.SetupArgs{Name: "West managers set"}}},
		{"members", bot.Command{Verb: bot.VerbMembers, Args: bot.NoArgs{}}},
		{"members add @ana @ben", bot.Command{Verb: bot.VerbMembersAdd, Args: bot.MentionArgs{People: []string{"ana", "ben"}}}},
		{"members add @ana, @ben,", bot.Command{Verb: bot.VerbMembersAdd, Args: bot.MentionArgs{People: []string{"ana", "ben"}}}},
		// The singular a busy manager types is the same command.
		{"member add @ana", bot.Command{Verb: bot.VerbMembersAdd, Args: bot.MentionArgs{People: []string{"ana"}}}},
		{"reminders facilitator off", bot.Command{Verb: bot.VerbRemindersFac, Args: bot.RemindersFacArgs{On: false}}},
		{"member @ana org \"Leeds CC\"", bot.Command{Verb: bot.VerbMemberOrg, Args: bot.MemberOrgArgs{Person: "ana", Org: "Leeds CC"}}},
		{"MEMBERS REMOVE @ben", bot.Command{Verb: bot.VerbMembersRemove, Args: bot.MentionArgs{People: []string{"ben"}}}},
		{"facilitator add @cara", bot.Command{Verb: bot.VerbFacilitatorAdd, Args: bot.MentionArgs{People: []string{"cara"}}}},
		{"mentor @dev for @ana", bot.Command{Verb: bot.VerbMentor, Args: bot.MentorArgs{Mentor: "dev", Mentee: "ana"}}},
		{"timezone Europe/London", bot.Command{Verb: bot.VerbTimezone, Args: bot.TimezoneArgs{Zone: "Europe/London"}}},
		{"phases presenting=10m questioning=25m action=5m process-review=10m", bot.Command{Verb: bot.VerbPhases, Args: bot.PhasesArgs{Phases: map[bot.Phase]time.Duration{
			bot.PhasePresenting: 10 * time.Minute, bot.PhaseQuestioning: 25 * time.Minute, bot.PhaseAction: 5 * time.Minute, bot.PhaseProcessReview: 10 * time.Minute}}}},
		{"phases Questioning=1h30m", bot.Command{Verb: bot.VerbPhases, Args: bot.PhasesArgs{Phases: map[bot.Phase]time.Duration{bot.PhaseQuestioning: 90 * time.Minute}}}},
		{"observer on", bot.Command{Verb: bot.VerbObserver, Args: bot.ObserverArgs{On: true}}},
		{"observer OFF", bot.Command{Verb: bot.VerbObserver, Args: bot.ObserverArgs{}}},
		{"reminders 1h,7d,1d", bot.Command{Verb: bot.VerbReminders, Args: bot.RemindersArgs{Leads: []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour}}}},
		{"reminders 7d, 1h30m, 30m", bot.Command{Verb: bot.VerbReminders, Args: bot.RemindersArgs{Leads: []time.Duration{7 * 24 * time.Hour, 90 * time.Minute, 30 * time.Minute}}}},
		{"reminders 60d", bot.Command{Verb: bot.VerbReminders, Args: bot.RemindersArgs{Leads: []time.Duration{60 * 24 * time.Hour}}}},
		// Lead times in words, as a manager writes them.
		{"reminders 1 day, 1 hour", bot.Command{Verb: bot.VerbReminders, Args: bot.RemindersArgs{Leads: []time.Duration{24 * time.Hour, time.Hour}}}},
		{"reminders 2 days 30 mins", bot.Command{Verb: bot.VerbReminders, Args: bot.RemindersArgs{Leads: []time.Duration{48 * time.Hour, 30 * time.Minute}}}},
		{`nudges "0 9 * * 1"`, bot.Command{Verb: bot.VerbNudges, Args: bot.NudgesArgs{Spec: "0 9 * * 1"}}},
		{"nudges “0 9 * * 1”", bot.Command{Verb: bot.VerbNudges, Args: bot.NudgesArgs{Spec: "0 9 * * 1"}}},
		{"nudges 0 9 * * 1", bot.Command{Verb: bot.VerbNudges, Args: bot.NudgesArgs{Spec: "0 9 * * 1"}}},
		{"session add 2026-03-10 09:30", bot.Command{Verb: bot.VerbSessionAdd, Args: bot.SessionAddArgs{Date: bot.AbsoluteDate(*date(2026, 3, 10)), At: bot.TimeOfDay{Hour: 9, Minute: 30}}}},
		{"session add 2028-02-29 18:00 1h30m Room 4,  Town Hall", bot.Command{Verb: bot.VerbSessionAdd, Args: bot.SessionAddArgs{Date: bot.AbsoluteDate(*date(2028, 2, 29)), At: bot.TimeOfDay{Hour: 18}, Duration: 90 * time.Minute, Where: "Room 4, Town Hall"}}},
		{"session add 2026-03-10 09:00 2nd floor", bot.Command{Verb: bot.VerbSessionAdd, Args: bot.SessionAddArgs{Date: bot.AbsoluteDate(*date(2026, 3, 10)), At: bot.TimeOfDay{Hour: 9}, Where: "2nd floor"}}},
		{`session add 2026-03-10 09:00 "4 Elm Street"`, bot.Command{Verb: bot.VerbSessionAdd, Args: bot.SessionAddArgs{Date: bot.AbsoluteDate(*date(2026, 3, 10)), At: bot.TimeOfDay{Hour: 9}, Where: "4 Elm Street"}}},
		{`session add 2026-03-10 09:00 2h "Room 4"`, bot.Command{Verb: bot.VerbSessionAdd, Args: bot.SessionAddArgs{Date: bot.AbsoluteDate(*date(2026, 3, 10)), At: bot.TimeOfDay{Hour: 9}, Duration: 2 * time.Hour, Where: "Room 4"}}},
		{"session add 2026-03-10 00:00 https://meet.example.com/abc?x=1", bot.Command{Verb: bot.VerbSessionAdd, Args: bot.SessionAddArgs{Date: bot.AbsoluteDate(*date(2026, 3, 10)), At: bot.TimeOfDay{}, Where: "https://meet.example.com/abc?x=1"}}},
		{"session add 2026-03-10 23:59 12h", bot.Command{Verb: bot.VerbSessionAdd, Args: bot.SessionAddArgs{Date: bot.AbsoluteDate(*date(2026, 3, 10)), At: bot.TimeOfDay{Hour: 23, Minute: 59}, Duration: 12 * time.Hour}}},
		{`schedule "0 18 * * 2" 2h`, bot.Command{Verb: bot.VerbSchedule, Args: bot.ScheduleArgs{Spec: "0 18 * * 2", Duration: 2 * time.Hour}}},
		{`schedule "0 18 * * 2"`, bot.Command{Verb: bot.VerbSchedule, Args: bot.ScheduleArgs{Spec: "0 18 * * 2"}}},
		{`schedule 0 18 * * 2 90m`, bot.Command{Verb: bot.VerbSchedule, Args: bot.ScheduleArgs{Spec: "0 18 * * 2", Duration: 90 * time.Minute}}},
		{"schedule off", bot.Command{Verb: bot.VerbScheduleOff, Args: bot.NoArgs{}}},
		{"sessions", bot.Command{Verb: bot.VerbSessions, Args: bot.NoArgs{}}},
		{"session cancel 3", bot.Command{Verb: bot.VerbSessionCancel, Args: bot.SessionCancelArgs{Number: 3}}},
		{"session cancel 2026-03-10", bot.Command{Verb: bot.VerbSessionCancel, Args: bot.SessionCancelArgs{Date: bot.AbsoluteDate(*date(2026, 3, 10))}}},
		{"session start", bot.Command{Verb: bot.VerbSessionStart, Args: bot.SessionStartArgs{}}},
		{"session end", bot.Command{Verb: bot.VerbSessionEnd, Args: bot.NoArgs{}}},
		{"here", bot.Command{Verb: bot.VerbHere, Args: bot.NoArgs{}}},
		{"bid", bot.Command{Verb: bot.VerbBid, Args: bot.BidArgs{}}},
		{"bid Staff cover", bot.Command{Verb: bot.VerbBid, Args: bot.BidArgs{Title: "Staff cover"}}},
		{"round start", bot.Command{Verb: bot.VerbRoundStart, Args: bot.RoundStartArgs{}}},
		{"round start @ana", bot.Command{Verb: bot.VerbRoundStart, Args: bot.RoundStartArgs{Presenter: "ana"}}},
		{"round start @ana observer @ben", bot.Command{Verb: bot.VerbRoundStart, Args: bot.RoundStartArgs{Presenter: "ana", Observer: "ben"}}},
		{"round start observer @ben", bot.Command{Verb: bot.VerbRoundStart, Args: bot.RoundStartArgs{Observer: "ben"}}},
		{"round next", bot.Command{Verb: bot.VerbRoundNext, Args: bot.NoArgs{}}},
		{"round end", bot.Command{Verb: bot.VerbRoundEnd, Args: bot.NoArgs{}}},
		{"Round Status", bot.Command{Verb: bot.VerbRoundStatus, Args: bot.NoArgs{}}},
		{"commit Talk to the duty team", bot.Command{Verb: bot.VerbCommit, Args: bot.CommitArgs{Text: "Talk to the duty team"}}},
		{"commit Talk to the duty team by 2026-03-01", bot.Command{Verb: bot.VerbCommit, Args: bot.CommitArgs{Text: "Talk to the duty team", Due: bot.AbsoluteDate(*date(2026, 3, 1))}}},
		// Issue 13: "by Friday" at the end is a due date, no longer text.
		{`commit read "Thinking, Fast and Slow" by Friday`, bot.Command{Verb: bot.VerbCommit, Args: bot.CommitArgs{Text: `read "Thinking, Fast and Slow"`, Due: mustDate("Friday")}}},
		{`commit read "Thinking, Fast and Slow by Friday"`, bot.Command{Verb: bot.VerbCommit, Args: bot.CommitArgs{Text: `read "Thinking, Fast and Slow by Friday"`}}},
		// Issue 13: day-first dates, 9am and relative dates are understood.
		{"session add 10/03/2026 09:00", bot.Command{Verb: bot.VerbSessionAdd, Args: bot.SessionAddArgs{Date: mustDate("10/03/2026"), At: bot.TimeOfDay{Hour: 9}}}},
		{"session add 2026-03-10 9am", bot.Command{Verb: bot.VerbSessionAdd, Args: bot.SessionAddArgs{Date: bot.AbsoluteDate(*date(2026, 3, 10)), At: bot.TimeOfDay{Hour: 9}}}},
		{"session add 2026-12-23 14:00 90", bot.Command{Verb: bot.VerbSessionAdd, Args: bot.SessionAddArgs{Date: bot.AbsoluteDate(*date(2026, 12, 23)), At: bot.TimeOfDay{Hour: 14}, Duration: 90 * time.Minute}}},
		{"session cancel tomorrow", bot.Command{Verb: bot.VerbSessionCancel, Args: bot.SessionCancelArgs{Date: mustDate("tomorrow")}}},
		{"schedule every 4 weeks on thursday 14:00 2h", bot.Command{Verb: bot.VerbSchedule, Args: bot.ScheduleArgs{Spec: "every 4 weeks on thursday 14:00 2h"}}},
		{`schedule "0 18 * * 2" 2h confirm`, bot.Command{Verb: bot.VerbSchedule, Args: bot.ScheduleArgs{Spec: "0 18 * * 2", Duration: 2 * time.Hour, Confirm: true}}},
		{"commit " + long, bot.Command{Verb: bot.VerbCommit, Args: bot.CommitArgs{Text: long}}},
		{"actions", bot.Command{Verb: bot.VerbActions, Args: bot.NoArgs{}}},
		{"report C-12 done Met them", bot.Command{Verb: bot.VerbReport, Args: bot.ReportArgs{ID: "C-12", Status: bot.ReportDone, Text: "Met them"}}},
		{"report c-12 progress half way", bot.Command{Verb: bot.VerbReport, Args: bot.ReportArgs{ID: "C-12", Status: bot.ReportProgress, Text: "half way"}}},
		{"report C12 Blocked no budget", bot.Command{Verb: bot.VerbReport, Args: bot.ReportArgs{ID: "C-12", Status: bot.ReportBlocked, Text: "no budget"}}},
		{"report 12 done ok", bot.Command{Verb: bot.VerbReport, Args: bot.ReportArgs{ID: "C-12", Status: bot.ReportDone, Text: "ok"}}},
		{"feedback 5", bot.Command{Verb: bot.VerbFeedback, Args: bot.FeedbackArgs{Rating: 5}}},
		{"feedback 1 Too rushed", bot.Command{Verb: bot.VerbFeedback, Args: bot.FeedbackArgs{Rating: 1, Comment: "Too rushed"}}},
		{"mentoring log @ana", bot.Command{Verb: bot.VerbMentoringLog, Args: bot.MentoringLogArgs{Mentee: "ana"}}},
		{"mentoring log @ana 2026-02-20 Talked rota", bot.Command{Verb: bot.VerbMentoringLog, Args: bot.MentoringLogArgs{Mentee: "ana", Date: bot.AbsoluteDate(*date(2026, 2, 20)), Note: "Talked rota"}}},
		{"mentoring log @ana Talked rota", bot.Command{Verb: bot.VerbMentoringLog, Args: bot.MentoringLogArgs{Mentee: "ana", Note: "Talked rota"}}},
		{"stats", bot.Command{Verb: bot.VerbStats, Args: bot.NoArgs{}}},
		{"export", bot.Command{Verb: bot.VerbExport, Args: bot.NoArgs{}}},
		{"mydata", bot.Command{Verb: bot.VerbMyData, Args: bot.NoArgs{}}},
		{"forget me", bot.Command{Verb: bot.VerbForgetMe, Args: bot.ForgetMeArgs{}}},
		{"forget me confirm", bot.Command{Verb: bot.VerbForgetMe, Args: bot.ForgetMeArgs{Confirm: true}}},
		{"/als Forget Me CONFIRM", bot.Command{Verb: bot.VerbForgetMe, Args: bot.ForgetMeArgs{Confirm: true}}},
		{"set archive", bot.Command{Verb: bot.VerbSetArchive, Args: bot.NoArgs{}}},
		{"retention 1", bot.Command{Verb: bot.VerbRetention, Args: bot.RetentionArgs{Days: 1}}},
		{"retention 3650", bot.Command{Verb: bot.VerbRetention, Args: bot.RetentionArgs{Days: 3650}}},
	}
	for _, tt := range tests {
		t.Run(clipName(tt.in), func(t *testing.T) {
			got, err := bot.Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

// typedVerbs are all verbs a person may type (all but home).
var typedVerbs = []bot.Verb{bot.VerbHelp, bot.VerbSetup, bot.VerbMembers, bot.VerbMembersAdd, bot.VerbMembersRemove,
	bot.VerbFacilitatorAdd, bot.VerbMentor, bot.VerbTimezone, bot.VerbPhases, bot.VerbObserver, bot.VerbReminders,
	bot.VerbNudges, bot.VerbSessionAdd, bot.VerbSchedule, bot.VerbScheduleOff, bot.VerbSessions, bot.VerbSessionCancel,
	bot.VerbSessionStart, bot.VerbSessionEnd, bot.VerbHere, bot.VerbBid, bot.VerbRoundStart, bot.VerbRoundNext,
	bot.VerbRoundEnd, bot.VerbRoundStatus, bot.VerbCommit, bot.VerbActions, bot.VerbReport, bot.VerbFeedback,
	bot.VerbMentoringLog, bot.VerbStats, bot.VerbExport, bot.VerbMyData, bot.VerbForgetMe, bot.VerbSetArchive,
	bot.VerbRetention}

func TestParseCoversEveryVerb(t *testing.T) {
	// Every documented verb has a usage line, so errors can show it.
	for _, v := range typedVerbs {
		t.Run(string(v), func(t *testing.T) {
			u := bot.Usage(v)
			if !strings.HasPrefix(u, "/als "+string(v)) {
				t.Errorf("Usage(%q) = %q, want it to start with /als %s", v, u, v)
			}
		})
	}
	if u := bot.Usage(bot.VerbHome); u != "" {
		t.Errorf("Usage(home) = %q, want empty: home is never typed", u)
	}
}

func TestParseInvalid(t *testing.T) {
	tooLong := strings.Repeat("x", bot.MaxTextLen+1)
	tests := []struct {
		in    string
		verb  bot.Verb // whose usage the message shows
		extra string   // more text the message must contain
	}{
		{"session add 2026-02-30 09:00", bot.VerbSessionAdd, "2026-02-30"},
		{"session add 2026-13-01 09:00", bot.VerbSessionAdd, "YYYY-MM-DD"},
		{"session add 2026-03-10 25:00", bot.VerbSessionAdd, "HH:MM"},
		{"session add 2026-03-10 09:60", bot.VerbSessionAdd, "HH:MM"},
		{"session add 2026-03-10", bot.VerbSessionAdd, "start time"},
		{"session add 2026-03-10 09:00 10m", bot.VerbSessionAdd, "15 min to 12 h"},
		{"session add 2026-03-10 09:00 13h", bot.VerbSessionAdd, "15 min to 12 h"},
		{"session add 2026-03-10 09:00 90s", bot.VerbSessionAdd, "15 min to 12 h"},
		{"session add 2026-03-10 09:00 " + tooLong, bot.VerbSessionAdd, "3000"},
		{"session", bot.VerbSessionAdd, ""},
		{"session cancel", bot.VerbSessionCancel, ""},
		{"session cancel 0", bot.VerbSessionCancel, ""},
		{"session cancel soon", bot.VerbSessionCancel, "not a date"},
		{"reminders 0m", bot.VerbReminders, "1m to 60d"},
		{"reminders 61d", bot.VerbReminders, "1m to 60d"},
		{"reminders 7x", bot.VerbReminders, "7x"},
		{"reminders 30s", bot.VerbReminders, "30s"},
		{"reminders 1d,1d", bot.VerbReminders, "twice"},
		{"reminders 24h,1d", bot.VerbReminders, "twice"},
		{"reminders", bot.VerbReminders, ""},
		{"reminders off", bot.VerbReminders, "reminders facilitators off"},
		{"reminders 1 fortnight", bot.VerbReminders, `"1"`},
		{"schedule confirm", bot.VerbSchedule, "press the button under its preview"},
		{"not here @dev", bot.VerbNotHere, "checks in and out for themselves"},
		{"here @dev", bot.VerbHere, "ask them to write /als here"},
		{"phases talking=10m", bot.VerbPhases, "presenting, questioning, action, process-review"},
		{"phases questioning", bot.VerbPhases, "phase=time"},
		{"phases questioning=0m", bot.VerbPhases, "1m to 4h"},
		{"phases questioning=5h", bot.VerbPhases, "1m to 4h"},
		{"phases action=5m action=6m", bot.VerbPhases, "twice"},
		{"phases", bot.VerbPhases, ""},
		{"observer maybe", bot.VerbObserver, ""},
		{"timezone", bot.VerbTimezone, ""},
		{"timezone Europe London", bot.VerbTimezone, ""},
		{"nudges", bot.VerbNudges, ""},
		{`nudges "0 9 * * 1`, bot.VerbNudges, "quote"},
		{`schedule "0 18 * * 2" 2h extra`, bot.VerbSchedule, ""},
		{`schedule "0 18 * * 2" 10m`, bot.VerbSchedule, "15 min to 12 h"},
		{"schedule soon", bot.VerbSchedule, "quotes"},
		{"feedback 0", bot.VerbFeedback, "1 to 5"},
		{"feedback 6 great", bot.VerbFeedback, "1 to 5"},
		{"feedback", bot.VerbFeedback, ""},
		{"feedback 4 " + tooLong, bot.VerbFeedback, "3000"},
		{"retention 0", bot.VerbRetention, "1 to 3650"},
		{"retention 3651", bot.VerbRetention, "1 to 3650"},
		{"retention forever", bot.VerbRetention, ""},
		{"report C-12 finished it", bot.VerbReport, "done, progress or blocked"},
		{"report C-12 in progress called once", bot.VerbReport, "Write progress on its own, without in"},
		{"report X-1 done it", bot.VerbReport, "C-12"},
		{"report C-0 done it", bot.VerbReport, "C-12"},
		{"report C-12 done", bot.VerbReport, ""},
		{"commit", bot.VerbCommit, ""},
		{"commit by 2026-03-01", bot.VerbCommit, ""},
		{"commit call Ana by 2026-02-30", bot.VerbCommit, "2026-02-30"},
		{"commit " + tooLong, bot.VerbCommit, "3000"},
		{"bid " + tooLong, bot.VerbBid, "3000"},
		{"setup", bot.VerbSetup, ""},
		{"members add", bot.VerbMembersAdd, "@"},
		{"members add @,", bot.VerbMembersAdd, "@"},
		{"reminders 100000d", bot.VerbReminders, "100000d"},
		{"phases action=99999d99999h99999m", bot.VerbPhases, "1m to 4h"},
		{"members add ana", bot.VerbMembersAdd, "ana"},
		{"members add @ana ben", bot.VerbMembersAdd, "ben"},
		{"members remove", bot.VerbMembersRemove, ""},
		{"members list", bot.VerbMembers, ""},
		{"facilitator add", bot.VerbFacilitatorAdd, ""},
		{"facilitator @a", bot.VerbFacilitatorAdd, ""},
		{"mentor @dev @ana", bot.VerbMentor, ""},
		{"mentor @dev for ana", bot.VerbMentor, ""},
		{"mentoring log ana", bot.VerbMentoringLog, ""},
		{"mentoring log @ana 2026-02-31", bot.VerbMentoringLog, "2026-02-31"},
		{"mentoring", bot.VerbMentoringLog, ""},
		{"round start ana", bot.VerbRoundStart, ""},
		{"round start @ana observer", bot.VerbRoundStart, "observer"},
		{"round start @ana observer @ana", bot.VerbRoundStart, "observer"},
		{"round start @ana @ben", bot.VerbRoundStart, ""},
		{"round", bot.VerbRoundStart, ""},
		{"round skip", bot.VerbRoundStart, ""},
		{"here now", bot.VerbHere, "nothing"},
		{"stats please", bot.VerbStats, ""},
		{"forget", bot.VerbForgetMe, ""},
		{"forget me now", bot.VerbForgetMe, "nothing"},
		{"forget me confirm please", bot.VerbForgetMe, "nothing"},
		{"set", bot.VerbSetArchive, ""},
		{"sessions all", bot.VerbSessions, ""},
		{"round next now", bot.VerbRoundNext, ""},
		{"roudn start", bot.VerbHelp, "Did you mean /als round start?"},
		{"sesions", bot.VerbHelp, "Did you mean /als sessions?"},
		{"stast now", bot.VerbHelp, "Did you mean /als stats?"},
		{"hello", bot.VerbHelp, "help"},
		{`"quoted"`, bot.VerbHelp, "help"},
		{`“unterminated`, bot.VerbHelp, "quote"},
		{`commit say "hi`, bot.VerbCommit, "quote"},
	}
	for _, tt := range tests {
		t.Run(clipName(tt.in), func(t *testing.T) {
			got, err := bot.Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", tt.in, got)
			}
			var e *bot.Error
			if !errors.As(err, &e) || e.Code != bot.EINVALID {
				t.Fatalf("Parse(%q) error %v (%T), want a *bot.Error with code %s", tt.in, err, err, bot.EINVALID)
			}
			if u := "Usage: " + bot.Usage(tt.verb); !strings.Contains(e.Message, u) {
				t.Errorf("Parse(%q) message %q\nwant it to contain %q", tt.in, e.Message, u)
			}
			if !strings.Contains(e.Message, tt.extra) {
				t.Errorf("Parse(%q) message %q\nwant it to contain %q", tt.in, e.Message, tt.extra)
			}
			if len(e.Message) > 1000 {
				t.Errorf("Parse(%q) message is %d bytes; errors must not echo long input", tt.in, len(e.Message))
			}
		})
	}
}

func clipName(s string) string {
	if len(s) > 50 {
		return s[:50]
	}
	return s
}

func BenchmarkParse(b *testing.B) {
	for _, in := range []string{
		"/als session add 2026-03-10 09:30 2h Room 4, Town Hall",
		"report C-12 progress Met the duty team; handover notes now shared",
		`schedule "0 18 * * 2" 2h`,
	} {
		b.Run(strings.Fields(in)[0], func(b *testing.B) {
			for b.Loop() {
				if _, err := bot.Parse(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
