package slack

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/alsbot/alsbot/bot"
)

// This file turns what Slack sends (slash commands, interactions, events;
// whether over HTTP or Socket Mode) into bot.Requests and sends the answers.

// Slack event types the bot subscribes to (deployments/slack/manifest.yaml).
const (
	eventAppMention    = "app_mention"
	eventMessageIM     = "message.im"
	eventAppHomeOpened = "app_home_opened"
)

// target is where the answer to a request goes.
type target struct {
	responseURL string // answer through it when set
	triggerID   string // opens a modal when the answer is a form
	channel     string // the conversation the request came from; "" for App Home
	user        string // the actor
}

// linkOrChannel matches Slack's escaped links and channel references.
var linkOrChannel = regexp.MustCompile(`<(https?://[^|>]+)(?:\|[^>]*)?>|<#[A-Z0-9]+\|([^>]*)>`)

// request builds the core's request: the actor and mentioned users resolved
// through users.info, mentions as "@U123" tokens.
func (a *Adapter) request(ctx context.Context, userID, userName, channelID, channelName, text string) bot.Request {
	actor := a.people.lookup(ctx, userID, userName)
	text, mentions := a.people.mentions(ctx, text)
	return bot.Request{
		Platform: bot.Slack,
		Actor:    actor,
		Conv: bot.ConversationRef{
			ID:   channelID,
			Name: channelName,
			DM:   channelID == "" || isDMChannel(channelID) || channelName == "directmessage",
		},
		Text:     plainText(text),
		Mentions: mentions,
	}
}

// plainText undoes Slack's escaping of what a person typed (links, channel
// names, &amp; &lt; &gt;) once user mentions are tokens.
func plainText(s string) string {
	s = linkOrChannel.ReplaceAllStringFunc(s, func(m string) string {
		sub := linkOrChannel.FindStringSubmatch(m)
		if sub[1] != "" {
			return sub[1]
		}
		return "#" + sub[2]
	})
	if strings.Contains(s, "&") {
		s = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
	}
	return strings.TrimSpace(s)
}

func emptyMessage(m bot.Message) bool {
	return m.Title == "" && m.Text == "" && len(m.Sections) == 0 && len(m.Buttons) == 0 && m.Form == nil && len(m.Files) == 0
}

// answer sends msg, the answer to a request, to t: a form opens as a modal
// when there is a trigger, a public answer goes to the channel, a private
// one is ephemeral (or in the DM).
func (a *Adapter) answer(ctx context.Context, t target, msg bot.Message) {
	if emptyMessage(msg) {
		return
	}
	if msg.Form != nil && t.triggerID != "" {
		err := a.send.openView(ctx, t.triggerID, RenderModal(msg.Form, t.channel))
		if err == nil {
			return
		}
		// The trigger lasts 3 s; post the form's button instead.
		a.log.WarnContext(ctx, "could not open modal", "err", err)
	}
	p := Render(msg)
	var err error
	switch {
	case t.responseURL != "":
		err = a.send.respond(ctx, t.responseURL, p, !msg.Private)
	case t.channel == "":
		// send uploads the files too.
		if _, err := a.send.send(ctx, bot.Destination{Platform: bot.Slack, UserID: t.user}, msg); err != nil {
			a.log.ErrorContext(ctx, "could not send answer", "err", err)
		}
		return
	case !msg.Private || isDMChannel(t.channel):
		_, err = a.send.postMessage(ctx, t.channel, p)
	default:
		_, err = a.send.postEphemeral(ctx, t.channel, t.user, p)
	}
	if err != nil {
		a.log.ErrorContext(ctx, "could not send answer", "err", err)
		return
	}
	a.answerFiles(ctx, t, msg)
}

// answerFiles uploads the files of an answer: to the channel with a public
// answer there, else to the actor's own DM with the bot (files cannot be
// ephemeral). A private file never goes to the conversation the command
// came from, even a DM: a D… channel may be a DM with someone else.
func (a *Adapter) answerFiles(ctx context.Context, t target, msg bot.Message) {
	if len(msg.Files) == 0 {
		return
	}
	channel := t.channel
	if channel == "" || msg.Private {
		var err error
		if channel, err = a.send.openDM(ctx, t.user); err != nil {
			a.log.ErrorContext(ctx, "could not open DM for files", "err", err)
			return
		}
	}
	if err := a.send.uploadFiles(ctx, channel, msg.Files); err != nil {
		a.log.ErrorContext(ctx, "could not upload files", "err", err)
	}
}

// reply is what a slash command job hands the HTTP request still waiting
// for it.
type reply struct {
	msg  bot.Message
	none bool // nothing to show (e.g. a modal opened instead)
}

// pending joins a slash command's job and the HTTP request acknowledging it:
// the answer goes in the HTTP response when it is ready in time, else the
// request acknowledges at once and the job posts the answer itself.
type pending struct {
	mu      sync.Mutex
	waiting bool
	ch      chan reply
}

func newPending() *pending { return &pending{waiting: true, ch: make(chan reply, 1)} }

// offer hands r to the waiting request; false when it gave up waiting.
func (p *pending) offer(r reply) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.waiting {
		return false
	}
	p.waiting = false
	p.ch <- r
	return true
}

// give up waiting; returns the reply when it was offered meanwhile.
func (p *pending) giveUp() (reply, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.waiting {
		p.waiting = false
		return reply{}, false
	}
	return <-p.ch, true
}

// slashJob handles a slash command. p, when not nil, is the HTTP request
// waiting for the answer; claimKey, when set, makes the command run once.
// queued is when it was received: a job that waited for a worker past
// a.within is shed, told "too busy, nothing was done", instead of run.
func (a *Adapter) slashJob(cmd slack.SlashCommand, p *pending, claimKey string, queued time.Time) func(context.Context) {
	return func(ctx context.Context) {
		if a.clock.Now().Sub(queued) > a.within {
			a.onShed()
			if !p.offer(reply{msg: tooLate()}) {
				a.answer(ctx, target{responseURL: cmd.ResponseURL, channel: cmd.ChannelID, user: cmd.UserID}, tooLate())
			}
			return
		}
		if claimKey != "" && !a.claim(ctx, claimKey) {
			p.offer(reply{none: true})
			return
		}
		stop := func() {}
		if p == nil {
			// Socket Mode acknowledged already: say something when the
			// answer takes longer than HTTP mode waits, as HTTP mode does.
			stop = a.workingAfter(ctx, cmd.ResponseURL)
		}
		req := a.request(ctx, cmd.UserID, cmd.UserName, cmd.ChannelID, cmd.ChannelName, cmd.Text)
		msg := a.handle(ctx, req)
		msg = a.withMembership(ctx, cmd.ChannelID, cmd.Text, msg)
		stop()
		t := target{responseURL: cmd.ResponseURL, triggerID: cmd.TriggerID, channel: cmd.ChannelID, user: cmd.UserID}
		if msg.Form != nil && t.triggerID != "" {
			if err := a.send.openView(ctx, t.triggerID, RenderModal(msg.Form, t.channel)); err == nil {
				p.offer(reply{none: true})
				return
			}
		}
		if p.offer(reply{msg: msg}) {
			a.answerFiles(ctx, t, msg)
			return
		}
		t.triggerID = "" // long expired, or failed just now
		a.answer(ctx, t, msg)
	}
}

// interaction handles a button press or modal submission. It returns what to
// acknowledge with (nil: an empty 200) and the work to do after, if any.
func (a *Adapter) interaction(cb slack.InteractionCallback, claimKey string) (any, func(context.Context)) {
	at := a.clock.Now() // received: a job that waited past a.within is shed
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 {
			return nil, nil
		}
		act := cb.ActionCallback.BlockActions[0]
		channel := firstNonEmpty(cb.Container.ChannelID, cb.Channel.ID)
		switch {
		case strings.HasPrefix(act.ActionID, actionForm):
			f, _, err := decodeForm(act.Value)
			if err != nil {
				a.log.Warn("bad form button value", "err", err)
				return nil, nil
			}
			return nil, func(ctx context.Context) {
				if claimKey != "" && !a.claim(ctx, claimKey) {
					return
				}
				if a.late(ctx, at, target{responseURL: cb.ResponseURL, channel: channel, user: cb.User.ID}) {
					return // its trigger expired long ago anyway
				}
				if err := a.send.openView(ctx, cb.TriggerID, RenderModal(f, channel)); err != nil {
					a.log.ErrorContext(ctx, "could not open form", "form", f.ID, "err", err)
				}
			}
		case strings.HasPrefix(act.ActionID, actionCommand):
			return nil, func(ctx context.Context) {
				if claimKey != "" && !a.claim(ctx, claimKey) {
					return
				}
				if a.late(ctx, at, target{responseURL: cb.ResponseURL, channel: channel, user: cb.User.ID}) {
					return
				}
				command, setID := decodeCommand(act.Value)
				req := a.request(ctx, cb.User.ID, cb.User.Name, channel, cb.Channel.Name, command)
				req.SetID = setID
				msg := a.handle(ctx, req)
				a.answer(ctx, target{responseURL: cb.ResponseURL, triggerID: cb.TriggerID, channel: channel, user: cb.User.ID}, msg)
			}
		}
		return nil, nil
	case slack.InteractionTypeViewSubmission:
		form, channel, err := decodeForm(cb.View.PrivateMetadata)
		if err != nil || form.Command == "" {
			return nil, nil // not one of ours
		}
		values, errs := validate(form, cb.View.State)
		if len(errs) > 0 {
			return slack.NewErrorsViewSubmissionResponse(errs), nil
		}
		return nil, func(ctx context.Context) {
			if claimKey != "" && !a.claim(ctx, claimKey) {
				return
			}
			if a.late(ctx, at, target{channel: channel, user: cb.User.ID}) {
				return
			}
			req := a.request(ctx, cb.User.ID, cb.User.Name, channel, "", form.Command)
			req.Action = &bot.Action{FormID: form.ID, Values: values}
			req.SetID = form.SetID
			msg := a.handle(ctx, req)
			a.answer(ctx, target{channel: channel, user: cb.User.ID}, msg)
		}
	}
	return nil, nil
}

// validate reads a modal's submitted values and checks them against its
// form (bot.Form.Validate). errs is keyed by block id (the field name), as
// response_action "errors" wants.
func validate(f *bot.Form, state *slack.ViewState) (values, errs map[string]string) {
	submitted := map[string]string{}
	for _, fl := range f.Fields {
		if state == nil {
			break
		}
		act, ok := state.Values[fl.Name][fl.Name]
		if !ok {
			continue
		}
		switch fl.Kind {
		case bot.FieldDate:
			submitted[fl.Name] = act.SelectedDate
		case bot.FieldChoice:
			submitted[fl.Name] = act.SelectedOption.Value
		default:
			submitted[fl.Name] = act.Value
		}
	}
	return f.Validate(submitted)
}

// eventJob handles an Events API event once (claimKey), whichever way it
// came in.
func (a *Adapter) eventJob(ev slackevents.EventsAPIEvent, claimKey string) func(context.Context) {
	at := a.clock.Now() // received: a job that waited past a.within is shed
	return func(ctx context.Context) {
		if claimKey != "" && !a.claim(ctx, claimKey) {
			return // a retry or redelivery of an event already taken
		}
		if a.clock.Now().Sub(at) > a.within {
			a.onShed()
			if t, ok := a.eventTarget(ev); ok {
				a.answer(ctx, t, tooLate())
			}
			return
		}
		botID := a.botUserID()
		switch e := ev.InnerEvent.Data.(type) {
		case *slackevents.AppMentionEvent:
			if e.BotID != "" || e.User == "" || e.User == botID {
				return
			}
			text := stripCommand(stripBotMention(e.Text, botID))
			req := a.request(ctx, e.User, "", e.Channel, "", text)
			a.answer(ctx, target{channel: e.Channel, user: e.User}, a.handle(ctx, req))
		case *slackevents.MessageEvent:
			// Only people's new messages in a DM with the bot; never our own.
			if e.ChannelType != "im" || e.BotID != "" || e.SubType != "" || e.User == "" || e.User == botID {
				return
			}
			text := stripCommand(stripBotMention(e.Text, botID))
			req := a.request(ctx, e.User, "", e.Channel, "", text)
			a.answer(ctx, target{channel: e.Channel, user: e.User}, a.handle(ctx, req))
		case *slackevents.AppHomeOpenedEvent:
			if e.Tab != "home" {
				return
			}
			req := a.request(ctx, e.User, "", "", "", string(bot.VerbHome))
			msg := a.handle(ctx, req)
			if err := a.send.publishHome(ctx, e.User, RenderHome(msg)); err != nil {
				a.log.ErrorContext(ctx, "could not publish App Home", "err", err)
			}
		}
	}
}

// eventTarget is where to answer the person who sent ev: a mention of the
// bot or a message in its DM; false for what no person is waiting on (App
// Home opened, the bot's own messages, edits).
func (a *Adapter) eventTarget(ev slackevents.EventsAPIEvent) (target, bool) {
	botID := a.botUserID()
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if e.BotID == "" && e.User != "" && e.User != botID {
			return target{channel: e.Channel, user: e.User}, true
		}
	case *slackevents.MessageEvent:
		if e.ChannelType == "im" && e.BotID == "" && e.SubType == "" && e.User != "" && e.User != botID {
			return target{channel: e.Channel, user: e.User}, true
		}
	}
	return target{}, false
}

// late sheds a job that waited for a worker longer than a.within since at,
// when it was received: counted, and its sender told nothing was done,
// rather than acting on what they stopped waiting for.
func (a *Adapter) late(ctx context.Context, at time.Time, t target) bool {
	if a.clock.Now().Sub(at) <= a.within {
		return false
	}
	a.onShed()
	a.answer(ctx, t, tooLate())
	return true
}

// shed counts a request the pool had no room for, not even to wait, and
// tells its sender at t "busy, nothing was done" on the pool's notice lane:
// at once, without a goroutine per shed request.
func (a *Adapter) shed(t target) {
	a.onShed()
	if t.responseURL == "" && t.user == "" {
		return
	}
	a.pool.Notice(func(ctx context.Context) { a.answer(ctx, t, busy()) })
}

// shedEvent sheds an event the pool had no room for; a person who wrote
// to the bot is told.
func (a *Adapter) shedEvent(ev slackevents.EventsAPIEvent) {
	t, ok := a.eventTarget(ev)
	if !ok {
		a.onShed()
		return
	}
	a.shed(t)
}

// shedInteraction sheds a button press or modal submission the pool had no
// room for and returns what to acknowledge it with. A submitted modal stays
// open with "busy" under its first field, so what the person typed is not
// lost and they can submit again; a button press is answered at its
// response_url.
func (a *Adapter) shedInteraction(cb slack.InteractionCallback) any {
	channel := firstNonEmpty(cb.Container.ChannelID, cb.Channel.ID)
	if cb.Type == slack.InteractionTypeViewSubmission {
		if form, ch, err := decodeForm(cb.View.PrivateMetadata); err == nil {
			for _, f := range form.Fields {
				if f.Name != "" {
					a.onShed()
					return slack.NewErrorsViewSubmissionResponse(map[string]string{f.Name: busyForm})
				}
			}
			channel = ch
		}
	}
	a.shed(target{responseURL: cb.ResponseURL, channel: channel, user: cb.User.ID})
	return nil
}

// busyForm is shown under a submitted modal's first field when it is shed.
const busyForm = "The bot is busy, so nothing was saved yet. Please submit again in a minute."

// eventKey is the claim key of an Events API event: Slack's retries and
// Socket Mode redeliveries carry the same event_id.
func eventKey(ev slackevents.EventsAPIEvent) string {
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok && cb.EventID != "" {
		return "slack:event:" + cb.EventID
	}
	return ""
}

// busy is the answer when no worker can take a command.
func busy() bot.Message {
	return bot.Message{Kind: bot.KindError, Private: true, Text: "The bot is busy or restarting; nothing was done. Please try again in a minute."}
}

// tooLate answers a command shed because it waited too long for a worker.
func tooLate() bot.Message {
	return bot.Message{Kind: bot.KindError, Private: true, Text: "The bot was too busy to get to this in time, so nothing was done. Please try again."}
}

// workingAfter posts "Working on it…" through responseURL once ackWait has
// passed, unless stop is called first. stop waits for a post in flight, so
// the notice never lands after the answer.
func (a *Adapter) workingAfter(ctx context.Context, responseURL string) (stop func()) {
	if responseURL == "" {
		return func() {}
	}
	var mu sync.Mutex
	stopped := false
	t := time.AfterFunc(a.ackWait, func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		if err := a.send.respond(ctx, responseURL, Render(working()), false); err != nil {
			a.log.WarnContext(ctx, "could not say working on it", "err", err)
		}
	})
	return func() {
		t.Stop()
		mu.Lock()
		stopped = true
		mu.Unlock()
	}
}

func working() bot.Message {
	return bot.Message{Kind: bot.KindReply, Private: true, Text: "Working on it…"}
}

// withMembership adds to a successful setup's answer how to invite the bot
// when it is not a member of the channel: a slash command works in any
// channel (its answer goes through response_url), but reminders, round
// cards and phase notices are posted with chat.postMessage, which Slack
// refuses there (not_in_channel) until someone invites the bot.
func (a *Adapter) withMembership(ctx context.Context, channel, text string, msg bot.Message) bot.Message {
	if msg.Kind == bot.KindError || isDMChannel(channel) || !isSetup(text) {
		return msg
	}
	member, err := a.send.isMember(ctx, channel)
	if err != nil {
		a.log.WarnContext(ctx, "could not check the bot is in the channel", "channel", channel, "err", err)
		return msg
	}
	if member {
		return msg
	}
	msg.Sections = append(msg.Sections, bot.Section{
		Title: "Invite me to this channel",
		Text: "I'm not a member of this channel yet, so I cannot post the set's reminders, round cards or notices here. " +
			"Type /invite " + bot.Mention(a.botUserID(), "alsbot") + " in this channel (or add the app in the channel's settings, Integrations).",
	})
	return msg
}

// isSetup reports whether a typed command is setup (with or without /als).
func isSetup(text string) bool {
	f := strings.Fields(text)
	if len(f) > 0 && strings.EqualFold(f[0], "/als") {
		f = f[1:]
	}
	return len(f) > 0 && strings.EqualFold(f[0], "setup")
}
