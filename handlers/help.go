package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

// help answers anyone, anywhere, with or without a set.
func (r *Router) help(_ context.Context, _ *call, a bot.HelpArgs) (bot.Message, error) {
	text, err := bot.HelpText(a.Topic)
	if err != nil {
		return bot.Message{}, err
	}
	return bot.Message{Kind: bot.KindHelp, Title: "alsbot help", Text: text, Private: true}, nil
}

// home is the actor's overview: each active set, its next session and the
// actor's open commitments in it.
func (r *Router) home(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	sets, err := r.activeSets(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	msg := bot.Message{Kind: bot.KindReply, Title: "Your action learning sets", Private: true}
	if len(sets) == 0 {
		msg.Text = "You are not in any action learning set yet. A facilitator can create one with `/als setup <name>` in a channel and add you with `/als members add @you`."
		return msg, nil
	}
	for _, s := range sets {
		c.set = s
		loc := c.readerLoc()
		sec := bot.Section{Title: s.Name}
		p := s.Person(c.actorID())
		roles := make([]string, len(p.Roles))
		for i, role := range p.Roles {
			roles[i] = string(role)
		}
		sec.Fields = append(sec.Fields, bot.Field{Label: "Your roles", Value: strings.Join(roles, ", ")})
		sessions, err := r.store.ListSessions(ctx, s.ID)
		if err != nil {
			return bot.Message{}, fmt.Errorf("list sessions of %s: %w", s.ID, err)
		}
		next := "none scheduled"
		if n := nextSession(sessions, c.now, true); n != nil {
			next = sessionLine(n, loc)
		}
		sec.Fields = append(sec.Fields, bot.Field{Label: "Next session", Value: next})
		if p.Has(bot.RoleMember) {
			cs, err := r.store.ListCommitments(ctx, s.ID, c.actorID(), true)
			if err != nil {
				return bot.Message{}, fmt.Errorf("list commitments in %s: %w", s.ID, err)
			}
			lines := make([]string, len(cs))
			for i, cm := range cs {
				lines[i] = bot.CommitmentLine(cm, loc, c.now)
			}
			sec.Text = "Your open commitments:\n" + strings.Join(lines, "\n")
			if len(cs) == 0 {
				sec.Text = "You have no open commitments."
			}
		}
		msg.Sections = append(msg.Sections, sec)
	}
	return msg, nil
}
