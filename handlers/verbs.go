package handlers

import (
	"context"
	"fmt"
	"reflect"

	"github.com/alsbot/alsbot/bot"
)

// handlerFunc runs one verb on a call the pipeline has resolved, loaded and
// authorised (see Router.handle).
type handlerFunc func(ctx context.Context, c *call) (bot.Message, error)

// binding is a verb's handler and the argument type it takes.
type binding struct {
	run  handlerFunc
	args reflect.Type
}

// handlers binds each verb of the registry (bot.Specs) to the function that
// runs it. Role, archive rule, lock and parsing come from the registry
// entry; TestEveryVerbHasHandler fails when a verb is missing here or its
// function takes other arguments than the verb's parser makes.
func (r *Router) handlers() map[bot.Verb]binding {
	m := map[bot.Verb]binding{
		bot.VerbHelp:              with(r.help),
		bot.VerbSetup:             with(r.setup),
		bot.VerbHome:              with(r.home),
		bot.VerbMembers:           with(r.membersList),
		bot.VerbSettings:          with(r.settingsView),
		bot.VerbMembersAdd:        with(r.membersAdd),
		bot.VerbMembersRemove:     with(r.membersRemove),
		bot.VerbFacilitatorAdd:    with(r.facilitatorAdd),
		bot.VerbFacilitatorRemove: with(r.facilitatorRemove),
		bot.VerbCommitmentDrop:    with(r.commitmentDrop),
		bot.VerbCommitmentEdit:    with(r.commitmentEdit),
		bot.VerbSessionUndo:       with(r.sessionUndo),
		bot.VerbNotHere:           with(r.notHere),
		bot.VerbRoundCancel:       with(r.roundCancel),
		bot.VerbSessionStatus:     with(r.sessionStatus),
		bot.VerbMentor:            with(r.mentor),
		bot.VerbTimezone:          with(r.timezone),
		bot.VerbPhases:            with(r.phases),
		bot.VerbObserver:          with(r.observer),
		bot.VerbReminders:         with(r.reminders),
		bot.VerbRemindersCover:    with(r.remindersCover),
		bot.VerbRemindersFac:      with(r.remindersFac),
		bot.VerbNudges:            with(r.nudges),
		bot.VerbSessionAdd:        with(r.sessionAdd),
		bot.VerbSchedule:          with(r.schedule),
		bot.VerbScheduleOff:       with(r.scheduleOff),
		bot.VerbSessions:          with(r.sessions),
		bot.VerbSessionCancel:     with(r.sessionCancel),
		bot.VerbSessionStart:      with(r.sessionStart),
		bot.VerbSessionEnd:        with(r.sessionEnd),
		bot.VerbHere:              with(r.here),
		bot.VerbBid:               with(r.bid),
		bot.VerbRoundStart:        with(r.roundStart),
		bot.VerbRoundNext:         with(r.roundNext),
		bot.VerbRoundEnd:          with(r.roundEnd),
		bot.VerbRoundStatus:       with(r.roundStatus),
		bot.VerbCommit:            with(r.commit),
		bot.VerbActions:           with(r.actions),
		bot.VerbReport:            with(r.report),
		bot.VerbFeedback:          with(r.feedback),
		bot.VerbMentoringLog:      with(r.mentoringLog),
		bot.VerbStats:             with(r.stats),
		bot.VerbExport:            with(r.export),
		bot.VerbMyData:            with(r.mydata),
		bot.VerbForgetMe:          with(r.forgetMe),
		bot.VerbSetArchive:        with(r.setArchive),
		bot.VerbRetention:         with(r.retention),
		bot.VerbCalendar:          with(r.calendar),
		bot.VerbCalendarReset:     with(r.calendarReset),
	}
	for v, b := range r.programmeHandlers() {
		m[v] = b
	}
	return m
}

// with adapts a handler taking the verb's typed arguments (bot.CommitArgs,
// bot.NoArgs, ...) to a binding. The one type assertion lives here.
func with[A any](f func(ctx context.Context, c *call, a A) (bot.Message, error)) binding {
	return binding{args: reflect.TypeFor[A](), run: func(ctx context.Context, c *call) (bot.Message, error) {
		a, ok := c.cmd.Args.(A)
		if !ok {
			return bot.Message{}, fmt.Errorf("verb %q: parsed arguments %T, handler takes %v", c.cmd.Verb, c.cmd.Args, reflect.TypeFor[A]())
		}
		return f(ctx, c, a)
	}}
}
