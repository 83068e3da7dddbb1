package slacktest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Block Kit's documented limits (https://docs.slack.dev/reference/block-kit/blocks,
// .../composition-objects, .../block-elements, .../surfaces), as Slack
// enforces them with invalid_blocks / invalid_arguments. @slack/types checks
// shapes but not lengths; this checks both, on the JSON Slack would receive.
const (
	MaxText          = 3000 // a text object, a section's text
	MaxHeader        = 150
	MaxFields        = 10
	MaxField         = 2000
	MaxMessageBlocks = 50
	MaxViewBlocks    = 100
	MaxButtonText    = 75
	MaxButtonValue   = 2000
	MaxID            = 255 // action_id, block_id, callback_id
	MaxViewTitle     = 24  // modal title, submit and close
	MaxOptionText    = 75
	MaxOptionValue   = 150
	MaxOptions       = 100
	MaxActions       = 25 // elements of an actions block
	MaxContext       = 10 // elements of a context block
	MaxLabel         = 2000
	MaxPlaceholder   = 150
	MaxInputLength   = 3000
	MaxMetadata      = 3000 // a view's private_metadata
	MaxMessageText   = 40000
)

// Surface is where blocks are shown: input blocks exist only in views.
type Surface string

const (
	SurfaceMessage Surface = "message"
	SurfaceModal   Surface = "modal"
	SurfaceHome    Surface = "home"
)

// Problem is one way a payload breaks Block Kit's rules, with the JSON path
// of the offending value, like Slack's response_metadata messages.
type Problem struct {
	Path string
	Msg  string
}

func (p Problem) String() string { return p.Path + ": " + p.Msg }

// ValidateMessage checks a message payload (chat.postMessage,
// chat.postEphemeral, chat.update, a response_url answer, a slash command's
// immediate answer) given as its top-level "text" and raw "blocks" JSON
// ("" or "null" when absent).
func ValidateMessage(text string, blocks json.RawMessage) []Problem {
	v := &validator{surface: SurfaceMessage, blockIDs: map[string]bool{}}
	if n := utf8.RuneCountInString(text); n > MaxMessageText {
		v.add("text", "%d characters; Slack truncates text over %d", n, MaxMessageText)
	}
	raw := strings.TrimSpace(string(blocks))
	if raw == "" || raw == "null" {
		if strings.TrimSpace(text) == "" {
			v.add("", "neither text nor blocks (Slack: no_text)")
		}
		return v.problems
	}
	var bs []any
	if err := json.Unmarshal(blocks, &bs); err != nil {
		v.add("blocks", "not a JSON array: %v", err)
		return v.problems
	}
	if len(bs) == 0 && strings.TrimSpace(text) == "" {
		v.add("blocks", "no blocks and no text (Slack: no_text)")
	}
	v.blocks("blocks", bs, MaxMessageBlocks)
	return v.problems
}

// ValidateView checks a view (views.open, views.publish, views.update).
func ValidateView(view json.RawMessage) []Problem {
	var m map[string]any
	if err := json.Unmarshal(view, &m); err != nil {
		return []Problem{{"view", "not a JSON object: " + err.Error()}}
	}
	v := &validator{blockIDs: map[string]bool{}}
	switch m["type"] {
	case "modal":
		v.surface = SurfaceModal
		v.text("view.title", m["title"], plainOnly, MaxViewTitle, true)
		v.text("view.close", m["close"], plainOnly, MaxViewTitle, false)
		v.text("view.submit", m["submit"], plainOnly, MaxViewTitle, false)
	case "home":
		v.surface = SurfaceHome
	default:
		v.add("view.type", "%v is not modal or home", m["type"])
		return v.problems
	}
	if s, _ := m["private_metadata"].(string); utf8.RuneCountInString(s) > MaxMetadata {
		v.add("view.private_metadata", "%d characters, more than %d", utf8.RuneCountInString(s), MaxMetadata)
	}
	if s, _ := m["callback_id"].(string); len(s) > MaxID {
		v.add("view.callback_id", "%d characters, more than %d", len(s), MaxID)
	}
	bs, ok := m["blocks"].([]any)
	if !ok {
		v.add("view.blocks", "missing or not an array")
		return v.problems
	}
	v.blocks("view.blocks", bs, MaxViewBlocks)
	if v.surface == SurfaceModal && v.inputs > 0 && m["submit"] == nil {
		v.add("view.submit", "a modal with input blocks needs a submit button")
	}
	return v.problems
}

type validator struct {
	surface  Surface
	problems []Problem
	blockIDs map[string]bool
	inputs   int
}

func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) blocks(path string, bs []any, max int) {
	if len(bs) > max {
		v.add(path, "%d blocks, more than %d", len(bs), max)
	}
	for i, b := range bs {
		v.block(fmt.Sprintf("%s[%d]", path, i), b)
	}
}

// textKind says which text object types a place accepts.
type textKind int

const (
	plainOnly textKind = iota
	anyText
)

func (v *validator) block(path string, raw any) {
	b, ok := raw.(map[string]any)
	if !ok {
		v.add(path, "not an object (Slack refuses null blocks)")
		return
	}
	if id, ok := b["block_id"].(string); ok {
		switch {
		case id == "" || len(id) > MaxID:
			v.add(path+".block_id", "%d characters; want 1 to %d", len(id), MaxID)
		case v.blockIDs[id]:
			v.add(path+".block_id", "%q is used by another block", id)
		}
		v.blockIDs[id] = true
	}
	actionIDs := map[string]bool{}
	switch t, _ := b["type"].(string); t {
	case "section":
		hasText := b["text"] != nil
		fields, _ := b["fields"].([]any)
		if !hasText && len(fields) == 0 {
			v.add(path, "a section needs text or fields")
		}
		if hasText {
			v.text(path+".text", b["text"], anyText, MaxText, true)
		}
		if b["fields"] != nil && len(fields) == 0 {
			v.add(path+".fields", "empty")
		}
		if len(fields) > MaxFields {
			v.add(path+".fields", "%d fields, more than %d", len(fields), MaxFields)
		}
		for i, f := range fields {
			v.text(fmt.Sprintf("%s.fields[%d]", path, i), f, anyText, MaxField, true)
		}
		if acc := b["accessory"]; acc != nil {
			v.element(path+".accessory", acc, actionIDs)
		}
	case "header":
		v.text(path+".text", b["text"], plainOnly, MaxHeader, true)
	case "divider":
	case "actions":
		els, _ := b["elements"].([]any)
		if len(els) == 0 || len(els) > MaxActions {
			v.add(path+".elements", "%d elements; want 1 to %d", len(els), MaxActions)
		}
		for i, e := range els {
			v.element(fmt.Sprintf("%s.elements[%d]", path, i), e, actionIDs)
		}
	case "context":
		els, _ := b["elements"].([]any)
		if len(els) == 0 || len(els) > MaxContext {
			v.add(path+".elements", "%d elements; want 1 to %d", len(els), MaxContext)
		}
		for i, e := range els {
			p := fmt.Sprintf("%s.elements[%d]", path, i)
			if m, _ := e.(map[string]any); m != nil && m["type"] == "image" {
				continue
			}
			v.text(p, e, anyText, MaxText, true)
		}
	case "input":
		v.inputs++
		if v.surface == SurfaceMessage {
			v.add(path, "input blocks are only allowed in modals and App Home")
		}
		v.text(path+".label", b["label"], plainOnly, MaxLabel, true)
		if b["hint"] != nil {
			v.text(path+".hint", b["hint"], plainOnly, MaxLabel, true)
		}
		if b["element"] == nil {
			v.add(path+".element", "missing")
		} else {
			v.element(path+".element", b["element"], actionIDs)
		}
	case "image":
		if u, _ := b["image_url"].(string); u == "" {
			v.add(path+".image_url", "missing")
		}
	default:
		v.add(path+".type", "%q is not a block type alsbot's renderer may send", t)
	}
}

var dateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func (v *validator) element(path string, raw any, actionIDs map[string]bool) {
	e, ok := raw.(map[string]any)
	if !ok {
		v.add(path, "not an object")
		return
	}
	if id, ok := e["action_id"].(string); ok {
		switch {
		case id == "" || len(id) > MaxID:
			v.add(path+".action_id", "%d characters; want 1 to %d", len(id), MaxID)
		case actionIDs[id]:
			v.add(path+".action_id", "%q is used by another element of the block", id)
		}
		actionIDs[id] = true
	}
	if p := e["placeholder"]; p != nil {
		v.text(path+".placeholder", p, plainOnly, MaxPlaceholder, true)
	}
	switch t, _ := e["type"].(string); t {
	case "button":
		v.text(path+".text", e["text"], plainOnly, MaxButtonText, true)
		if s, ok := e["value"].(string); ok && utf8.RuneCountInString(s) > MaxButtonValue {
			v.add(path+".value", "%d characters, more than %d", utf8.RuneCountInString(s), MaxButtonValue)
		}
		if st, ok := e["style"].(string); ok && st != "primary" && st != "danger" {
			v.add(path+".style", "%q is not primary or danger", st)
		}
	case "plain_text_input":
		if n, ok := e["max_length"].(float64); ok && (n < 1 || n > MaxInputLength) {
			v.add(path+".max_length", "%v; want 1 to %d", n, MaxInputLength)
		}
		if s, ok := e["initial_value"].(string); ok && utf8.RuneCountInString(s) > MaxInputLength {
			v.add(path+".initial_value", "longer than %d", MaxInputLength)
		}
	case "datepicker":
		if s, ok := e["initial_date"].(string); ok && !dateRe.MatchString(s) {
			v.add(path+".initial_date", "%q is not YYYY-MM-DD", s)
		}
	case "static_select":
		opts, _ := e["options"].([]any)
		if len(opts) == 0 || len(opts) > MaxOptions {
			v.add(path+".options", "%d options; want 1 to %d", len(opts), MaxOptions)
		}
		values := map[string]bool{}
		for i, o := range opts {
			p := fmt.Sprintf("%s.options[%d]", path, i)
			if val := v.option(p, o); val != "" {
				values[val] = true
			}
		}
		if init := e["initial_option"]; init != nil {
			if val := v.option(path+".initial_option", init); !values[val] {
				v.add(path+".initial_option", "%q is not one of the options", val)
			}
		}
	default:
		v.add(path+".type", "%q is not an element type alsbot's renderer may send", t)
	}
}

// option checks an option object and returns its value.
func (v *validator) option(path string, raw any) string {
	o, ok := raw.(map[string]any)
	if !ok {
		v.add(path, "not an object")
		return ""
	}
	v.text(path+".text", o["text"], plainOnly, MaxOptionText, true)
	val, _ := o["value"].(string)
	if val == "" || utf8.RuneCountInString(val) > MaxOptionValue {
		v.add(path+".value", "%d characters; want 1 to %d", utf8.RuneCountInString(val), MaxOptionValue)
	}
	return val
}

// text checks a text object: its type, 1 to max characters, and emoji only
// on plain_text, verbatim only on mrkdwn.
func (v *validator) text(path string, raw any, kind textKind, max int, required bool) {
	if raw == nil {
		if required {
			v.add(path, "missing")
		}
		return
	}
	t, ok := raw.(map[string]any)
	if !ok {
		v.add(path, "not a text object")
		return
	}
	typ, _ := t["type"].(string)
	switch {
	case typ == "plain_text":
		if _, ok := t["verbatim"]; ok {
			v.add(path+".verbatim", "only mrkdwn text has verbatim")
		}
	case typ == "mrkdwn" && kind == anyText:
		if _, ok := t["emoji"]; ok {
			v.add(path+".emoji", "only plain_text has emoji")
		}
	default:
		v.add(path+".type", "%q is not allowed here", typ)
	}
	s, ok := t["text"].(string)
	if !ok {
		v.add(path+".text", "missing")
		return
	}
	if n := utf8.RuneCountInString(s); n < 1 || n > max {
		v.add(path+".text", "%d characters; want 1 to %d", n, max)
	}
}
