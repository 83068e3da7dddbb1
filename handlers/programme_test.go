package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
)

// programmeEnv: West (channel C1, facilitator fac; members ana, ben, cy;
// dee mentors ana) and East (C2, facilitator fay; member eve; gus mentors
// eve) in the programme "South West" led by lee. North (C3, facilitator
// hal, member out) is in no programme.
func programmeEnv(t testing.TB) *env {
	t.Helper()
	e := newEnv(t, 1)
	for _, n := range []string{"lee", "gus", "hal"} {
		e.users[n] = bot.UserRef{ID: "U" + strings.ToUpper(n), Name: strings.ToUpper(n[:1]) + n[1:]}
	}
	e.in("C1")
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben @cy")
	e.must("fac", "mentor @dee for @ana")
	e.in("C2")
	e.must("fay", "setup East")
	e.must("fay", "members add @eve")
	e.must("fay", "mentor @gus for @eve")
	e.in("C3")
	e.must("hal", "setup North")
	e.must("hal", "members add @out")

	if _, err := e.dm("lee", "programme create South West"); err != nil {
		t.Fatal(err)
	}
	e.in("C1")
	e.must("fac", "programme add-set to South West")
	e.in("C2")
	e.must("fay", "programme add-set East to South West")
	e.in("C1")
	e.msgr.take()
	return e
}

// in moves the env to channel ch.
func (e *env) in(ch string) { e.channel = ch }

func (e *env) dmForm(user, text, setID string, values map[string]string) (bot.Message, error) {
	req := e.request(user, text, true)
	req.Action = &bot.Action{FormID: "questionnaire", Values: values}
	req.SetID = setID
	return e.router.Handle(context.Background(), req)
}

func TestProgrammeSetsAndLeads(t *testing.T) {
	e := programmeEnv(t)
	ctx := context.Background()
	links, err := e.store.ListProgrammeSets(ctx, bot.ProgrammeID(bot.Shell, "south west"))
	if err != nil || len(links) != 2 {
		t.Fatalf("programme sets = %v, %v", links, err)
	}

	// A set belongs to at most one programme.
	if _, err := e.dm("hal", "programme create North Region"); err != nil {
		t.Fatal(err)
	}
	e.in("C3")
	e.must("hal", "programme add-set to North Region")
	if _, err := e.do("hal", "programme add-set West to North Region"); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("hal adding West (not his set) = %v, want EFORBIDDEN", err)
	}
	e.in("C1")
	if _, err := e.do("fac", "programme add-set to North Region"); bot.ErrorCode(err) != bot.EEXISTS {
		t.Errorf("West into a second programme = %v, want EEXISTS", err)
	}
	if l, _ := e.store.ProgrammeOfSet(ctx, "shell:C1"); l.ProgrammeID != bot.ProgrammeID(bot.Shell, "South West") {
		t.Errorf("West moved to %s", l.ProgrammeID)
	}
	if _, err := e.dm("lee", "programme create south  WEST"); bot.ErrorCode(err) != bot.EEXISTS {
		t.Errorf("second programme of the same name = %v, want EEXISTS", err)
	}
	// Leads.
	if _, err := e.dm("ana", "programme lead add @ana"); bot.ErrorCode(err) == "" {
		t.Error("a member made herself lead")
	}
	if _, err := e.dm("lee", "programme lead add @hal"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dm("hal", "programme South West"); err != nil {
		t.Errorf("a new lead cannot see the figures: %v", err)
	}
}

func TestOrganisationsAndWithdrawal(t *testing.T) {
	e := programmeEnv(t)
	ctx := context.Background()
	e.must("fac", `member @ana org "Bristol City Council"`)
	e.must("ben", "my org Bath Council")
	if _, err := e.do("ana", `member @ben org "Elsewhere"`); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a member set another's org: %v", err)
	}
	before, _ := e.store.GetMembership(ctx, bot.MembershipID("shell:C1", e.id("ben")))
	if _, err := e.do("ben", "my org "+strings.Repeat("x", bot.MaxOrgLen+1)); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("an over-long org: %v", err)
	}
	if after, _ := e.store.GetMembership(ctx, bot.MembershipID("shell:C1", e.id("ben"))); after.Org != before.Org {
		t.Errorf("a refused org changed the stored one to %q", after.Org)
	}

	e.dm("lee", "questionnaire create end from members-end")
	e.dm("lee", "questionnaire send end to members")
	msg := e.must("fac", "members remove @cy withdrew moved to a new post")
	pending, _ := e.store.PendingDeliveries(ctx, "shell:C1", bot.DeliverMessage)
	for _, d := range pending {
		if d.UserID == e.id("cy") {
			t.Errorf("cy, who withdrew, is still to be reminded: %s", d.ID)
		}
	}
	if len(pending) != 4 {
		t.Errorf("%d reminders left in West, want 2 for each of ana and ben", len(pending))
	}
	wantContains(t, msg.Text, "withdrew")
	if strings.Contains(allText(msg), "new post") {
		t.Error("the channel was told the withdrawal's reason")
	}
	m, err := e.store.GetMembership(ctx, bot.MembershipID("shell:C1", e.id("cy")))
	if err != nil || m.Withdrawn == nil || m.Withdrawn.Reason != "moved to a new post" || m.Withdrawn.Date != "2026-12-01" {
		t.Fatalf("withdrawal = %+v, %v", m, err)
	}
	if e.set().HasRole(e.id("cy"), bot.RoleMember) {
		t.Error("cy is still a member")
	}

	pm, err := e.dm("lee", "programme")
	if err != nil {
		t.Fatal(err)
	}
	// West: ana, ben, cy started, cy withdrew; East: eve.
	if got := field(pm, handlers.LabelStarted); got != "4 / 1 / 3" {
		t.Errorf("overall started/withdrew/finished = %q", got)
	}
	if strings.Contains(allText(pm), "new post") {
		t.Error("the programme figures show a withdrawal's reason")
	}
	wantContains(t, allText(pm), "Bristol City Council", "Bath Council", bot.NoOrg)
}

func TestQuestionnaireSendAnswerRemind(t *testing.T) {
	e := programmeEnv(t)
	ctx := context.Background()
	if _, err := e.dm("ana", "questionnaire create end from members-end"); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a member created a questionnaire: %v", err)
	}
	if _, err := e.dm("lee", "questionnaire create end from members-end"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dm("lee", "questionnaire send end to mentors"); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("a members' questionnaire sent to mentors: %v", err)
	}
	msg, err := e.dm("lee", "questionnaire send end to members by 2026-12-15")
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, msg.Text, "4 members", "every set of South West")
	got := map[string]*bot.Form{}
	for _, s := range e.msgr.take() {
		if s.To.IsDM() && len(s.Msg.Buttons) == 1 && s.Msg.Buttons[0].Form != nil {
			got[s.To.UserID] = s.Msg.Buttons[0].Form
		}
	}
	for _, u := range []string{"ana", "ben", "cy", "eve"} {
		if got[e.id(u)] == nil {
			t.Errorf("%s got no questionnaire form", u)
		}
	}
	if got[e.id("dee")] != nil || got[e.id("fac")] != nil || got[e.id("out")] != nil {
		t.Error("the questionnaire went to someone who is not a member of the programme's sets")
	}
	form := got[e.id("ana")]
	if form.SetID != "shell:C1" || len(form.Fields) != 11 {
		t.Fatalf("ana's form: set %q, %d fields", form.SetID, len(form.Fields))
	}
	// Two reminders each, before the close.
	pending, err := e.store.PendingDeliveries(ctx, "shell:C1", bot.DeliverMessage)
	if err != nil {
		t.Fatal(err)
	}
	reminders := 0
	closes := time.Date(2026, 12, 16, 0, 0, 0, 0, time.UTC)
	for _, d := range pending {
		if strings.Contains(d.ID, "/questionnaire/end/") {
			reminders++
			if !d.Due.Before(closes) || !d.Until.Equal(closes) {
				t.Errorf("reminder %s due %v until %v", d.ID, d.Due, d.Until)
			}
		}
	}
	if reminders != 2*3 {
		t.Errorf("%d reminders planned in West, want 2 for each of 3 members", reminders)
	}

	values := map[string]string{"analytical": "4", "supervision": "3", "standards": "3", "recording": "2", "decisions": "4", "sharing": "5",
		"helped_most": "Both equally", "helped": "Being asked, not told", bot.ShowNameField: "no"}
	// Bad input: nothing stored.
	bad := map[string]string{"analytical": "7"}
	if _, err := e.dmForm("ana", "questionnaire answer end", "shell:C1", bad); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("scale 7: %v", err)
	}
	if _, err := e.store.GetAnswer(ctx, bot.AnswerID("shell:programme:south-west/end", e.id("ana"))); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("a refused answer was stored: %v", err)
	}
	if _, err := e.do("ana", "questionnaire answer end analytical=4"); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("an answer typed in the channel: %v", err)
	}
	if _, err := e.dmForm("ana", "questionnaire answer end", "shell:C1", values); err != nil {
		t.Fatal(err)
	}
	a, err := e.store.GetAnswer(ctx, bot.AnswerID("shell:programme:south-west/end", e.id("ana")))
	if err != nil || a.Values["analytical"] != "4" || a.ShowName || a.Name != "" {
		t.Fatalf("ana's answer = %+v, %v", a, err)
	}
	pending, _ = e.store.PendingDeliveries(ctx, "shell:C1", bot.DeliverMessage)
	for _, d := range pending {
		if d.UserID == e.id("ana") && strings.Contains(d.ID, "/questionnaire/") {
			t.Errorf("ana, who answered, is still to be reminded: %s", d.ID)
		}
	}
	// Asking without answers shows the form with her answers in it (what
	// Slack's button runs when the form is too long to travel in it).
	fm, err := e.dm("ana", "questionnaire answer end")
	if err != nil || fm.Form == nil || fm.Form.SetID != "shell:C1" {
		t.Fatalf("the form: %+v, %v", fm, err)
	}
	for _, f := range fm.Form.Fields {
		if f.Name == "analytical" && f.Value != "4" || f.Name == bot.ShowNameField && f.Value != "no" {
			t.Errorf("field %s starts at %q", f.Name, f.Value)
		}
	}
	// She changes her answer before the close, by typing it.
	e.clock.Advance(24 * time.Hour)
	if _, err := e.dm("ana", `questionnaire answer end analytical=5 helped="Time to think" show_name=yes`); err != nil {
		t.Fatal(err)
	}
	a, _ = e.store.GetAnswer(ctx, bot.AnswerID("shell:programme:south-west/end", e.id("ana")))
	if a.Values["analytical"] != "5" || !a.ShowName || a.Name != "Ana" || !a.At.Equal(start) {
		t.Errorf("changed answer = %+v", a)
	}
	// Someone it was not sent to cannot answer.
	if _, err := e.dm("out", "questionnaire answer end analytical=1"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("out answered: %v", err)
	}
	// After the close nothing changes.
	e.clock.Advance(15 * 24 * time.Hour)
	if _, err := e.dm("ana", "questionnaire answer end analytical=1"); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("an answer after the close: %v", err)
	}
	if a2, _ := e.store.GetAnswer(ctx, a.ID); a2.Values["analytical"] != "5" {
		t.Error("an answer after the close changed the stored one")
	}
}

func TestPracticeLogAndMyData(t *testing.T) {
	e := programmeEnv(t)
	ctx := context.Background()
	before := e.snapshot()
	if _, err := e.do("ana", "log visit Went with a new worker"); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("a log entry while the practice log is off: %v", err)
	}
	e.assertUnchanged(before)
	if _, err := e.dm("ana", "programme practice-log on"); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a member switched the practice log on: %v", err)
	}
	if _, err := e.dm("lee", "programme practice-log on"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.do("ana", "log visit 2027-01-01 In the future"); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("a visit in the future: %v", err)
	}
	msg := e.must("ana", "log visit 2026-11-30 ANA-VISIT-NOTE")
	if strings.Contains(allText(msg), "ANA-VISIT-NOTE") || !msg.Private {
		t.Errorf("the log's answer repeats the note or is public: %+v", msg)
	}
	e.must("ana", "log group-supervision")
	e.in("C3")
	if _, err := e.do("out", "log visit"); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("a log entry in a set outside any programme: %v", err)
	}
	entries, err := e.store.ListLogEntries(ctx, "shell:C1")
	if err != nil || len(entries) != 2 || entries[0].Date != "2026-11-30" || entries[1].Date != "2026-12-01" {
		t.Fatalf("log entries %+v, %v", entries, err)
	}
	pm, err := e.dm("lee", "programme")
	if err != nil {
		t.Fatal(err)
	}
	if got := field(pm, handlers.LabelPractice); got != "1 / 1" {
		t.Errorf("practice log figure %q", got)
	}
	wantContains(t, allText(pm), "Ana (West): 1 visit, 1 group supervision")
	if strings.Contains(allText(pm), "ANA-VISIT-NOTE") {
		t.Error("the programme figures show a log note")
	}

	e.in("C1")
	e.must("ana", "my org Bath")
	md, err := e.dm("ana", "mydata")
	if err != nil || len(md.Files) != 1 {
		t.Fatalf("mydata: %v", err)
	}
	wantContains(t, string(md.Files[0].Data), "ANA-VISIT-NOTE", `"org": "Bath"`)
}

// A member, a mentor and facilitators (of a set in the programme, of
// another set) see no programme figures, answers or comments; the lead
// sees comments without the respondent's identity.
func TestProgrammePermissions(t *testing.T) {
	e := programmeEnv(t)
	e.dm("lee", "questionnaire create end from members-end")
	e.dm("lee", "questionnaire send end to members")
	e.dmForm("ben", "questionnaire answer end", "shell:C1", map[string]string{"analytical": "3", "supervision": "3", "standards": "3", "recording": "3",
		"decisions": "3", "sharing": "3", "helped": "SECRET-COMMENT-OF-BEN", bot.ShowNameField: "no"})

	for _, who := range []string{"ana", "dee", "fac", "hal", "out"} {
		for _, cmd := range []string{"programme", "programme report", "programme South West", "programme report South West"} {
			for _, dm := range []bool{true, false} {
				e.in("C1")
				msg, err := e.router.Handle(context.Background(), e.request(who, cmd, dm))
				if err == nil {
					t.Errorf("%s ran %q (dm %v)", who, cmd, dm)
				}
				if strings.Contains(allText(msg), "SECRET") || len(msg.Files) > 0 {
					t.Errorf("%s saw what %q holds", who, cmd)
				}
			}
		}
	}
	for _, who := range []string{"ana", "dee", "hal", "out"} {
		if _, err := e.dm(who, "questionnaires"); err == nil {
			t.Errorf("%s listed the questionnaires", who)
		}
	}
	msg, err := e.dm("lee", "programme report")
	if err != nil || len(msg.Files) != 1 {
		t.Fatalf("lee's report: %v, %d files", err, len(msg.Files))
	}
	page := string(msg.Files[0].Data)
	if !strings.Contains(page, "SECRET-COMMENT-OF-BEN") {
		t.Error("the report lacks ben's comment")
	}
	for _, id := range []string{"Ben", e.id("ben")} {
		if strings.Contains(page, id) {
			t.Errorf("the report names the respondent (%q)", id)
		}
	}
}

// Five submissions of one member's first answer at the same moment keep one
// answer document, and each is told it was saved or changed.
func TestQuestionnaireAnswerAtOnce(t *testing.T) {
	e := programmeEnv(t)
	ctx := context.Background()
	e.dm("lee", "questionnaire create start from outcomes-start")
	e.dm("lee", "questionnaire send start to members")
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.dm("ana", fmt.Sprintf("questionnaire answer start analytical=%d supervision=3 standards=3 recording=3 decisions=3 sharing=3", i+1))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	answers, err := e.store.ListAnswers(ctx, bot.ProgrammeID(bot.Shell, "South West"))
	if err != nil || len(answers) != 1 || answers[0].UserID != e.id("ana") {
		t.Fatalf("answers %+v, %v", answers, err)
	}
}

// A questionnaire written inline or pasted in the file format.
func TestQuestionnaireCreateInlineAndJSON(t *testing.T) {
	e := programmeEnv(t)
	ctx := context.Background()
	pid := bot.ProgrammeID(bot.Shell, "South West")
	if _, err := e.do("fac", "questionnaire create pulse for members after: scale The set helps me; text What would you change?"); err != nil {
		t.Fatal(err)
	}
	q, err := e.store.GetQuestionnaire(ctx, pid+"/pulse")
	if err != nil || len(q.Questions) != 2 || q.Stage != bot.StageAfter || q.CreatedBy != e.id("fac") {
		t.Fatalf("inline questionnaire %+v, %v", q, err)
	}
	if _, err := e.dm("lee", `questionnaire create { "name": "mentor-pulse", "title": "Mentor pulse", "role": "mentor", "questions": [ { "id": "a", "kind": "text", "text": "What helped?" } ] }`); err != nil {
		t.Fatal(err)
	}
	if q, err := e.store.GetQuestionnaire(ctx, pid+"/mentor-pulse"); err != nil || q.Role != bot.RoleMentor {
		t.Fatalf("pasted questionnaire %+v, %v", q, err)
	}
	before, _ := e.store.ListQuestionnaires(ctx, pid)
	for _, bad := range []string{
		`questionnaire create {"name": "x", "title": "X", "role": "member", "questions": [{"id": "a", "kind": "essay", "text": "A"}]}`,
		`questionnaire create {"name": "x", "titel": "X"}`,
		"questionnaire create pulse from members-end", // the name is taken
		"questionnaire create other from nonesuch",
	} {
		if _, err := e.dm("lee", bad); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
	if after, _ := e.store.ListQuestionnaires(ctx, pid); len(after) != len(before) {
		t.Errorf("refused questionnaires were stored: %d, want %d", len(after), len(before))
	}
}

// A mentor of two sets of the programme answers once, by typing in a DM.
func TestMentorOfTwoSetsAnswers(t *testing.T) {
	e := programmeEnv(t)
	ctx := context.Background()
	e.in("C2")
	e.must("fay", "mentor @dee for @eve")
	e.dm("lee", "questionnaire create mentors from mentors-end")
	e.dm("lee", "questionnaire send mentors to mentors")
	ans := "questionnaire answer mentors analytical=4 supervision=4 standards=3 recording=3 decisions=4 sharing=3"
	if _, err := e.dm("dee", ans); err != nil {
		t.Fatal(err)
	}
	answers, err := e.store.ListAnswers(ctx, bot.ProgrammeID(bot.Shell, "South West"))
	if err != nil || len(answers) != 1 || answers[0].UserID != e.id("dee") {
		t.Fatalf("answers %+v, %v", answers, err)
	}
	// And someone it was not sent to, with or without a form's set, learns nothing.
	for _, setID := range []string{"", "shell:C1", "shell:C3"} {
		req := e.request("ana", ans, true)
		req.SetID = setID
		if _, err := e.router.Handle(ctx, req); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("ana (set %q) answering the mentors' questionnaire: %v", setID, err)
		}
	}
}
