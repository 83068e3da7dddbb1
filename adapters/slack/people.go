package slack

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// userTTL is how long a users.info answer is trusted: names and zones change
// rarely, and a slash command must not wait on Slack every time.
const userTTL = time.Hour

// escapedUser matches a user mention as Slack escapes it in slash command
// text ("should_escape": true) and message text: <@U123> or <@U123|name>.
var escapedUser = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|([^>]*))?>`)

// people resolves Slack user ids to names and zones through users.info,
// cached for userTTL.
type people struct {
	api   *sender
	clock bot.Clock

	mu    sync.Mutex
	users map[string]cachedUser
}

type cachedUser struct {
	ref     bot.UserRef
	expires time.Time
}

func newPeople(api *sender, clock bot.Clock) *people {
	return &people{api: api, clock: clock, users: map[string]cachedUser{}}
}

// lookup returns what Slack says about user id. When users.info fails it
// returns the id with the fallback name: a command still works, only less
// personal.
func (p *people) lookup(ctx context.Context, id, fallbackName string) bot.UserRef {
	now := p.clock.Now()
	p.mu.Lock()
	c, ok := p.users[id]
	p.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.ref
	}
	ref := bot.UserRef{ID: id, Name: fallbackName}
	u, err := p.api.userInfo(ctx, id)
	if err != nil {
		p.api.log.WarnContext(ctx, "users.info failed", "user", id, "err", err)
		return ref
	}
	ref.Name = firstNonEmpty(u.Profile.DisplayName, u.RealName, u.Profile.RealName, u.Name, fallbackName)
	ref.TZ = u.TZ
	p.mu.Lock()
	p.users[id] = cachedUser{ref: ref, expires: now.Add(userTTL)}
	p.mu.Unlock()
	return ref
}

// mentions replaces each escaped user mention in text by the token "@U123"
// the command parser reads, and resolves each mentioned user.
func (p *people) mentions(ctx context.Context, text string) (string, map[string]bot.UserRef) {
	found := escapedUser.FindAllStringSubmatch(text, -1)
	if len(found) == 0 {
		return text, nil
	}
	refs := make(map[string]bot.UserRef, len(found))
	for _, m := range found {
		if _, ok := refs[m[1]]; !ok {
			refs[m[1]] = p.lookup(ctx, m[1], m[2])
		}
	}
	return normalizeMentions(text), refs
}

// normalizeMentions rewrites <@U123|name> and <@U123> as @U123.
func normalizeMentions(text string) string {
	return escapedUser.ReplaceAllString(text, "@$1")
}

// stripBotMention removes a leading mention of the bot from an app_mention or
// message text, so "<@UBOT> round start" reads as "round start".
func stripBotMention(text, botID string) string {
	text = strings.TrimSpace(text)
	if botID != "" {
		for _, prefix := range []string{"<@" + botID + ">", "@" + botID} {
			if rest, ok := strings.CutPrefix(text, prefix); ok {
				return strings.TrimSpace(rest)
			}
		}
	}
	// Without a known bot id, drop any leading mention: app_mention text
	// starts with the bot's own.
	if m := escapedUser.FindStringIndex(text); m != nil && m[0] == 0 && botID == "" {
		return strings.TrimSpace(text[m[1]:])
	}
	return text
}

// stripCommand drops a leading "/als" typed in a message to the bot.
func stripCommand(text string) string {
	text = strings.TrimSpace(text)
	if rest, ok := strings.CutPrefix(text, "/als"); ok && (rest == "" || rest[0] == ' ') {
		return strings.TrimSpace(rest)
	}
	return text
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// isDMChannel reports whether a Slack channel id is a direct message.
func isDMChannel(id string) bool { return strings.HasPrefix(id, "D") }
