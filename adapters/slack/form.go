package slack

import (
	"encoding/json"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

// A form travels inside Slack, not in our store: in a button's value (to draw
// the modal when pressed, at most 2,000 characters) and in the modal's
// private_metadata (to validate and run it on submit, at most 3,000). These
// short-keyed types keep it small.
type wireForm struct {
	ID      string      `json:"id"`
	Title   string      `json:"t,omitempty"`
	Submit  string      `json:"s,omitempty"`
	Command string      `json:"c"`
	Fields  []wireField `json:"f,omitempty"`
	Channel string      `json:"ch,omitempty"`  // metadata only: where the answer goes
	Set     string      `json:"set,omitempty"` // Form.SetID ("s" is Submit)
}

// wireCommand is a command button's value when the button names its set;
// without a set the value is the bare command.
type wireCommand struct {
	Command string `json:"c"`
	Set     string `json:"s,omitempty"`
}

// encodeCommand returns a command button's value.
func encodeCommand(command, setID string) string {
	if setID == "" {
		return command
	}
	b, _ := json.Marshal(wireCommand{Command: command, Set: setID}) // plain strings: cannot fail
	return string(b)
}

// decodeCommand reads what encodeCommand wrote: JSON with a set, or the bare
// command (buttons drawn before sets travelled, or without a set).
func decodeCommand(value string) (command, setID string) {
	if strings.HasPrefix(value, "{") {
		var w wireCommand
		if err := json.Unmarshal([]byte(value), &w); err == nil && w.Command != "" {
			return w.Command, w.Set
		}
	}
	return value, ""
}

type wireField struct {
	Name        string       `json:"n"`
	Label       string       `json:"l,omitempty"`
	Kind        string       `json:"k,omitempty"`
	Required    bool         `json:"r,omitempty"`
	Multiline   bool         `json:"m,omitempty"`
	MaxLen      int          `json:"x,omitempty"`
	Placeholder string       `json:"p,omitempty"`
	Value       string       `json:"v,omitempty"`
	Options     []wireOption `json:"o,omitempty"`
}

type wireOption struct {
	Label string `json:"l,omitempty"`
	Value string `json:"v"`
}

// encodeForm returns f as a button value; full keeps what is only needed to
// draw the modal (labels, placeholders, initial values).
func encodeForm(f *bot.Form, channel string, full bool) string {
	w := wireForm{ID: f.ID, Command: f.Command, Channel: channel, Set: f.SetID}
	if full {
		w.Title, w.Submit = f.Title, f.Submit
	}
	for _, fl := range f.Fields {
		wf := wireField{Name: fl.Name, Kind: string(fl.Kind), Required: fl.Required, MaxLen: fl.MaxLen}
		if full {
			wf.Label, wf.Multiline, wf.Placeholder, wf.Value = fl.Label, fl.Multiline, fl.Placeholder, fl.Value
		}
		for _, o := range fl.Options {
			wo := wireOption{Value: o.Value}
			if full {
				wo.Label = o.Label
			}
			wf.Options = append(wf.Options, wo)
		}
		w.Fields = append(w.Fields, wf)
	}
	b, _ := json.Marshal(w) // plain strings and numbers: cannot fail
	return string(b)
}

// decodeForm reads what encodeForm wrote.
func decodeForm(s string) (*bot.Form, string, error) {
	var w wireForm
	if err := json.Unmarshal([]byte(s), &w); err != nil {
		return nil, "", err
	}
	f := &bot.Form{ID: w.ID, Title: w.Title, Submit: w.Submit, Command: w.Command, SetID: w.Set}
	for _, wf := range w.Fields {
		fl := bot.FormField{Name: wf.Name, Label: wf.Label, Kind: bot.FieldKind(wf.Kind), Required: wf.Required,
			Multiline: wf.Multiline, MaxLen: wf.MaxLen, Placeholder: wf.Placeholder, Value: wf.Value}
		for _, o := range wf.Options {
			fl.Options = append(fl.Options, bot.Option{Label: o.Label, Value: o.Value})
		}
		f.Fields = append(f.Fields, fl)
	}
	return f, w.Channel, nil
}
