package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// A form travels inside the platform, not in our store: in a Slack button's
// value and modal metadata, in a Teams card's submit data. FormData is that
// one wire shape for every platform; the short keys keep it inside Slack's
// 2,000-character button values.

// FormData is the wire form of a Form.
type FormData struct {
	ID      string      `json:"id"`
	Title   string      `json:"t,omitempty"`
	Submit  string      `json:"s,omitempty"`
	Command string      `json:"c"`
	Fields  []FieldData `json:"f,omitempty"`
	Set     string      `json:"set,omitempty"` // Form.SetID ("s" is Submit)
}

// FieldData is the wire form of a FormField.
type FieldData struct {
	Name        string       `json:"n"`
	Label       string       `json:"l,omitempty"`
	Kind        string       `json:"k,omitempty"`
	Required    bool         `json:"r,omitempty"`
	Multiline   bool         `json:"m,omitempty"`
	MaxLen      int          `json:"x,omitempty"`
	Placeholder string       `json:"p,omitempty"`
	Value       string       `json:"v,omitempty"`
	Options     []OptionData `json:"o,omitempty"`
}

// OptionData is the wire form of an Option.
type OptionData struct {
	Label string `json:"l,omitempty"`
	Value string `json:"v"`
}

// NewFormData returns f's wire form. full keeps what is only needed to draw
// the form (labels, placeholders, starting values); without it the data
// still validates a submission and runs it.
func NewFormData(f *Form, full bool) FormData {
	d := FormData{ID: f.ID, Command: f.Command, Set: f.SetID}
	if full {
		d.Title, d.Submit = f.Title, f.Submit
	}
	for _, fl := range f.Fields {
		fd := FieldData{Name: fl.Name, Kind: string(fl.Kind), Required: fl.Required, MaxLen: fl.MaxLen}
		if full {
			fd.Label, fd.Multiline, fd.Placeholder, fd.Value = fl.Label, fl.Multiline, fl.Placeholder, fl.Value
		}
		for _, o := range fl.Options {
			od := OptionData{Value: o.Value}
			if full {
				od.Label = o.Label
			}
			fd.Options = append(fd.Options, od)
		}
		d.Fields = append(d.Fields, fd)
	}
	return d
}

// Form returns the form d carries.
func (d FormData) Form() *Form {
	f := &Form{ID: d.ID, Title: d.Title, Submit: d.Submit, Command: d.Command, SetID: d.Set}
	for _, fd := range d.Fields {
		fl := FormField{Name: fd.Name, Label: fd.Label, Kind: FieldKind(fd.Kind), Required: fd.Required,
			Multiline: fd.Multiline, MaxLen: fd.MaxLen, Placeholder: fd.Placeholder, Value: fd.Value}
		for _, o := range fd.Options {
			fl.Options = append(fl.Options, Option{Label: o.Label, Value: o.Value})
		}
		f.Fields = append(f.Fields, fl)
	}
	return f
}

// What a person sees under a field they must change. One wording for every
// platform; the platforms' own client-side checks use FormRequired too.
const (
	FormRequired = "This is required; please fill it in."
	formTooLong  = "Please keep this to %d characters; it has %d."
	formBadDate  = "Please pick a date, or write it as YYYY-MM-DD, e.g. 2026-12-03."
	formBadPick  = "Please pick one of the choices."
)

// Validate checks submitted values (by field name) against the form:
// required fields, length, dates, choices. It returns the trimmed values of
// every field and, by field name, a plain sentence for each field to change;
// nothing should be stored while errs is not empty.
func (f *Form) Validate(submitted map[string]string) (values, errs map[string]string) {
	values, errs = map[string]string{}, map[string]string{}
	for _, fl := range f.Fields {
		v := strings.TrimSpace(submitted[fl.Name])
		values[fl.Name] = v
		switch n := utf8.RuneCountInString(v); {
		case v == "" && fl.Required:
			errs[fl.Name] = FormRequired
		case v == "":
		case fl.MaxLen > 0 && n > fl.MaxLen:
			errs[fl.Name] = fmt.Sprintf(formTooLong, fl.MaxLen, n)
		case fl.Kind == FieldDate && !ValidDate(v):
			errs[fl.Name] = formBadDate
		case fl.Kind == FieldChoice && len(fl.Options) > 0 && !hasOption(fl.Options, v):
			// Without options (a platform that only sends what it offered
			// may leave them out of the form it carries) there is nothing to
			// check against.
			errs[fl.Name] = formBadPick
		}
	}
	return values, errs
}

// ValidDate reports whether s is a calendar date written YYYY-MM-DD.
func ValidDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func hasOption(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}
