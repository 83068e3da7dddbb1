package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/shell"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
	"github.com/alsbot/alsbot/questionnaires"
)

// exSet is what the script did in one set, read from its lines.
type exSet struct {
	name      string
	started   []string // in the order added
	withdrawn map[string]bool
	org       map[string]string
	mentors   []string
	held      int
	attended  map[string]int
	rating    map[string]map[int]int // member -> session -> last rating
	lastIn    map[string]int         // member -> last session checked in to
	mentoring map[string]int         // mentee -> sessions
	logged    map[string]bool        // mentors who logged
	commitBy  map[string]string      // short id -> member
	reports   map[string][]string    // short id -> statuses
	seq       int
	practice  map[string]int // member -> entries
	visits    int
	groupSup  int
}

// exProgramme is the whole script's record.
type exProgramme struct {
	sets    map[string]*exSet // by channel
	order   []string
	ready   map[string]string                       // questionnaire -> shipped name
	sent    map[string]map[string]bool              // questionnaire -> recipients
	answers map[string]map[string]map[string]string // questionnaire -> user -> values
}

// kv reads "a=1 b="two words"" into a map.
func kv(words []string) map[string]string {
	out := map[string]string{}
	for i := 0; i < len(words); i++ {
		k, v, _ := strings.Cut(words[i], "=")
		if strings.HasPrefix(v, `"`) {
			for !(len(v) > 1 && strings.HasSuffix(v, `"`)) {
				i++
				v += " " + words[i]
			}
			v = strings.Trim(v, `"`)
		}
		out[k] = v
	}
	return out
}

// readProgramme interprets the script's lines.
func readProgramme(t *testing.T, script string) *exProgramme {
	ex := &exProgramme{sets: map[string]*exSet{}, ready: map[string]string{}, sent: map[string]map[string]bool{}, answers: map[string]map[string]map[string]string{}}
	actor, channel := "", shell.DefaultChannel
	for _, raw := range strings.Split(script, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, ":channel ") {
			channel = strings.TrimPrefix(line, ":channel ")
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		if strings.HasPrefix(line, "@") {
			name, rest, _ := strings.Cut(line, " ")
			actor, line = strings.TrimPrefix(name, "@"), rest
		}
		w := strings.Fields(strings.TrimPrefix(line, "/als "))
		s := ex.sets[channel]
		cmd := strings.Join(w[:min(2, len(w))], " ")
		switch {
		case w[0] == "setup":
			s = &exSet{name: w[1], withdrawn: map[string]bool{}, org: map[string]string{}, attended: map[string]int{}, rating: map[string]map[int]int{},
				lastIn: map[string]int{}, mentoring: map[string]int{}, logged: map[string]bool{}, commitBy: map[string]string{}, reports: map[string][]string{}, practice: map[string]int{}}
			ex.sets[channel] = s
			ex.order = append(ex.order, channel)
		case cmd == "members add":
			for _, m := range w[2:] {
				s.started = append(s.started, strings.TrimPrefix(m, "@"))
			}
		case cmd == "members remove":
			if len(w) < 4 || w[3] != "withdrew" {
				t.Fatalf("the script removes a member without withdrew: %s", line)
			}
			s.withdrawn[strings.TrimPrefix(w[2], "@")] = true
		case w[0] == "mentor":
			if m := strings.TrimPrefix(w[1], "@"); !slices.Contains(s.mentors, m) {
				s.mentors = append(s.mentors, m)
			}
		case w[0] == "member":
			s.org[strings.TrimPrefix(w[1], "@")] = strings.Trim(strings.Join(w[3:], " "), `"`)
		case cmd == "my org":
			s.org[actor] = strings.Join(w[2:], " ")
		case cmd == "session start":
			s.held++
		case w[0] == "here":
			s.attended[actor]++
			s.lastIn[actor] = s.held
		case w[0] == "feedback":
			r, _ := strconv.Atoi(w[1])
			if s.rating[actor] == nil {
				s.rating[actor] = map[int]int{}
			}
			s.rating[actor][s.lastIn[actor]] = r
		case cmd == "mentoring log":
			s.mentoring[strings.TrimPrefix(w[2], "@")]++
			s.logged[actor] = true
		case w[0] == "commit":
			s.seq++
			s.commitBy["C-"+strconv.Itoa(s.seq)] = actor
		case w[0] == "report":
			s.reports[w[1]] = append(s.reports[w[1]], w[2])
		case w[0] == "log":
			s.practice[actor]++
			if w[1] == "visit" {
				s.visits++
			} else {
				s.groupSup++
			}
		case cmd == "questionnaire create":
			ex.ready[w[2]] = w[4]
		case cmd == "questionnaire send":
			q, err := questionnaires.Shipped(ex.ready[w[2]])
			if err != nil {
				t.Fatal(err)
			}
			ex.sent[w[2]] = map[string]bool{}
			for _, ch := range ex.order {
				st := ex.sets[ch]
				people := st.mentors
				if q.Role == bot.RoleMember {
					people = nil
					for _, m := range st.started {
						if !st.withdrawn[m] {
							people = append(people, m)
						}
					}
				}
				for _, p := range people {
					ex.sent[w[2]][p] = true
				}
			}
		case cmd == "questionnaire answer":
			if ex.answers[w[2]] == nil {
				ex.answers[w[2]] = map[string]map[string]string{}
			}
			if ex.answers[w[2]][actor] == nil {
				ex.answers[w[2]][actor] = map[string]string{}
			}
			for k, v := range kv(w[3:]) {
				ex.answers[w[2]][actor][k] = v
			}
		}
	}
	return ex
}

// exMember is one member's hand-computed figures.
type exMember struct {
	set, user, org           string
	withdrawn, cohort        bool
	attended, mentoring      int
	ratings                  []int
	made, reported, done     int
	answeredEnd              bool
	before, after            map[string]float64
	practice, visits, groupS int
}

// members lists every member who started, with their figures.
func (ex *exProgramme) members(t *testing.T) []exMember {
	var out []exMember
	stage := map[string]bot.Stage{}
	role := map[string]bot.Role{}
	for name, ready := range ex.ready {
		q, err := questionnaires.Shipped(ready)
		if err != nil {
			t.Fatal(err)
		}
		stage[name], role[name] = q.Stage, q.Role
	}
	for _, ch := range ex.order {
		s := ex.sets[ch]
		for _, u := range s.started {
			m := exMember{set: s.name, user: u, org: s.org[u], withdrawn: s.withdrawn[u], attended: s.attended[u], mentoring: s.mentoring[u],
				before: map[string]float64{}, after: map[string]float64{}, practice: s.practice[u]}
			m.cohort = m.attended >= 5 && m.mentoring >= 3
			for _, r := range s.rating[u] {
				m.ratings = append(m.ratings, r)
			}
			for id, by := range s.commitBy {
				if by != u {
					continue
				}
				m.made++
				if len(s.reports[id]) > 0 {
					m.reported++
				}
				if slices.Contains(s.reports[id], "done") {
					m.done++
				}
			}
			for name, byUser := range ex.answers {
				vals, ok := byUser[u]
				if !ok || role[name] != bot.RoleMember {
					continue
				}
				if stage[name] == bot.StageAfter {
					m.answeredEnd = true
				}
				for _, o := range bot.Outcomes() {
					if v, err := strconv.Atoi(vals[o.Key]); err == nil {
						if stage[name] == bot.StageBefore {
							m.before[o.Key] = float64(v)
						} else {
							m.after[o.Key] = float64(v)
						}
					}
				}
			}
			out = append(out, m)
		}
	}
	return out
}

func rateOf(n, of int) string { return bot.Rate{N: n, Of: of}.String() }

func mean(xs []float64) string {
	if len(xs) == 0 {
		return "–"
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	// Halves up, as people round (and the report does).
	return fmt.Sprintf("%.1f (n=%d)", math.Round(s/float64(len(xs))*10)/10, len(xs))
}

func signed(xs []float64) string {
	if len(xs) == 0 {
		return "–"
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return fmt.Sprintf("%+.1f (n=%d)", math.Round(s/float64(len(xs))*10)/10, len(xs))
}

// groupFigures are a group's figures as the report words them.
func exGroup(ms []exMember, mentors, logging, answered int) map[string]string {
	g := map[string]string{}
	w, cohort, fb, q := 0, 0, 0, 0
	var ratings []float64
	made, rep, done, visits := 0, 0, 0, 0
	att, ment := map[int]int{}, map[int]int{}
	for _, m := range ms {
		if m.withdrawn {
			w++
		}
		if m.cohort {
			cohort++
		}
		if len(m.ratings) > 0 {
			fb++
		}
		if m.answeredEnd {
			q++
		}
		for _, r := range m.ratings {
			ratings = append(ratings, float64(r))
		}
		made, rep, done, visits = made+m.made, rep+m.reported, done+m.done, visits+m.practice
		att[m.attended]++
		ment[m.mentoring]++
	}
	g["started/withdrawn/finished"] = fmt.Sprintf("%d/%d/%d", len(ms), w, len(ms)-w)
	g["cohort"] = rateOf(cohort, len(ms))
	g["feedback"] = rateOf(fb, len(ms))
	g["questionnaire members"] = rateOf(q, len(ms))
	g["ratings"] = mean(ratings)
	g["action cycle"] = fmt.Sprintf("%d/%d/%d", made, rep, done)
	g["practice entries"] = strconv.Itoa(visits)
	g["attendance"] = fmt.Sprint(att)
	g["mentoring"] = fmt.Sprint(ment)
	if mentors >= 0 {
		g["mentors"] = strconv.Itoa(mentors)
		g["mentors logging"] = rateOf(logging, mentors)
		g["questionnaire mentors"] = rateOf(answered, mentors)
	}
	for _, o := range bot.Outcomes() {
		var b, a, ch, co, rest []float64
		for _, m := range ms {
			bv, hasB := m.before[o.Key]
			av, hasA := m.after[o.Key]
			if hasB {
				b = append(b, bv)
			}
			if hasA {
				a = append(a, av)
			}
			if hasA && hasB {
				ch = append(ch, av-bv)
				if m.cohort {
					co = append(co, av-bv)
				} else {
					rest = append(rest, av-bv)
				}
			}
		}
		g["outcome "+o.Key] = fmt.Sprintf("%s | %s | %s | %s | %s", mean(b), mean(a), signed(ch), signed(co), signed(rest))
	}
	return g
}

func gotGroup(g bot.Group, withMentors bool) map[string]string {
	out := map[string]string{
		"started/withdrawn/finished": fmt.Sprintf("%d/%d/%d", g.Started, g.Withdrawn, g.Finished),
		"cohort":                     g.Cohort.String(),
		"feedback":                   g.FeedbackMembers.String(),
		"questionnaire members":      g.QuestionnaireMembers.String(),
		"ratings":                    g.Ratings.String(),
		"action cycle":               fmt.Sprintf("%d/%d/%d", g.CommitmentsMade, g.ReportedOn, g.Done),
		"practice entries":           strconv.Itoa(g.Visits + g.GroupSupervisions),
	}
	att, ment := map[int]int{}, map[int]int{}
	for _, c := range g.Attendance {
		att[c.Value] = c.Members
	}
	for _, c := range g.Mentoring {
		ment[c.Value] = c.Members
	}
	out["attendance"], out["mentoring"] = fmt.Sprint(att), fmt.Sprint(ment)
	if withMentors {
		out["mentors"] = strconv.Itoa(g.Mentors)
		out["mentors logging"] = g.MentorsLogging.String()
		out["questionnaire mentors"] = g.QuestionnaireMentors.String()
	}
	for _, o := range g.Outcomes {
		out["outcome "+o.Key] = fmt.Sprintf("%s | %s | %s | %s | %s", o.Before, o.After, o.Change.Signed(), o.CohortChange.Signed(), o.RestChange.Signed())
	}
	return out
}

func compareGroup(t *testing.T, name string, got, want map[string]string) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s %s = %q, want %q (from the script)", name, k, got[k], w)
		}
	}
}

// TestProgrammeExample runs examples/programme.als and checks every
// programme figure against figures computed here from the script's lines.
func TestProgrammeExample(t *testing.T) {
	run := runScript(t, "../examples/programme.als", time.Date(2026, 9, 7, 8, 0, 0, 0, time.UTC))
	ctx, store, files := context.Background(), run.store, run.files
	if len(run.errs) > 0 {
		t.Fatalf("script commands failed:\n%s", strings.Join(run.errs, "\n"))
	}
	ex := readProgramme(t, run.script)
	ms := ex.members(t)

	prog, err := store.GetProgramme(ctx, bot.ProgrammeID(bot.Shell, "South West"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := handlers.LoadProgramme(ctx, store, store, prog)
	if err != nil {
		t.Fatal(err)
	}
	pf := bot.ComputeProgrammeFigures(recs)

	// Mentors of the whole programme, from the script.
	mentors, logging, answered := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, ch := range ex.order {
		s := ex.sets[ch]
		for _, m := range s.mentors {
			mentors[m] = true
			if s.logged[m] {
				logging[m] = true
			}
			if _, ok := ex.answers["mentors"][m]; ok {
				answered[m] = true
			}
		}
	}

	t.Run("overall", func(t *testing.T) {
		compareGroup(t, "overall", gotGroup(pf.Overall, true), exGroup(ms, len(mentors), len(logging), len(answered)))
		// The headline figures, spelled out as the report words them.
		for _, tc := range []struct{ name, got, want string }{
			{"members who answered the end questionnaire", pf.Overall.QuestionnaireMembers.String(), "6 of 9 (67 %)"},
			{"mentors who answered theirs", pf.Overall.QuestionnaireMentors.String(), "3 of 4 (75 %)"},
			{"members who gave feedback", pf.Overall.FeedbackMembers.String(), "8 of 9 (89 %)"},
			{"attended 5+ with 3+ mentoring", pf.Overall.Cohort.String(), "4 of 9 (44 %)"},
			{"started/withdrawn/finished", fmt.Sprintf("%d/%d/%d", pf.Overall.Started, pf.Overall.Withdrawn, pf.Overall.Finished), "9/1/8"},
		} {
			if tc.got != tc.want {
				t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
			}
		}
	})
	t.Run("by set", func(t *testing.T) {
		if len(pf.Sets) != len(ex.order) {
			t.Fatalf("%d sets, want %d", len(pf.Sets), len(ex.order))
		}
		for _, ch := range ex.order {
			s := ex.sets[ch]
			i := slices.IndexFunc(pf.Sets, func(f bot.SetFigures) bool { return f.Name == s.name })
			if i < 0 {
				t.Fatalf("no figures for %s", s.name)
			}
			var mine []exMember
			for _, m := range ms {
				if m.set == s.name {
					mine = append(mine, m)
				}
			}
			logs, ans := 0, 0
			for _, m := range s.mentors {
				if s.logged[m] {
					logs++
				}
				if _, ok := ex.answers["mentors"][m]; ok {
					ans++
				}
			}
			compareGroup(t, s.name, gotGroup(pf.Sets[i].Group, true), exGroup(mine, len(s.mentors), logs, ans))
			if len(pf.Sets[i].Sessions) != s.held || s.held != 6 {
				t.Errorf("%s held %d sessions, the script %d", s.name, len(pf.Sets[i].Sessions), s.held)
			}
		}
	})
	t.Run("by organisation", func(t *testing.T) {
		byOrg := map[string][]exMember{}
		for _, m := range ms {
			byOrg[m.org] = append(byOrg[m.org], m)
		}
		if len(pf.Orgs) != len(byOrg) {
			t.Fatalf("%d organisations, want %d", len(pf.Orgs), len(byOrg))
		}
		for _, g := range pf.Orgs {
			want := byOrg[g.Name]
			if g.Name == bot.NoOrg {
				want = byOrg[""]
			}
			compareGroup(t, g.Name, gotGroup(g, false), exGroup(want, -1, 0, 0))
		}
	})
	t.Run("questionnaires", func(t *testing.T) {
		for _, qf := range pf.Questionnaires {
			n := 0
			for u := range ex.answers[qf.Name] {
				if ex.sent[qf.Name][u] {
					n++
				}
			}
			if want := rateOf(n, len(ex.sent[qf.Name])); qf.Responses.String() != want {
				t.Errorf("%s responses %s, want %s", qf.Name, qf.Responses, want)
			}
		}
	})

	// The report: written by `programme report`, the figures in it.
	reports, _ := filepath.Glob(filepath.Join(files, "*-evaluation.html"))
	if len(reports) != 1 {
		t.Fatalf("report files %v", reports)
	}
	page, err := os.ReadFile(reports[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("report of the example: %d bytes", len(page))
	for _, want := range []string{"6 of 9 (67 %)", "3 of 4 (75 %)", "Being asked questions instead of being given answers", "I would like the sets to continue<cite>ben</cite>"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// Only ben agreed to be named beside his comment.
	for _, who := range []string{"<cite>ana", "<cite>eli", "<cite>fay", "<cite>mo"} {
		if bytes.Contains(page, []byte(who)) {
			t.Errorf("the report names a respondent who did not agree (%s)", who)
		}
	}
}
