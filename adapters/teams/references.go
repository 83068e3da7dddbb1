package teams

// Who and where an activity is from: user ids, conversations, stored references.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
)

// storeReferences keeps, in one round trip, the reference of the
// conversation (or the sender's 1:1 chat) and how to reach the sender and
// everyone mentioned, so that reminders and DMs work after a restart.
func (a *Adapter) storeReferences(ctx context.Context, act schema.Activity, mentions []mentionEntity) error {
	if act.ServiceURL == "" || act.Conversation.ID == "" {
		return nil
	}
	refs := map[string][]byte{}
	put := func(key string, ref schema.ConversationReference) error {
		b, err := json.Marshal(ref)
		if err != nil {
			return fmt.Errorf("encode reference: %w", err)
		}
		refs[key] = b
		return nil
	}
	tenant := tenantOf(act)
	var people []schema.ChannelAccount // known from here: enough to open a 1:1 chat later
	if isPersonal(act) {
		if uid := userID(act.From); uid != "" && act.From.ID != act.Recipient.ID {
			if err := put(userKey(uid), conversationRef(act, act.From, act.Conversation)); err != nil {
				return err
			}
		}
	} else {
		conv := act.Conversation
		conv.ID = baseConversationID(conv.ID)
		if conv.Name == "" {
			conv.Name = channelName(act)
		}
		if err := put(convKey(conv.ID), conversationRef(act, schema.ChannelAccount{}, conv)); err != nil {
			return err
		}
		people = append(people, act.From)
	}
	people = append(people, act.MembersAdded...)
	for _, m := range mentions {
		people = append(people, m.Mentioned)
	}
	for _, p := range people {
		if uid := userID(p); uid != "" && p.ID != "" && p.ID != act.Recipient.ID {
			if err := put(memberKey(uid), conversationRef(act, p, schema.ConversationAccount{TenantID: tenant})); err != nil {
				return err
			}
		}
	}
	if len(refs) == 0 {
		return nil
	}
	return a.convs.PutConversations(ctx, refs)
}

// conversationRef is a reference for proactive sends: no activity id, so a
// message starts a new post rather than replying to an old one.
func conversationRef(act schema.Activity, user schema.ChannelAccount, conv schema.ConversationAccount) schema.ConversationReference {
	if conv.TenantID == "" {
		conv.TenantID = tenantOf(act)
	}
	return schema.ConversationReference{
		User:         user,
		Bot:          act.Recipient,
		Conversation: conv,
		ChannelID:    act.ChannelID,
		ServiceURL:   act.ServiceURL,
	}
}

// userID is how alsbot knows a Teams user: the Entra (AAD) object id, stable
// across conversations and tenants' apps; the channel account id (29:…) when
// Teams did not send it.
func userID(acc schema.ChannelAccount) string {
	if acc.AadObjectID != "" {
		return acc.AadObjectID
	}
	return acc.ID
}

func isPersonal(act schema.Activity) bool {
	return act.Conversation.ConversationType == "personal" ||
		(act.Conversation.ConversationType == "" && !act.Conversation.IsGroup)
}

// conversationOf is where a command was made: the channel (without the
// thread part of its id) or group chat, or a DM.
func conversationOf(act schema.Activity) bot.ConversationRef {
	if isPersonal(act) {
		return bot.ConversationRef{ID: act.Conversation.ID, DM: true}
	}
	name := act.Conversation.Name
	if name == "" {
		name = channelName(act)
	}
	return bot.ConversationRef{ID: baseConversationID(act.Conversation.ID), Name: name}
}

// baseConversationID drops ";messageid=…": a channel message's conversation
// id names its thread, but a set belongs to the channel.
func baseConversationID(id string) string {
	base, _, _ := strings.Cut(id, ";messageid=")
	return base
}

func channelName(act schema.Activity) string {
	if ch, ok := act.ChannelData["channel"].(map[string]any); ok {
		if n, ok := ch["name"].(string); ok {
			return n
		}
	}
	return ""
}

func tenantOf(act schema.Activity) string {
	if act.Conversation.TenantID != "" {
		return act.Conversation.TenantID
	}
	if t, ok := act.ChannelData["tenant"].(map[string]any); ok {
		if id, ok := t["id"].(string); ok {
			return id
		}
	}
	return ""
}
