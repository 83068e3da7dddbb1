package teams

// Forms in cards: the buttons that open them, their inputs and submit data.

import (
	"strconv"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

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
