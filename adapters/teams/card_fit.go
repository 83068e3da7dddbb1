package teams

// Keeping a card within what Teams shows in one message.

import (
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/alsbot/alsbot/bot"
)

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
