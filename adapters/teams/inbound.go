package teams

// Receiving activities: authenticate, acknowledge, and run them in the pool.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

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
		if a.pool.Closed() || act.Type != schema.Message {
			// Shutting down: the Bot Framework may retry, perhaps on
			// another replica. An activity that is not a message (the bot
			// added, a file consent answer) has nobody to tell "busy":
			// a 200 or 202 would say it was taken when it was dropped.
			w.Header().Set("Retry-After", "2")
			http.Error(w, "busy or shutting down", http.StatusServiceUnavailable)
			return
		}
		// No room even to wait: acknowledged all the same, and the sender
		// of a message told at once, on the pool's notice lane, that
		// nothing was done (a 503 shows them only that delivery failed).
		a.pool.Notice(func(ctx context.Context) {
			if err := a.reply(ctx, act, busy()); err != nil {
				a.log.Error("telling a shed command's sender failed", "err", err)
			}
		})
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
	// Claimed first, then shed: a retry of a message its sender was told
	// was not done finds the claim and is not run after all.
	if act.Type == schema.Message && a.clock.Now().Sub(j.at) > a.within {
		// Acknowledged with 202 long ago: say nothing was done rather than
		// act on a command its sender has stopped waiting for.
		a.onShed()
		if err := a.reply(ctx, act, tooLate()); err != nil {
			a.log.Error("telling a shed command's sender failed", "err", err)
		}
		return nil
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
