package bot

import (
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"
)

func TestRateString(t *testing.T) {
	for _, tc := range []struct {
		n, of int
		want  string
	}{
		{16, 23, "16 of 23 (70 %)"}, // the report's members
		{7, 11, "7 of 11 (64 %)"},   // the report's mentors
		{1, 2, "1 of 2 (50 %)"},
		{1, 3, "1 of 3 (33 %)"},
		{2, 3, "2 of 3 (67 %)"},
		{1, 8, "1 of 8 (13 %)"}, // 12.5 rounds half up
		{0, 4, "0 of 4 (0 %)"},
		{0, 0, "0 of 0"},
	} {
		if got := (Rate{tc.n, tc.of}).String(); got != tc.want {
			t.Errorf("Rate{%d, %d} = %q, want %q", tc.n, tc.of, got, tc.want)
		}
	}
}

// programmeFixture is a small programme whose every figure is worked out by
// hand in TestComputeProgrammeFigures.
func programmeFixture() ProgrammeRecords {
	day := func(n int) time.Time { return time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC).AddDate(0, 0, 28*n) }
	person := func(id, name string, roles ...Role) Person {
		return Person{User: UserRef{ID: id, Name: name}, Roles: roles}
	}
	sessions := func(setID string, att map[int][]string) []*Session {
		var out []*Session
		for n := 1; n <= 8; n++ {
			s := &Session{ID: SessionID(setID, n), SetID: setID, Number: n, Start: day(n), Status: SessionClosed}
			switch n {
			case 7:
				s.Status = SessionScheduled
			case 8:
				s.Status = SessionCancelled
			}
			for _, u := range att[n] {
				s.Attendees = append(s.Attendees, Attendance{UserID: u})
			}
			out = append(out, s)
		}
		return out
	}
	west := &Set{ID: "shell:west", Name: "West", People: []Person{
		person("f", "Fay", RoleFacilitator),
		person("a", "Ana", RoleMember),
		person("b", "Bea", RoleMember),
		person("m1", "Mo", RoleMentor),
		person("m2", "Max", RoleMentor),
	}}
	east := &Set{ID: "shell:east", Name: "East", People: []Person{
		person("f", "Fay", RoleFacilitator),
		person("d", "Dan", RoleMember),
		person("e", "Eve", RoleMember),
		person("m1", "Mo", RoleMentor),
	}}
	ment := func(setID, mentor, mentee string, n int) []*MentoringSession {
		var out []*MentoringSession
		for i := range n {
			out = append(out, &MentoringSession{ID: fmt.Sprint(setID, mentee, i), SetID: setID, MentorID: mentor, MenteeID: mentee, Date: "2026-02-01"})
		}
		return out
	}
	westMent := append(ment(west.ID, "m1", "a", 3), ment(west.ID, "m1", "b", 2)...)
	start := &Questionnaire{ID: "p/start", Name: "start", Title: "Start", Role: RoleMember, Stage: StageBefore, Questions: []Question{
		{ID: "q1", Kind: QuestionScale, Text: "Analytical?", Labels: []string{"1", "2", "3", "4", "5"}, Outcome: "analytical"},
	}}
	end := &Questionnaire{ID: "p/end", Name: "end", Title: "End", Role: RoleMember, Stage: StageAfter, Questions: []Question{
		{ID: "q1", Kind: QuestionScale, Text: "Analytical?", Labels: []string{"1", "2", "3", "4", "5"}, Outcome: "analytical"},
		{ID: "q2", Kind: QuestionChoice, Text: "What helped?", Options: []string{"sets", "mentoring", "both"}},
		{ID: "q3", Kind: QuestionText, Text: "Comments"},
	}}
	mentors := &Questionnaire{ID: "p/mentors", Name: "mentors", Title: "Mentors", Role: RoleMentor, Stage: StageAfter, Questions: []Question{
		{ID: "t", Kind: QuestionText, Text: "Comments"},
	}}
	ans := func(q *Questionnaire, set, user string, vals map[string]string) *Answer {
		return &Answer{ID: AnswerID(q.ID, user), QuestionnaireID: q.ID, SetID: set, UserID: user, Values: vals}
	}
	bea := ans(end, west.ID, "b", map[string]string{"q1": "3", "q2": "both", "q3": "More time please"})
	bea.ShowName, bea.Name = true, "Bea"
	closes := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	return ProgrammeRecords{
		Programme: &Programme{ID: "p", Name: "South West"},
		Sets: []SetRecords{
			{
				Set: west,
				Sessions: sessions(west.ID, map[int][]string{
					1: {"a", "a", "b", "c", "f"}, 2: {"a", "b", "c"}, 3: {"a", "b"}, 4: {"a", "b"}, 5: {"a", "b"}, 6: {"a"}, 7: {"b"},
				}),
				Commitments: []*Commitment{
					{UserID: "a", Status: CommitmentDone, Reports: []Report{{Status: ReportDone}}},
					{UserID: "a", Status: CommitmentOpen},
					{UserID: "b", Status: CommitmentOpen, Reports: []Report{{Status: ReportProgress}}},
					{UserID: "f", Status: CommitmentDone}, // not a member
				},
				Feedback: []*Feedback{
					{UserID: "a", Session: 1, Rating: 4}, {UserID: "a", Session: 2, Rating: 5},
					{UserID: "c", Session: 1, Rating: 2},
					{UserID: "b", Session: 7, Rating: 3}, // session 7 was not held
				},
				Mentoring: westMent,
				Memberships: []*Membership{
					{SetID: west.ID, UserID: "a", Org: "Bristol"},
					{SetID: west.ID, UserID: "b", Org: "Bath"},
					{SetID: west.ID, UserID: "c", Name: "Cy", Org: "Bristol", Withdrawn: &Withdrawal{Date: "2026-03-01", Reason: "workload"}},
				},
				Log: []*LogEntry{
					{UserID: "a", Kind: LogVisit, Date: "2026-03-05"},
					{UserID: "a", Kind: LogGroupSupervision, Date: "2026-03-20"},
					{UserID: "f", Kind: LogVisit, Date: "2026-03-06"}, // not a member
				},
			},
			{
				Set: east,
				Sessions: sessions(east.ID, map[int][]string{
					1: {"d", "e"}, 2: {"d", "e"}, 3: {"d", "e"}, 4: {"d"}, 5: {"d"}, 6: {"d"},
				}),
				Feedback:    []*Feedback{{UserID: "e", Session: 3, Rating: 3}},
				Mentoring:   ment(east.ID, "m1", "d", 4),
				Memberships: []*Membership{{SetID: east.ID, UserID: "e", Org: "Bath"}},
				Log:         []*LogEntry{{UserID: "d", Kind: LogVisit, Date: "2026-04-01"}},
			},
		},
		Questionnaires: []*Questionnaire{start, end, mentors},
		Sends: []*QuestionnaireSend{
			{QuestionnaireID: start.ID, Recipients: []string{"a", "b", "c", "d", "e"}, Closes: closes},
			{QuestionnaireID: end.ID, Recipients: []string{"a", "b", "d", "e"}, Closes: closes},
			{QuestionnaireID: mentors.ID, Recipients: []string{"m1", "m2"}, Closes: closes},
		},
		Answers: []*Answer{
			ans(start, west.ID, "a", map[string]string{"q1": "2"}),
			ans(start, west.ID, "b", map[string]string{"q1": "3"}),
			ans(start, east.ID, "d", map[string]string{"q1": "2"}),
			ans(start, east.ID, "e", map[string]string{"q1": "4"}),
			ans(end, west.ID, "a", map[string]string{"q1": "4", "q3": "Space to think"}),
			bea,
			ans(end, east.ID, "d", map[string]string{"q1": "5", "q2": "sets"}),
			ans(mentors, west.ID, "m1", map[string]string{"t": "Good sets"}),
		},
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestComputeProgrammeFigures(t *testing.T) {
	pf := ComputeProgrammeFigures(programmeFixture())

	type group struct {
		name                            string
		started, withdrawn, finished    int
		attendance, mentoring           []Count
		cohort, feedback, qMembers      string
		mentors                         int
		logging, qMentors               string
		ratings                         int
		meanRating                      float64
		ratingCounts                    [5]int
		made, reported, done            int
		visits, groupSup, loggingPeople int
	}
	check := func(t *testing.T, g Group, w group) {
		t.Helper()
		got := group{g.Name, g.Started, g.Withdrawn, g.Finished, g.Attendance, g.Mentoring,
			g.Cohort.String(), g.FeedbackMembers.String(), g.QuestionnaireMembers.String(),
			g.Mentors, g.MentorsLogging.String(), g.QuestionnaireMentors.String(),
			g.Ratings.N, 0, g.RatingCounts, g.CommitmentsMade, g.ReportedOn, g.Done,
			g.Visits, g.GroupSupervisions, g.MembersLoggingPractice}
		if !near(g.Ratings.Value(), w.meanRating) {
			t.Errorf("%s: mean rating %v, want %v", w.name, g.Ratings.Value(), w.meanRating)
		}
		w.meanRating = 0
		if !reflect.DeepEqual(got, w) {
			t.Errorf("figures of %s:\n got %+v\nwant %+v", w.name, got, w)
		}
	}
	c := func(vm ...int) []Count {
		var out []Count
		for i := 0; i < len(vm); i += 2 {
			out = append(out, Count{vm[i], vm[i+1]})
		}
		return out
	}

	// Overall: a (6 sessions, 3 mentoring), b (5, 2), c withdrew (2, 0),
	// d (6, 4), e (3, 0). Cohort: a and d. Feedback: a, c, e. End
	// questionnaire: a, b, d. Mentors m1 (logged, answered) and m2.
	t.Run("overall", func(t *testing.T) {
		check(t, pf.Overall, group{
			name: "Overall", started: 5, withdrawn: 1, finished: 4,
			attendance: c(6, 2, 5, 1, 3, 1, 2, 1), mentoring: c(4, 1, 3, 1, 2, 1, 0, 2),
			cohort: "2 of 5 (40 %)", feedback: "3 of 5 (60 %)", qMembers: "3 of 5 (60 %)",
			mentors: 2, logging: "1 of 2 (50 %)", qMentors: "1 of 2 (50 %)",
			ratings: 4, meanRating: (4 + 5 + 2 + 3) / 4.0, ratingCounts: [5]int{0, 1, 1, 1, 1},
			made: 3, reported: 2, done: 1, visits: 2, groupSup: 1, loggingPeople: 2,
		})
	})
	t.Run("by set", func(t *testing.T) {
		if len(pf.Sets) != 2 {
			t.Fatalf("%d sets, want 2", len(pf.Sets))
		}
		check(t, pf.Sets[0].Group, group{
			name: "West", started: 3, withdrawn: 1, finished: 2,
			attendance: c(6, 1, 5, 1, 2, 1), mentoring: c(3, 1, 2, 1, 0, 1),
			cohort: "1 of 3 (33 %)", feedback: "2 of 3 (67 %)", qMembers: "2 of 3 (67 %)",
			mentors: 2, logging: "1 of 2 (50 %)", qMentors: "1 of 2 (50 %)",
			ratings: 3, meanRating: 11 / 3.0, ratingCounts: [5]int{0, 1, 0, 1, 1},
			made: 3, reported: 2, done: 1, visits: 1, groupSup: 1, loggingPeople: 1,
		})
		check(t, pf.Sets[1].Group, group{
			name: "East", started: 2, withdrawn: 0, finished: 2,
			attendance: c(6, 1, 3, 1), mentoring: c(4, 1, 0, 1),
			cohort: "1 of 2 (50 %)", feedback: "1 of 2 (50 %)", qMembers: "1 of 2 (50 %)",
			mentors: 1, logging: "1 of 1 (100 %)", qMentors: "1 of 1 (100 %)",
			ratings: 1, meanRating: 3, ratingCounts: [5]int{0, 0, 1, 0, 0},
			visits: 1, loggingPeople: 1,
		})
		want := []SessionPoint{
			{1, "2026-01-29", 3, 3}, {2, "2026-02-26", 3, 3}, {3, "2026-03-26", 2, 3},
			{4, "2026-04-23", 2, 3}, {5, "2026-05-21", 2, 3}, {6, "2026-06-18", 1, 3},
		}
		if !reflect.DeepEqual(pf.Sets[0].Sessions, want) {
			t.Errorf("West sessions:\n got %+v\nwant %+v", pf.Sets[0].Sessions, want)
		}
	})
	// Organisations: Bath (b, e), Bristol (a, c), and d gave none.
	t.Run("by organisation", func(t *testing.T) {
		if len(pf.Orgs) != 3 {
			t.Fatalf("%d organisations, want 3: %+v", len(pf.Orgs), pf.Orgs)
		}
		check(t, pf.Orgs[0], group{
			name: "Bath", started: 2, finished: 2, attendance: c(5, 1, 3, 1), mentoring: c(2, 1, 0, 1),
			cohort: "0 of 2 (0 %)", feedback: "1 of 2 (50 %)", qMembers: "1 of 2 (50 %)", logging: "0 of 0", qMentors: "0 of 0",
			ratings: 1, meanRating: 3, ratingCounts: [5]int{0, 0, 1, 0, 0}, made: 1, reported: 1,
		})
		check(t, pf.Orgs[1], group{
			name: "Bristol", started: 2, withdrawn: 1, finished: 1, attendance: c(6, 1, 2, 1), mentoring: c(3, 1, 0, 1),
			cohort: "1 of 2 (50 %)", feedback: "2 of 2 (100 %)", qMembers: "1 of 2 (50 %)", logging: "0 of 0", qMentors: "0 of 0",
			ratings: 3, meanRating: 11 / 3.0, ratingCounts: [5]int{0, 1, 0, 1, 1}, made: 2, reported: 1, done: 1,
			visits: 1, groupSup: 1, loggingPeople: 1,
		})
		if pf.Orgs[2].Name != NoOrg || pf.Orgs[2].Started != 1 {
			t.Errorf("last organisation group = %q with %d, want %q with 1", pf.Orgs[2].Name, pf.Orgs[2].Started, NoOrg)
		}
	})
	// Analytical: before a 2, b 3, d 2, e 4; after a 4, b 3, d 5. Change
	// a +2, b 0, d +3; the cohort is a and d.
	t.Run("outcomes", func(t *testing.T) {
		o := pf.Overall.Outcomes[0]
		if o.Key != "analytical" || len(pf.Overall.Outcomes) != 6 {
			t.Fatalf("outcomes = %+v", pf.Overall.Outcomes)
		}
		for _, tc := range []struct {
			name string
			m    Mean
			n    int
			v    float64
		}{
			{"before", o.Before, 4, 11 / 4.0}, {"after", o.After, 3, 4},
			{"change", o.Change, 3, 5 / 3.0}, {"cohort change", o.CohortChange, 2, 2.5}, {"rest change", o.RestChange, 1, 0},
		} {
			if tc.m.N != tc.n || !near(tc.m.Value(), tc.v) {
				t.Errorf("%s = %v over %d, want %v over %d", tc.name, tc.m.Value(), tc.m.N, tc.v, tc.n)
			}
		}
		if got := o.Change.Signed(); got != "+1.7 (n=3)" {
			t.Errorf("change shown as %q", got)
		}
		for _, o := range pf.Overall.Outcomes[1:] {
			if o.Before.N+o.After.N+o.Change.N != 0 {
				t.Errorf("outcome %s has ratings nobody gave: %+v", o.Key, o)
			}
		}
	})
	t.Run("questionnaires", func(t *testing.T) {
		if len(pf.Questionnaires) != 3 {
			t.Fatalf("%d questionnaires", len(pf.Questionnaires))
		}
		for i, want := range []string{"4 of 5 (80 %)", "3 of 4 (75 %)", "1 of 2 (50 %)"} {
			if got := pf.Questionnaires[i].Responses.String(); got != want {
				t.Errorf("%s responses %s, want %s", pf.Questionnaires[i].Name, got, want)
			}
		}
		end := pf.Questionnaires[1]
		if got, want := end.Questions[0].Counts, c(1, 0, 2, 0, 3, 1, 4, 1, 5, 1); !reflect.DeepEqual(got, want) || end.Questions[0].Mean.Value() != 4 {
			t.Errorf("scale counts %v mean %v", got, end.Questions[0].Mean)
		}
		if got, want := end.Questions[1].Counts, c(0, 1, 1, 0, 2, 1); !reflect.DeepEqual(got, want) {
			t.Errorf("choice counts %v, want %v", got, want)
		}
		// Sorted by text; only Bea agreed to be named.
		want := []Comment{{Text: "More time please", Name: "Bea"}, {Text: "Space to think"}}
		if got := end.Questions[2].Comments; !reflect.DeepEqual(got, want) {
			t.Errorf("comments %+v, want %+v", got, want)
		}
	})
	t.Run("practice log over time", func(t *testing.T) {
		want := []PracticeMonth{{"2026-03", 1, 1}, {"2026-04", 1, 0}}
		if !reflect.DeepEqual(pf.Practice, want) {
			t.Errorf("practice %+v, want %+v", pf.Practice, want)
		}
	})
}

func TestQuestionnaireValidate(t *testing.T) {
	ok := func() Questionnaire {
		return Questionnaire{Name: "end", Title: "End", Role: RoleMember, Questions: []Question{
			{ID: "a", Kind: QuestionScale, Text: "A", Labels: []string{"1", "2", "3", "4", "5"}, Outcome: "sharing"},
			{ID: "b", Kind: QuestionChoice, Text: "B", Options: []string{"x", "y"}},
			{ID: "c", Kind: QuestionText, Text: "C"},
		}}
	}
	if q := ok(); q.Validate() != nil {
		t.Fatalf("valid questionnaire refused: %v", q.Validate())
	}
	for name, spoil := range map[string]func(*Questionnaire){
		"no name":        func(q *Questionnaire) { q.Name = " " },
		"bad role":       func(q *Questionnaire) { q.Role = RoleFacilitator },
		"bad stage":      func(q *Questionnaire) { q.Stage = "during" },
		"four labels":    func(q *Questionnaire) { q.Questions[0].Labels = q.Questions[0].Labels[:4] },
		"unknown kind":   func(q *Questionnaire) { q.Questions[2].Kind = "essay" },
		"one option":     func(q *Questionnaire) { q.Questions[1].Options = []string{"x"} },
		"duplicate id":   func(q *Questionnaire) { q.Questions[1].ID = "a" },
		"dotted id":      func(q *Questionnaire) { q.Questions[1].ID = "a.b" },
		"bad outcome":    func(q *Questionnaire) { q.Questions[0].Outcome = "happiness" },
		"text outcome":   func(q *Questionnaire) { q.Questions[2].Outcome = "sharing" },
		"no questions":   func(q *Questionnaire) { q.Questions = nil },
		"empty question": func(q *Questionnaire) { q.Questions[0].Text = "" },
	} {
		q := ok()
		spoil(&q)
		if err := q.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: Validate = %v, want EINVALID", name, err)
		}
	}
}

func TestCheckAnswers(t *testing.T) {
	q := &Questionnaire{Name: "end", Questions: []Question{
		{ID: "a", Kind: QuestionScale, Text: "A", Required: true},
		{ID: "b", Kind: QuestionChoice, Text: "B", Options: []string{"x", "y"}},
		{ID: "c", Kind: QuestionText, Text: "C"},
	}}
	got, err := q.CheckAnswers(map[string]string{"a": "4", "b": "y", "c": "  fine  ", "zzz": "dropped"})
	if err != nil || !reflect.DeepEqual(got, map[string]string{"a": "4", "b": "y", "c": "fine"}) {
		t.Fatalf("CheckAnswers = %v, %v", got, err)
	}
	for name, vals := range map[string]map[string]string{
		"missing required": {"b": "x"},
		"scale 6":          {"a": "6"},
		"scale word":       {"a": "four"},
		"unknown option":   {"a": "3", "b": "z"},
	} {
		if _, err := q.CheckAnswers(vals); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}

// TestOneDecimal: means are shown rounded as people round them, halves up
// (a trial's ratings 4, 5, 5 and 3 were shown as 4.2).
func TestOneDecimal(t *testing.T) {
	tests := []struct {
		x    float64
		want string
	}{
		{(4 + 5 + 5 + 3) / 4.0, "4.3"},
		{4.24, "4.2"},
		{1.05 * 2, "2.1"},
		{5, "5.0"},
		{0, "0.0"},
		{-0.04, "0.0"},
		{-0.25, "-0.3"},
	}
	for _, tc := range tests {
		if got := OneDecimal(tc.x); got != tc.want {
			t.Errorf("OneDecimal(%v) = %s, want %s", tc.x, got, tc.want)
		}
	}
	if got := (Mean{Sum: 17, N: 4}).String(); got != "4.3 (n=4)" {
		t.Errorf("Mean 17/4 = %s, want 4.3 (n=4)", got)
	}
	if got := (Mean{Sum: -0.1, N: 4}).Signed(); got != "+0.0 (n=4)" {
		t.Errorf("Signed -0.025 = %s, want +0.0 (n=4)", got)
	}
}
