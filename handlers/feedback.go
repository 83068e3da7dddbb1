package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

// formFeedback reads the feedback form (the pulse's "Rate with a comment")
// as the typed command would be: a rating and an optional comment.
func formFeedback(values map[string]string) (bot.Command, error) {
	raw := strings.TrimSpace(values["rating"])
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 5 {
		return bot.Command{}, bot.Errorf(bot.EINVALID, "%q is not a rating; pick a whole number from 1 to 5. Usage: %s", clipText(raw, 40), bot.Usage(bot.VerbFeedback))
	}
	return bot.Command{Verb: bot.VerbFeedback, Number: n, Text: strings.TrimSpace(values["comment"])}, nil
}

func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// feedback records the actor's rating of the last session they attended;
// a second rating of the same session replaces the first.
func (r *Router) feedback(ctx context.Context, c *call) (bot.Message, error) {
	if err := requireRole(c, bot.RoleMember, "give feedback on sessions"); err != nil {
		return bot.Message{}, err
	}
	comment := strings.TrimSpace(c.cmd.Text)
	if comment != "" {
		if err := checkText(comment, "a comment"); err != nil {
			return bot.Message{}, err
		}
	}
	if c.cmd.Number < 1 || c.cmd.Number > 5 {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "Give a rating from 1 to 5. Usage: %s", bot.Usage(bot.VerbFeedback))
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
	f := &bot.Feedback{ID: id, SetID: c.set.ID, Session: last.Number, SessionID: last.ID, UserID: c.actorID(), Rating: c.cmd.Number, Comment: comment, At: c.now}
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
