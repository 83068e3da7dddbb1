package teams

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

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

// SubmitData is what an Action.Submit sends back (in activity.value, next to
// the inputs' values keyed by input id). The form travels with it so that a
// submission can be validated and the form shown again without keeping state.
type SubmitData struct {
	ALSBot Submission `json:"alsbot"`
}

// Submission is the command to run and, for a form, its fields.
type Submission struct {
	Command string    `json:"cmd"`
	Form    *FormSpec `json:"form,omitempty"`
	Set     string    `json:"set,omitempty"` // bot.Button.SetID / bot.Form.SetID: the set the command acts on in a DM
}

// FormSpec is a bot.Form as carried in a card: the core's wire form
// (bot.FormData, complete, so the form can be drawn again with its errors)
// and the prefix of its inputs' ids, which keeps them unique when one card
// holds several forms.
type FormSpec struct {
	bot.FormData
	Prefix string `json:"pre,omitempty"`
}

// inputID is the id of the input of field name in the card.
func (s FormSpec) inputID(name string) string { return s.Prefix + s.ID + "." + name }

// maxActions is how many actions Adaptive Card hosts show in one set (the
// default host config of Microsoft's renderer); more go into further sets.
const maxActions = 5

// maxCardBytes bounds a card as Teams measures a message: Teams' bot message
// size limit is about 100 KB of the payload encoded as UTF-16 (base64 images
// excepted), and Microsoft recommends keeping the message itself within
// 80 KB to be sure it is delivered; beyond the limit the connector answers
// 413 MessageSizeTooBig ("Format your bot messages",
// learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages).
// 72 KB leaves room for the activity around the card.
const maxCardBytes = 72 << 10

// maxTextRunes caps one TextBlock or fact: the renderer writes a line per
// block, and no line of alsbot's is longer unless a member pasted a book.
const maxTextRunes = 4000

// cutNotice ends a card that had to be cut to fit.
const cutNotice = "… (cut: the message was longer than Teams shows in one message)"

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

// fitCard keeps c within maxCardBytes: it cuts over-long texts, then drops
// content from the end (never the inputs or buttons) and says so, cutting
// harder while even the first piece of content does not fit; as a last
// resort the forms' submit data keeps only what validation needs. Each
// element is measured once per pass, so a huge message costs a few passes,
// not one per element.
func fitCard(c Card) Card {
	if cardBytes(c) <= maxCardBytes {
		return c
	}
	// Content comes before the first input or action set; those stay.
	end := len(c.Body)
	for i, e := range c.Body {
		if e.Type == "ActionSet" || strings.HasPrefix(e.Type, "Input.") {
			end = i
			break
		}
	}
	content, rest := c.Body[:end:end], c.Body[end:]
	notice := Element{Type: "TextBlock", Text: cutNotice, Wrap: true, IsSubtle: true}
	build := func(content []Element, cut bool) []Element {
		body := append([]Element{}, content...)
		if cut {
			body = append(body, notice)
		}
		return append(body, rest...)
	}
	frame := c
	frame.Body = build(nil, true)
	base := cardBytes(frame)
	for limit := maxTextRunes; ; limit /= 2 {
		capped := capTexts(content, limit)
		total, keep := base, 0
		for _, e := range capped {
			n := elementBytes(e) + 2 // and its comma
			if total+n > maxCardBytes {
				break
			}
			total += n
			keep++
		}
		if keep > 0 || limit <= 100 || len(capped) == 0 {
			c.Body = build(capped[:min(max(keep, 1), len(capped))], true)
			break
		}
	}
	if cardBytes(c) > maxCardBytes {
		c = shortForms(c)
	}
	return c
}

// shortForms replaces the forms carried in c's submit data by what
// validating a submission needs (bot.NewFormData without full): a form shown
// again with errors then names its fields instead of labelling them.
func shortForms(c Card) Card {
	var fix func(acts []Action) []Action
	fixEls := func(els []Element) []Element {
		out := make([]Element, len(els))
		for i, e := range els {
			e.Actions = fix(e.Actions)
			out[i] = e
		}
		return out
	}
	fix = func(acts []Action) []Action {
		if acts == nil {
			return nil
		}
		out := make([]Action, len(acts))
		for i, a := range acts {
			if a.Data != nil && a.Data.ALSBot.Form != nil {
				d := *a.Data
				f := *d.ALSBot.Form
				f.FormData = bot.NewFormData(f.Form(), false)
				d.ALSBot.Form = &f
				a.Data = &d
			}
			if a.Card != nil {
				inner := *a.Card
				inner.Body = fixEls(inner.Body)
				inner.Actions = fix(inner.Actions)
				a.Card = &inner
			}
			out[i] = a
		}
		return out
	}
	c.Body = fixEls(c.Body)
	c.Actions = fix(c.Actions)
	return c
}

func elementBytes(e Element) int {
	b, err := json.Marshal(e)
	if err != nil {
		return 0 // plain strings and numbers: cannot fail
	}
	return utf16Len(b)
}

func capTexts(els []Element, n int) []Element {
	out := make([]Element, len(els))
	for i, e := range els {
		e.Text = cutRunes(e.Text, n)
		if e.Facts != nil {
			facts := make([]Fact, len(e.Facts))
			for j, f := range e.Facts {
				facts[j] = Fact{Title: cutRunes(f.Title, n), Value: cutRunes(f.Value, n)}
			}
			e.Facts = facts
		}
		e.Items = capTexts(e.Items, n)
		out[i] = e
	}
	return out
}

func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// cardBytes is c's size as Teams counts it: its JSON as UTF-16.
func cardBytes(c Card) int {
	b, err := json.Marshal(c)
	if err != nil {
		return 0 // plain strings and numbers: cannot fail
	}
	return utf16Len(b)
}

// utf16Len is the size of b encoded as UTF-16, in bytes.
func utf16Len(b []byte) int {
	n := 0
	for _, r := range string(b) {
		n += 2 * utf16.RuneLen(r)
	}
	return n
}

// FormCard shows a form again with the values the person gave and, under
// each field, what is wrong with it (errs by field name). setID is the set
// the submission acts on, kept for the next try.
func FormCard(spec *FormSpec, command, setID string, values, errs map[string]string) Card {
	title := spec.Title
	if title == "" {
		title = "Please check the form"
	}
	c := newCard(title)
	c.Body = append(c.Body, Element{Type: "TextBlock", Text: markdown(title), Wrap: true, Size: "Medium", Weight: "Bolder"})
	if len(errs) > 0 {
		c.Body = append(c.Body, Element{Type: "TextBlock", Text: "Some answers need a change; nothing was saved yet.", Wrap: true, Color: "Attention"})
	}
	c.Body = append(c.Body, formInputs(*spec, values, errs)...)
	c.Actions = append(c.Actions, submitAction(*spec, command, setID))
	return c
}

func newCard(fallbackText string) Card {
	return Card{Type: "AdaptiveCard", Schema: cardSchema, Version: cardVersion, FallbackText: fallbackText, MSTeams: &MSTeams{Width: "Full"}}
}

// buttonAction: a plain button submits its command; a button with a form
// opens the form inline (Action.ShowCard), whose submit runs the form's
// command. Input ids carry the button's index so they stay unique in the card.
func buttonAction(b bot.Button, i int) Action {
	label := strings.TrimSpace(b.Label)
	if label == "" {
		label = firstNonEmpty(strings.TrimSpace(b.Command), "Open") // Teams shows no untitled action
	}
	if b.Form == nil {
		return Action{Type: "Action.Submit", Title: label, Style: actionStyle(b.Style),
			Data: &SubmitData{ALSBot: Submission{Command: b.Command, Set: b.SetID}}}
	}
	spec := formSpec(b.Form, "b"+strconv.Itoa(i+1)+".")
	inner := Card{Type: "AdaptiveCard", Body: formInputs(spec, nil, nil), Actions: []Action{submitAction(spec, b.Form.Command, formSet(b))}}
	if spec.Title != "" {
		inner.Body = append([]Element{{Type: "TextBlock", Text: markdown(spec.Title), Wrap: true, Weight: "Bolder"}}, inner.Body...)
	}
	return Action{Type: "Action.ShowCard", Title: label, Style: actionStyle(b.Style), Card: &inner}
}

// formSet is the set a button's form acts on: the form's own, else the button's.
func formSet(b bot.Button) string {
	if b.Form.SetID != "" {
		return b.Form.SetID
	}
	return b.SetID
}

func submitAction(spec FormSpec, command, setID string) Action {
	label := spec.Submit
	if label == "" {
		label = "Submit"
	}
	s := spec
	return Action{Type: "Action.Submit", Title: label, Style: "positive",
		Data: &SubmitData{ALSBot: Submission{Command: command, Form: &s, Set: setID}}}
}

func actionStyle(s bot.ButtonStyle) string {
	switch s {
	case bot.StylePrimary:
		return "positive"
	case bot.StyleDanger:
		return "destructive"
	}
	return ""
}

// maxFormLabel caps a form's title, labels and placeholders: the form
// travels in the card twice (drawn, and in its submit data), and no label
// needs more.
const maxFormLabel = 200

func formSpec(f *bot.Form, prefix string) FormSpec {
	d := bot.NewFormData(f, true)
	d.Title, d.Submit = cutRunes(d.Title, maxFormLabel), cutRunes(d.Submit, maxFormLabel)
	fields := d.Fields[:0:0]
	seen := map[string]bool{}
	for _, fd := range d.Fields {
		if fd.Name == "" || seen[fd.Name] {
			continue // its input could not be told apart: Teams refuses repeated ids
		}
		seen[fd.Name] = true
		fd.Label = cutRunes(fd.Label, maxFormLabel)
		fd.Placeholder = cutRunes(fd.Placeholder, maxFormLabel)
		opts := fd.Options[:0:0]
		for _, o := range fd.Options {
			if len(opts) == maxChoices {
				break
			}
			o.Label = cutRunes(o.Label, maxChoiceTitle)
			opts = append(opts, o)
		}
		if fd.Options != nil {
			fd.Options = opts
		}
		fields = append(fields, fd)
	}
	d.Fields = fields
	return FormSpec{FormData: d, Prefix: prefix}
}

// A choice set is a list to pick from: titles beyond a line and lists beyond
// a hundred (Slack's limits too) do not help anyone pick.
const (
	maxChoiceTitle = 75
	maxChoices     = 100
)

// formInputs renders the inputs of spec with initial values and errors (by
// field name), both optional.
func formInputs(spec FormSpec, values, errs map[string]string) []Element {
	var out []Element
	for _, f := range spec.Fields {
		in := Element{ID: spec.inputID(f.Name), Label: f.Label, IsRequired: f.Required, Placeholder: f.Placeholder, Value: f.Value}
		if v, ok := values[f.Name]; ok {
			in.Value = v // what the person typed wins over the starting value
		}
		if f.Required {
			in.ErrorMessage = bot.FormRequired
		}
		switch bot.FieldKind(f.Kind) {
		case bot.FieldDate:
			in.Type = "Input.Date"
			if f.Required {
				in.ErrorMessage = "Please pick a date."
			}
		case bot.FieldChoice:
			if len(f.Options) == 0 {
				in.Type = "Input.Text" // a choice set without choices is refused
				break
			}
			in.Type = "Input.ChoiceSet"
			in.Style = "compact"
			for _, o := range f.Options {
				in.Choices = append(in.Choices, Choice{Title: o.Label, Value: o.Value})
			}
		default:
			in.Type = "Input.Text"
			in.IsMultiline = f.Multiline
			in.MaxLength = f.MaxLen
		}
		out = append(out, in)
		if e := errs[f.Name]; e != "" {
			out = append(out, Element{Type: "TextBlock", Text: e, Wrap: true, Color: "Attention", Spacing: "None", Size: "Small"})
		}
	}
	return out
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
