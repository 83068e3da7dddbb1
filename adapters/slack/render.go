package slack

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/alsbot/alsbot/bot"
)

// Block Kit limits (https://docs.slack.dev/reference/block-kit): Slack
// refuses a whole message (invalid_blocks) or view (invalid_arguments) for
// one value beyond them, so the renderer keeps every value inside them by
// construction: long text is split or cut with a visible "…", never sent
// empty. slacktest.ValidateMessage and ValidateView check the same limits on
// the wire, and TestRenderExtremes renders every kind of message through
// them.
const (
	maxHeaderText    = 150
	maxSectionText   = 3000
	maxFieldText     = 2000
	maxFields        = 10
	maxButtonText    = 75
	maxButtonValue   = 2000
	maxActions       = 25 // elements of one actions block
	maxBlocks        = 50 // a message
	maxViewBlocks    = 100
	maxID            = 255 // block_id, action_id
	maxModalTitle    = 24
	maxModalButton   = 24
	maxLabel         = 2000
	maxPlaceholder   = 150
	maxOptionText    = 75
	maxOptionValue   = 150
	maxOptions       = 100
	maxFallbackText  = 3000
	maxInputLength   = 3000
	maxMetadata      = 3000 // a view's private_metadata
	ellipsis         = "…"
	truncatedMessage = "… (cut: the message was longer than Slack shows in one message)"
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
	p := Payload{Text: fallbackText(m), Blocks: renderBlocks(m, maxBlocks)}
	if p.Text == "" && len(p.Blocks) == 0 {
		p.Text = ellipsis // Slack refuses a message with nothing in it (no_text)
	}
	return p
}

// renderBlocks draws m in at most max blocks: content first, then the
// buttons and the file note, which are kept when content has to be cut.
func renderBlocks(m bot.Message, max int) []slack.Block {
	// Never nil: Slack rejects "blocks": null (an empty message, an empty Home).
	blocks := []slack.Block{}
	if title := strings.TrimSpace(m.Title); title != "" {
		blocks = append(blocks, slack.NewHeaderBlock(plain(cut(title, maxHeaderText))))
	}
	if strings.TrimSpace(m.Text) != "" {
		text := m.Text
		if m.Kind == bot.KindError {
			text = ":warning: " + text
		}
		for _, chunk := range chunks(escape(text), maxSectionText) {
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
	var tail []slack.Block
	tail = append(tail, renderButtons(buttons)...)
	if len(m.Files) > 0 {
		names := make([]string, 0, len(m.Files))
		for _, f := range m.Files {
			names = append(names, f.Name)
		}
		tail = append(tail, slack.NewContextBlock("als_files",
			mrkdwn(fit("Files: "+strings.Join(names, ", ")+" (uploaded with this message; a private answer's files go to your direct messages with the bot)", maxSectionText))))
	}
	tail = tail[:min(len(tail), max-1)] // room for one content block at least
	if room := max - len(tail); len(blocks) > room {
		blocks = append(blocks[:room-1], slack.NewContextBlock("", mrkdwn(truncatedMessage)))
	}
	return append(blocks, tail...)
}

// renderSection draws a section: its title and text (split into sections
// of at most 3,000 characters) and its fields, ten to a section. A section
// with fields but no text carries no text object: Slack refuses an empty one.
func renderSection(s bot.Section) []slack.Block {
	var blocks []slack.Block
	title, text := strings.TrimSpace(s.Title), strings.TrimSpace(s.Text)
	var body string
	switch {
	case title != "" && text != "":
		body = "*" + escape(title) + "*\n" + escape(s.Text)
	case title != "":
		body = "*" + escape(title) + "*"
	case text != "":
		body = escape(s.Text)
	}
	var fields []*slack.TextBlockObject
	for _, f := range s.Fields {
		fields = append(fields, mrkdwn(fieldText(f)))
	}
	var parts []string
	if body != "" {
		parts = chunks(body, maxSectionText)
	}
	for i, p := range parts {
		var fs []*slack.TextBlockObject
		if i == len(parts)-1 && len(fields) > 0 {
			n := min(len(fields), maxFields)
			fs, fields = fields[:n], fields[n:]
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(p), fs, nil))
	}
	for len(fields) > 0 { // fields without text, or more than a section holds
		n := min(len(fields), maxFields)
		blocks = append(blocks, slack.NewSectionBlock(nil, fields[:n], nil))
		fields = fields[n:]
	}
	return blocks
}

// fieldText is a field as "*Label*\nvalue" within 2,000 characters; a dash
// when it has neither (Slack refuses an empty text).
func fieldText(f bot.Field) string {
	label, value := strings.TrimSpace(f.Label), strings.TrimSpace(f.Value)
	switch {
	case label == "" && value == "":
		return "—"
	case label == "":
		return fit(value, maxFieldText)
	case value == "":
		return "*" + fit(label, maxFieldText-2) + "*"
	}
	head := "*" + fit(label, 200) + "*\n"
	return head + fit(value, maxFieldText-utf8.RuneCountInString(head))
}

// renderButtons lays buttons out in actions blocks of at most 25, each with
// its own block id, and action ids unique in the message.
func renderButtons(buttons []bot.Button) []slack.Block {
	var blocks []slack.Block
	for start := 0; start < len(buttons); start += maxActions {
		end := min(start+maxActions, len(buttons))
		var els []slack.BlockElement
		for i := start; i < end; i++ {
			els = append(els, renderButton(buttons[i], i))
		}
		id := "als_actions"
		if start > 0 {
			id += "_" + strconv.Itoa(start/maxActions+1)
		}
		blocks = append(blocks, slack.NewActionBlock(id, els...))
	}
	return blocks
}

func renderButton(b bot.Button, i int) *slack.ButtonBlockElement {
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
		if enc := encodeForm(&f, "", true); utf8.RuneCountInString(enc) <= maxButtonValue {
			actionID, value = actionForm+"_"+strconv.Itoa(i), enc
		}
	}
	if utf8.RuneCountInString(value) > maxButtonValue {
		// A command this long cannot travel in a button; the bare command,
		// cut, at least answers with a usage line instead of failing the post.
		value = cut(b.Command, maxButtonValue)
	}
	label := strings.TrimSpace(b.Label)
	if label == "" {
		label = firstNonEmpty(strings.TrimSpace(b.Command), "Open")
	}
	btn := slack.NewButtonBlockElement(actionID, value, plain(cut(label, maxButtonText)))
	switch b.Style {
	case bot.StylePrimary:
		btn.Style = slack.StylePrimary
	case bot.StyleDanger:
		btn.Style = slack.StyleDanger
	}
	return btn
}

// RenderModal draws f as a modal view. channel is where the answer to the
// submission goes.
func RenderModal(f *bot.Form, channel string) slack.ModalViewRequest {
	title := strings.TrimSpace(f.Title)
	if title == "" {
		title = "alsbot"
	}
	submit := strings.TrimSpace(f.Submit)
	if submit == "" {
		submit = "Submit"
	}
	var blocks []slack.Block
	seen := map[string]bool{}
	for _, fl := range f.Fields {
		if len(blocks) == maxViewBlocks {
			break
		}
		if fl.Name == "" || len(fl.Name) > maxID || seen[fl.Name] {
			continue // a field Slack could not name or tell apart cannot be answered
		}
		seen[fl.Name] = true
		blocks = append(blocks, renderInput(fl))
	}
	if len(blocks) == 0 {
		// A form without fields asks for a confirmation; a view needs a block.
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(fit(firstNonEmpty(strings.TrimSpace(f.Title), "Please confirm."), maxSectionText)), nil, nil))
	}
	meta := encodeForm(f, channel, false)
	if utf8.RuneCountInString(meta) > maxMetadata {
		// Slack's select only sends one of the options it offered, so the
		// options are what metadata can do without.
		short := *f
		short.Fields = make([]bot.FormField, len(f.Fields))
		for i, fl := range f.Fields {
			fl.Options = nil
			short.Fields[i] = fl
		}
		meta = encodeForm(&short, channel, false)
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain(cut(title, maxModalTitle)),
		Submit:          plain(cut(submit, maxModalButton)),
		Close:           plain("Cancel"),
		CallbackID:      cut(f.ID, maxID),
		PrivateMetadata: meta,
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

func renderInput(fl bot.FormField) *slack.InputBlock {
	label := strings.TrimSpace(fl.Label)
	if label == "" {
		label = fl.Name
	}
	var placeholder *slack.TextBlockObject
	if strings.TrimSpace(fl.Placeholder) != "" {
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
			if o.Value == "" || utf8.RuneCountInString(o.Value) > maxOptionValue || len(opts) == maxOptions {
				continue // cut, it would answer a different value
			}
			text := firstNonEmpty(strings.TrimSpace(o.Label), o.Value)
			opt := slack.NewOptionBlockObject(o.Value, plain(cut(text, maxOptionText)), nil)
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
		in.InitialValue = cut(fl.Value, maxInputLength)
		if fl.MaxLen > 0 {
			in.MaxLength = min(fl.MaxLen, maxInputLength)
		}
		el = in
	}
	in := slack.NewInputBlock(fl.Name, plain(cut(label, maxLabel)), nil, el)
	in.Optional = !fl.Required
	return in
}

// RenderHome draws m as an App Home tab (up to 100 blocks).
func RenderHome(m bot.Message) slack.HomeTabViewRequest {
	return slack.HomeTabViewRequest{
		Type:   slack.VTHomeTab,
		Blocks: slack.Blocks{BlockSet: renderBlocks(m, maxViewBlocks)},
	}
}

// fallbackText is the notification text of a message (shown where blocks are
// not, e.g. in push notifications): its title and text, else the first thing
// it says.
func fallbackText(m bot.Message) string {
	title, text := strings.TrimSpace(m.Title), strings.TrimSpace(m.Text)
	var s string
	switch {
	case title != "" && text != "":
		s = title + ": " + text
	case title != "":
		s = title
	case text != "":
		s = text
	case m.Form != nil:
		s = m.Form.Title
	}
	for _, sec := range m.Sections {
		if s != "" {
			break
		}
		s = firstNonEmpty(strings.TrimSpace(sec.Title), strings.TrimSpace(sec.Text))
		for _, f := range sec.Fields {
			if s == "" {
				s = strings.TrimSpace(f.Label + " " + f.Value)
			}
		}
	}
	return fit(s, maxFallbackText)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, plainWords().Write(s), false, false)
}

// plainWords writes spans where Slack shows no formatting (headers,
// buttons, labels): a person by name, a command as typed.
func plainWords() bot.SpanWriter {
	return bot.SpanWriter{
		Mention: func(_, name string) string { return "@" + name },
		Command: func(c string) string { return "/als " + c },
	}
}

// slackWords writes spans in mrkdwn: a person as <@U…> (Slack shows their
// current name and notifies them), a command as `/als …`; text is escaped.
func slackWords() bot.SpanWriter {
	return bot.SpanWriter{
		Text:    escapeText,
		Mention: func(id, _ string) string { return "<@" + escapeText(id) + ">" },
		Command: func(c string) string { return "`/als " + escapeText(c) + "`" },
	}
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// escape makes text safe for Slack: member-written text must not ping
// (<!channel>) or link (<http://…|…>) by itself.
// People and commands in it (bot.Mention, bot.Cmd) are written Slack's way.
func escape(s string) string {
	return slackWords().Write(s)
}

func escapeText(s string) string {
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
	return string(r[:n-1]) + ellipsis
}

// fit escapes s and keeps the result within n characters, cutting the text
// before escaping so that no entity (&amp;) is split.
func fit(s string, n int) string {
	e := escape(s)
	for k := n; utf8.RuneCountInString(e) > n && k > 1; {
		k -= utf8.RuneCountInString(e) - n
		e = escape(cut(s, max(k, 1)))
	}
	return e
}

// chunks splits escaped text into pieces of 1 to n characters, at line
// breaks where it can and never inside an entity; blank pieces are dropped.
func chunks(s string, n int) []string {
	var out []string
	for utf8.RuneCountInString(s) > n {
		r := []rune(s)
		head := string(r[:n])
		if i := strings.LastIndex(head, "\n"); i > 0 {
			head = head[:i]
		} else if i := strings.LastIndex(head, "&"); i > len(head)-6 && i > 0 && !strings.Contains(head[i:], ";") {
			head = head[:i] // "&am" of a split "&amp;" goes with the next piece
		}
		if strings.TrimSpace(head) != "" {
			out = append(out, head)
		}
		s = strings.TrimPrefix(s[len(head):], "\n")
	}
	if strings.TrimSpace(s) != "" {
		out = append(out, s)
	}
	return out
}
