package handlers

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/questionnaires"
)

// reminderQueue is the part of the delivery store the questionnaire
// reminders use: they are planned as messages due later (the scheduler
// sends them), and taken out again when the person answers.
type reminderQueue interface {
	AddDeliveries(ctx context.Context, ds []*bot.Delivery) ([]string, error)
	DeletePending(ctx context.Context, ids []string) error
	PendingDeliveries(ctx context.Context, setID string, kind bot.DeliveryKind) ([]*bot.Delivery, error)
}

// dropReminders takes out the questionnaire reminders still to come for
// users of set setID (they withdrew): nobody is chased after leaving.
func (r *Router) dropReminders(ctx context.Context, setID string, users []string) {
	queue, ok := r.store.(reminderQueue)
	if !ok {
		return
	}
	pending, err := queue.PendingDeliveries(ctx, setID, bot.DeliverMessage)
	if err != nil {
		r.log.ErrorContext(ctx, "list questionnaire reminders", "set", setID, "err", err)
		return
	}
	var ids []string
	for _, d := range pending {
		if slices.Contains(users, d.UserID) && strings.HasPrefix(d.ID, setID+"/questionnaire/") {
			ids = append(ids, d.ID)
		}
	}
	if err := queue.DeletePending(ctx, ids); err != nil {
		r.log.ErrorContext(ctx, "drop questionnaire reminders", "set", setID, "err", err)
	}
}

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
	return private(fmt.Sprintf("Created the questionnaire %s (%q, %d questions, for %ss). Send it with `/als questionnaire send %s to %ss [by <YYYY-MM-DD>]`.",
		q.Name, q.Title, len(q.Questions), q.Role, q.Name, q.Role)), nil
}

// recipient is someone a questionnaire goes to, with the set whose form
// they answer in.
type recipient struct {
	user  bot.UserRef
	setID string
}

func (r *Router) questionnaireSend(ctx context.Context, c *call, a bot.QuestionnaireSendArgs) (bot.Message, error) {
	ps, p, sets, err := r.programmeForStaff(ctx, c, "send its questionnaires")
	if err != nil {
		return bot.Message{}, err
	}
	q, err := ps.GetQuestionnaire(ctx, bot.QuestionnaireID(p.ID, a.Name))
	if isCode(err, bot.ENOTFOUND) {
		return bot.Message{}, bot.Errorf(bot.ENOTFOUND, "The programme %s has no questionnaire called %s. Create it first with `/als questionnaire create %s from members-end` (or mentors-end, outcomes-start).", p.Name, a.Name, a.Name)
	}
	if err != nil {
		return bot.Message{}, fmt.Errorf("read questionnaire: %w", err)
	}
	if q.Role != a.Role {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "The questionnaire %s is written for %ss, not %ss; nothing was sent.", q.Name, q.Role, a.Role)
	}

	// Who: a lead sends to the programme unless told otherwise; a
	// facilitator sends to their own set only.
	scope := a.Scope
	if scope == "" {
		scope = bot.ScopeSet
		if p.IsLead(c.actorID()) {
			scope = bot.ScopeProgramme
		}
	}
	targets := sets
	setID := ""
	if scope == bot.ScopeSet {
		set, err := r.sendSet(ctx, c, sets)
		if err != nil {
			return bot.Message{}, err
		}
		targets, setID = []*bot.Set{set}, set.ID
	} else if !p.IsLead(c.actorID()) {
		return bot.Message{}, bot.Errorf(bot.EFORBIDDEN, "Only a lead of %s can send to every set of the programme; send to your set with `/als questionnaire send %s to %ss set`.", p.Name, q.Name, a.Role)
	}
	var to []recipient
	seen := map[string]bool{}
	for _, s := range targets {
		if s.Archived {
			continue
		}
		for _, person := range s.People {
			if person.Has(a.Role) && !bot.IsAnonymous(person.User.ID) && !seen[person.User.ID] {
				seen[person.User.ID] = true
				to = append(to, recipient{user: person.User, setID: s.ID})
			}
		}
	}
	if len(to) == 0 {
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "There are no %ss to send %s to; nothing was sent.", a.Role, q.Name)
	}

	loc := time.UTC
	if len(targets) > 0 {
		loc = targets[0].Location()
	}
	closes := c.now.Add(bot.DefaultAnswerWindow)
	by := ""
	if !a.By.IsZero() {
		d, err := a.By.Resolve(c.now.In(loc))
		if err != nil {
			return bot.Message{}, err
		}
		// Answers are taken to the end of the day given.
		closes, by = d.In(loc, 0, 0).AddDate(0, 0, 1), bot.FormatDate(d)
	}
	if !closes.After(c.now.Add(time.Hour)) {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "%s has passed (or is within the hour); give a later date for answers. Nothing was sent.", by)
	}

	send := &bot.QuestionnaireSend{ID: bot.SendID(q.ID, a.Role, scope, setID), QuestionnaireID: q.ID, ProgrammeID: p.ID, Role: a.Role,
		Scope: scope, SetID: setID, SentBy: c.actorID(), SentAt: c.now, Closes: closes}
	for _, t := range to {
		send.Recipients = append(send.Recipients, t.user.ID)
	}
	fresh := to
	err = ps.CreateSend(ctx, send)
	if isCode(err, bot.EEXISTS) {
		// Sent before: extend the date, and send only to people added since.
		old, gerr := ps.GetSend(ctx, send.ID)
		if gerr != nil {
			return bot.Message{}, fmt.Errorf("read sending %s: %w", send.ID, gerr)
		}
		was := map[string]bool{}
		for _, id := range old.Recipients {
			was[id] = true
		}
		fresh = nil
		for _, t := range to {
			if !was[t.user.ID] {
				fresh = append(fresh, t)
				old.Recipients = append(old.Recipients, t.user.ID)
			}
		}
		old.Closes = closes
		send = old
		err = ps.SaveSend(ctx, send)
	}
	if err != nil {
		return bot.Message{}, fmt.Errorf("save sending %s: %w", send.ID, err)
	}

	var msgs []bot.Outgoing
	var reminders []*bot.Delivery
	for _, t := range fresh {
		msgs = append(msgs, bot.Outgoing{
			To:      bot.Destination{Platform: p.Platform, UserID: t.user.ID},
			Message: questionnaireMessage(q, t.setID, closes, loc, false),
			Key:     bot.QuestionnaireKey(t.setID, q.Name, t.user.ID, 0),
		})
		for i, due := range reminderTimes(c.now, closes) {
			m := questionnaireMessage(q, t.setID, closes, loc, true)
			to := bot.Destination{Platform: p.Platform, UserID: t.user.ID}
			reminders = append(reminders, &bot.Delivery{
				ID: bot.QuestionnaireKey(t.setID, q.Name, t.user.ID, i+1).String(), Kind: bot.DeliverMessage, SetID: t.setID, UserID: t.user.ID,
				To: &to, Message: &m, Due: due, NotBefore: due, Until: closes,
			})
		}
	}
	r.notify(ctx, c, msgs)
	if queue, ok := r.store.(reminderQueue); ok && len(reminders) > 0 {
		if _, err := queue.AddDeliveries(ctx, reminders); err != nil {
			// The questionnaire went out; only the reminders are missing.
			r.log.ErrorContext(ctx, "plan questionnaire reminders", "questionnaire", q.ID, "err", err)
		}
	}
	where := "every set of " + p.Name
	if scope == bot.ScopeSet {
		where = targets[0].Name
	}
	text := fmt.Sprintf("Sent %s to %d %s%s of %s by direct message; answers are taken until %s, with at most %d reminders to those who have not answered.",
		q.Name, len(fresh), a.Role, isAre(len(fresh), "", "s"), where, bot.FormatTime(closes.Add(-time.Minute), c.readerLoc()), bot.MaxReminders)
	if len(fresh) < len(to) {
		text = fmt.Sprintf("%s had been sent to %d already; sent it to %d more. Answers are now taken until %s.",
			q.Name, len(to)-len(fresh), len(fresh), bot.FormatTime(closes.Add(-time.Minute), c.readerLoc()))
	}
	return private(text), nil
}

// sendSet is the set a facilitator sends to: the channel's set, else the
// one set of the programme they facilitate (a lead: the channel's set).
func (r *Router) sendSet(ctx context.Context, c *call, sets []*bot.Set) (*bot.Set, error) {
	if ch, err := r.channelSet(ctx, c); err != nil {
		return nil, err
	} else if ch != nil {
		for _, s := range sets {
			if s.ID == ch.ID {
				return s, nil
			}
		}
		return nil, bot.Errorf(bot.EINVALID, "%s is not part of this programme.", ch.Name)
	}
	var mine []*bot.Set
	for _, s := range sets {
		if s.HasRole(c.actorID(), bot.RoleFacilitator) {
			mine = append(mine, s)
		}
	}
	if len(mine) == 1 {
		return mine[0], nil
	}
	return nil, bot.Errorf(bot.EINVALID, "Say which set: run this in the set's channel.")
}

// reminderTimes are when a recipient who has not answered is reminded:
// halfway to the close, and a day before it when that is later still. At
// most bot.MaxReminders.
func reminderTimes(now, closes time.Time) []time.Time {
	window := closes.Sub(now)
	if window < 2*time.Hour {
		return nil
	}
	out := []time.Time{now.Add(window / 2)}
	if last := closes.Add(-24 * time.Hour); last.After(out[0].Add(time.Hour)) {
		out = append(out, last)
	}
	return out[:min(len(out), bot.MaxReminders)]
}

// questionnaireMessage is the DM that carries the questionnaire: a button
// that opens its form, and the typed way to answer.
func questionnaireMessage(q *bot.Questionnaire, setID string, closes time.Time, loc *time.Location, reminder bool) bot.Message {
	until := bot.FormatTime(closes.Add(-time.Minute), loc)
	text := q.Intro
	if reminder {
		text = fmt.Sprintf("A gentle reminder: %q is open until %s, and your answer would help. If you have answered already, thank you: please ignore this.", q.Title, until)
	} else {
		text += fmt.Sprintf("\nYou can answer until %s, and change your answer until then.", until)
	}
	ids := make([]string, 0, len(q.Questions))
	for _, qu := range q.Questions {
		ids = append(ids, qu.ID+"=…")
	}
	text += fmt.Sprintf("\nTo answer by typing: `/als questionnaire answer %s %s %s=no|yes` (%s=yes lets the report show your name beside your comments).",
		bot.Slug(q.Name), strings.Join(ids, " "), bot.ShowNameField, bot.ShowNameField)
	return bot.Message{
		Kind: bot.KindReply, Title: q.Title, Text: text,
		Buttons: []bot.Button{{Label: "Answer", Command: "questionnaire answer " + bot.Slug(q.Name), Form: bot.QuestionnaireForm(q, setID, nil), SetID: setID, Style: bot.StylePrimary}},
	}
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
		if p := s.Person(c.actorID()); p == nil || len(p.Roles) == 0 || s.Platform != c.req.Platform {
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
