package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

// roleHelp says what each role does, on every role card.
var roleHelp = []bot.Field{
	{Label: "Presenter", Value: "describes a real, current work issue and ends by naming an action to take before the next session."},
	{Label: "Enablers", Value: "ask open, curious questions that help the presenter think; no advice or solutions."},
	{Label: "Observer", Value: "watches the process rather than the content, and feeds back at the end on how the questioning went."},
}

func (r *Router) roundStart(ctx context.Context, c *call, a bot.RoundStartArgs) (bot.Message, error) {
	var want bot.RoleRequest
	for _, m := range []struct {
		token, role string
		into        *string
	}{{a.Presenter, "present", &want.Presenter}, {a.Observer, "observe", &want.Observer}} {
		if m.token == "" {
			continue
		}
		users, err := resolve(c, []string{m.token})
		if err != nil {
			return bot.Message{}, err
		}
		if u := users[0]; !c.set.HasRole(u.ID, bot.RoleMember) {
			name := u.Name
			if name == "" {
				name = "@" + strings.TrimPrefix(m.token, "@")
			}
			return bot.Message{}, bot.Errorf(bot.EINVALID, "%s is not a member of %s, so cannot %s. A facilitator adds members with `/als members add @name`.", name, c.set.Name, m.role)
		}
		*m.into = users[0].ID
	}
	sess, err := r.openSession(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	if cur := sess.CurrentRound(); cur != nil {
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "Round %d is still in progress (%s). Move it on with `/als round next` or end it with `/als round end` first.", cur.Number, cur.Phase)
	}
	if want.Presenter != "" && !a.Again {
		// Presenting twice in one session is a slip more often than a plan:
		// say so, and let "again" confirm it (issue 13, item 5).
		for _, rd := range sess.Rounds {
			if rd.Presenter == want.Presenter {
				name := bot.PersonName(c.set, want.Presenter)
				return bot.Message{}, bot.Errorf(bot.ECONFLICT, "%s already presented in round %d of this session; nothing started. To let them present again, write `/als round start @%s again`.", name, rd.Number, strings.TrimPrefix(a.Presenter, "@"))
			}
		}
	}
	r.rngMu.Lock()
	roles, err := bot.ChooseRoles(c.set, sess, want, r.rng)
	r.rngMu.Unlock()
	if err != nil {
		return bot.Message{}, err
	}
	round := bot.NewRound(sess.NextRoundNumber(), roles, c.set.Phases, c.now)
	bot.NoteRolesBefore(c.set, &round)
	sess.Rounds = append(sess.Rounds, round)
	if err := r.store.SaveSession(ctx, sess); err != nil {
		return bot.Message{}, fmt.Errorf("start round in %s: %w", sess.ID, err)
	}
	if err := r.saveSetAfter(ctx, c, func(s *bot.Set) { bot.RecordRoles(s, roles, c.now) }); err != nil {
		// The round is stored and goes on; only the fairness counters missed it.
		r.log.ErrorContext(ctx, "save fairness counters", "set", c.set.ID, "err", err)
	}
	r.sessionChanged(ctx, c.set, sess)
	return roleCard(c.set, &sess.Rounds[len(sess.Rounds)-1]), nil
}

// roleCard announces a round's roles and plan to the set's channel.
func roleCard(set *bot.Set, rd *bot.Round) bot.Message {
	loc := set.Location()
	observer := "none"
	if rd.Observer != "" {
		observer = bot.PersonName(set, rd.Observer)
	}
	presenter := bot.PersonName(set, rd.Presenter)
	if rd.Title != "" {
		presenter += " (" + rd.Title + ")"
	}
	text := fmt.Sprintf("%s presents now: %s, until %s. Phases: %s.", presenter, minutes(rd.Durations[bot.PhasePresenting]), clock(rd.Deadline(), loc), phasePlan(rd.Durations))
	help := roleHelp
	if rd.Observer == "" {
		help = roleHelp[:2]
	}
	return bot.Message{
		Kind:  bot.KindRoleCard,
		Title: fmt.Sprintf("Round %d", rd.Number),
		Text:  text,
		Sections: []bot.Section{
			{Fields: []bot.Field{
				{Label: "Presenter", Value: bot.PersonName(set, rd.Presenter)},
				{Label: "Observer", Value: observer},
				{Label: "Enablers", Value: names(set, rd.Enablers)},
			}},
			{Title: "Roles", Fields: help},
		},
	}
}

// currentRound reads the open session and its round in progress.
func (r *Router) currentRound(ctx context.Context, c *call) (*bot.Session, *bot.Round, error) {
	sess, err := r.openSession(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	cur := sess.CurrentRound()
	if cur == nil {
		return nil, nil, bot.Errorf(bot.ECONFLICT, "No round is in progress in session %d. Start one with `/als round start`.", sess.Number)
	}
	return sess, cur, nil
}

func (r *Router) roundNext(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	sess, cur, err := r.currentRound(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	if err := cur.Next(c.now); err != nil {
		return bot.Message{}, err
	}
	if cur.Phase == bot.PhaseDone {
		return r.finishRound(ctx, c, sess, cur)
	}
	if err := r.store.SaveSession(ctx, sess); err != nil {
		return bot.Message{}, fmt.Errorf("advance round in %s: %w", sess.ID, err)
	}
	r.sessionChanged(ctx, c.set, sess)
	return bot.PhaseMoved(c.set, cur, c.set.Location()), nil
}

func (r *Router) roundEnd(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	sess, cur, err := r.currentRound(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	if err := cur.End(c.now); err != nil {
		return bot.Message{}, err
	}
	return r.finishRound(ctx, c, sess, cur)
}

// finishRound saves a round that just reached done and prompts its presenter
// for the action they will take.
func (r *Router) finishRound(ctx context.Context, c *call, sess *bot.Session, rd *bot.Round) (bot.Message, error) {
	if err := r.store.SaveSession(ctx, sess); err != nil {
		return bot.Message{}, fmt.Errorf("end round in %s: %w", sess.ID, err)
	}
	r.sessionChanged(ctx, c.set, sess)
	r.notify(ctx, c, []bot.Outgoing{{
		To:      bot.Destination{Platform: c.set.Platform, UserID: rd.Presenter},
		Message: bot.ActionPrompt(c.set, sess),
		Key:     bot.ActionPromptKey(sess, rd.Presenter), // once per presenter and session
	}})
	return bot.Message{
		Kind: bot.KindPhase,
		Text: fmt.Sprintf("Round %d is over. %s, I've sent you a prompt to record the action you will take. Start the next round with `/als round start`.", rd.Number, bot.PersonName(c.set, rd.Presenter)),
	}, nil
}

// roundStatus shows the round in progress to anyone in the set.
func (r *Router) roundStatus(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	if c.set.OpenSession == 0 {
		return reply(fmt.Sprintf("No session of %s is open, so no round is in progress.", c.set.Name)), nil
	}
	sess, err := r.openSession(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	cur := sess.CurrentRound()
	if cur == nil {
		return reply(fmt.Sprintf("Session %d is open with %d round%s done; no round is in progress. %d checked in.", sess.Number, len(sess.Rounds), isAre(len(sess.Rounds), "", "s"), len(sess.Attendees))), nil
	}
	loc := c.set.Location()
	left := cur.Remaining(c.now)
	timing := fmt.Sprintf("%s left, until %s", minutes(left), clock(cur.Deadline(), loc))
	if left < 0 {
		timing = fmt.Sprintf("over time by %s (box ended %s)", minutes(-left), clock(cur.Deadline(), loc))
	}
	var plan []string
	for _, ph := range bot.Phases {
		mark := ""
		if ph == cur.Phase {
			mark = " (now)"
		}
		plan = append(plan, fmt.Sprintf("%s %s%s", ph, minutes(cur.Durations[ph]), mark))
	}
	card := roleCard(c.set, cur)
	card.Kind = bot.KindPhase
	card.Text = fmt.Sprintf("Round %d: %s, %s.", cur.Number, cur.Phase, timing)
	card.Sections = append(card.Sections[:1], bot.Section{Title: "Phases", Text: strings.Join(plan, ", ")})
	return card, nil
}
