package teams

// Answering an activity: the typing indicator, and replies in the thread or 1:1.

import (
	"context"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/core/activity"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
)

// typingAfterDelay shows Teams' typing indicator in the activity's
// conversation once the command has taken typingAfter, unless stop is
// called first; stop waits for an indicator in flight, so it never follows
// the answer.
func (a *Adapter) typingAfterDelay(ctx context.Context, act schema.Activity) (stop func()) {
	if a.typingAfter < 0 {
		return func() {}
	}
	var mu sync.Mutex
	stopped := false
	t := time.AfterFunc(a.typingAfter, func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		if err := a.sendTyping(ctx, act); err != nil {
			a.log.Warn("typing indicator failed", "err", err)
		}
	})
	return func() {
		t.Stop()
		mu.Lock()
		stopped = true
		mu.Unlock()
	}
}

// sendTyping posts a typing activity in reply to act.
func (a *Adapter) sendTyping(ctx context.Context, act schema.Activity) error {
	bc := &boundClient{ctx: ctx, conn: a.conn}
	bf := *a.bf
	bf.Client = bc
	return bf.ProactiveMessage(ctx, replyRef(act), activity.HandlerFuncs{OnMessageFunc: func(turn *activity.TurnContext) (schema.Activity, error) {
		return turn.SendActivity(func(out *schema.Activity) error { out.Type = schema.Typing; return nil })
	}})
}

// reply answers an activity: in its conversation (the thread, in a channel),
// or, for a private message to a command made in a channel or group chat,
// in the actor's 1:1 chat, since Teams has no ephemeral messages. An error
// that cannot reach the 1:1 chat is shown in the thread instead: it says
// nothing confidential, and silence would be worse.
func (a *Adapter) reply(ctx context.Context, act schema.Activity, m bot.Message) error {
	if m.Private && !isPersonal(act) {
		_, err := a.Send(ctx, bot.Destination{Platform: bot.Teams, UserID: userID(act.From)}, m)
		if err == nil || m.Kind != bot.KindError {
			return err
		}
		a.log.Warn("private reply could not reach the 1:1 chat; answering in the thread", "err", err)
	}
	card := RenderCard(m)
	if isPersonal(act) {
		card = RenderPersonalCard(m)
	}
	return a.replyCard(ctx, act, card, false)
}

func (a *Adapter) replyCard(ctx context.Context, act schema.Activity, card Card, private bool) error {
	if private && !isPersonal(act) {
		_, err := a.sendCard(ctx, a.directRefFor(ctx, act), card)
		return err
	}
	_, err := a.sendReply(ctx, act, card)
	return err
}

// directRefFor finds the actor's 1:1 reference (creating the chat if needed);
// on failure it falls back to the activity's own conversation.
func (a *Adapter) directRefFor(ctx context.Context, act schema.Activity) schema.ConversationReference {
	ref, err := a.userRef(ctx, userID(act.From))
	if err != nil {
		a.log.Warn("no 1:1 chat for a form reply; answering in the thread", "err", err)
		return replyRef(act)
	}
	return ref
}

// replyRef is the reference of the activity itself, so a send replies to it.
func replyRef(act schema.Activity) schema.ConversationReference {
	return schema.ConversationReference{
		ActivityID:   act.ID,
		User:         act.From,
		Bot:          act.Recipient,
		Conversation: act.Conversation,
		ChannelID:    act.ChannelID,
		ServiceURL:   act.ServiceURL,
	}
}
