package bot

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestParseProgrammeVerbs(t *testing.T) {
	date := Date{Year: 2026, Month: 7, Day: 31}
	for _, tc := range []struct {
		in   string
		want Command
	}{
		{"programme create South  West 2026", Command{VerbProgrammeCreate, ProgrammeNameArgs{Name: "South West 2026"}}},
		{"programme", Command{VerbProgramme, ProgrammeNameArgs{}}},
		{"programme South West", Command{VerbProgramme, ProgrammeNameArgs{Name: "South West"}}},
		{"programme report", Command{VerbProgrammeReport, ProgrammeNameArgs{}}},
		{"programme add-set", Command{VerbProgrammeAddSet, ProgrammeAddSetArgs{}}},
		{"programme add-set East set to South West", Command{VerbProgrammeAddSet, ProgrammeAddSetArgs{Set: "East set", Programme: "South West"}}},
		{"programme lead add @lee @kim", Command{VerbProgrammeLead, ProgrammeLeadArgs{People: []string{"lee", "kim"}}}},
		{"programme practice-log on", Command{VerbProgrammePracticeLog, PracticeLogArgs{On: true}}},
		{`member @ana org "Bristol City Council"`, Command{VerbMemberOrg, MemberOrgArgs{Person: "ana", Org: "Bristol City Council"}}},
		{"my org Bath  Council", Command{VerbMyOrg, MyOrgArgs{Org: "Bath Council"}}},
		{"log visit 2026-03-02 Debriefed after", Command{VerbLogVisit, LogArgs{Kind: LogVisit, Date: AbsoluteDate(Date{2026, 3, 2}), Note: "Debriefed after"}}},
		{"log group-supervision", Command{VerbLogGroupSupervision, LogArgs{Kind: LogGroupSupervision}}},
		{"questionnaire create end from members-end", Command{VerbQuestionnaireCreate, QuestionnaireCreateArgs{Name: "end", From: "members-end"}}},
		{"questionnaire send end to members by 2026-07-31", Command{VerbQuestionnaireSend, QuestionnaireSendArgs{Name: "end", Role: RoleMember, By: AbsoluteDate(date)}}},
		{"questionnaire send end to mentors programme", Command{VerbQuestionnaireSend, QuestionnaireSendArgs{Name: "end", Role: RoleMentor, Scope: ScopeProgramme}}},
		{`questionnaire answer end analytical=4 helped="Time to  think" show_name=no`, Command{VerbQuestionnaireAnswer, QuestionnaireAnswerArgs{Name: "end",
			Values: map[string]string{"analytical": "4", "helped": "Time to think", "show_name": "no"}}}},
		{`questionnaire answer end helped="One"`, Command{VerbQuestionnaireAnswer, QuestionnaireAnswerArgs{Name: "end", Values: map[string]string{"helped": "One"}}}},
		{"questionnaires", Command{VerbQuestionnaires, NoArgs{}}},
		{"questionnaire answer end", Command{VerbQuestionnaireAnswer, QuestionnaireAnswerArgs{Name: "end", Values: map[string]string{}}}},
		{`questionnaire answer end 4 "Both equally" - no`, Command{VerbQuestionnaireAnswer, QuestionnaireAnswerArgs{Name: "end",
			Values: map[string]string{"#1": "4", "#2": "Both equally", "#3": "-", "#4": "no"}}}},
	} {
		got, err := Parse(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) = %#v, %v\nwant %#v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseQuestionnaireInline(t *testing.T) {
	got, err := Parse("questionnaire create pulse for members after: scale The sets helped me; choice Best part = sessions | mentoring; text What got in the way?")
	if err != nil {
		t.Fatal(err)
	}
	q := got.Args.(QuestionnaireCreateArgs).Questionnaire
	want := &Questionnaire{Name: "pulse", Title: "pulse", Role: RoleMember, Stage: StageAfter, Questions: []Question{
		{ID: "q1", Kind: QuestionScale, Text: "The sets helped me", Labels: AgreementLabels()},
		{ID: "q2", Kind: QuestionChoice, Text: "Best part", Options: []string{"sessions", "mentoring"}},
		{ID: "q3", Kind: QuestionText, Text: "What got in the way?"},
	}}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("inline questionnaire\n got %+v\nwant %+v", q, want)
	}
	if a, err := Parse(`questionnaire create {"name":"x"}`); err != nil || a.Args.(QuestionnaireCreateArgs).JSON != `{"name":"x"}` {
		t.Errorf("pasted JSON: %+v, %v", a, err)
	}
}

func TestParseProgrammeVerbsRefuse(t *testing.T) {
	for _, in := range []string{
		"programme create",
		"programme lead @lee",
		"programme lead add lee",
		"programme practice-log maybe",
		"programme add-set West to",
		"member @ana Bristol",
		"member @ana org",
		"my org",
		"log visit 2026-02-30",
		"questionnaire create end",
		"questionnaire create End! from members-end",
		"questionnaire create end for everyone: text Hi",
		"questionnaire create end for members: scale Hi = a | b",
		"questionnaire create end for members: essay Hi",
		"questionnaire create end for members:",
		"questionnaire send end members",
		"questionnaire send end to facilitators",
		"questionnaire send end to members by 31/02/2027",
		"questionnaire send end to members soon",
		"questionnaire answer",
		"questionnaire answer end analytical=4 3",
		`questionnaire answer end helped="never closed`,
		"questionnaire answer end a=1 a=2",
	} {
		if _, err := Parse(in); ErrorCode(err) != EINVALID {
			t.Errorf("Parse(%q) = %v, want EINVALID", in, err)
		}
	}
}

func TestPracticeLogForm(t *testing.T) {
	f := PracticeLogForm(LogVisit, "shell:west")
	got, err := ParseForm(f.Command, map[string]string{"date": "2026-03-02", "note": " Debriefed "})
	want := Command{VerbLogVisit, LogArgs{Kind: LogVisit, Date: AbsoluteDate(Date{2026, 3, 2}), Note: "Debriefed"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseForm = %#v, %v", got, err)
	}
	if _, err := ParseForm(f.Command, map[string]string{"date": "2026-02-30"}); ErrorCode(err) != EINVALID {
		t.Errorf("a bad date in the form: %v", err)
	}
}

func TestParseQuestionnairePastedJSON(t *testing.T) {
	in := `{ "name": "pulse", "title": "Quick pulse", "role": "member", "questions": [ { "id": "a", "kind": "text", "text": "What helped?" } ] }`
	got, err := Parse("questionnaire create " + in)
	if err != nil {
		t.Fatal(err)
	}
	// The tokenizer may space the JSON out; its meaning must not change.
	var want, have any
	if err := json.Unmarshal([]byte(in), &want); err != nil {
		t.Fatal(err)
	}
	j := got.Args.(QuestionnaireCreateArgs).JSON
	if err := json.Unmarshal([]byte(j), &have); err != nil || !reflect.DeepEqual(have, want) {
		t.Errorf("pasted JSON came through as %q (%v)", j, err)
	}
}
