package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// roleHelp says what each role does, on the first role card of a session.
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
	// The session with the round, and the set with its fairness counters.
	saved, err := r.saveSessionAndSet(ctx, c, sess, func(s *bot.Set) { bot.RecordRoles(s, roles, c.now) })
	if !saved {
		return bot.Message{}, fmt.Errorf("start round in %s: %w", sess.ID, err)
	}
	if err != nil {
		// The round is stored and goes on; only the fairness counters missed it.
		r.log.ErrorContext(ctx, "save fairness counters", "set", c.set.ID, "err", err)
	}
	rd := &sess.Rounds[len(sess.Rounds)-1]
	why := ""
	if roles.Why != "" {
		why = fmt.Sprintf("\n%s Someone else? %s, then %s.", roles.Why, bot.Cmd("round cancel"), bot.Cmd("round start @name"))
	}
	if r.postCard(ctx, c, sess, rd) {
		r.sessionChanged(ctx, c.set, sess)
		return bot.Message{Kind: bot.KindReply, Private: true,
			Text: fmt.Sprintf("Round %d has started: its card is in the channel, and moves on with its buttons or %s.", rd.Number, bot.Cmd("round next")) + why}, nil
	}
	r.sessionChanged(ctx, c.set, sess)
	card := roleCard(c.set, rd)
	card.Text += why
	return card, nil
}

// roleCard is a round's card: its roles (presenter and observer mentioned,
// so they are notified; enablers named), the current phase and its
// deadline, the phases to come, and the facilitator's buttons. What each
// role does is on the first card of a session only: by round two everyone
// has read it. Where the platform can update a message, this one card is
// posted at round start and changed in place at each phase.
func roleCard(set *bot.Set, rd *bot.Round) bot.Message {
	loc := set.Location()
	observer := "none"
	if rd.Observer != "" {
		observer = bot.PersonName(set, rd.Observer)
	}
	presenter := bot.PersonMention(set, rd.Presenter)
	if rd.Title != "" {
		presenter += " (" + rd.Title + ")"
	}
	observes := ""
	if rd.Observer != "" {
		observes = " " + bot.PersonMention(set, rd.Observer) + " observes."
	}
	var text string
	switch rd.Phase {
	case bot.PhaseDone:
		text = fmt.Sprintf("Round %d is over. %s, I've sent you a prompt to record the action you will take.", rd.Number, bot.PersonMention(set, rd.Presenter))
	case bot.PhasePresenting:
		text = fmt.Sprintf("%s presents now: %s, until %s.%s", presenter, bot.FormatDuration(rd.Durations[bot.PhasePresenting]), clock(rd.Deadline(), loc), observes)
	default:
		text = fmt.Sprintf("%s presents.%s Now *%s*: %s, until %s.", presenter, observes, rd.Phase, bot.FormatDuration(rd.Durations[rd.Phase]), clock(rd.Deadline(), loc))
	}
	m := bot.Message{
		Kind:  bot.KindRoleCard,
		Title: fmt.Sprintf("Round %d", rd.Number),
		Text:  text,
		Sections: []bot.Section{
			{Fields: []bot.Field{
				{Label: "Presenter", Value: bot.PersonName(set, rd.Presenter)},
				{Label: "Observer", Value: observer},
				{Label: "Enablers", Value: names(set, rd.Enablers)},
			}},
			{Title: "Phases", Text: phaseProgress(rd, loc)},
		},
	}
	if rd.Phase == bot.PhaseDone {
		return m
	}
	if rd.Number == 1 {
		help := roleHelp
		if rd.Observer == "" {
			help = roleHelp[:2]
		}
		m.Sections = append(m.Sections, bot.Section{Title: "Roles", Fields: help})
	}
	m.Buttons = []bot.Button{
		{Label: "Next phase", Command: "round next", Style: bot.StylePrimary, SetID: set.ID},
		{Label: "End round", Command: "round end", SetID: set.ID},
	}
	return m
}

// phaseProgress is the round's phases with where it stands: "presenting
// 10 min (done), questioning 25 min (now, until 10:40), action 5 min, ...".
func phaseProgress(rd *bot.Round, loc *time.Location) string {
	parts := make([]string, 0, len(bot.Phases))
	passed := rd.Phase != bot.PhaseDone
	done := rd.Phase == bot.PhaseDone
	for _, ph := range bot.Phases {
		mark := ""
		switch {
		case done:
		case ph == rd.Phase:
			mark = fmt.Sprintf(" (now, until %s)", clock(rd.Deadline(), loc))
			passed = false
		case passed:
			mark = " (done)"
		}
		parts = append(parts, fmt.Sprintf("%s %s%s", ph, bot.FormatDuration(rd.Durations[ph]), mark))
	}
	return strings.Join(parts, ", ")
}

// postCard posts a round's card to the set's channel where the platform can
// update it later, and keeps its reference on the round. It reports
// whether it did; if not (no such platform, the post failed), the card is
// the command's answer instead.
func (r *Router) postCard(ctx context.Context, c *call, sess *bot.Session, rd *bot.Round) bool {
	live := r.live[c.set.Platform]
	if live == nil || c.set.Channel.ID == "" {
		return false
	}
	ref, err := live.Send(ctx, bot.Destination{Platform: c.set.Platform, ChannelID: c.set.Channel.ID}, roleCard(c.set, rd))
	if err != nil {
		r.log.WarnContext(ctx, "post the round card", "set", c.set.ID, "round", rd.Number, "err", err)
		if reason, ok := bot.PermanentReason(err); ok {
			r.tellUndeliverable(ctx, c, reason)
		}
		return false
	}
	if ref.Platform == "" {
		ref.Platform = c.set.Platform
	}
	rd.Card = ref
	if err := r.store.SaveSession(ctx, sess); err != nil {
		// The card is posted; without its reference later phases are
		// answered as new messages instead of updating it.
		r.log.ErrorContext(ctx, "keep the round card reference", "session", sess.ID, "err", err)
	}
	return true
}

// tellUndeliverable tells the set's facilitators by DM that the bot could
// not post in the set's channel, with the scheduler's wording and key (once
// per reason, whichever of the two found it first): the command's answer
// still reaches whoever typed it (Slack's response_url works in any
// channel), but reminders and notices would not.
func (r *Router) tellUndeliverable(ctx context.Context, c *call, reason string) {
	var out []bot.Outgoing
	for _, p := range c.set.People {
		if !p.Has(bot.RoleFacilitator) || bot.IsAnonymous(p.User.ID) {
			continue
		}
		out = append(out, bot.Outgoing{
			To:      bot.Destination{Platform: c.set.Platform, UserID: p.User.ID},
			Message: bot.Undelivered(c.set, bot.KindRoleCard, reason),
			Key:     bot.UndeliveredKey(c.set.ID, reason, p.User.ID),
		})
	}
	r.notify(ctx, c, out)
}

// updateCard changes the round's live card to its current state; false
// when there is none or the update failed, so the caller answers publicly.
func (r *Router) updateCard(ctx context.Context, c *call, rd *bot.Round) bool {
	live := r.live[rd.Card.Platform]
	if live == nil || rd.Card.ID == "" {
		return false
	}
	if err := live.Update(ctx, rd.Card, roleCard(c.set, rd)); err != nil {
		r.log.WarnContext(ctx, "update the round card", "set", c.set.ID, "round", rd.Number, "err", err)
		return false
	}
	return true
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
	msg := bot.PhaseMoved(c.set, cur, c.set.Location())
	// With a live card the channel sees the phase on the card; the
	// facilitator gets a private confirmation.
	msg.Private = r.updateCard(ctx, c, cur)
	return msg, nil
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
	// The first presentation in a session gets the action prompt; a second
	// one (round start @x again) its own prompt naming the round, so it does
	// not read as the first sent twice.
	prompt := bot.Outgoing{
		To:      bot.Destination{Platform: c.set.Platform, UserID: rd.Presenter},
		Message: bot.ActionPrompt(c.set, sess),
		Key:     bot.ActionPromptKey(sess, rd.Presenter),
	}
	if slices.ContainsFunc(sess.Rounds, func(x bot.Round) bool { return x.Number < rd.Number && x.Presenter == rd.Presenter }) {
		prompt.Message = bot.ActionPromptRound(c.set, sess, rd.Number)
		prompt.Key = bot.ActionPromptRoundKey(sess, rd.Presenter, rd.Number)
	}
	r.notify(ctx, c, []bot.Outgoing{prompt})
	if r.updateCard(ctx, c, rd) {
		// The card says the round is over and tells the presenter.
		return bot.Message{Kind: bot.KindPhase, Private: true,
			Text: fmt.Sprintf("Round %d is over; its card says so. Start the next round with %s.", rd.Number, bot.Cmd("round start"))}, nil
	}
	return bot.Message{
		Kind: bot.KindPhase,
		Text: fmt.Sprintf("Round %d is over. %s, I've sent you a prompt to record the action you will take. Start the next round with `/als round start`.", rd.Number, bot.PersonMention(c.set, rd.Presenter)),
	}, nil
}

// roundStatus shows the round in progress to anyone in the set.
func (r *Router) roundStatus(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	// A status read answers only the caller, like session status: a
	// member's look at the round is no post to the whole channel.
	if c.set.OpenSession == 0 {
		return private(fmt.Sprintf("No session of %s is open, so no round is in progress.", c.set.Name)), nil
	}
	sess, err := r.openSession(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	cur := sess.CurrentRound()
	if cur == nil {
		return private(fmt.Sprintf("Session %d is open with %d round%s done; no round is in progress. %d checked in.", sess.Number, len(sess.Rounds), isAre(len(sess.Rounds), "", "s"), len(sess.Attendees))), nil
	}
	loc := c.set.Location()
	left := cur.Remaining(c.now)
	timing := fmt.Sprintf("%s left, until %s", bot.FormatDuration(left), clock(cur.Deadline(), loc))
	if left < 0 {
		timing = fmt.Sprintf("over time by %s (box ended %s)", bot.FormatDuration(-left), clock(cur.Deadline(), loc))
	}
	card := roleCard(c.set, cur)
	card.Kind = bot.KindPhase
	card.Text = fmt.Sprintf("Round %d: %s, %s.", cur.Number, cur.Phase, timing)
	card.Sections = card.Sections[:2] // roles and phases; the buttons are on the round's card
	card.Buttons = nil
	card.Private = true
	return card, nil
}
