package handlers

// The members' programme records: their organisation and withdrawal.

import (
	"context"
	"fmt"

	"github.com/alsbot/alsbot/bot"
)

// membership reads the programme record of a member of c.set, or a new one.
func (r *Router) membership(ctx context.Context, ps bot.ProgrammeStore, set *bot.Set, userID string) (*bot.Membership, error) {
	m, err := ps.GetMembership(ctx, bot.MembershipID(set.ID, userID))
	switch {
	case isCode(err, bot.ENOTFOUND):
		return &bot.Membership{ID: bot.MembershipID(set.ID, userID), SetID: set.ID, UserID: userID}, nil
	case err != nil:
		return nil, fmt.Errorf("read membership %s/%s: %w", set.ID, userID, err)
	}
	return m, nil
}

func (r *Router) setOrg(ctx context.Context, c *call, userID, org string) error {
	ps, err := r.programmes()
	if err != nil {
		return err
	}
	m, err := r.membership(ctx, ps, c.set, userID)
	if err != nil {
		return err
	}
	m.Org, m.Name, m.UpdatedAt = org, bot.PersonName(c.set, userID), c.now
	if err := ps.PutMembership(ctx, m); err != nil {
		return fmt.Errorf("save membership %s: %w", m.ID, err)
	}
	return nil
}

func (r *Router) memberOrg(ctx context.Context, c *call, a bot.MemberOrgArgs) (bot.Message, error) {
	users, err := resolve(c, []string{a.Person})
	if err != nil {
		return bot.Message{}, err
	}
	u := users[0]
	if !c.set.HasRole(u.ID, bot.RoleMember) {
		return bot.Message{}, bot.Errorf(bot.ENOTFOUND, "%s is not a member of %s; nothing was changed.", bot.PersonName(c.set, u.ID), c.set.Name)
	}
	if err := r.setOrg(ctx, c, u.ID, a.Org); err != nil {
		return bot.Message{}, err
	}
	return private(fmt.Sprintf("%s's organisation is now %s.", bot.PersonName(c.set, u.ID), a.Org)), nil
}

func (r *Router) myOrg(ctx context.Context, c *call, a bot.MyOrgArgs) (bot.Message, error) {
	if err := r.setOrg(ctx, c, c.actorID(), a.Org); err != nil {
		return bot.Message{}, err
	}
	return private(fmt.Sprintf("Your organisation in %s is now %s.", c.set.Name, a.Org)), nil
}

// recordWithdrawal keeps that members left the set before its end, so the
// programme counts them as started and withdrawn. The reason is kept for
// the set's facilitators only.
func (r *Router) recordWithdrawal(ctx context.Context, c *call, ids []string, reason string) error {
	ps, err := r.programmes()
	if err != nil {
		return err
	}
	for _, id := range ids {
		m, err := r.membership(ctx, ps, c.set, id)
		if err != nil {
			return err
		}
		m.Name, m.UpdatedAt = bot.PersonName(c.set, id), c.now
		m.Withdrawn = &bot.Withdrawal{Date: c.now.In(c.set.Location()).Format("2006-01-02"), Reason: reason, By: c.actorID(), At: c.now}
		if err := ps.PutMembership(ctx, m); err != nil {
			return fmt.Errorf("save membership %s: %w", m.ID, err)
		}
	}
	r.dropReminders(ctx, c.set.ID, ids)
	return nil
}
