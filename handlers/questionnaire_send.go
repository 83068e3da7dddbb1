package handlers

// Sending a questionnaire to a programme's sets, with its reminders planned
// as deliveries (and dropped for those who withdraw).

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
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
