package bot

// The figures of a programme's questionnaires: responses, counts, comments.

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// QuestionFigures are the answers to one question.
type QuestionFigures struct {
	ID, Text string
	Kind     QuestionKind
	Labels   []string
	Counts   []Count // scale: Value 1..5; choice: Value is the option's index
	Options  []string
	Mean     Mean // scale only
	Comments []Comment
}

// Comment is a free-text answer as the report shows it: anonymous unless
// the respondent agreed to be named.
type Comment struct {
	Text string
	Name string // empty: anonymous
}

// QuestionnaireFigures are one questionnaire's response and answers.
type QuestionnaireFigures struct {
	ID, Name, Title string
	Role            Role
	Stage           Stage
	Recipients      int
	Responses       Rate // respondents among the recipients
	Closes          []string
	Questions       []QuestionFigures
}

// questionnaireFigures counts each questionnaire's responses and answers.
// Comments are sorted by their text, so their order says nothing of who
// wrote them or when.
func questionnaireFigures(rec ProgrammeRecords, qs map[string]*Questionnaire) []QuestionnaireFigures {
	var out []QuestionnaireFigures
	for _, q := range rec.Questionnaires {
		qf := QuestionnaireFigures{ID: q.ID, Name: q.Name, Title: q.Title, Role: q.Role, Stage: q.Stage}
		recipients := map[string]bool{}
		for _, s := range rec.Sends {
			if s.QuestionnaireID != q.ID {
				continue
			}
			for _, r := range s.Recipients {
				recipients[r] = true
			}
			// Closes is the instant after the last day answers are taken.
			qf.Closes = append(qf.Closes, s.Closes.Add(-time.Minute).UTC().Format("2006-01-02"))
		}
		slices.Sort(qf.Closes)
		qf.Closes = slices.Compact(qf.Closes)
		qf.Recipients = len(recipients)
		var mine []*Answer
		respondents := map[string]bool{}
		for _, a := range rec.Answers {
			if a.QuestionnaireID == q.ID {
				mine = append(mine, a)
				if recipients[a.UserID] {
					respondents[a.UserID] = true
				}
			}
		}
		qf.Responses = Rate{len(respondents), len(recipients)}
		for _, qu := range q.Questions {
			f := QuestionFigures{ID: qu.ID, Text: qu.Text, Kind: qu.Kind, Labels: qu.Labels, Options: qu.Options}
			switch qu.Kind {
			case QuestionScale:
				c := make([]Count, 5)
				for i := range c {
					c[i].Value = i + 1
				}
				for _, a := range mine {
					if n, err := strconv.Atoi(a.Values[qu.ID]); err == nil && n >= 1 && n <= 5 {
						c[n-1].Members++
						f.Mean.add(float64(n))
					}
				}
				f.Counts = c
			case QuestionChoice:
				c := make([]Count, len(qu.Options))
				for i := range c {
					c[i].Value = i
				}
				for _, a := range mine {
					if i := slices.Index(qu.Options, a.Values[qu.ID]); i >= 0 {
						c[i].Members++
					}
				}
				f.Counts = c
			case QuestionText:
				for _, a := range mine {
					t := strings.TrimSpace(a.Values[qu.ID])
					if t == "" {
						continue
					}
					cm := Comment{Text: t}
					if a.ShowName {
						cm.Name = a.Name
					}
					f.Comments = append(f.Comments, cm)
				}
				slices.SortFunc(f.Comments, func(a, b Comment) int { return cmp.Or(cmp.Compare(a.Text, b.Text), cmp.Compare(a.Name, b.Name)) })
			}
			qf.Questions = append(qf.Questions, f)
		}
		out = append(out, qf)
	}
	return out
}
