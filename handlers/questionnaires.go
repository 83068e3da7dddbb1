package handlers

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/questionnaires"
)

// programmeSets reads the programme's sets.
func (r *Router) programmeSets(ctx context.Context, ps bot.ProgrammeStore, p *bot.Programme) ([]*bot.Set, error) {
	ids, err := programmeSetIDs(ctx, ps, p)
	if err != nil {
		return nil, err
	}
	sets := make([]*bot.Set, 0, len(ids))
	for _, id := range ids {
		s, err := r.store.GetSet(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("read set %s: %w", id, err)
		}
		sets = append(sets, s)
	}
	return sets, nil
}

// leadOrFacilitator refuses anyone who neither leads p nor facilitates one
// of its sets.
func leadOrFacilitator(c *call, p *bot.Programme, sets []*bot.Set, what string) error {
	if p.IsLead(c.actorID()) || facilitatesIn(c, sets) {
		return nil
	}
	return bot.Errorf(bot.EFORBIDDEN, "Only a lead of the programme %s or a facilitator of one of its sets can %s.", p.Name, what)
}

// programmeForStaff finds the caller's programme and its sets, for a lead of
// the programme or a facilitator of one of its sets; what completes the
// refusal ("Only a lead ... can <what>.").
func (r *Router) programmeForStaff(ctx context.Context, c *call, what string) (bot.ProgrammeStore, *bot.Programme, []*bot.Set, error) {
	ps, err := r.programmes()
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := r.findProgramme(ctx, c, ps, "")
	if err != nil {
		return nil, nil, nil, err
	}
	sets, err := r.programmeSets(ctx, ps, p)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := leadOrFacilitator(c, p, sets, what); err != nil {
		return nil, nil, nil, err
	}
	return ps, p, sets, nil
}

func (r *Router) questionnaireCreate(ctx context.Context, c *call, a bot.QuestionnaireCreateArgs) (bot.Message, error) {
	ps, p, _, err := r.programmeForStaff(ctx, c, "define its questionnaires")
	if err != nil {
		return bot.Message{}, err
	}
	q := a.Questionnaire
	switch {
	case a.JSON != "":
		if q, err = questionnaires.Parse([]byte(a.JSON)); err != nil {
			return bot.Message{}, err
		}
	case a.From != "":
		if q, err = questionnaires.Shipped(a.From); err != nil {
			return bot.Message{}, err
		}
		q.Name = a.Name
	}
	q.ID, q.ProgrammeID, q.CreatedBy, q.CreatedAt = bot.QuestionnaireID(p.ID, q.Name), p.ID, c.actorID(), c.now
	if err := ps.CreateQuestionnaire(ctx, q); err != nil {
		if isCode(err, bot.EEXISTS) {
			return bot.Message{}, bot.Errorf(bot.EEXISTS, "The programme %s has a questionnaire called %s already; choose another name. Nothing was changed.", p.Name, q.Name)
		}
		return bot.Message{}, fmt.Errorf("create questionnaire %s: %w", q.ID, err)
	}
	return private(fmt.Sprintf("Created the questionnaire %s (%q, %d questions, for %ss). Send it with `/als questionnaire send %s to %ss [by <date>]` (e.g. by 31/03/2027).",
		q.Name, q.Title, len(q.Questions), q.Role, q.Name, q.Role)), nil
}

func (r *Router) questionnaireAnswer(ctx context.Context, c *call, a bot.QuestionnaireAnswerArgs) (bot.Message, error) {
	if !c.req.Conv.DM {
		// Teams shows typed commands to the channel: answers belong in a DM.
		return bot.Message{}, bot.Errorf(bot.EINVALID, "Answer questionnaires in your direct message with the bot, so your answers stay confidential; nothing was saved.")
	}
	ps, err := r.programmes()
	if err != nil {
		return bot.Message{}, err
	}
	q, send, err := r.answering(ctx, c, ps, a.Name)
	if err != nil {
		return bot.Message{}, err
	}
	if !send.Open(c.now) {
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "%q closed on %s; your answer was not saved.", q.Title, bot.FormatTime(send.Closes.Add(-time.Minute), c.readerLoc()))
	}
	values, err := positional(q, a.Values)
	if err != nil {
		return bot.Message{}, err
	}
	id := bot.AnswerID(q.ID, c.actorID())
	old, err := ps.GetAnswer(ctx, id)
	switch {
	case isCode(err, bot.ENOTFOUND):
		old = nil
	case err != nil:
		return bot.Message{}, fmt.Errorf("read answer %s: %w", id, err)
	}
	if len(values) == 0 {
		// No answers given: the form, filled in with the earlier ones.
		// (Slack cannot carry a long form in a button, so its button runs
		// this and the answer opens as a modal.)
		msg := private(fmt.Sprintf("%s: answer below; you can change your answers until %s.", q.Title, bot.FormatTime(send.Closes.Add(-time.Minute), c.readerLoc())))
		msg.Form = bot.QuestionnaireForm(q, c.set.ID, old)
		return msg, nil
	}
	if old != nil {
		// A change keeps what it does not mention (the form comes filled
		// in with the earlier answers; a typed change may name one).
		merged := map[string]string{}
		for k, v := range old.Values {
			merged[k] = v
		}
		if _, ok := values[bot.ShowNameField]; !ok && old.ShowName {
			merged[bot.ShowNameField] = "yes"
		}
		for k, v := range values {
			merged[k] = v
		}
		values = merged
	}
	show := strings.ToLower(strings.TrimSpace(values[bot.ShowNameField]))
	if show != "" && show != "yes" && show != "no" {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "%s is yes or no; nothing was saved.", bot.ShowNameField)
	}
	kept, err := q.CheckAnswers(values)
	if err != nil {
		return bot.Message{}, err
	}
	ans := &bot.Answer{ID: id, QuestionnaireID: q.ID, ProgrammeID: q.ProgrammeID, SetID: c.set.ID, UserID: c.actorID(),
		Role: q.Role, Values: kept, ShowName: show == "yes", At: c.now, UpdatedAt: c.now}
	if ans.ShowName {
		ans.Name = bot.PersonName(c.set, c.actorID())
	}
	// The key holds the author's id: only they write their answer. A first
	// answer is an insert into the _id index, so two at once keep one.
	changed := old != nil
	if old == nil {
		err := ps.InsertAnswer(ctx, ans)
		switch {
		case isCode(err, bot.EEXISTS):
			changed = true // a second submission at the same moment
		case err != nil:
			return bot.Message{}, fmt.Errorf("store answer %s: %w", ans.ID, err)
		}
	} else {
		ans.At = old.At
	}
	if changed {
		if err := ps.ReplaceAnswer(ctx, ans); err != nil {
			return bot.Message{}, fmt.Errorf("replace answer %s: %w", ans.ID, err)
		}
	}
	// A first answer takes the reminders still to come out of the queue (a
	// change finds them gone: one round trip fewer).
	if queue, ok := r.store.(reminderQueue); ok && !changed {
		var ids []string
		for n := 1; n <= bot.MaxReminders; n++ {
			ids = append(ids, bot.QuestionnaireKey(c.set.ID, q.Name, c.actorID(), n).String())
		}
		if err := queue.DeletePending(ctx, ids); err != nil {
			r.log.ErrorContext(ctx, "drop questionnaire reminders", "questionnaire", q.ID, "err", err)
		}
	}
	named := "Your comments will be shown without your name."
	if ans.ShowName {
		named = "You chose to have your name shown beside your comments."
	}
	verb := "saved"
	if changed {
		verb = "changed"
	}
	return private(fmt.Sprintf("Thank you: your answers to %q are %s (%d of %d questions). %s You can change them until %s by answering again.",
		q.Title, verb, len(kept), len(q.Questions), named, bot.FormatTime(send.Closes.Add(-time.Minute), c.readerLoc()))), nil
}

// answering finds what the actor answers: the set (the form's, else the
// first of their sets whose programme sent them questionnaire name; a
// mentor of two sets answers once), the questionnaire and its sending. It
// sets c.set. Nothing is said of questionnaires not sent to the actor.
func (r *Router) answering(ctx context.Context, c *call, ps bot.ProgrammeStore, name string) (*bot.Questionnaire, *bot.QuestionnaireSend, error) {
	notSent := bot.Errorf(bot.ENOTFOUND, "No questionnaire called %s was sent to you.", name)
	var sets []*bot.Set
	if c.req.SetID != "" {
		s, err := r.store.GetSet(ctx, c.req.SetID)
		switch {
		case isCode(err, bot.ENOTFOUND):
			return nil, nil, notSent
		case err != nil:
			return nil, nil, fmt.Errorf("read set %s: %w", c.req.SetID, err)
		}
		if !s.InSet(c.actorID()) || s.Platform != c.req.Platform {
			return nil, nil, notSent
		}
		sets = []*bot.Set{s}
	} else {
		var err error
		if sets, err = r.activeSets(ctx, c); err != nil {
			return nil, nil, err
		}
	}
	for _, s := range sets {
		link, err := ps.ProgrammeOfSet(ctx, s.ID)
		if isCode(err, bot.ENOTFOUND) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read the programme of %s: %w", s.ID, err)
		}
		q, err := ps.GetQuestionnaire(ctx, bot.QuestionnaireID(link.ProgrammeID, name))
		if isCode(err, bot.ENOTFOUND) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read questionnaire: %w", err)
		}
		send, err := r.sendingTo(ctx, ps, q, s.ID, c.actorID())
		if isCode(err, bot.ENOTFOUND) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		c.set = s
		return q, send, nil
	}
	return nil, nil, notSent
}

// sendingTo is the sending of q that reached user in set setID: the
// programme's or the set's (two reads by _id).
func (r *Router) sendingTo(ctx context.Context, ps bot.ProgrammeStore, q *bot.Questionnaire, setID, userID string) (*bot.QuestionnaireSend, error) {
	for _, id := range []string{bot.SendID(q.ID, q.Role, bot.ScopeProgramme, ""), bot.SendID(q.ID, q.Role, bot.ScopeSet, setID)} {
		s, err := ps.GetSend(ctx, id)
		if isCode(err, bot.ENOTFOUND) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read sending %s: %w", id, err)
		}
		for _, rid := range s.Recipients {
			if rid == userID {
				return s, nil
			}
		}
	}
	return nil, bot.Errorf(bot.ENOTFOUND, "No questionnaire called %s was sent to you.", q.Name)
}

// positional maps answers typed in the form's order (what the shell shows
// under a form: `questionnaire answer end <1|…> …`) to the questions' ids;
// the parser keys them "#1", "#2". "-" skips a question.
func positional(q *bot.Questionnaire, values map[string]string) (map[string]string, error) {
	if _, ok := values["#1"]; !ok {
		return values, nil
	}
	fields := len(q.Questions) + 1 // and show_name
	if len(values) != fields {
		return nil, bot.Errorf(bot.EINVALID, "Give all %d answers in order (- to skip one), or write them as question=answer; nothing was saved.", fields)
	}
	out := map[string]string{}
	for i := 1; i <= fields; i++ {
		v, ok := values["#"+strconv.Itoa(i)]
		if !ok {
			return nil, bot.Errorf(bot.EINVALID, "Give the answers either all in order or all as question=answer; nothing was saved.")
		}
		if v == "-" {
			v = ""
		}
		if i <= len(q.Questions) {
			out[q.Questions[i-1].ID] = v
		} else {
			out[bot.ShowNameField] = v
		}
	}
	return out, nil
}

func (r *Router) questionnaireList(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	ps, p, _, err := r.programmeForStaff(ctx, c, "see its questionnaires")
	if err != nil {
		return bot.Message{}, err
	}
	pf, err := r.loadFigures(ctx, ps, p)
	if err != nil {
		return bot.Message{}, err
	}
	if len(pf.Questionnaires) == 0 {
		return private(fmt.Sprintf("The programme %s has no questionnaires yet; ready ones: %s (`/als questionnaire create <name> from members-end`).", p.Name, strings.Join(questionnaires.Names(), ", "))), nil
	}
	msg := private(fmt.Sprintf("Questionnaires of %s (answers are confidential: the report shows figures and anonymised comments).", p.Name))
	sort.SliceStable(pf.Questionnaires, func(i, j int) bool { return pf.Questionnaires[i].Name < pf.Questionnaires[j].Name })
	for _, qf := range pf.Questionnaires {
		closes := "not sent yet"
		if len(qf.Closes) > 0 {
			closes = "closes " + strings.Join(qf.Closes, ", ")
		}
		msg.Sections = append(msg.Sections, bot.Section{Title: qf.Name + ": " + qf.Title, Fields: []bot.Field{
			{Label: "For", Value: string(qf.Role) + "s"},
			{Label: "Answered", Value: qf.Responses.String()},
			{Label: "When", Value: closes},
		}})
	}
	return msg, nil
}
