package teams

import (
	"regexp"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

// botMention is how a member addresses the bot in a Teams channel or group
// chat: Teams has no custom slash commands for bots, and the bot only
// receives a channel message that @mentions it. The name is the app's
// short name (deployments/teams/manifest.json).
const botMention = "@alsbot"

// Mention is a "mention" entity: Teams notifies the person and shows
// Text (which must appear as is in the card) as their name. The id may be
// the user's Teams id or their Microsoft Entra object id, which is what
// alsbot keeps (learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/
// cards/cards-format#mention-support-within-adaptive-cards).
type Mention struct {
	Type      string    `json:"type"` // "mention"
	Text      string    `json:"text"` // "<at>Ana</at>"
	Mentioned Mentioned `json:"mentioned"`
}

// Mentioned is the person of a Mention.
type Mentioned struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// audience is where a card goes: a command is written as the member types
// it there.
type audience int

const (
	inChannel  audience = iota // a channel or group chat: "@alsbot here"
	inPersonal                 // the 1:1 chat with the bot: "here"
)

// teamsWords writes the message's spans Teams' way: a person as
// <at>Name</at> (with its entity, see mentionEntities), a command as the
// member would type it in that conversation. It returns a copy.
func teamsWords(m bot.Message, to audience) bot.Message {
	w := bot.SpanWriter{
		Text:    func(s string) string { return codeAsBold(slashless(s, to)) },
		Mention: func(_, name string) string { return "<at>" + atName(name) + "</at>" },
		// Bold (the model's *bold*, which the card writes **bold**), not a
		// code span: Adaptive Card TextBlocks render only bold, italic,
		// lists and links, so backticks would show as typed.
		Command: func(c string) string {
			if to == inPersonal {
				return "*" + c + "*"
			}
			return "*" + botMention + " " + c + "*"
		},
	}
	m.Title = w.Write(m.Title)
	m.Text = w.Write(m.Text)
	secs := make([]bot.Section, len(m.Sections))
	for i, s := range m.Sections {
		s.Title, s.Text = w.Write(s.Title), w.Write(s.Text)
		fs := make([]bot.Field, len(s.Fields))
		for j, f := range s.Fields {
			fs[j] = bot.Field{Label: w.Write(f.Label), Value: w.Write(f.Value)}
		}
		s.Fields = fs
		secs[i] = s
	}
	m.Sections = secs
	btns := make([]bot.Button, len(m.Buttons))
	for i, b := range m.Buttons {
		b.Label = plainWords(b.Label, to)
		btns[i] = b
	}
	m.Buttons = btns
	return m
}

// plainWords writes spans where Teams shows no formatting (a button, the
// notification preview): a person by name, a command as typed there.
func plainWords(s string, to audience) string {
	return bot.SpanWriter{
		Text:    func(s string) string { return slashless(s, to) },
		Mention: func(_, name string) string { return name },
		Command: func(c string) string {
			if to == inPersonal {
				return c
			}
			return botMention + " " + c
		},
	}.Write(s)
}

// codeSpan is a one-line `code span` of the bot's wording.
var codeSpan = regexp.MustCompile("`([^`\n]+)`")

// codeAsBold writes code spans ("send `forget me`") as the model's *bold*:
// Adaptive Card TextBlocks show backticks as typed.
func codeAsBold(s string) string {
	if !strings.Contains(s, "`") {
		return s
	}
	return codeSpan.ReplaceAllString(s, "*$1*")
}

// slashless rewrites a "/als " that wording still writes outside a
// command span (usage lines, help) as the member types it in Teams.
func slashless(s string, to audience) string {
	if !strings.Contains(s, "/als ") {
		return s
	}
	if to == inPersonal {
		return strings.ReplaceAll(s, "/als ", "")
	}
	return strings.ReplaceAll(s, "/als ", botMention+" ")
}

// atName keeps a display name from closing its <at> tag early or reading
// as markdown.
func atName(name string) string {
	return strings.NewReplacer("<", "", ">", "", "*", "", "_", "", "[", "", "]", "").Replace(name)
}

// mentionEntities are the mention entities of the people mentioned in m,
// for those whose <at> text is still in the rendered card (a card cut to
// fit may have lost one; Teams refuses an entity it cannot find).
func mentionEntities(m bot.Message, cardJSON string) []Mention {
	var out []Mention
	for _, u := range m.Mentions() {
		text := "<at>" + atName(u.Name) + "</at>"
		if !strings.Contains(cardJSON, text) {
			continue
		}
		out = append(out, Mention{Type: "mention", Text: text, Mentioned: Mentioned{ID: u.ID, Name: u.Name}})
	}
	return out
}
