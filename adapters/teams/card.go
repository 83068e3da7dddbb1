package teams

// Adaptive Cards: the card model, and rendering a neutral bot.Message as one.

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
)

// Adaptive Card version: Teams renders cards up to 1.5 in bots on desktop and
// web ("Universal Actions ... introduced in the Adaptive Cards schema version
// 1.5", learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/
// cards/universal-actions-for-adaptive-cards); older mobile clients show the
// fallback text. The cards use nothing newer than 1.3 (input labels,
// isRequired, errorMessage).
const (
	cardVersion     = "1.5"
	cardSchema      = "http://adaptivecards.io/schemas/adaptive-card.json"
	cardContentType = "application/vnd.microsoft.card.adaptive"
)

// Card is an Adaptive Card. Only the properties alsbot uses are modelled;
// field order is JSON order, so golden files are stable.
type Card struct {
	Type         string    `json:"type"`
	Schema       string    `json:"$schema,omitempty"`
	Version      string    `json:"version,omitempty"`
	FallbackText string    `json:"fallbackText,omitempty"`
	Body         []Element `json:"body"`
	Actions      []Action  `json:"actions,omitempty"`
	MSTeams      *MSTeams  `json:"msteams,omitempty"`
}

// MSTeams holds Teams-only card properties.
type MSTeams struct {
	Width    string    `json:"width,omitempty"`
	Entities []Mention `json:"entities,omitempty"` // the people <at>mentioned</at> in the card
}

// Element is a card element: TextBlock, FactSet, Container or an Input.
type Element struct {
	Type      string `json:"type"`
	ID        string `json:"id,omitempty"`
	Text      string `json:"text,omitempty"`
	Wrap      bool   `json:"wrap,omitempty"`
	Size      string `json:"size,omitempty"`
	Weight    string `json:"weight,omitempty"`
	Color     string `json:"color,omitempty"`
	IsSubtle  bool   `json:"isSubtle,omitempty"`
	Spacing   string `json:"spacing,omitempty"`
	Separator bool   `json:"separator,omitempty"`
	Style     string `json:"style,omitempty"`

	URL     string `json:"url,omitempty"`     // Image
	AltText string `json:"altText,omitempty"` // Image

	Items   []Element `json:"items,omitempty"`   // Container
	Facts   []Fact    `json:"facts,omitempty"`   // FactSet
	Actions []Action  `json:"actions,omitempty"` // ActionSet

	// Inputs
	Label        string   `json:"label,omitempty"`
	IsRequired   bool     `json:"isRequired,omitempty"`
	ErrorMessage string   `json:"errorMessage,omitempty"`
	IsMultiline  bool     `json:"isMultiline,omitempty"`
	MaxLength    int      `json:"maxLength,omitempty"`
	Placeholder  string   `json:"placeholder,omitempty"`
	Value        string   `json:"value,omitempty"`
	Choices      []Choice `json:"choices,omitempty"`
}

// Fact is a FactSet row.
type Fact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// Choice is an Input.ChoiceSet option.
type Choice struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// Action is Action.Submit (with data) or Action.ShowCard (with a card).
type Action struct {
	Type  string      `json:"type"`
	Title string      `json:"title"`
	Style string      `json:"style,omitempty"`
	Data  *SubmitData `json:"data,omitempty"`
	Card  *Card       `json:"card,omitempty"`
}

// maxActions is how many actions Adaptive Card hosts show in one set (the
// default host config of Microsoft's renderer); more go into further sets.
const maxActions = 5

// maxInlineImage is the largest PNG shown inline (base64 in the card).
const maxInlineImage = 20 << 10

// Attachment renders m as an Adaptive Card attachment.
func Attachment(m bot.Message) schema.Attachment {
	c := RenderCard(m)
	return schema.Attachment{ContentType: cardContentType, Content: c}
}

// RenderCard renders the neutral message as an Adaptive Card for a channel
// or group chat. It is a pure function of m.
func RenderCard(m bot.Message) Card { return renderCard(m, inChannel) }

// RenderPersonalCard renders m for the 1:1 chat with the bot, where a
// command is typed without @alsbot.
func RenderPersonalCard(m bot.Message) Card { return renderCard(m, inPersonal) }

func renderCard(m bot.Message, to audience) Card {
	c := renderBody(teamsWords(m, to))
	// The notification preview is plain text: names, not <at> tags.
	c.FallbackText = fallback(bot.Message{Title: plainWords(m.Title, to), Text: plainWords(m.Text, to)})
	if ents := mentionEntities(m, cardTexts(c.Body)); len(ents) > 0 {
		c.MSTeams.Entities = ents
	}
	return c
}

// cardTexts is every text of els, joined: where a mention's <at> text must be.
func cardTexts(els []Element) string {
	var b strings.Builder
	for _, e := range els {
		b.WriteString(e.Text)
		b.WriteByte('\n')
		for _, f := range e.Facts {
			b.WriteString(f.Title + "\n" + f.Value + "\n")
		}
		b.WriteString(cardTexts(e.Items))
	}
	return b.String()
}

func renderBody(m bot.Message) Card {
	c := newCard(fallback(m))
	if m.Title != "" {
		tb := Element{Type: "TextBlock", Text: markdown(m.Title), Wrap: true, Size: "Medium", Weight: "Bolder"}
		switch m.Kind {
		case bot.KindError:
			tb.Color = "Attention"
		case bot.KindReminder, bot.KindNudge, bot.KindActionPrompt, bot.KindMentorNudge, bot.KindFeedback:
			tb.Color = "Accent"
		}
		c.Body = append(c.Body, tb)
	}
	text := textBlocks(m.Text)
	if m.Kind == bot.KindError {
		for i := range text {
			text[i].Color = "Attention"
		}
	}
	c.Body = append(c.Body, text...)
	for _, s := range m.Sections {
		box := Element{Type: "Container", Separator: true, Spacing: "Medium"}
		if s.Title != "" {
			box.Items = append(box.Items, Element{Type: "TextBlock", Text: markdown(s.Title), Wrap: true, Weight: "Bolder"})
		}
		box.Items = append(box.Items, textBlocks(s.Text)...)
		if len(s.Fields) > 0 {
			fs := Element{Type: "FactSet"}
			for _, f := range s.Fields {
				fs.Facts = append(fs.Facts, Fact{Title: markdown(f.Label), Value: markdown(f.Value)})
			}
			box.Items = append(box.Items, fs)
		}
		if len(box.Items) > 0 {
			c.Body = append(c.Body, box)
		}
	}
	for _, f := range m.Files {
		// A PNG (the stats chart) shows inline as a data URL. Teams leaves
		// base64 images out of its message size limit (see maxCardBytes),
		// but older clients and the fallback do not, so only a small one.
		if inlineImage(f) {
			c.Body = append(c.Body, Element{Type: "Image", URL: "data:image/png;base64," + base64.StdEncoding.EncodeToString(f.Data), AltText: f.Name, Size: "Stretch"})
			continue
		}
		// Other files are offered in the person's 1:1 chat (files.go).
		c.Body = append(c.Body, Element{Type: "TextBlock", Wrap: true, IsSubtle: true,
			Text: fmt.Sprintf("File %s (%d bytes): accept it in your chat with me to save it to your OneDrive. An administrator can also write the set's CSV files with **alsbot export --set <name> --out <dir>**.", f.Name, len(f.Data))})
	}
	if m.Form != nil {
		spec := formSpec(m.Form, "")
		c.Body = append(c.Body, formInputs(spec, nil, nil)...)
		c.Actions = append(c.Actions, submitAction(spec, m.Form.Command, m.Form.SetID))
	}
	for i, b := range m.Buttons {
		c.Actions = append(c.Actions, buttonAction(b, i))
	}
	if len(c.Actions) > maxActions {
		// Hosts show at most maxActions actions in one set (the feedback
		// pulse has six): lay them out as action sets in the body instead.
		for len(c.Actions) > 0 {
			n := min(maxActions, len(c.Actions))
			c.Body = append(c.Body, Element{Type: "ActionSet", Actions: c.Actions[:n]})
			c.Actions = c.Actions[n:]
		}
		c.Actions = nil
	}
	if len(c.Body) == 0 {
		c.Body = append(c.Body, Element{Type: "TextBlock", Text: " ", Wrap: true})
	}
	return fitCard(c)
}

// inlineImage reports whether f is shown in the card itself.
func inlineImage(f bot.File) bool {
	return f.ContentType == "image/png" && len(f.Data) <= maxInlineImage
}

func newCard(fallbackText string) Card {
	return Card{Type: "AdaptiveCard", Schema: cardSchema, Version: cardVersion, FallbackText: fallbackText, MSTeams: &MSTeams{Width: "Full"}}
}

// textBlocks renders text line by line: Teams does not reliably break lines
// inside one TextBlock. Indented lines (details under an item) are subtle.
func textBlocks(text string) []Element {
	var out []Element
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		tb := Element{Type: "TextBlock", Text: markdown(trimmed), Wrap: true}
		if len(out) > 0 {
			tb.Spacing = "None"
		}
		if trimmed != strings.TrimRight(line, " \t") {
			tb.IsSubtle = true
		}
		out = append(out, tb)
	}
	return out
}

var (
	boldStars = regexp.MustCompile(`\*([^*\n]+)\*`)
	// autolink is CommonMark's <scheme:…> holding a "/", "@" or "." (a
	// usage's <HH:MM> stays as it is) and <user@host>.
	autolink = regexp.MustCompile(`<([A-Za-z][A-Za-z0-9+.\-]*:[^<>\s]*[/@.][^<>\s]*>|[^<>\s]+@[^<>\s]+>)`)
)

// markdown turns the message model's *bold* into Adaptive Card **bold**,
// and makes links inert: the bot's own wording has none, and a member's
// text ("[IT notice: sign in again](https://evil.example/login)") must not
// show as a link under the bot's name. A zero-width space between "]" and
// "(", and after "<" of an autolink, breaks the syntax and keeps the words.
func markdown(s string) string {
	s = strings.ReplaceAll(s, "](", "]\u200b(")
	s = autolink.ReplaceAllString(s, "<\u200b$1")
	return boldStars.ReplaceAllString(s, "**$1**")
}

// fallback is the plain text clients that cannot show the card display, and
// the notification preview.
func fallback(m bot.Message) string {
	s := m.Title
	if s == "" {
		s, _, _ = strings.Cut(strings.TrimSpace(m.Text), "\n")
	}
	if r := []rune(s); len(r) > 200 {
		s = string(r[:199]) + "…"
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
