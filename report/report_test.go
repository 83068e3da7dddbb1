package report

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/questionnaires"
)

// fixture is a programme of two sets of three members each, six sessions,
// one withdrawal, the shipped questionnaires partly answered.
//
// West: ana 6 sessions + 3 mentoring (cohort), ben 5 + 1, cat withdrew
// after 2. East: dev 6 + 4 (cohort), eve 4 + 0, fin 3 + 0.
func fixture(t *testing.T) bot.ProgrammeRecords {
	t.Helper()
	start := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	mk := func(id, name string, att map[string]int, ment map[string]int, orgs map[string]string, mentor string) bot.SetRecords {
		set := &bot.Set{ID: "shell:" + id, Name: name, People: []bot.Person{
			{User: bot.UserRef{ID: "fac-" + id, Name: "Facilitator " + name}, Roles: []bot.Role{bot.RoleFacilitator}},
			{User: bot.UserRef{ID: mentor, Name: mentor}, Roles: []bot.Role{bot.RoleMentor}},
		}}
		sr := bot.SetRecords{Set: set}
		for u := range att {
			if u != "cat" {
				set.People = append(set.People, bot.Person{User: bot.UserRef{ID: u, Name: strings.ToUpper(u[:1]) + u[1:]}, Roles: []bot.Role{bot.RoleMember}})
			}
			m := &bot.Membership{SetID: set.ID, UserID: u, Name: u, Org: orgs[u]}
			if u == "cat" {
				m.Withdrawn = &bot.Withdrawal{Date: "2026-03-01", Reason: "SECRET-REASON"}
			}
			sr.Memberships = append(sr.Memberships, m)
		}
		for n := 1; n <= 6; n++ {
			s := &bot.Session{ID: bot.SessionID(set.ID, n), SetID: set.ID, Number: n, Start: start.AddDate(0, 0, 35*(n-1)), Status: bot.SessionClosed}
			for u, k := range att {
				if n <= k {
					s.Attendees = append(s.Attendees, bot.Attendance{UserID: u})
					sr.Feedback = append(sr.Feedback, &bot.Feedback{SetID: set.ID, Session: n, UserID: u, Rating: 3 + n%3})
				}
			}
			sr.Sessions = append(sr.Sessions, s)
		}
		for u, k := range ment {
			for i := range k {
				sr.Mentoring = append(sr.Mentoring, &bot.MentoringSession{ID: fmt.Sprint(u, i), SetID: set.ID, MentorID: mentor, MenteeID: u, Date: "2026-02-01"})
			}
		}
		return sr
	}
	west := mk("west", "West", map[string]int{"ana": 6, "ben": 5, "cat": 2}, map[string]int{"ana": 3, "ben": 1},
		map[string]string{"ana": "Bristol City Council", "ben": "Bath and North East Somerset", "cat": "Bristol City Council"}, "mona")
	east := mk("east", "East", map[string]int{"dev": 6, "eve": 4, "fin": 3}, map[string]int{"dev": 4},
		map[string]string{"dev": "Devon County Council", "eve": "Devon County Council", "fin": "Torbay Council"}, "omar")
	west.Log = []*bot.LogEntry{{UserID: "ana", Kind: bot.LogVisit, Date: "2026-03-02"}, {UserID: "ben", Kind: bot.LogGroupSupervision, Date: "2026-04-10"}}

	rec := bot.ProgrammeRecords{Programme: &bot.Programme{ID: "p", Name: "South West <Region>"}, Sets: []bot.SetRecords{west, east}}
	for _, name := range []string{"outcomes-start", "members-end", "mentors-end"} {
		q, err := questionnaires.Shipped(name)
		if err != nil {
			t.Fatal(err)
		}
		q.ID = "p/" + name
		rec.Questionnaires = append(rec.Questionnaires, q)
	}
	closes := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	rec.Sends = []*bot.QuestionnaireSend{
		{QuestionnaireID: "p/outcomes-start", Recipients: []string{"ana", "ben", "cat", "dev", "eve", "fin"}, Closes: closes},
		{QuestionnaireID: "p/members-end", Recipients: []string{"ana", "ben", "dev", "eve", "fin"}, Closes: closes},
		{QuestionnaireID: "p/mentors-end", Recipients: []string{"mona", "omar"}, Closes: closes},
	}
	outcomes := func(v string) map[string]string {
		m := map[string]string{}
		for _, o := range bot.Outcomes() {
			m[o.Key] = v
		}
		return m
	}
	ans := func(q, set, user string, vals map[string]string) *bot.Answer {
		return &bot.Answer{ID: bot.AnswerID("p/"+q, user), QuestionnaireID: "p/" + q, SetID: "shell:" + set, UserID: user, Values: vals}
	}
	withText := func(m map[string]string, kv ...string) map[string]string {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	named := ans("members-end", "east", "dev", withText(outcomes("5"), "helped", "Being asked questions, not given answers", "helped_most", "Both equally"))
	named.ShowName, named.Name = true, "Dev Patel"
	rec.Answers = []*bot.Answer{
		ans("outcomes-start", "west", "ana", outcomes("2")),
		ans("outcomes-start", "west", "ben", outcomes("3")),
		ans("outcomes-start", "east", "dev", outcomes("3")),
		ans("outcomes-start", "east", "eve", outcomes("2")),
		ans("members-end", "west", "ana", withText(outcomes("4"), "helped", "Time to think <b>properly</b>", "in_the_way", "Caseload pressure")),
		ans("members-end", "west", "ben", withText(outcomes("3"), "comments", "ANON-COMMENT-BEN")),
		named,
		ans("mentors-end", "west", "mona", withText(outcomes("4"), "helped", "Regular slots")),
	}
	return rec
}

func TestReportShowsFiguresAndKeepsConfidences(t *testing.T) {
	pf := bot.ComputeProgrammeFigures(fixture(t))
	out, err := HTML(Input{Figures: pf, Generated: time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	for _, want := range []string{
		"Evaluation report: South West &lt;Region&gt;", // escaped
		`id="fig-started">6<`,
		`id="fig-finished">5<`,
		`id="fig-q-members">3 of 6 (50 %)<`,
		`id="fig-q-mentors">1 of 2 (50 %)<`,
		`id="fig-cohort">2 of 6 (33 %)<`,
		"Members who gave session feedback</td><td>3 of 3 (100 %)</td><td>3 of 3 (100 %)</td><td>6 of 6 (100 %)</td>",
		"Time to think &lt;b&gt;properly&lt;/b&gt;",
		"Being asked questions, not given answers<cite>Dev Patel</cite>",
		"ANON-COMMENT-BEN</blockquote>",
		"Bristol City Council", "Torbay Council",
		"<svg", "Attendance by session, per set", "Contribution rates by role", "Outcome self-ratings before and after",
		"@media print",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// Change for analytical: ana +2, ben 0, dev +2 (eve did not answer the end).
	if !strings.Contains(html.UnescapeString(page), "<td>Managers more analytical, reflective and enquiring</td><td>2.5 (n=4)</td><td>4.0 (n=3)</td><td>+1.3 (n=3)</td><td>+2.0 (n=2)</td><td>+0.0 (n=1)</td>") {
		t.Error("the outcomes table does not show the analytical outcome as computed by hand")
	}
	for _, never := range []string{
		"SECRET-REASON",                                 // a withdrawal's reason is the facilitators' only
		"fac-west", "Facilitator West", `"ana"`, "mona", // no user ids or names
		"Ana", "Ben",
	} {
		if strings.Contains(page, never) {
			t.Errorf("the report shows %q", never)
		}
	}
	// Self-contained: nothing is fetched.
	if m := regexp.MustCompile(`(?i)(src|href)\s*=|<script|@import|url\(`).FindString(page); m != "" {
		t.Errorf("the report links to something: %q", m)
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	pf := bot.ComputeProgrammeFigures(fixture(t))
	path, err := Write(filepath.Join(dir, "out"), Input{Figures: pf, Generated: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "south-west-region-evaluation.html" {
		t.Errorf("file name %s", filepath.Base(path))
	}
	data, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(data, []byte("<!DOCTYPE html>")) {
		t.Fatalf("read back: %v", err)
	}
}
