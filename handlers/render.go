package handlers

import (
	"fmt"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// reply is a message everyone in the conversation sees.
func reply(text string) bot.Message { return bot.Message{Kind: bot.KindReply, Text: text} }

// private is a message only the actor sees.
func private(text string) bot.Message {
	return bot.Message{Kind: bot.KindReply, Text: text, Private: true}
}

// names lists people of the set by name: "Ana, Ben and Cy".
func names(set *bot.Set, ids []string) string { return bot.PeopleNames(set, ids) }

func joinAnd(xs []string) string { return bot.JoinAnd(xs) }

// clock shows a time of day in loc: "14:35".
func clock(t time.Time, loc *time.Location) string { return t.In(loc).Format("15:04") }

// phasePlan shows the phases and their time boxes in order.
func phasePlan(durations map[bot.Phase]time.Duration) string {
	parts := make([]string, 0, len(bot.Phases))
	for _, p := range bot.Phases {
		parts = append(parts, fmt.Sprintf("%s %s", p, bot.FormatDuration(durations[p])))
	}
	return strings.Join(parts, ", ")
}

// durationsList shows reminder lead times: "7d, 1d, 1h".
func durationsList(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = shortDuration(d)
	}
	return strings.Join(parts, ", ")
}

func shortDuration(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0 && d > time.Hour:
		return fmt.Sprintf("%dh%dm", d/time.Hour, d%time.Hour/time.Minute)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// sessionLine shows a session: "Session 3: Tue 3 Dec 2026 18:00 (Europe/London), 3 h, Room 2 (scheduled)".
func sessionLine(s *bot.Session, loc *time.Location) string {
	line := fmt.Sprintf("Session %d: %s, %s", s.Number, bot.FormatTime(s.Start, loc), bot.FormatDuration(s.Duration))
	if s.Where != "" {
		line += ", " + s.Where
	}
	return line + " (" + string(s.Status) + ")"
}

// resolve turns mention tokens into users through the adapter's map; an
// unknown token is refused before anything changes.
func resolve(c *call, tokens []string) ([]bot.UserRef, error) {
	out := make([]bot.UserRef, 0, len(tokens))
	for _, tok := range tokens {
		tok = strings.TrimPrefix(tok, "@")
		u, ok := c.req.Mentions[tok]
		if !ok {
			u, ok = c.req.Mentions["@"+tok]
		}
		if !ok || u.ID == "" {
			return nil, bot.Errorf(bot.EINVALID, "I don't know @%s. Mention people so that your chat app links them (type @ and pick the person), e.g. `/als members add @ana`.", tok)
		}
		out = append(out, u)
	}
	return out, nil
}
