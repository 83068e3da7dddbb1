package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/scheduler"
)

// maxMembers is the most people with the member role a set may have.
const maxMembers = 20

// setup creates the set of the current channel; its creator facilitates it.
func (r *Router) setup(ctx context.Context, c *call, a bot.SetupArgs) (bot.Message, error) {
	if c.req.Conv.DM {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "Run `/als setup <name>` in the channel where the set will meet, not in a direct message: the set belongs to that channel.")
	}
	tz := "UTC"
	if c.req.Actor.TZ != "" {
		if _, err := time.LoadLocation(c.req.Actor.TZ); err == nil {
			tz = c.req.Actor.TZ
		}
	}
	id := string(c.req.Platform) + ":" + c.req.Conv.ID
	unlock := r.locks.lock(id)
	defer unlock()
	set := &bot.Set{
		ID:            id,
		Name:          strings.TrimSpace(a.Name),
		Platform:      c.req.Platform,
		Channel:       c.req.Conv,
		TZ:            tz,
		Phases:        bot.DefaultPhaseDurations(),
		Observer:      true,
		Reminders:     bot.DefaultReminders(),
		NudgeSpec:     bot.DefaultNudgeSpec,
		RetentionDays: bot.DefaultRetentionDays,
		People:        []bot.Person{{User: c.req.Actor, Roles: []bot.Role{bot.RoleFacilitator}, JoinedAt: c.now}},
		CreatedAt:     c.now,
	}
	if err := r.store.CreateSet(ctx, set); err != nil {
		if isCode(err, bot.EEXISTS) {
			if old, gerr := r.store.GetSet(ctx, id); gerr == nil {
				var facs []string
				for _, p := range old.People {
					if p.Has(bot.RoleFacilitator) {
						facs = append(facs, p.User.ID)
					}
				}
				return bot.Message{}, bot.Errorf(bot.EEXISTS, "This channel already has the set %s, facilitated by %s, and a channel holds one set. To join it, ask them to add you with `/als members add @you`; to start another set, run setup in another channel.", old.Name, names(old, facs))
			}
			return bot.Message{}, bot.Errorf(bot.EEXISTS, "This channel already has a set.")
		}
		return bot.Message{}, fmt.Errorf("create set %s: %w", id, err)
	}
	c.set = set
	r.setChanged(ctx, set)
	// Session times are read in the set's zone: say which it is and how to
	// change it before the first session is planned (a trial's facilitator
	// in London planned sessions in UTC without knowing).
	zone := fmt.Sprintf("Time zone: %s (yours, as your platform tells it). Session times are read and shown in it; change it with `/als timezone Europe/London` (names such as London or UK work too).", set.TZ)
	if set.TZ == "UTC" && c.req.Actor.TZ == "" {
		zone = "Time zone: UTC (the default: your platform did not tell me yours). Session times are read and shown in it; change it with `/als timezone Europe/London` (names such as London or UK work too)."
	}
	return reply(fmt.Sprintf("Created the action learning set %s in this channel, with %s as facilitator.\n%s\nNext: add members with `/als members add @a @b`, then plan sessions with `/als session add <date> <time>` (e.g. `/als session add 23/12/2026 2pm 90`) or a schedule such as `/als schedule every 4 weeks on thursday 14:00 2h`.",
		set.Name, bot.PersonName(set, c.actorID()), zone)), nil
}

// membersList shows who is in the set and who mentors whom, to its
// facilitators (DESIGN.md: the roster is theirs to see).
func (r *Router) membersList(_ context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	var facs, members, mentors []string
	for _, p := range c.set.People {
		name := bot.PersonName(c.set, p.User.ID)
		if p.Has(bot.RoleFacilitator) {
			facs = append(facs, name)
		}
		if p.Has(bot.RoleMember) {
			if p.MentorID != "" {
				name += " (mentor: " + bot.PersonName(c.set, p.MentorID) + ")"
			}
			members = append(members, name)
		}
		if p.Has(bot.RoleMentor) {
			mentors = append(mentors, bot.PersonName(c.set, p.User.ID))
		}
	}
	orNone := func(xs []string) string {
		if len(xs) == 0 {
			return "none"
		}
		return strings.Join(xs, ", ")
	}
	msg := private(fmt.Sprintf("People of %s:", c.set.Name))
	msg.Sections = []bot.Section{{Fields: []bot.Field{
		{Label: "Facilitators", Value: orNone(facs)},
		{Label: fmt.Sprintf("Members (%d)", len(members)), Value: orNone(members)},
		{Label: "Mentors", Value: orNone(mentors)},
	}}}
	return msg, nil
}

// addPerson gives user role in the set, adding them if new; it reports
// whether anything changed. Pointers into set.People are invalid afterwards.
func addPerson(set *bot.Set, u bot.UserRef, role bot.Role, now time.Time) bool {
	if p := set.Person(u.ID); p != nil {
		if u.Name != "" {
			p.User.Name = u.Name
		}
		if u.TZ != "" {
			p.User.TZ = u.TZ
		}
		if p.Has(role) {
			return false
		}
		p.Roles = append(p.Roles, role)
		return true
	}
	set.People = append(set.People, bot.Person{User: u, Roles: []bot.Role{role}, JoinedAt: now})
	return true
}

func (r *Router) membersAdd(ctx context.Context, c *call, a bot.MentionArgs) (bot.Message, error) {
	users, err := resolve(c, a.People)
	if err != nil {
		return bot.Message{}, err
	}
	var added, already []string
	for _, u := range users {
		if addPerson(c.set, u, bot.RoleMember, c.now) {
			added = append(added, u.ID)
		} else {
			already = append(already, u.ID)
		}
	}
	if n := len(c.set.Members()); n > maxMembers {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "A set has at most %d members; this would make %d. Nothing was changed.", maxMembers, n)
	}
	if len(added) == 0 {
		return private(fmt.Sprintf("%s already %s of %s; nothing changed.", names(c.set, already), isAre(len(already), "a member", "members"), c.set.Name)), nil
	}
	if err := r.saveSet(ctx, c); err != nil {
		return bot.Message{}, err
	}
	r.setChanged(ctx, c.set)
	text := fmt.Sprintf("Welcome to %s: %s %s now %s.", c.set.Name, names(c.set, added), isAre(len(added), "is", "are"), isAre(len(added), "a member", "members"))
	if len(already) > 0 {
		text += fmt.Sprintf(" Already members: %s.", names(c.set, already))
	}
	return reply(text), nil
}

func isAre(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (r *Router) membersRemove(ctx context.Context, c *call, a bot.MentionArgs) (bot.Message, error) {
	users, err := resolve(c, a.People)
	if err != nil {
		return bot.Message{}, err
	}
	for _, u := range users {
		if !c.set.HasRole(u.ID, bot.RoleMember) {
			return bot.Message{}, bot.Errorf(bot.ENOTFOUND, "%s is not a member of %s; nothing was changed. See who is with `/als members`.", bot.PersonName(c.set, u.ID), c.set.Name)
		}
	}
	ids := make([]string, len(users))
	for i, u := range users {
		p := c.set.Person(u.ID)
		// Records (commitments, attendance) stay: only the role goes.
		p.Roles = slices.DeleteFunc(p.Roles, func(x bot.Role) bool { return x == bot.RoleMember })
		ids[i] = u.ID
	}
	if a.Withdrew {
		// Recorded first: a withdrawal without the removal is repaired by
		// removing again; a removal without it would lose who started.
		if err := r.recordWithdrawal(ctx, c, ids, a.Reason); err != nil {
			return bot.Message{}, err
		}
	}
	if err := r.saveSet(ctx, c); err != nil {
		return bot.Message{}, err
	}
	r.setChanged(ctx, c.set)
	left := r.leaveRound(ctx, c, ids)
	if a.Withdrew {
		return reply(fmt.Sprintf("%s withdrew from %s; their records stay with the set, and the programme counts them as started and withdrawn.%s", names(c.set, ids), c.set.Name, left)), nil
	}
	return reply(fmt.Sprintf("%s %s no longer %s of %s; their records stay with the set.%s", names(c.set, ids), isAre(len(ids), "is", "are"), isAre(len(ids), "a member", "members"), c.set.Name, left)), nil
}

func (r *Router) facilitatorAdd(ctx context.Context, c *call, a bot.MentionArgs) (bot.Message, error) {
	users, err := resolve(c, a.People)
	if err != nil {
		return bot.Message{}, err
	}
	var added []string
	for _, u := range users {
		if addPerson(c.set, u, bot.RoleFacilitator, c.now) {
			added = append(added, u.ID)
		}
	}
	if len(added) == 0 {
		return private("They already facilitate this set; nothing changed."), nil
	}
	if err := r.saveSet(ctx, c); err != nil {
		return bot.Message{}, err
	}
	r.setChanged(ctx, c.set)
	return reply(fmt.Sprintf("%s now co-facilitate%s %s.", names(c.set, added), isAre(len(added), "s", ""), c.set.Name)), nil
}

func (r *Router) mentor(ctx context.Context, c *call, a bot.MentorArgs) (bot.Message, error) {
	users, err := resolve(c, []string{a.Mentor, a.Mentee})
	if err != nil {
		return bot.Message{}, err
	}
	if len(users) != 2 {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "Name one mentor and one member. Usage: %s", bot.Usage(c.cmd.Verb))
	}
	mentor, mentee := users[0], users[1]
	if mentor.ID == mentee.ID {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "A member cannot mentor themselves. Usage: %s", bot.Usage(c.cmd.Verb))
	}
	if !c.set.HasRole(mentee.ID, bot.RoleMember) {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "%s is not a member of %s: add them with `/als members add @%s` first.", bot.PersonName(c.set, mentee.ID), c.set.Name, mentee.ID)
	}
	addPerson(c.set, mentor, bot.RoleMentor, c.now)
	p := c.set.Person(mentee.ID)
	previous := p.MentorID
	if previous == mentor.ID {
		return private(fmt.Sprintf("%s already mentors %s; nothing changed.", bot.PersonName(c.set, mentor.ID), bot.PersonName(c.set, mentee.ID))), nil
	}
	p.MentorID = mentor.ID
	if err := r.saveSet(ctx, c); err != nil {
		return bot.Message{}, err
	}
	r.setChanged(ctx, c.set)
	text := fmt.Sprintf("%s now mentors %s.", bot.PersonName(c.set, mentor.ID), bot.PersonName(c.set, mentee.ID))
	if previous != "" {
		text += fmt.Sprintf(" (Before: %s.)", bot.PersonName(c.set, previous))
	}
	return private(text), nil
}

// The settings a facilitator changes; each saves the set and tells the
// planner, through saveSettings.

func (r *Router) timezone(ctx context.Context, c *call, a bot.TimezoneArgs) (bot.Message, error) {
	// "London", "UK", "BST" and "europe/london" all mean Europe/London; the
	// answer says how the name was read, and warns about zones that never
	// move to summer time (GMT, UTC+1).
	z, err := bot.LookupZone(a.Zone)
	if err != nil {
		return bot.Message{}, err
	}
	s := c.set
	s.TZ = z.Name
	text := fmt.Sprintf("%s now runs in %s: session times and schedules are read in that zone.", s.Name, s.TZ)
	if z.Note != "" {
		text += " (" + z.Note + ".)"
	}
	if z.Warning != "" {
		text += "\nNote: " + z.Warning
	}
	return r.saveSettings(ctx, c, private(text))
}

func (r *Router) phases(ctx context.Context, c *call, a bot.PhasesArgs) (bot.Message, error) {
	s := c.set
	if s.Phases == nil {
		s.Phases = bot.DefaultPhaseDurations()
	}
	for p, d := range a.Phases {
		s.Phases[p] = d
	}
	return r.saveSettings(ctx, c, private("Time boxes of new rounds: "+phasePlan(s.Phases)+"."))
}

func (r *Router) observer(ctx context.Context, c *call, a bot.ObserverArgs) (bot.Message, error) {
	c.set.Observer = a.On
	text := "New rounds have no observer: everyone but the presenter enables."
	if a.On {
		text = "New rounds have an observer (when at least three members are checked in)."
	}
	return r.saveSettings(ctx, c, private(text))
}

// settingsView shows the set's settings, each with the command that
// changes it (a facilitator typing a bare `reminders` wanted to see them).
func (r *Router) settingsView(_ context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	s := c.set
	loc := s.Location()
	schedule := "none: sessions are added one by one (`/als schedule every 4 weeks on thursday 14:00 2h`)"
	if s.Schedule != nil {
		if spec, err := scheduler.ParseSchedule(s.Schedule.Spec, loc, c.now); err == nil {
			schedule = describeSchedule(spec) + ", " + bot.FormatDuration(s.Schedule.Duration) + " (`/als schedule off` stops it)"
		}
	}
	phases := s.Phases
	if phases == nil {
		phases = bot.DefaultPhaseDurations()
	}
	observer := "off (`/als observer on`)"
	if s.Observer {
		observer = "on, when at least three members are checked in (`/als observer off`)"
	}
	leads := s.Reminders
	reminders := "none"
	if len(leads) > 0 {
		reminders = durationsList(leads) + " before each session: the channel at " + shortDuration(slices.Max(leads)) + ", by DM at the others"
		if len(leads) == 1 {
			reminders = durationsList(leads) + " before each session, in the channel and by DM"
		}
	}
	facDM := "yes (`/als reminders facilitators off`)"
	if s.FacRemindOff {
		facDM = "no (`/als reminders facilitators on`)"
	}
	cover := "off (`/als reminders cover 14d`)"
	if s.CoverLead > 0 {
		cover = shortDuration(s.CoverLead) + " before each session, by DM (`/als reminders cover off`)"
	}
	nudgeSpec := s.NudgeSpec
	if nudgeSpec == "" {
		nudgeSpec = bot.DefaultNudgeSpec
	}
	nudges := fmt.Sprintf("%q", nudgeSpec)
	if spec, err := scheduler.ParseSpec(nudgeSpec, loc); err == nil {
		nudges += ", next " + bot.FormatTime(spec.Next(c.now), loc)
	}
	msg := private(fmt.Sprintf("Settings of %s. A facilitator changes each with the command shown, or the one in `/als help`.", s.Name))
	msg.Sections = []bot.Section{{Fields: []bot.Field{
		{Label: "Time zone", Value: loc.String() + " (`/als timezone Europe/London`)"},
		{Label: "Schedule", Value: schedule},
		{Label: "Phases", Value: phasePlan(phases) + " (`/als phases questioning=30m`)"},
		{Label: "Observer", Value: observer},
		{Label: "Reminders", Value: reminders + " (`/als reminders 7d,1d,1h`)"},
		{Label: "Facilitators reminded by DM", Value: facDM},
		{Label: "Reminder to arrange cover", Value: cover},
		{Label: "Nudges about actions", Value: nudges + " (`/als nudges \"0 9 * * 1\"`)"},
		{Label: "Texts kept after archiving", Value: fmt.Sprintf("%d days (`/als retention 365`)", s.RetentionDays)},
	}}}
	return msg, nil
}

func (r *Router) reminders(ctx context.Context, c *call, a bot.RemindersArgs) (bot.Message, error) {
	c.set.Reminders = slices.Clone(a.Leads)
	return r.saveSettings(ctx, c, private("Session reminders go out "+durationsList(c.set.Reminders)+" before each session."))
}

// remindersCover sets the lead of members' reminders to arrange cover; the
// planner adds or drops them on the set change.
func (r *Router) remindersCover(ctx context.Context, c *call, a bot.RemindersCoverArgs) (bot.Message, error) {
	c.set.CoverLead = a.Lead
	text := "Members get no reminder to arrange cover. `reminders cover 14d` turns it on."
	if a.Lead > 0 {
		text = "Each member gets a direct message " + shortDuration(a.Lead) + " before every session asking them to arrange cover for their duty work (sessions added later than that get none)."
	}
	return r.saveSettings(ctx, c, private(text))
}

func (r *Router) remindersFac(ctx context.Context, c *call, a bot.RemindersFacArgs) (bot.Message, error) {
	c.set.FacRemindOff = !a.On
	text := "Facilitators get no session reminders by DM (the channel is still reminded). `reminders facilitators on` turns them back on."
	if a.On {
		text = "Facilitators get the session reminders by DM too, at the members' lead times; a facilitator who is also a member gets one, not two."
	}
	return r.saveSettings(ctx, c, private(text))
}

func (r *Router) nudges(ctx context.Context, c *call, a bot.NudgesArgs) (bot.Message, error) {
	s := c.set
	spec, err := scheduler.ParseSpec(a.Spec, s.Location())
	if err != nil {
		return bot.Message{}, err
	}
	s.NudgeSpec = spec.String()
	return r.saveSettings(ctx, c, private(fmt.Sprintf("Members with an open commitment are asked how it goes at %q (%s); next: %s.", s.NudgeSpec, s.TZ, bot.FormatTime(spec.Next(c.now), s.Location()))))
}

func (r *Router) retention(ctx context.Context, c *call, a bot.RetentionArgs) (bot.Message, error) {
	c.set.RetentionDays = a.Days
	return r.saveSettings(ctx, c, private(fmt.Sprintf("Once %s is archived, its texts are kept for %d days.", c.set.Name, c.set.RetentionDays)))
}

func (r *Router) setArchive(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	s := c.set
	if s.OpenSession != 0 {
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "Session %d is still open: close it with `/als session end` before archiving the set.", s.OpenSession)
	}
	s.Archived, s.ArchivedAt = true, c.now
	return r.saveSettings(ctx, c, reply(fmt.Sprintf("%s is archived: it takes no more changes, and its texts are kept for %d days (change with `/als retention <days>`).", s.Name, s.RetentionDays)))
}

// saveSettings saves the set a setting changed, tells the planner and
// returns msg.
func (r *Router) saveSettings(ctx context.Context, c *call, msg bot.Message) (bot.Message, error) {
	if err := r.saveSet(ctx, c); err != nil {
		return bot.Message{}, err
	}
	r.setChanged(ctx, c.set)
	return msg, nil
}
