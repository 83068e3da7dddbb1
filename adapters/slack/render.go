package slack

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/alsbot/alsbot/bot"
)

// Block Kit limits (https://docs.slack.dev/reference/block-kit): longer text
// is cut with an ellipsis rather than letting Slack refuse the whole message.
const (
	maxHeaderText   = 150
	maxSectionText  = 3000
	maxFieldText    = 2000
	maxFields       = 10
	maxButtonText   = 75
	maxButtonValue  = 2000
	maxActions      = 25
	maxBlocks       = 50
	maxModalTitle   = 24
	maxModalButton  = 24
	maxLabel        = 2000
	maxPlaceholder  = 150
	maxOptionText   = 75
	maxOptionValue  = 150
	maxFallbackText = 3000
	maxInputLength  = 3000
)

// Action ids of the buttons the renderer draws: a command button carries the
// command in its value, a form button the form itself, so pressing it needs
// no stored state.
const (
	actionCommand = "als_cmd"
	actionForm    = "als_form"
)

// Payload is a rendered message: what chat.postMessage, chat.postEphemeral
// and response_url take.
type Payload struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// Render draws m as Block Kit. It is a pure function of m.
func Render(m bot.Message) Payload {
	// Never nil: Slack rejects "blocks": null (an empty message, an empty Home).
	blocks := []slack.Block{}
	if m.Title != "" {
		blocks = append(blocks, slack.NewHeaderBlock(plain(cut(m.Title, maxHeaderText))))
	}
	if m.Text != "" {
		text := escape(m.Text)
		if m.Kind == bot.KindError {
			text = ":warning: " + text
		}
		for _, chunk := range chunks(text, maxSectionText) {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(chunk), nil, nil))
		}
	}
	for _, s := range m.Sections {
		blocks = append(blocks, renderSection(s)...)
	}
	buttons := m.Buttons
	if m.Form != nil {
		// A message that asks for input offers a button that opens the form.
		label := m.Form.Title
		if label == "" {
			label = "Open form"
		}
		buttons = append(buttons, bot.Button{Label: label, Command: m.Form.Command, Form: m.Form, Style: bot.StylePrimary})
	}
	if els := renderButtons(buttons); len(els) > 0 {
		blocks = append(blocks, slack.NewActionBlock("als_actions", els...))
	}
	if len(m.Files) > 0 {
		names := make([]string, 0, len(m.Files))
		for _, f := range m.Files {
			names = append(names, escape(f.Name))
		}
		blocks = append(blocks, slack.NewContextBlock("als_files",
			mrkdwn(cut("Files: "+strings.Join(names, ", ")+" (uploaded with this message; a private answer's files go to your direct messages with the bot)", maxSectionText))))
	}
	if len(blocks) > maxBlocks {
		blocks = append(blocks[:maxBlocks-1], slack.NewSectionBlock(mrkdwn("…"), nil, nil))
	}
	return Payload{Text: fallbackText(m), Blocks: blocks}
}

func renderSection(s bot.Section) []slack.Block {
	var blocks []slack.Block
	var text string
	switch {
	case s.Title != "" && s.Text != "":
		text = "*" + escape(s.Title) + "*\n" + escape(s.Text)
	case s.Title != "":
		text = "*" + escape(s.Title) + "*"
	default:
		text = escape(s.Text)
	}
	var fields []*slack.TextBlockObject
	for _, f := range s.Fields {
		fields = append(fields, mrkdwn(cut("*"+escape(f.Label)+"*\n"+escape(f.Value), maxFieldText)))
	}
	parts := chunks(text, maxSectionText)
	for i, p := range parts {
		var fs []*slack.TextBlockObject
		if i == len(parts)-1 && len(fields) > 0 {
			n := min(len(fields), maxFields)
			fs, fields = fields[:n], fields[n:]
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(p), fs, nil))
	}
	for len(fields) > 0 { // more fields than a section holds
		n := min(len(fields), maxFields)
		blocks = append(blocks, slack.NewSectionBlock(nil, fields[:n], nil))
		fields = fields[n:]
	}
	return blocks
}

func renderButtons(buttons []bot.Button) []slack.BlockElement {
	var els []slack.BlockElement
	for i, b := range buttons {
		if i == maxActions {
			break
		}
		setID := b.SetID
		if setID == "" && b.Form != nil {
			setID = b.Form.SetID
		}
		actionID, value := actionCommand+"_"+strconv.Itoa(i), encodeCommand(b.Command, setID)
		if b.Form != nil {
			f := *b.Form
			if f.SetID == "" {
				f.SetID = setID // the button's set, so the form's submission acts on it
			}
			if enc := encodeForm(&f, "", true); len(enc) <= maxButtonValue {
				actionID, value = actionForm+"_"+strconv.Itoa(i), enc
			}
		}
		btn := slack.NewButtonBlockElement(actionID, cut(value, maxButtonValue), plain(cut(b.Label, maxButtonText)))
		switch b.Style {
		case bot.StylePrimary:
			btn.Style = slack.StylePrimary
		case bot.StyleDanger:
			btn.Style = slack.StyleDanger
		}
		els = append(els, btn)
	}
	return els
}

// RenderModal draws f as a modal view. channel is where the answer to the
// submission goes.
func RenderModal(f *bot.Form, channel string) slack.ModalViewRequest {
	title := f.Title
	if title == "" {
		title = "alsbot"
	}
	submit := f.Submit
	if submit == "" {
		submit = "Submit"
	}
	var blocks []slack.Block
	for _, fl := range f.Fields {
		blocks = append(blocks, renderInput(fl))
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain(cut(title, maxModalTitle)),
		Submit:          plain(cut(submit, maxModalButton)),
		Close:           plain("Cancel"),
		CallbackID:      f.ID,
		PrivateMetadata: encodeForm(f, channel, false),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

func renderInput(fl bot.FormField) *slack.InputBlock {
	label := fl.Label
	if label == "" {
		label = fl.Name
	}
	var placeholder *slack.TextBlockObject
	if fl.Placeholder != "" {
		placeholder = plain(cut(fl.Placeholder, maxPlaceholder))
	}
	var el slack.BlockElement
	switch fl.Kind {
	case bot.FieldDate:
		dp := slack.NewDatePickerBlockElement(fl.Name)
		dp.Placeholder = placeholder
		if bot.ValidDate(fl.Value) {
			dp.InitialDate = fl.Value
		}
		el = dp
	case bot.FieldChoice:
		opts := make([]*slack.OptionBlockObject, 0, len(fl.Options))
		var initial *slack.OptionBlockObject
		for _, o := range fl.Options {
			opt := slack.NewOptionBlockObject(cut(o.Value, maxOptionValue), plain(cut(o.Label, maxOptionText)), nil)
			if o.Value == fl.Value {
				initial = opt
			}
			opts = append(opts, opt)
		}
		if placeholder == nil {
			placeholder = plain("Choose")
		}
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, placeholder, fl.Name, opts...)
		sel.InitialOption = initial
		el = sel
	default:
		in := slack.NewPlainTextInputBlockElement(placeholder, fl.Name)
		in.Multiline = fl.Multiline
		in.InitialValue = fl.Value
		if fl.MaxLen > 0 {
			in.MaxLength = min(fl.MaxLen, maxInputLength)
		}
		el = in
	}
	in := slack.NewInputBlock(fl.Name, plain(cut(label, maxLabel)), nil, el)
	in.Optional = !fl.Required
	return in
}

// RenderHome draws m as an App Home tab.
func RenderHome(m bot.Message) slack.HomeTabViewRequest {
	return slack.HomeTabViewRequest{
		Type:   slack.VTHomeTab,
		Blocks: slack.Blocks{BlockSet: Render(m).Blocks},
	}
}

// fallbackText is the notification text of a message (shown where blocks are
// not, e.g. in push notifications).
func fallbackText(m bot.Message) string {
	var s string
	switch {
	case m.Title != "" && m.Text != "":
		s = m.Title + ": " + m.Text
	case m.Title != "":
		s = m.Title
	case m.Text != "":
		s = m.Text
	case m.Form != nil:
		s = m.Form.Title
	}
	return cut(escape(s), maxFallbackText)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// escape makes text safe for Slack: member-written text must not ping
// (<!channel>) or link (<http://…|…>) by itself.
func escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// cut shortens s to at most n characters, ending with an ellipsis when cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// chunks splits s into pieces of at most n characters, at line breaks where
// it can.
func chunks(s string, n int) []string {
	var out []string
	for utf8.RuneCountInString(s) > n {
		r := []rune(s)
		head := string(r[:n])
		if i := strings.LastIndex(head, "\n"); i > 0 {
			head = head[:i]
		}
		out = append(out, head)
		s = strings.TrimPrefix(s[len(head):], "\n")
	}
	if s != "" || len(out) == 0 {
		out = append(out, s)
	}
	return out
}
