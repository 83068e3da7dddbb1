package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

// programmeHandlers binds the programme verbs (bot/programme_verbs.go).
func (r *Router) programmeHandlers() map[bot.Verb]binding {
	return map[bot.Verb]binding{
		bot.VerbProgrammeCreate:      with(r.programmeCreate),
		bot.VerbProgrammeAddSet:      with(r.programmeAddSet),
		bot.VerbProgrammeLead:        with(r.programmeLead),
		bot.VerbProgramme:            with(r.programmeOverview),
		bot.VerbProgrammeReport:      with(r.programmeReport),
		bot.VerbProgrammePracticeLog: with(r.programmePracticeLog),
		bot.VerbMemberOrg:            with(r.memberOrg),
		bot.VerbMyOrg:                with(r.myOrg),
		bot.VerbLogVisit:             with(r.practiceLog),
		bot.VerbLogGroupSupervision:  with(r.practiceLog),
		bot.VerbQuestionnaireCreate:  with(r.questionnaireCreate),
		bot.VerbQuestionnaireSend:    with(r.questionnaireSend),
		bot.VerbQuestionnaireAnswer:  with(r.questionnaireAnswer),
		bot.VerbQuestionnaires:       with(r.questionnaireList),
	}
}

// programmes is the store's programme part. Every store of this project
// keeps programmes; a test store without them gets a plain refusal.
func (r *Router) programmes() (bot.ProgrammeStore, error) {
	ps, ok := r.store.(bot.ProgrammeStore)
	if !ok {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "Programmes are not kept by this store.")
	}
	return ps, nil
}

// channelSet is the set of the channel the command came from, nil in a DM
// or a channel without a set.
func (r *Router) channelSet(ctx context.Context, c *call) (*bot.Set, error) {
	if c.req.Conv.DM {
		return nil, nil
	}
	s, err := r.store.GetSet(ctx, string(c.req.Platform)+":"+c.req.Conv.ID)
	switch {
	case isCode(err, bot.ENOTFOUND):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read the channel's set: %w", err)
	}
	return s, nil
}

// findProgramme is the programme a command is about: the one named, else
// the programme of the channel's set, else the one programme the actor
// leads.
func (r *Router) findProgramme(ctx context.Context, c *call, ps bot.ProgrammeStore, name string) (*bot.Programme, error) {
	if name != "" {
		p, err := ps.GetProgramme(ctx, bot.ProgrammeID(c.req.Platform, name))
		if isCode(err, bot.ENOTFOUND) {
			return nil, bot.Errorf(bot.ENOTFOUND, "There is no programme called %s.", name)
		}
		return p, err
	}
	if set, err := r.channelSet(ctx, c); err != nil {
		return nil, err
	} else if set != nil {
		link, err := ps.ProgrammeOfSet(ctx, set.ID)
		switch {
		case err == nil:
			return ps.GetProgramme(ctx, link.ProgrammeID)
		case !isCode(err, bot.ENOTFOUND):
			return nil, fmt.Errorf("read the programme of %s: %w", set.ID, err)
		}
	}
	led, err := ps.FindProgrammes(ctx, c.req.Platform, c.actorID())
	if err != nil {
		return nil, fmt.Errorf("find the programmes of the actor: %w", err)
	}
	switch len(led) {
	case 0:
		// Not a lead: the programme of the actor's sets, if they share one
		// (a facilitator sending a questionnaire from a DM).
		if p, err := r.programmeOfMySets(ctx, c, ps); p != nil || err != nil {
			return p, err
		}
		return nil, bot.Errorf(bot.ENOTFOUND, "You lead no programme, and this channel's set belongs to none. Create one with `/als programme create <name>`.")
	case 1:
		return led[0], nil
	}
	names := make([]string, len(led))
	for i, p := range led {
		names[i] = p.Name
	}
	return nil, bot.Errorf(bot.EINVALID, "You lead several programmes (%s): name the one you mean.", strings.Join(names, ", "))
}

// programmeOfMySets is the one programme the actor's active sets belong
// to, or nil.
func (r *Router) programmeOfMySets(ctx context.Context, c *call, ps bot.ProgrammeStore) (*bot.Programme, error) {
	sets, err := r.activeSets(ctx, c)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, s := range sets {
		link, err := ps.ProgrammeOfSet(ctx, s.ID)
		switch {
		case err == nil:
			ids[link.ProgrammeID] = true
		case !isCode(err, bot.ENOTFOUND):
			return nil, fmt.Errorf("read the programme of %s: %w", s.ID, err)
		}
	}
	if len(ids) != 1 {
		return nil, nil
	}
	for id := range ids {
		return ps.GetProgramme(ctx, id)
	}
	return nil, nil
}

// asLead finds the named programme (or the caller's, name "")
// and refuses anyone but its leads, saying they cannot do what: how every
// lead's command starts.
func (r *Router) asLead(ctx context.Context, c *call, name, what string) (bot.ProgrammeStore, *bot.Programme, error) {
	ps, err := r.programmes()
	if err != nil {
		return nil, nil, err
	}
	p, err := r.findProgramme(ctx, c, ps, name)
	if err != nil {
		return nil, nil, err
	}
	if err := requireLead(c, p, what); err != nil {
		return nil, nil, err
	}
	return ps, p, nil
}

// requireLead refuses anyone but a lead of p. The refusal does not say
// what the programme holds.
func requireLead(c *call, p *bot.Programme, what string) error {
	if p.IsLead(c.actorID()) {
		return nil
	}
	return bot.Errorf(bot.EFORBIDDEN, "Only a lead of the programme %s can %s.", p.Name, what)
}

// saveProgramme applies change to p and saves it, reading it again and
// redoing the change when someone else saved it meanwhile.
func saveProgramme(ctx context.Context, ps bot.ProgrammeStore, p *bot.Programme, change func(*bot.Programme) error) error {
	for try := 0; ; try++ {
		if err := change(p); err != nil {
			return err
		}
		err := ps.SaveProgramme(ctx, p)
		if !isCode(err, bot.ECONFLICT) || try == 2 {
			return err
		}
		fresh, gerr := ps.GetProgramme(ctx, p.ID)
		if gerr != nil {
			return gerr
		}
		*p = *fresh
	}
}

func (r *Router) programmeCreate(ctx context.Context, c *call, a bot.ProgrammeNameArgs) (bot.Message, error) {
	ps, err := r.programmes()
	if err != nil {
		return bot.Message{}, err
	}
	p := &bot.Programme{ID: bot.ProgrammeID(c.req.Platform, a.Name), Name: a.Name, Platform: c.req.Platform, Leads: []bot.UserRef{c.req.Actor}, CreatedAt: c.now}
	if err := ps.CreateProgramme(ctx, p); err != nil {
		if isCode(err, bot.EEXISTS) {
			return bot.Message{}, bot.Errorf(bot.EEXISTS, "A programme called %s already exists; nothing was changed.", a.Name)
		}
		return bot.Message{}, fmt.Errorf("create programme %s: %w", p.ID, err)
	}
	return private(fmt.Sprintf("Created the programme %s with you as its lead.\nNext: in each set's channel its facilitator (or you) writes `/als programme add-set to %s`; send questionnaires with `/als questionnaire create` and `/als questionnaire send`.", p.Name, p.Name)), nil
}

func (r *Router) programmeAddSet(ctx context.Context, c *call, a bot.ProgrammeAddSetArgs) (bot.Message, error) {
	ps, err := r.programmes()
	if err != nil {
		return bot.Message{}, err
	}
	set, err := r.namedSet(ctx, c, a.Set)
	if err != nil {
		return bot.Message{}, err
	}
	var p *bot.Programme
	if a.Programme != "" {
		p, err = r.findProgramme(ctx, c, ps, a.Programme)
	} else {
		p, err = r.ledProgramme(ctx, c, ps)
	}
	if err != nil {
		return bot.Message{}, err
	}
	// The programme's leads will see the set's figures: its facilitator
	// agrees by adding it, or a lead who has a role in the set does.
	if !set.HasRole(c.actorID(), bot.RoleFacilitator) && !(p.IsLead(c.actorID()) && set.Person(c.actorID()) != nil) {
		return bot.Message{}, bot.Errorf(bot.EFORBIDDEN, "Only a facilitator of %s (or a lead of %s who is in the set) can add the set to the programme.", set.Name, p.Name)
	}
	if p.Platform != set.Platform {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "%s is on %s and the programme %s on %s; a programme's sets share one platform.", set.Name, set.Platform, p.Name, p.Platform)
	}
	err = ps.AddProgrammeSet(ctx, &bot.ProgrammeSet{SetID: set.ID, ProgrammeID: p.ID, AddedBy: c.actorID(), AddedAt: c.now})
	if isCode(err, bot.EEXISTS) {
		link, gerr := ps.ProgrammeOfSet(ctx, set.ID)
		if gerr != nil {
			return bot.Message{}, fmt.Errorf("read the programme of %s: %w", set.ID, gerr)
		}
		if link.ProgrammeID == p.ID {
			return private(fmt.Sprintf("%s is in the programme %s already; nothing changed.", set.Name, p.Name)), nil
		}
		return bot.Message{}, bot.Errorf(bot.EEXISTS, "%s belongs to another programme already, and a set belongs to at most one; nothing was changed.", set.Name)
	}
	if err != nil {
		return bot.Message{}, fmt.Errorf("add set %s to programme %s: %w", set.ID, p.ID, err)
	}
	return private(fmt.Sprintf("%s is now part of the programme %s. Its facilitators keep seeing the set's own figures; the programme's leads see the programme's.", set.Name, p.Name)), nil
}

// ledProgramme is the one programme the actor leads.
func (r *Router) ledProgramme(ctx context.Context, c *call, ps bot.ProgrammeStore) (*bot.Programme, error) {
	led, err := ps.FindProgrammes(ctx, c.req.Platform, c.actorID())
	if err != nil {
		return nil, fmt.Errorf("find the programmes of the actor: %w", err)
	}
	switch len(led) {
	case 0:
		return nil, bot.Errorf(bot.EINVALID, "Name the programme: `/als programme add-set [<set>] to <programme>`.")
	case 1:
		return led[0], nil
	}
	return nil, bot.Errorf(bot.EINVALID, "You lead several programmes: name one with `to <programme>`.")
}

// namedSet is the set called name on the actor's platform, or the channel's
// set when name is empty.
func (r *Router) namedSet(ctx context.Context, c *call, name string) (*bot.Set, error) {
	if name == "" {
		set, err := r.channelSet(ctx, c)
		if err != nil {
			return nil, err
		}
		if set == nil {
			return nil, bot.Errorf(bot.EINVALID, "Name the set, or run this in the set's channel.")
		}
		return set, nil
	}
	all, err := r.store.FindSets(ctx, c.req.Platform, "")
	if err != nil {
		return nil, fmt.Errorf("list sets: %w", err)
	}
	var found []*bot.Set
	for _, s := range all {
		if !s.Archived && strings.EqualFold(strings.Join(strings.Fields(s.Name), " "), name) {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 0:
		return nil, bot.Errorf(bot.ENOTFOUND, "There is no active set called %s.", name)
	case 1:
		return found[0], nil
	}
	return nil, bot.Errorf(bot.EINVALID, "Several sets are called %s: run this in the set's own channel.", name)
}

func (r *Router) programmeLead(ctx context.Context, c *call, a bot.ProgrammeLeadArgs) (bot.Message, error) {
	ps, p, err := r.asLead(ctx, c, "", "add leads")
	if err != nil {
		return bot.Message{}, err
	}
	users, err := resolve(c, a.People)
	if err != nil {
		return bot.Message{}, err
	}
	var added []string
	err = saveProgramme(ctx, ps, p, func(p *bot.Programme) error {
		added = added[:0]
		for _, u := range users {
			if !p.IsLead(u.ID) {
				p.Leads = append(p.Leads, u)
				added = append(added, "@"+u.ID)
			}
		}
		return nil
	})
	if err != nil {
		return bot.Message{}, fmt.Errorf("save programme %s: %w", p.ID, err)
	}
	if len(added) == 0 {
		return private("They lead the programme already; nothing changed."), nil
	}
	return private(fmt.Sprintf("%s now lead%s the programme %s.", strings.Join(added, ", "), isAre(len(added), "s", ""), p.Name)), nil
}

// programmeSetIDs are the ids of a programme's sets, in the order added.
func programmeSetIDs(ctx context.Context, ps bot.ProgrammeStore, p *bot.Programme) ([]string, error) {
	links, err := ps.ListProgrammeSets(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("list the sets of %s: %w", p.ID, err)
	}
	ids := make([]string, len(links))
	for i, l := range links {
		ids[i] = l.SetID
	}
	return ids, nil
}

// facilitatesIn reports whether the actor facilitates one of sets.
func facilitatesIn(c *call, sets []*bot.Set) bool {
	return slices.ContainsFunc(sets, func(s *bot.Set) bool { return s.HasRole(c.actorID(), bot.RoleFacilitator) })
}

// myProgrammeData adds to mydata what the set's programme records hold of
// the person: their membership (organisation, withdrawal), practice log
// and questionnaire answers.
func (r *Router) myProgrammeData(ctx context.Context, ms *MySet, userID string) error {
	ps, ok := r.store.(bot.ProgrammeStore)
	if !ok {
		return nil
	}
	m, err := ps.GetMembership(ctx, bot.MembershipID(ms.SetID, userID))
	switch {
	case err == nil:
		ms.Membership = m
	case !isCode(err, bot.ENOTFOUND):
		return fmt.Errorf("read membership: %w", err)
	}
	entries, err := ps.ListLogEntries(ctx, ms.SetID)
	if err != nil {
		return fmt.Errorf("list the practice log of %s: %w", ms.SetID, err)
	}
	for _, e := range entries {
		if e.UserID == userID {
			ms.PracticeLog = append(ms.PracticeLog, e)
		}
	}
	link, err := ps.ProgrammeOfSet(ctx, ms.SetID)
	if isCode(err, bot.ENOTFOUND) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the programme of %s: %w", ms.SetID, err)
	}
	answers, err := ps.ListAnswers(ctx, link.ProgrammeID)
	if err != nil {
		return fmt.Errorf("list answers of %s: %w", link.ProgrammeID, err)
	}
	for _, a := range answers {
		if a.UserID == userID && a.SetID == ms.SetID {
			ms.Answers = append(ms.Answers, a)
		}
	}
	return nil
}
