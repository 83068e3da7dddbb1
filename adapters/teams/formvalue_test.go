package teams

import (
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// inputValue finds the input with id in els (and their containers).
func inputValue(els []Element, id string) (string, bool) {
	for _, e := range els {
		if e.ID == id && e.Type != "" {
			return e.Value, true
		}
		if v, ok := inputValue(e.Items, id); ok {
			return v, true
		}
	}
	return "", false
}

// A form field's starting value reaches the card's input, and what the
// person typed wins over it when the form comes back with errors.
func TestFormStartingValue(t *testing.T) {
	form := &bot.Form{ID: "report", Command: "report C-1 progress", Fields: []bot.FormField{
		{Name: "text", Label: "What did you do?", Kind: bot.FieldText, Value: "started the rota"},
	}}
	spec := formSpec(form, "")
	id := spec.inputID(spec.Fields[0].Name)
	tests := []struct {
		name  string
		typed map[string]string
		want  string
	}{
		{name: "nothing typed", want: "started the rota"},
		{name: "typed value wins", typed: map[string]string{"text": "rota done"}, want: "rota done"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := inputValue(FormCard(&spec, form.Command, "", tt.typed, nil).Body, id)
			if !ok || got != tt.want {
				t.Fatalf("input %s = %q (found %v), want %q", id, got, ok, tt.want)
			}
		})
	}
}
