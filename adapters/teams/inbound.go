package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/core/activity"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
)

const (
	maxBody = 1 << 20 // activities are small; Teams caps bot messages at about 100 KB (card.go, maxCardBytes)
	// maxAuthHeader: a Bot Framework token is a few KB. Longer headers are
	// refused before any JWT parsing, which allocates in proportion to the
	// token (GHSA-mh63-6h87-95cp).
	maxAuthHeader = 16 << 10
	jobTimeout    = 2 * time.Minute
)

// job is one authenticated activity waiting for a worker. raw keeps the
// parts of the body schema.Activity loses (mention entities).
type job struct {
	act      schema.Activity
	mentions []mentionEntity
	at       time.Time // when it was acknowledged
}

// mentionEntity is a Teams mention entity; schema.Entity keeps only its type.
type mentionEntity struct {
	Type      string                `json:"type"`
	Text      string                `json:"text"`
	Mentioned schema.ChannelAccount `json:"mentioned"`
}

// serveMessages authenticates an activity, acknowledges it at once and
// leaves the work to the pool. Nothing is stored before authentication.
func (a *Adapter) serveMessages(w http.ResponseWriter, r *http.Request) {
	if h := r.Header.Get("Authorization"); h == "" || len(h) > maxAuthHeader {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	var extra struct {
		Entities []json.RawMessage `json:"entities"`
	}
	if err := json.Unmarshal(body, &extra); err != nil {
		http.Error(w, "the body is not a JSON activity", http.StatusBadRequest)
		return
	}
	// msbotbuilder-go's adapter decodes the activity and calls our validator.
	parseReq := r.Clone(r.Context())
	parseReq.Body = io.NopCloser(bytes.NewReader(body))
	act, err := a.bf.ParseRequest(r.Context(), parseReq)
	if err != nil {
		a.log.Info("refused an activity", "reason", authReason(err))
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	j := job{act: act, at: a.clock.Now()}
	for _, raw := range extra.Entities {
		var m mentionEntity
		if json.Unmarshal(raw, &m) == nil && m.Type == "mention" {
			j.mentions = append(j.mentions, m)
		}
	}

	if !a.pool.Submit(func(ctx context.Context) { a.runJob(ctx, j) }) {
		a.onShed()
		if a.pool.Closed() {
			// Shutting down: the Bot Framework may retry, perhaps on
			// another replica.
			w.Header().Set("Retry-After", "2")
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		// No room even to wait: acknowledged all the same, and the sender
		// of a message told at once, on the pool's notice lane, that
		// nothing was done (a 503 shows them only that delivery failed).
		if act.Type == schema.Message {
			a.pool.Notice(func(ctx context.Context) {
				if err := a.reply(ctx, act, busy()); err != nil {
					a.log.Error("telling a shed command's sender failed", "err", err)
				}
			})
		}
	}
	if act.Type == schema.Invoke {
		// An invoke (a file consent answer) wants 200; the work follows.
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// busy answers a message shed because the queue was full.
func busy() bot.Message {
	return bot.Message{Kind: bot.KindError, Private: true, Text: "The bot is busy or restarting; nothing was done. Please try again in a minute."}
}

// tooLate answers a message shed because it waited too long for a worker.
func tooLate() bot.Message {
	return bot.Message{Kind: bot.KindError, Private: true, Text: "The bot was too busy to get to this in time, so nothing was done. Please try again."}
}

// authReason keeps the validator's reason (no token contents) for the log.
func authReason(err error) string {
	s := err.Error()
	if i := strings.Index(s, "unauthorized: "); i >= 0 {
		return s[i+len("unauthorized: "):]
	}
	return s
}

// runJob handles one activity in the pool (which bounds its time and
// recovers a panic).
func (a *Adapter) runJob(ctx context.Context, j job) {
	if j.act.Type == schema.Message && a.clock.Now().Sub(j.at) > a.within {
		// Acknowledged with 202 long ago: say nothing was done rather than
		// act on a command its sender has stopped waiting for.
		a.onShed()
		if err := a.reply(ctx, j.act, tooLate()); err != nil {
			a.log.Error("telling a shed command's sender failed", "err", err)
		}
		return
	}
	if err := a.handleActivity(ctx, j); err != nil {
		a.log.Error("handling an activity failed", "type", string(j.act.Type), "err", err)
	}
}

// handleActivity dedupes, stores the references the activity carries, and
// runs a message as a command.
func (a *Adapter) handleActivity(ctx context.Context, j job) error {
	act := j.act
	// Only activities the bot acts on are deduped: a claim is a write that
	// stays, and a repeated typing or reaction activity changes nothing.
	if act.ID != "" && (act.Type == schema.Message || act.Type == schema.ConversationUpdate || act.Type == schema.Invoke) {
		won, err := a.claimer.Claim(ctx, activityKey(act.Conversation.ID, act.ID))
		if err != nil {
			return fmt.Errorf("claim activity: %w", err)
		}
		if !won {
			return nil // a retry of an activity already handled (here or by another replica)
		}
	}
	mentions := a.resolveMentions(ctx, act, j.mentions)
	if err := a.storeReferences(ctx, act, mentions); err != nil {
		// Without the references proactive messages may fail later, but the
		// command can still be answered.
		a.log.Warn("storing conversation references failed", "err", err)
	}
	switch act.Type {
	case schema.Message:
		return a.handleMessage(ctx, act, mentions)
	case schema.ConversationUpdate:
		if a.botAdded(act) {
			return a.reply(ctx, act, welcome(act))
		}
	case schema.Invoke:
		if act.Name == invokeFileConsent {
			return a.handleFileConsent(ctx, act)
		}
	}
	return nil
}

// resolveMentions fills in the AAD object id of mentioned people when the
// entity lacks it, by asking the connector, so that a member added by
// mention is the same user id as when they write themselves. A mention that
// cannot be resolved keeps its channel account id.
func (a *Adapter) resolveMentions(ctx context.Context, act schema.Activity, mentions []mentionEntity) []mentionEntity {
	out := make([]mentionEntity, len(mentions))
	copy(out, mentions)
	for i, m := range out {
		if m.Mentioned.AadObjectID != "" || m.Mentioned.ID == "" || m.Mentioned.ID == act.Recipient.ID {
			continue
		}
		acc, err := a.conn.member(ctx, act.ServiceURL, baseConversationID(act.Conversation.ID), m.Mentioned.ID)
		if err != nil {
			a.log.Warn("resolving a mention failed; using the channel account id", "err", err)
			continue
		}
		out[i].Mentioned.AadObjectID = acc.AadObjectID
		if out[i].Mentioned.Name == "" {
			out[i].Mentioned.Name = acc.Name
		}
	}
	return out
}

// botAdded: Teams announces an install with a conversationUpdate naming the
// bot in membersAdded (and also an installationUpdate, which is not answered
// so the welcome is posted once).
func (a *Adapter) botAdded(act schema.Activity) bool {
	if act.Type != schema.ConversationUpdate {
		return false
	}
	for _, m := range act.MembersAdded {
		if m.ID == act.Recipient.ID {
			return true
		}
	}
	return false
}

func welcome(act schema.Activity) bot.Message {
	if isPersonal(act) {
		return bot.Message{Kind: bot.KindHelp, Title: "Hello, I'm alsbot",
			Text: "I run action learning sets: sessions, rounds, commitments and report-back. Here I will send you reminders, prompts and nudges. Type *help* to see what you can do."}
	}
	return bot.Message{Kind: bot.KindHelp, Title: "Hello, I'm alsbot",
		Text: "I run action learning sets in this channel. A facilitator creates one with *@alsbot setup <set name>*, then adds members with *@alsbot members add @name …*. Mention me with *help* to see every command."}
}

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

// handleMessage turns a message (typed text or a card submission) into a
// request, runs it and replies.
func (a *Adapter) handleMessage(ctx context.Context, act schema.Activity, mentions []mentionEntity) error {
	req := bot.Request{
		Platform: bot.Teams,
		Actor:    bot.UserRef{ID: userID(act.From), Name: act.From.Name, TZ: act.LocalTimezone},
		Conv:     conversationOf(act),
	}
	if req.Actor.ID == "" {
		return nil
	}
	if sub, ok := submissionOf(act); ok {
		req.Text, req.SetID = sub.Command, sub.Set
		if sub.Form != nil {
			values, errs := validateForm(sub.Form, act.Value)
			if len(errs) > 0 {
				card := FormCard(sub.Form, sub.Command, sub.Set, values, errs)
				return a.replyCard(ctx, act, card, true)
			}
			req.Action = &bot.Action{FormID: sub.Form.ID, Values: values}
		}
	} else {
		req.Text, req.Mentions = commandText(act, mentions)
		if strings.TrimSpace(req.Text) == "" && act.Value == nil {
			req.Text = "help"
		}
	}
	// Not logged here: the router logs internal errors once.
	stopTyping := a.typingAfterDelay(ctx, act)
	msg, err := a.handler.Handle(ctx, req)
	stopTyping()
	if err != nil && msg.Text == "" && msg.Title == "" {
		msg = bot.Message{Kind: bot.KindError, Private: true, Text: bot.ErrorMessage(err)}
	}
	if err := a.reply(ctx, act, msg); err != nil {
		return err
	}
	var offer []bot.File
	for _, f := range msg.Files {
		if !inlineImage(f) {
			offer = append(offer, f)
		}
	}
	if len(offer) == 0 {
		return nil
	}
	return a.offerFiles(ctx, req.Actor.ID, offer, req.Text, req.SetID)
}

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

// submissionOf reads an Action.Submit's data from the activity's value.
func submissionOf(act schema.Activity) (Submission, bool) {
	raw, ok := act.Value["alsbot"]
	if !ok {
		return Submission{}, false
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return Submission{}, false
	}
	var s Submission
	if json.Unmarshal(b, &s) != nil || strings.TrimSpace(s.Command) == "" {
		return Submission{}, false
	}
	return s, true
}

// validateForm reads the submitted values (by input id) into field names and
// checks them with the form's own rules (bot.Form.Validate), the same as in
// Slack. A value that is not a string counts as empty.
func validateForm(spec *FormSpec, value map[string]any) (values, errs map[string]string) {
	submitted := map[string]string{}
	for _, f := range spec.Fields {
		if v, ok := value[spec.inputID(f.Name)].(string); ok {
			submitted[f.Name] = v
		}
	}
	return spec.Form().Validate(submitted)
}

var (
	atTag   = regexp.MustCompile(`(?is)<at[^>]*>.*?</at>`)
	anyTag  = regexp.MustCompile(`(?s)<[^>]+>`)
	spaceRe = regexp.MustCompile(`\s+`)
)

// commandText strips the mention of the bot, turns every other mention into
// the token "@<user id>" resolved in the returned map, and drops the HTML
// Teams wraps messages in.
func commandText(act schema.Activity, mentions []mentionEntity) (string, map[string]bot.UserRef) {
	text := act.Text
	resolved := map[string]bot.UserRef{}
	for _, m := range mentions {
		if m.Text == "" {
			continue
		}
		repl := " "
		if m.Mentioned.ID != act.Recipient.ID {
			uid := userID(m.Mentioned)
			if uid == "" {
				continue
			}
			resolved[uid] = bot.UserRef{ID: uid, Name: mentionName(m)}
			repl = " @" + uid + " "
		}
		text = strings.Replace(text, m.Text, repl, 1)
	}
	// Mentions without an entity (rare) are dropped rather than parsed as words.
	text = atTag.ReplaceAllString(text, " ")
	text = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "</p>", "\n").Replace(text)
	text = html.UnescapeString(anyTag.ReplaceAllString(text, " "))
	text = strings.ReplaceAll(text, "\u00a0", " ")
	text = strings.TrimSpace(spaceRe.ReplaceAllString(text, " "))
	if len(resolved) == 0 {
		resolved = nil
	}
	return text, resolved
}

func mentionName(m mentionEntity) string {
	if m.Mentioned.Name != "" {
		return m.Mentioned.Name
	}
	return strings.TrimSpace(html.UnescapeString(anyTag.ReplaceAllString(m.Text, "")))
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
