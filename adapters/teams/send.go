package teams

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/infracloudio/msbotbuilder-go/core/activity"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
)

// errNoReference: nothing is stored for a destination yet.
var errNoReference = errors.New("no Teams conversation is known")

// Send implements bot.Messenger. A channel destination goes to the stored
// channel or group chat; a user (alone, or with a channel: Teams has no
// ephemeral messages) to the user's 1:1 chat with the bot, which is created
// when there is none yet.
func (a *Adapter) Send(ctx context.Context, to bot.Destination, m bot.Message) (bot.MessageRef, error) {
	var (
		ref schema.ConversationReference
		key string
		err error
	)
	switch {
	case to.UserID != "":
		key = userKey(to.UserID)
		ref, err = a.userRef(ctx, to.UserID)
	case to.ChannelID != "":
		key = convKey(baseConversationID(to.ChannelID))
		ref, err = a.storedRef(ctx, key)
		if err == nil && to.ThreadID != "" {
			// A reply in the thread of a channel post: Teams names the
			// thread "<channel conversation>;messageid=<root activity id>".
			ref.Conversation.ID = baseConversationID(ref.Conversation.ID) + ";messageid=" + to.ThreadID
		}
	default:
		return bot.MessageRef{}, bot.Errorf(bot.EINVALID, "A Teams message needs a channel or a user to go to.")
	}
	if errors.Is(err, ErrStaleConversation) {
		return bot.MessageRef{}, bot.Permanent("teams conversation gone", err)
	}
	if err != nil {
		return bot.MessageRef{}, err
	}
	card := RenderCard(m)
	if to.UserID != "" || ref.Conversation.ConversationType == "personal" {
		card = RenderPersonalCard(m)
	}
	id, err := a.sendCard(ctx, ref, card)
	if errors.Is(err, errGone) {
		if serr := a.convs.MarkConversationStale(ctx, key); serr != nil {
			a.log.Warn("marking a conversation stale failed", "err", serr)
		}
		err = fmt.Errorf("send to %s: %w: %w", key, ErrStaleConversation, err)
		return bot.MessageRef{}, bot.Permanent(fmt.Sprintf("teams %d", statusOf(err)), err)
	}
	if err != nil {
		err = fmt.Errorf("send to %s: %w", key, err)
		if permanentStatus(statusOf(err)) {
			return bot.MessageRef{}, bot.Permanent(fmt.Sprintf("teams %d", statusOf(err)), err)
		}
		return bot.MessageRef{}, err
	}
	return bot.MessageRef{Platform: bot.Teams, ChannelID: ref.Conversation.ID, ID: id}, nil
}

var _ bot.LiveMessenger = (*Adapter)(nil)

// Update implements bot.LiveMessenger: the activity at ref shows m instead
// (PUT /v3/conversations/{id}/activities/{activityId}, the Bot Connector's
// update activity; msbotbuilder-go has no call for it). Errors are as Send's.
func (a *Adapter) Update(ctx context.Context, at bot.MessageRef, m bot.Message) error {
	if at.ChannelID == "" || at.ID == "" {
		return bot.Errorf(bot.EINVALID, "A Teams message to update needs its conversation and activity id.")
	}
	key := convKey(baseConversationID(at.ChannelID))
	ref, err := a.storedRef(ctx, key)
	if errors.Is(err, ErrStaleConversation) {
		return bot.Permanent("teams conversation gone", err)
	}
	if err != nil {
		return err
	}
	card := RenderCard(m)
	act := schema.Activity{
		Type:         schema.Message,
		ID:           at.ID,
		Conversation: schema.ConversationAccount{ID: at.ChannelID},
		From:         ref.Bot,
		Summary:      card.FallbackText,
		Attachments:  []schema.Attachment{{ContentType: cardContentType, Content: card}},
	}
	target, err := endpoint(ref.ServiceURL, "v3/conversations/"+url.PathEscape(at.ChannelID)+"/activities/"+url.PathEscape(at.ID))
	if err != nil {
		return err
	}
	body, err := compactActivity(act)
	if err != nil {
		return err
	}
	if err := a.conn.do(ctx, http.MethodPut, target, at.ChannelID, body, nil); err != nil {
		err = fmt.Errorf("update activity %s in %s: %w", at.ID, key, err)
		if permanentStatus(statusOf(err)) {
			return bot.Permanent(fmt.Sprintf("teams %d", statusOf(err)), err)
		}
		return err
	}
	return nil
}

// permanentStatus reports whether a connector answer will be the same on
// every retry: the activity is refused (400, 413 MessageSizeTooBig) or the
// bot may no longer post in the conversation (403, 404). 429 and 5xx are
// retried; the connector's own retries have already run.
func permanentStatus(code int) bool {
	switch code {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusRequestEntityTooLarge:
		return true
	}
	return false
}

// storedRef loads a reference; a stale one is refused without asking Teams.
func (a *Adapter) storedRef(ctx context.Context, key string) (schema.ConversationReference, error) {
	var ref schema.ConversationReference
	raw, stale, err := a.convs.GetConversation(ctx, key)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return ref, fmt.Errorf("%s: %w", key, errNoReference)
		}
		return ref, fmt.Errorf("load %s: %w", key, err)
	}
	if stale {
		return ref, fmt.Errorf("%s: %w", key, ErrStaleConversation)
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		return ref, fmt.Errorf("decode %s: %w", key, err)
	}
	return ref, nil
}

// userRef returns the user's 1:1 reference, opening the chat with
// POST /v3/conversations (tenant + the user's id) from what a channel told
// us about them when there is none yet, and storing it.
func (a *Adapter) userRef(ctx context.Context, uid string) (schema.ConversationReference, error) {
	ref, err := a.storedRef(ctx, userKey(uid))
	if err == nil || !errors.Is(err, errNoReference) {
		return ref, err
	}
	member, merr := a.storedRef(ctx, memberKey(uid))
	if merr != nil {
		return ref, fmt.Errorf("no 1:1 chat with user %s and nothing to open one from: %w", uid, merr)
	}
	tenant := member.Conversation.TenantID
	if tenant == "" {
		tenant = a.tenantID
	}
	params := schema.ConversationParameters{
		Bot:      member.Bot,
		Members:  []schema.ChannelAccount{{ID: member.User.ID}},
		TenantID: tenant,
		ChannelData: map[string]any{
			"tenant": map[string]any{"id": tenant},
		},
	}
	convID, err := a.conn.createConversation(ctx, member.ServiceURL, params)
	if errors.Is(err, errGone) {
		// The user is gone or blocked the bot: stop trying until they write.
		if serr := a.convs.MarkConversationStale(ctx, memberKey(uid)); serr != nil {
			a.log.Warn("marking a member reference stale failed", "err", serr)
		}
		return ref, fmt.Errorf("open a 1:1 chat with %s: %w: %w", uid, ErrStaleConversation, err)
	}
	if err != nil {
		return ref, err
	}
	ref = member
	ref.Conversation = schema.ConversationAccount{ID: convID, ConversationType: "personal", TenantID: tenant}
	b, err := json.Marshal(ref)
	if err == nil {
		err = a.convs.PutConversations(ctx, map[string][]byte{userKey(uid): b})
	}
	if err != nil {
		// The chat exists now; Teams returns the same one next time.
		a.log.Warn("storing a new 1:1 reference failed", "err", err)
	}
	return ref, nil
}

// sendCard posts card as a new message in ref's conversation through
// msbotbuilder-go's adapter.
func (a *Adapter) sendCard(ctx context.Context, ref schema.ConversationReference, card Card) (string, error) {
	bc := &boundClient{ctx: ctx, conn: a.conn}
	bf := *a.bf
	bf.Client = bc
	err := bf.ProactiveMessage(ctx, ref, cardHandler(card))
	return bc.id, err
}

// sendReply posts card as a reply to act (in its thread, in a channel).
func (a *Adapter) sendReply(ctx context.Context, act schema.Activity, card Card) (string, error) {
	bc := &boundClient{ctx: ctx, conn: a.conn}
	bf := *a.bf
	bf.Client = bc
	in := activity.ApplyConversationReference(schema.Activity{Type: schema.Message}, replyRef(act), true)
	err := bf.ProcessActivity(ctx, in, cardHandler(card))
	return bc.id, err
}

func cardHandler(card Card) activity.Handler {
	return activity.HandlerFuncs{OnMessageFunc: func(turn *activity.TurnContext) (schema.Activity, error) {
		return turn.SendActivity(
			activity.MsgOptionAttachments([]schema.Attachment{{ContentType: cardContentType, Content: card}}),
			func(out *schema.Activity) error { out.Summary = card.FallbackText; return nil },
		)
	}}
}
