package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

// feedback records the actor's rating of the last session they attended;
// a second rating of the same session replaces the first.
func (r *Router) feedback(ctx context.Context, c *call, a bot.FeedbackArgs) (bot.Message, error) {
	comment := strings.TrimSpace(a.Comment)
	if comment != "" {
		if err := bot.CheckText(comment, "a comment"); err != nil {
			return bot.Message{}, err
		}
	}
	if a.Rating < 1 || a.Rating > 5 {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "Give a rating from 1 to 5. Usage: %s", bot.Usage(c.cmd.Verb))
	}
	sessions, err := r.store.ListSessions(ctx, c.set.ID)
	if err != nil {
		return bot.Message{}, fmt.Errorf("list sessions of %s: %w", c.set.ID, err)
	}
	var last *bot.Session
	for _, s := range sessions {
		if s.Held() && s.Attended(c.actorID()) && (last == nil || s.OpenedAt.After(last.OpenedAt)) {
			last = s
		}
	}
	if last == nil {
		return bot.Message{}, bot.Errorf(bot.ECONFLICT, "You have not attended a session of %s yet: feedback is on the last session you checked in to (with `/als here`).", c.set.Name)
	}
	id := bot.FeedbackID(last.ID, c.actorID())
	f := &bot.Feedback{ID: id, SetID: c.set.ID, Session: last.Number, SessionID: last.ID, UserID: c.actorID(), Rating: a.Rating, Comment: comment, At: c.now}
	if err := r.store.PutFeedback(ctx, f); err != nil {
		return bot.Message{}, fmt.Errorf("store feedback %s: %w", id, err)
	}
	text := fmt.Sprintf("Thank you: your feedback on session %d (%d of 5", last.Number, f.Rating)
	if comment != "" {
		text += ", with a comment"
	}
	text += ") is saved. Only the facilitators see it. Send `/als feedback` again to change it."
	return private(text), nil
}
