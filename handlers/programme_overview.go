package handlers

// A programme's figures for its leads: the overview message and the HTML
// report.

import (
	"context"
	"fmt"
	"strings"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/report"
)

// loadFigures reads a programme's records and computes its figures.
func (r *Router) loadFigures(ctx context.Context, ps bot.ProgrammeStore, p *bot.Programme) (bot.ProgrammeFigures, error) {
	rec, err := LoadProgramme(ctx, r.store, ps, p)
	if err != nil {
		return bot.ProgrammeFigures{}, err
	}
	return bot.ComputeProgrammeFigures(rec), nil
}

// leadFigures finds the named programme (or the caller's), checks the
// caller leads it and computes its figures: the overview and the report
// both start so.
func (r *Router) leadFigures(ctx context.Context, c *call, name, what string) (*bot.Programme, bot.ProgrammeFigures, error) {
	ps, p, err := r.asLead(ctx, c, name, what)
	if err != nil {
		return nil, bot.ProgrammeFigures{}, err
	}
	pf, err := r.loadFigures(ctx, ps, p)
	if err != nil {
		return nil, bot.ProgrammeFigures{}, err
	}
	return p, pf, nil
}

func (r *Router) programmeOverview(ctx context.Context, c *call, a bot.ProgrammeNameArgs) (bot.Message, error) {
	_, pf, err := r.leadFigures(ctx, c, a.Name, "see the programme's figures")
	if err != nil {
		return bot.Message{}, err
	}
	return ProgrammeMessage(pf), nil
}

// Labels of the programme message's fields; tests read the figures by them.
const (
	LabelStarted              = "Started / withdrew / finished"
	LabelCohort               = "Attended 5+ sessions and had 3+ mentoring sessions"
	LabelFeedbackMembers      = "Members who gave session feedback"
	LabelQuestionnaireMembers = "Members who answered the end-of-programme questionnaire"
	LabelQuestionnaireMentors = "Mentors who answered the end-of-programme questionnaire"
	LabelMentorsLogging       = "Mentors who logged mentoring"
	LabelRatings              = "Session rating"
	LabelActionCycle          = "Commitments made / reported on / done"
	LabelPractice             = "Practice log: visits / group supervisions"
)

// groupFields are a group's figures as message fields.
func groupFields(g bot.Group, mentors bool) []bot.Field {
	f := []bot.Field{
		{Label: LabelStarted, Value: fmt.Sprintf("%d / %d / %d", g.Started, g.Withdrawn, g.Finished)},
		{Label: LabelCohort, Value: g.Cohort.String()},
		{Label: LabelFeedbackMembers, Value: g.FeedbackMembers.String()},
		{Label: LabelQuestionnaireMembers, Value: g.QuestionnaireMembers.String()},
	}
	if mentors {
		f = append(f,
			bot.Field{Label: LabelQuestionnaireMentors, Value: g.QuestionnaireMentors.String()},
			bot.Field{Label: LabelMentorsLogging, Value: g.MentorsLogging.String()})
	}
	f = append(f,
		bot.Field{Label: LabelRatings, Value: g.Ratings.String()},
		bot.Field{Label: LabelActionCycle, Value: fmt.Sprintf("%d / %d / %d", g.CommitmentsMade, g.ReportedOn, g.Done)})
	if g.Visits+g.GroupSupervisions > 0 {
		f = append(f, bot.Field{Label: LabelPractice, Value: fmt.Sprintf("%d / %d", g.Visits, g.GroupSupervisions)})
	}
	return f
}

// ProgrammeMessage shows a programme's figures: overall, per set, per
// organisation, and the outcome change. Fields stay within Slack's ten per
// section.
func ProgrammeMessage(pf bot.ProgrammeFigures) bot.Message {
	msg := private(fmt.Sprintf("%d set%s, %d members started, %d mentors. `/als programme report` writes the full report with charts and anonymised comments.",
		len(pf.Sets), isAre(len(pf.Sets), "", "s"), pf.Overall.Started, pf.Overall.Mentors))
	msg.Title = "Programme " + pf.Programme
	msg.Sections = append(msg.Sections, bot.Section{Title: "Overall", Fields: groupFields(pf.Overall, true)})
	for _, s := range pf.Sets {
		msg.Sections = append(msg.Sections, bot.Section{Title: s.Name, Fields: groupFields(s.Group, true)})
	}
	for _, g := range pf.Orgs {
		msg.Sections = append(msg.Sections, bot.Section{Title: g.Name, Fields: groupFields(g, false)})
	}
	var lines []string
	for _, o := range pf.Overall.Outcomes {
		if o.Before.N+o.After.N > 0 {
			lines = append(lines, fmt.Sprintf("%s: %s before, %s after, change %s (cohort %s, rest %s)", o.Label, o.Before, o.After, o.Change.Signed(), o.CohortChange.Signed(), o.RestChange.Signed()))
		}
	}
	if len(lines) > 0 {
		msg.Sections = append(msg.Sections, bot.Section{Title: "Outcomes (self-rating 1 to 5)", Text: strings.Join(lines, "\n")})
	}
	// The practice log per member: counts only, never the notes.
	var practice []string
	sets := map[string]string{}
	for _, s := range pf.Sets {
		sets[s.SetID] = s.Name
	}
	for _, m := range pf.Members {
		if m.Visits+m.GroupSupervisions > 0 {
			practice = append(practice, fmt.Sprintf("%s (%s): %d visit%s, %d group supervision%s", m.Name, sets[m.SetID],
				m.Visits, isAre(m.Visits, "", "s"), m.GroupSupervisions, isAre(m.GroupSupervisions, "", "s")))
		}
	}
	if len(practice) > 0 {
		msg.Sections = append(msg.Sections, bot.Section{Title: "Practice log per member", Text: strings.Join(practice, "\n")})
	}
	// Slack takes at most 50 blocks; a programme of many organisations is
	// cut here, and the report has them all.
	if len(msg.Sections) > 40 {
		msg.Sections = append(msg.Sections[:39], bot.Section{Text: "More organisations are in the report."})
	}
	return msg
}

func (r *Router) programmeReport(ctx context.Context, c *call, a bot.ProgrammeNameArgs) (bot.Message, error) {
	p, pf, err := r.leadFigures(ctx, c, a.Name, "have the programme's report")
	if err != nil {
		return bot.Message{}, err
	}
	loc := c.readerLoc()
	html, err := report.HTML(report.Input{Figures: pf, Generated: c.now, Loc: loc})
	if err != nil {
		return bot.Message{}, err
	}
	msg := private(fmt.Sprintf("The evaluation report of %s: one HTML file that opens in any browser without a network and prints well. It shows figures and comments without names (except where a respondent chose to be named); keep it as you would the answers.", p.Name))
	msg.Files = []bot.File{{Name: report.FileName(p.Name), ContentType: "text/html", Data: html}}
	return msg, nil
}
