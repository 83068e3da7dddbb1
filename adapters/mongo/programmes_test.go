package mongo_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

func TestProgrammeRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	p := &bot.Programme{ID: bot.ProgrammeID(bot.Shell, "South West"), Name: "South West", Platform: bot.Shell,
		Leads: []bot.UserRef{{ID: "lee", Name: "Lee"}}, PracticeLog: true, CreatedAt: t0}
	if err := st.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateProgramme(ctx, &bot.Programme{ID: p.ID, Name: "south  west"}); bot.ErrorCode(err) != bot.EEXISTS {
		t.Fatalf("second programme of the same name: %v, want EEXISTS", err)
	}
	got, err := st.GetProgramme(ctx, p.ID)
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("GetProgramme = %+v, %v; want %+v", got, err, p)
	}
	stale := *got
	got.Leads = append(got.Leads, bot.UserRef{ID: "kim"})
	if err := st.SaveProgramme(ctx, got); err != nil || got.Version != 1 {
		t.Fatalf("SaveProgramme = %v, version %d", err, got.Version)
	}
	if err := st.SaveProgramme(ctx, &stale); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("stale save: %v, want ECONFLICT", err)
	}
	for user, want := range map[string]int{"kim": 1, "lee": 1, "ana": 0, "": 1} {
		ps, err := st.FindProgrammes(ctx, bot.Shell, user)
		if err != nil || len(ps) != want {
			t.Errorf("FindProgrammes(%q) = %d, %v; want %d", user, len(ps), err, want)
		}
	}
}

// A set belongs to at most one programme: of concurrent links of one set
// (to this programme or another) exactly one is stored.
func TestProgrammeSetOnce(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	var wg sync.WaitGroup
	wins := make(chan string, 4)
	for _, prog := range []string{"p1", "p2", "p1", "p2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := st.AddProgrammeSet(ctx, &bot.ProgrammeSet{SetID: "shell:west", ProgrammeID: prog, AddedAt: t0})
			switch bot.ErrorCode(err) {
			case "":
				wins <- prog
			case bot.EEXISTS:
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	close(wins)
	var won []string
	for p := range wins {
		won = append(won, p)
	}
	if len(won) != 1 {
		t.Fatalf("%d links won (%v), want 1", len(won), won)
	}
	ps, err := st.ProgrammeOfSet(ctx, "shell:west")
	if err != nil || ps.ProgrammeID != won[0] {
		t.Fatalf("ProgrammeOfSet = %+v, %v; want %s", ps, err, won[0])
	}
	if _, err := st.ProgrammeOfSet(ctx, "shell:east"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("set without programme: %v, want ENOTFOUND", err)
	}
	list, err := st.ListProgrammeSets(ctx, won[0])
	if err != nil || len(list) != 1 {
		t.Fatalf("ListProgrammeSets = %d, %v", len(list), err)
	}
}

func TestMembershipsAnswersAndLog(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)

	m := &bot.Membership{ID: bot.MembershipID("shell:west", "ana"), SetID: "shell:west", UserID: "ana", Org: "Bath", UpdatedAt: t0}
	if err := st.PutMembership(ctx, m); err != nil {
		t.Fatal(err)
	}
	m.Withdrawn = &bot.Withdrawal{Date: "2026-04-01", Reason: "moved job", By: "fay", At: t0}
	if err := st.PutMembership(ctx, m); err != nil {
		t.Fatal(err)
	}
	got, err := st.GetMembership(ctx, m.ID)
	if err != nil || !reflect.DeepEqual(got, m) {
		t.Fatalf("GetMembership = %+v, %v", got, err)
	}
	if l, err := st.ListMemberships(ctx, "shell:west"); err != nil || len(l) != 1 {
		t.Fatalf("ListMemberships = %d, %v", len(l), err)
	}

	q := &bot.Questionnaire{ID: "p/end", ProgrammeID: "p", Name: "end", Title: "End", Role: bot.RoleMember, Stage: bot.StageAfter,
		Questions: []bot.Question{{ID: "a", Kind: bot.QuestionScale, Text: "A", Labels: []string{"1", "2", "3", "4", "5"}, Outcome: "sharing"}}, CreatedAt: t0}
	if err := st.CreateQuestionnaire(ctx, q); err != nil {
		t.Fatal(err)
	}
	if gq, err := st.GetQuestionnaire(ctx, q.ID); err != nil || !reflect.DeepEqual(gq, q) {
		t.Fatalf("GetQuestionnaire = %+v, %v", gq, err)
	}
	if l, err := st.ListQuestionnaires(ctx, "p"); err != nil || len(l) != 1 {
		t.Fatalf("ListQuestionnaires = %d, %v", len(l), err)
	}
	send := &bot.QuestionnaireSend{ID: bot.SendID(q.ID, bot.RoleMember, bot.ScopeProgramme, ""), QuestionnaireID: q.ID, ProgrammeID: "p",
		Role: bot.RoleMember, Scope: bot.ScopeProgramme, Recipients: []string{"ana"}, SentAt: t0, Closes: t0.Add(time.Hour)}
	if err := st.CreateSend(ctx, send); err != nil {
		t.Fatal(err)
	}
	send.Reminders = 1
	if err := st.SaveSend(ctx, send); err != nil {
		t.Fatal(err)
	}
	if gs, err := st.GetSend(ctx, send.ID); err != nil || gs.Reminders != 1 || gs.Version != 1 {
		t.Fatalf("GetSend = %+v, %v", gs, err)
	}
	if l, err := st.ListSends(ctx, "p"); err != nil || len(l) != 1 {
		t.Fatalf("ListSends = %d, %v", len(l), err)
	}

	a := &bot.Answer{ID: bot.AnswerID(q.ID, "ana"), QuestionnaireID: q.ID, ProgrammeID: "p", SetID: "shell:west", UserID: "ana",
		Role: bot.RoleMember, Values: map[string]string{"a": "3"}, At: t0, UpdatedAt: t0}
	if err := st.InsertAnswer(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertAnswer(ctx, a); bot.ErrorCode(err) != bot.EEXISTS {
		t.Fatalf("second insert: %v, want EEXISTS", err)
	}
	a.Values["a"] = "5"
	if err := st.ReplaceAnswer(ctx, a); err != nil {
		t.Fatal(err)
	}
	if ga, err := st.GetAnswer(ctx, a.ID); err != nil || ga.Values["a"] != "5" {
		t.Fatalf("GetAnswer = %+v, %v", ga, err)
	}
	if err := st.ReplaceAnswer(ctx, &bot.Answer{ID: "p/end/nobody"}); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("replace of no answer: %v, want ENOTFOUND", err)
	}
	if l, err := st.ListAnswers(ctx, "p"); err != nil || len(l) != 1 {
		t.Fatalf("ListAnswers = %d, %v", len(l), err)
	}

	for i, d := range []string{"2026-04-02", "2026-03-01"} {
		at := t0.Add(time.Duration(i) * time.Second)
		e := &bot.LogEntry{ID: bot.LogEntryID("shell:west", "ana", bot.LogVisit, at), SetID: "shell:west", UserID: "ana", Kind: bot.LogVisit, Date: d, LoggedAt: at}
		if err := st.AddLogEntry(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	l, err := st.ListLogEntries(ctx, "shell:west")
	if err != nil || len(l) != 2 || l[0].Date != "2026-03-01" {
		t.Fatalf("ListLogEntries = %+v, %v", l, err)
	}
}

// Forgetting a member keeps the programme's figures (their ratings, as
// the set's anonymous id) and erases what they wrote; forgetting a lead
// keeps the programme.
func TestForgetUserInProgramme(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	set := fullSet("shell:west", bot.Shell, t0, "ana", "lee")
	if err := st.CreateSet(ctx, set); err != nil {
		t.Fatal(err)
	}
	pid := bot.ProgrammeID(bot.Shell, "SW")
	if err := st.CreateProgramme(ctx, &bot.Programme{ID: pid, Name: "SW", Platform: bot.Shell, Leads: []bot.UserRef{{ID: "lee", Name: "Lee"}}}); err != nil {
		t.Fatal(err)
	}
	if err := st.AddProgrammeSet(ctx, &bot.ProgrammeSet{SetID: set.ID, ProgrammeID: pid, AddedBy: "lee"}); err != nil {
		t.Fatal(err)
	}
	q := &bot.Questionnaire{ID: pid + "/end", ProgrammeID: pid, Name: "end", Title: "End", Role: bot.RoleMember, CreatedBy: "lee", Questions: []bot.Question{
		{ID: "s", Kind: bot.QuestionScale, Text: "S", Labels: []string{"1", "2", "3", "4", "5"}}, {ID: "t", Kind: bot.QuestionText, Text: "T"}}}
	steps := []error{
		st.CreateQuestionnaire(ctx, q),
		st.CreateSend(ctx, &bot.QuestionnaireSend{ID: pid + "/end/member/programme", QuestionnaireID: q.ID, ProgrammeID: pid, Recipients: []string{"ana"}, SentBy: "lee"}),
		st.InsertAnswer(ctx, &bot.Answer{ID: bot.AnswerID(q.ID, "ana"), QuestionnaireID: q.ID, ProgrammeID: pid, SetID: set.ID, UserID: "ana",
			Values: map[string]string{"s": "4", "t": "ANA-SECRET-TEXT"}, ShowName: true, Name: "Ana"}),
		st.PutMembership(ctx, &bot.Membership{ID: bot.MembershipID(set.ID, "ana"), SetID: set.ID, UserID: "ana", Name: "Ana", Org: "Bath",
			Withdrawn: &bot.Withdrawal{Date: "2026-01-01", Reason: "ANA-SECRET-REASON"}}),
		st.AddLogEntry(ctx, &bot.LogEntry{ID: bot.LogEntryID(set.ID, "ana", bot.LogVisit, t0), SetID: set.ID, UserID: "ana", Kind: bot.LogVisit, Date: "2026-01-02", Note: "ANA-SECRET-NOTE", LoggedAt: t0}),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, who := range []string{"ana", "lee"} {
		sets, err := st.FindSets(ctx, bot.Shell, who)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := bot.NewErasePlan(bot.Shell, who, sets)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ForgetUser(ctx, plan); err != nil {
			t.Fatal(err)
		}
	}
	for _, coll := range []string{"programmes", "programme_sets", "memberships", "questionnaires", "questionnaire_sends", "answers", "practice_log"} {
		cur, err := st.Database().Collection(coll).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for cur.Next(ctx) {
			n++
			for _, who := range [][2]string{{"ana", "Ana"}, {"lee", "Lee"}} {
				if mongo.Names(cur.Current, who[0], who[1]) {
					t.Errorf("%s still names %s: %s", coll, who[0], cur.Current)
				}
			}
			if strings.Contains(cur.Current.String(), "SECRET") {
				t.Errorf("%s keeps a forgotten person's text: %s", coll, cur.Current)
			}
		}
		cur.Close(ctx)
		if n != 1 {
			t.Errorf("%s has %d documents after forgetting, want 1", coll, n)
		}
	}
	answers, err := st.ListAnswers(ctx, pid)
	if err != nil || len(answers) != 1 || answers[0].Values["s"] != "4" || !bot.IsAnonymous(answers[0].UserID) {
		t.Errorf("the forgotten member's rating: %+v, %v", answers, err)
	}
	if p, err := st.GetProgramme(ctx, pid); err != nil || len(p.Leads) != 1 {
		t.Errorf("programme after its lead was forgotten: %+v, %v", p, err)
	}
}
