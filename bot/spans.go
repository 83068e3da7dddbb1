package bot

import "strings"

// People and commands inside a message's text are spans, not pre-formatted
// words: each renderer writes them its platform's way (a person: Slack
// <@U123>, Teams <at>Name</at> with a mention entity, the shell @name; a
// command: Slack /als here, Teams @alsbot here in a channel and here in the
// personal chat). A span is kept inline in the string, between two unit
// separators, so that every string of a Message (text, section text, field
// values) can carry one without changing the Message's shape, and stored
// deliveries keep them.
//
// Member-written text cannot forge a span: CleanText drops control
// characters, U+001F and U+001E among them, from everything a request
// carries before it is parsed or stored.
const (
	spanMark = "\x1f" // opens and closes a span
	spanSep  = "\x1e" // separates a mention's user id from its display name
)

// SpanKind is what a span of text is.
type SpanKind int

const (
	SpanText    SpanKind = iota // plain text, with *bold* allowed
	SpanMention                 // a person: UserID and Text (their display name)
	SpanCommand                 // a command without "/als", e.g. "round next"
)

// Span is one piece of a text.
type Span struct {
	Kind   SpanKind
	Text   string // the text, the person's display name, or the command
	UserID string // SpanMention only
}

// Mention is a person in a text, written by each platform its own way: in
// Slack and Teams the person is notified, and Slack shows their current name.
// Use it where the person is addressed (a role card's presenter and
// observer); lists of many people use names (see PersonName), so that a
// members list or a digest does not notify everyone in it.
func Mention(userID, name string) string {
	name = strings.NewReplacer(spanMark, "", spanSep, "").Replace(name)
	if name == "" {
		name = userID
	}
	return spanMark + "@" + strings.NewReplacer(spanMark, "", spanSep, "").Replace(userID) + spanSep + name + spanMark
}

// PersonMention is Mention for a person of set, by their id.
func PersonMention(set *Set, userID string) string {
	return Mention(userID, strings.TrimPrefix(PersonName(set, userID), "@"))
}

// Cmd is a command in a text, e.g. Cmd("round next"): Slack shows
// `/als round next`, Teams `@alsbot round next` in a channel and
// `round next` in the personal chat.
func Cmd(command string) string {
	return spanMark + "/" + strings.NewReplacer(spanMark, "", spanSep, "").Replace(strings.TrimSpace(command)) + spanMark
}

// legacyCmd finds a command written the old way, as a code span "`/als …`"
// in wording not yet moved to Cmd: renderers treat it as Cmd so that no
// instruction reaches Teams as a slash command Teams cannot send.
const legacyCmd = "`/als "

// Spans splits text into its spans. A text without spans is one SpanText;
// an unterminated or malformed span is kept as text, without its marks.
func Spans(text string) []Span {
	if !strings.Contains(text, spanMark) && !strings.Contains(text, legacyCmd) {
		if text == "" {
			return nil
		}
		return []Span{{Kind: SpanText, Text: text}}
	}
	var out []Span
	addText := func(s string) {
		for s != "" {
			i := strings.Index(s, legacyCmd)
			if i < 0 {
				break
			}
			end := strings.Index(s[i+len(legacyCmd):], "`")
			if end < 0 {
				break
			}
			if i > 0 {
				out = append(out, Span{Kind: SpanText, Text: s[:i]})
			}
			out = append(out, Span{Kind: SpanCommand, Text: strings.TrimSpace(s[i+len(legacyCmd) : i+len(legacyCmd)+end])})
			s = s[i+len(legacyCmd)+end+1:]
		}
		if s != "" {
			out = append(out, Span{Kind: SpanText, Text: s})
		}
	}
	for text != "" {
		i := strings.Index(text, spanMark)
		if i < 0 {
			addText(text)
			break
		}
		addText(text[:i])
		rest := text[i+len(spanMark):]
		j := strings.Index(rest, spanMark)
		if j < 0 {
			// A span cut short (a text shortened to fit): its words stay,
			// never a bare user id.
			switch {
			case strings.HasPrefix(rest, "@"):
				_, name, _ := strings.Cut(rest, spanSep)
				addText(name)
			default:
				addText(strings.TrimPrefix(rest, "/"))
			}
			break
		}
		body := rest[:j]
		text = rest[j+len(spanMark):]
		switch {
		case strings.HasPrefix(body, "@") && strings.Contains(body, spanSep):
			id, name, _ := strings.Cut(body[1:], spanSep)
			out = append(out, Span{Kind: SpanMention, UserID: id, Text: name})
		case strings.HasPrefix(body, "/"):
			out = append(out, Span{Kind: SpanCommand, Text: body[1:]})
		default:
			addText(strings.ReplaceAll(body, spanSep, ""))
		}
	}
	return out
}

// SpanWriter writes each kind of span; a renderer gives one per platform.
type SpanWriter struct {
	Text    func(s string) string // nil: as is
	Mention func(userID, name string) string
	Command func(command string) string
}

// Write renders text with w.
func (w SpanWriter) Write(text string) string {
	spans := Spans(text)
	if len(spans) == 1 && spans[0].Kind == SpanText && w.Text == nil {
		return spans[0].Text
	}
	var b strings.Builder
	for _, s := range spans {
		switch s.Kind {
		case SpanMention:
			b.WriteString(w.Mention(s.UserID, s.Text))
		case SpanCommand:
			b.WriteString(w.Command(s.Text))
		default:
			if w.Text != nil {
				b.WriteString(w.Text(s.Text))
			} else {
				b.WriteString(s.Text)
			}
		}
	}
	return b.String()
}

// PlainText is text with its spans written as plain words: a mention as
// "@name", a command as "`/als command`".
func PlainText(text string) string {
	return SpanWriter{
		Mention: func(_, name string) string { return "@" + name },
		Command: func(c string) string { return "`/als " + c + "`" },
	}.Write(text)
}

// Mentions lists the people mentioned anywhere in m, once each, in order.
func (m Message) Mentions() []UserRef {
	var out []UserRef
	seen := map[string]bool{}
	add := func(text string) {
		if !strings.Contains(text, spanMark) {
			return
		}
		for _, s := range Spans(text) {
			if s.Kind == SpanMention && !seen[s.UserID] {
				seen[s.UserID] = true
				out = append(out, UserRef{ID: s.UserID, Name: s.Text})
			}
		}
	}
	add(m.Title)
	add(m.Text)
	for _, s := range m.Sections {
		add(s.Title)
		add(s.Text)
		for _, f := range s.Fields {
			add(f.Value)
		}
	}
	return out
}
