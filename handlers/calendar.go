package handlers

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/alsbot/alsbot/bot"
)

// calendar gives the caller a personal calendar feed address, once: the
// store keeps only the token's hash, so an existing address cannot be shown
// again and the answer says how to get a new one.
func (r *Router) calendar(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	if err := r.calendarReady(); err != nil {
		return bot.Message{}, err
	}
	toks, err := r.calStore.FindCalendarTokens(ctx, c.req.Platform, c.actorID())
	if err != nil {
		return bot.Message{}, fmt.Errorf("find calendar tokens: %w", err)
	}
	if len(toks) > 0 {
		made := toks[0].CreatedAt.In(c.readerLoc()).Format("Mon 02 Jan 2006")
		msg := private(fmt.Sprintf("You already have a calendar feed, made on %s. I keep only a fingerprint of its address, so I cannot show it again: it is in my answer of that day. Send `calendar reset` for a new address (the old one then stops working).", made))
		msg.Title = "Your calendar feed"
		return msg, nil
	}
	return r.issueCalendar(ctx, c, "")
}

// calendarReset revokes the caller's feed addresses and issues a new one.
func (r *Router) calendarReset(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	if err := r.calendarReady(); err != nil {
		return bot.Message{}, err
	}
	n, err := r.calStore.DeleteCalendarTokens(ctx, c.req.Platform, c.actorID())
	if err != nil {
		return bot.Message{}, fmt.Errorf("revoke calendar tokens: %w", err)
	}
	note := "You had no calendar feed yet. "
	if n > 0 {
		note = "Your old calendar feed address no longer works: remove that subscription from your calendar. "
	}
	return r.issueCalendar(ctx, c, note)
}

func (r *Router) calendarReady() error {
	if r.calStore == nil || r.pubURL == "" {
		return bot.Errorf(bot.EINVALID, "Calendar feeds are not set up on this bot: its administrator needs to set ALSBOT_PUBLIC_URL to the bot's public https address.")
	}
	return nil
}

// issueCalendar stores a new token's hash and answers privately with the
// address: the token is in this one message and nowhere else (not in the
// logs, not in the store, not in any delivery).
func (r *Router) issueCalendar(ctx context.Context, c *call, note string) (bot.Message, error) {
	tok, hash, err := bot.NewCalendarToken(rand.Reader)
	if err != nil {
		return bot.Message{}, err
	}
	if err := r.calStore.CreateCalendarToken(ctx, &bot.CalendarToken{Hash: hash, Platform: c.req.Platform, UserID: c.actorID(), CreatedAt: c.now}); err != nil {
		return bot.Message{}, fmt.Errorf("store a calendar token: %w", err)
	}
	url := r.pubURL + "/calendar/" + tok + ".ics"
	msg := private(note + "Subscribe to this address in your calendar app: it lists the sessions of every set you facilitate or are a member of, and keeps itself up to date.\n" + url)
	msg.Title = "Your calendar feed"
	msg.Sections = []bot.Section{{
		Title: "How to subscribe",
		Fields: []bot.Field{
			{Label: "Outlook", Value: "Add calendar > Subscribe from web"},
			{Label: "Google Calendar", Value: "Other calendars > From URL"},
			{Label: "Apple Calendar", Value: "File > New Calendar Subscription"},
		},
		Text: "Keep the address to yourself: anyone who has it sees when and where your sessions are. `calendar reset` replaces it.",
	}}
	return msg, nil
}
