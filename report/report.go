// Package report writes a programme's evaluation report: one self-contained
// HTML file (inline CSS and SVG, no scripts, nothing fetched) that a
// commissioner can open, read and print. It shows figures and anonymised
// comments only: no member's name appears unless they agreed to be named
// beside their comments.
package report

import (
	"bytes"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/alsbot/alsbot/bot"
)

// Input is what the report is made of.
type Input struct {
	Figures   bot.ProgrammeFigures
	Generated time.Time
	Loc       *time.Location // for the generation time; UTC when nil
}

// FileName is the report's file name for programme name: letters, digits
// and '-' only, so it is a safe name on every system.
func FileName(programme string) string {
	s := strings.Join(strings.FieldsFunc(strings.ToLower(programme), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), "-")
	if s == "" {
		s = "programme"
	}
	return s + "-evaluation.html"
}

// Write writes the report into dir (created if need be) and returns its path.
func Write(dir string, in Input) (string, error) {
	data, err := HTML(in)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName(in.Figures.Programme))
	// The report holds anonymised comments: readable by its owner only.
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}

// HTML renders the report.
func HTML(in Input) ([]byte, error) {
	t, err := template.New("report").Funcs(template.FuncMap{
		"inc":     func(i int) int { return i + 1 },
		"dist":    dist,
		"maxHeld": maxHeld,
		"pct":     func(r bot.Rate) int { return r.Percent() },
		"mean":    func(m bot.Mean) string { return m.String() },
		"signed":  func(m bot.Mean) string { return m.Signed() },
		"label":   func(q bot.QuestionFigures, c bot.Count) string { return countLabel(q, c) },
		"stage":   stageName,
		"scales":  scales,
		"grouped": inScales,
		"role":    roleName,
		"sessionRange": func(s bot.SetFigures) string {
			if len(s.Sessions) == 0 {
				return "no sessions held"
			}
			return fmt.Sprintf("%d sessions, %s to %s", len(s.Sessions), s.Sessions[0].Date, s.Sessions[len(s.Sessions)-1].Date)
		},
	}).Parse(page)
	if err != nil {
		return nil, fmt.Errorf("parse the report template: %w", err)
	}
	loc := in.Loc
	if loc == nil {
		loc = time.UTC
	}
	pf := in.Figures
	v := view{
		F:            pf,
		Generated:    in.Generated.In(loc).Format("2 January 2006, 15:04 MST"),
		Attendance:   attendanceChart(pf),
		Contribution: contributionChart(pf.Overall),
		Outcomes:     outcomeChart(pf.Overall),
		AllGroups:    append(setGroups(pf), pf.Overall),
	}
	for _, o := range pf.Overall.Outcomes {
		if o.Before.N+o.After.N > 0 {
			v.HasOutcomes = true
		}
	}
	for _, g := range v.AllGroups {
		if g.Visits+g.GroupSupervisions > 0 {
			v.HasPractice = true
		}
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("render the report: %w", err)
	}
	return b.Bytes(), nil
}

type view struct {
	F                                  bot.ProgrammeFigures
	Generated                          string
	Attendance, Contribution, Outcomes template.HTML
	AllGroups                          []bot.Group // each set, then overall
	HasOutcomes, HasPractice           bool
}

func setGroups(pf bot.ProgrammeFigures) []bot.Group {
	out := make([]bot.Group, 0, len(pf.Sets)+1)
	for _, s := range pf.Sets {
		out = append(out, s.Group)
	}
	return out
}

// maxHeld is the most sessions any set held: the attendance rows run from
// it down to 0.
func maxHeld(pf bot.ProgrammeFigures) []int {
	n := 0
	for _, s := range pf.Sets {
		n = max(n, len(s.Sessions))
	}
	out := make([]int, 0, n+1)
	for i := n; i >= 0; i-- {
		out = append(out, i)
	}
	return out
}

// dist is how many members of a distribution had value v.
func dist(cs []bot.Count, v int) int {
	for _, c := range cs {
		if c.Value == v {
			return c.Members
		}
	}
	return 0
}

func countLabel(q bot.QuestionFigures, c bot.Count) string {
	switch q.Kind {
	case bot.QuestionScale:
		l := strconv.Itoa(c.Value)
		if c.Value >= 1 && c.Value <= len(q.Labels) {
			l += " " + q.Labels[c.Value-1]
		}
		return l
	case bot.QuestionChoice:
		if c.Value >= 0 && c.Value < len(q.Options) {
			return q.Options[c.Value]
		}
	}
	return strconv.Itoa(c.Value)
}

// scales are a questionnaire's scale questions that share the first one's
// labels, shown as one table; other scale questions get a table each.
func scales(qs []bot.QuestionFigures) []bot.QuestionFigures {
	var out []bot.QuestionFigures
	for _, q := range qs {
		if inScales(qs, q) {
			out = append(out, q)
		}
	}
	return out
}

func inScales(qs []bot.QuestionFigures, q bot.QuestionFigures) bool {
	if q.Kind != bot.QuestionScale || len(q.Labels) != 5 {
		return false
	}
	for _, first := range qs {
		if first.Kind == bot.QuestionScale && len(first.Labels) == 5 {
			return slices.Equal(first.Labels, q.Labels)
		}
	}
	return false
}

func stageName(s bot.Stage) string {
	switch s {
	case bot.StageBefore:
		return "at the start"
	case bot.StageAfter:
		return "at the end"
	}
	return "during the programme"
}

func roleName(r bot.Role) string {
	if r == bot.RoleMentor {
		return "mentors"
	}
	return "set members"
}

// attendanceChart: for each session number, one bar per set, the share of
// the set's starters who attended.
func attendanceChart(pf bot.ProgrammeFigures) template.HTML {
	var series []string
	n := 0
	for _, s := range pf.Sets {
		series = append(series, s.Name)
		n = max(n, len(s.Sessions))
	}
	groups := make([]barGroup, n)
	for i := range groups {
		groups[i].Label = "Session " + strconv.Itoa(i+1)
		for _, s := range pf.Sets {
			br := bar{Text: "–"}
			if i < len(s.Sessions) && s.Sessions[i].Of > 0 {
				p := s.Sessions[i]
				br = bar{Value: float64(p.Attended) / float64(p.Of), Text: fmt.Sprintf("%d of %d", p.Attended, p.Of)}
			}
			groups[i].Bars = append(groups[i].Bars, br)
		}
	}
	return groupedBars("Attendance by session, per set", series, groups, 1, []float64{0, 0.25, 0.5, 0.75, 1},
		func(v float64) string { return strconv.Itoa(int(v*100+0.5)) + " %" })
}

// contributionChart: the programme's contribution rates by role.
func contributionChart(g bot.Group) template.HTML {
	rows := []hbar{
		{"Members: session feedback", rate(g.FeedbackMembers), g.FeedbackMembers.String()},
		{"Members: end-of-programme questionnaire", rate(g.QuestionnaireMembers), g.QuestionnaireMembers.String()},
		{"Mentors: end-of-programme questionnaire", rate(g.QuestionnaireMentors), g.QuestionnaireMentors.String()},
		{"Mentors: logged mentoring", rate(g.MentorsLogging), g.MentorsLogging.String()},
	}
	return hbars("Contribution rates by role", rows, 1, nil)
}

func rate(r bot.Rate) float64 {
	if r.Of == 0 {
		return 0
	}
	return float64(r.N) / float64(r.Of)
}

// outcomeChart: each outcome's mean self-rating before and after, on 1-5.
func outcomeChart(g bot.Group) template.HTML {
	var pairs []pair
	for _, o := range g.Outcomes {
		pairs = append(pairs, pair{Label: o.Label, Values: [2]float64{o.Before.Value() / 5, o.After.Value() / 5}, Texts: [2]string{o.Before.String(), o.After.String()}})
	}
	return pairedBars("Outcome self-ratings before and after (mean, 1 to 5)", [2]string{"before", "after"}, pairs)
}
