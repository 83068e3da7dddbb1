package bot_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

func choiceForm() *bot.Form {
	return &bot.Form{ID: "feedback", Title: "How was it?", Submit: "Send", Command: "feedback", SetID: "slack:C1",
		Fields: []bot.FormField{
			{Name: "rating", Label: "Rating", Kind: bot.FieldChoice, Required: true, Options: []bot.Option{{Label: "Good", Value: "5"}, {Label: "Poor", Value: "1"}}},
			{Name: "due", Label: "By when?", Kind: bot.FieldDate, Value: "2026-12-03"},
			{Name: "text", Label: "Comment", Kind: bot.FieldText, Multiline: true, MaxLen: 10, Placeholder: "optional"},
		}}
}

// The wire form gives back the same form, and without full it drops only
// what drawing needs.
func TestFormDataRoundTrip(t *testing.T) {
	f := choiceForm()
	b, err := json.Marshal(bot.NewFormData(f, true))
	if err != nil {
		t.Fatal(err)
	}
	var d bot.FormData
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if got := d.Form(); !reflect.DeepEqual(got, f) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, f)
	}
	short := bot.NewFormData(f, false).Form()
	if short.Title != "" || short.Fields[0].Label != "" || short.Fields[0].Options[0].Label != "" || short.Fields[1].Value != "" {
		t.Errorf("short form kept drawing details: %+v", short)
	}
	if short.Command != f.Command || short.SetID != f.SetID || short.Fields[2].MaxLen != 10 || !short.Fields[0].Required || short.Fields[0].Options[1].Value != "1" {
		t.Errorf("short form lost what validation needs: %+v", short)
	}
}

func TestFormValidate(t *testing.T) {
	tests := []struct {
		name    string
		in      map[string]string
		wantErr map[string]string // field -> words the error must contain
	}{
		{"valid", map[string]string{"rating": "5", "due": "2026-12-03", "text": " fine "}, nil},
		{"optional fields empty", map[string]string{"rating": "1"}, nil},
		{"required", map[string]string{"rating": "  "}, map[string]string{"rating": "required"}},
		{"too long", map[string]string{"rating": "5", "text": strings.Repeat("é", 11)}, map[string]string{"text": "10 characters; it has 11"}},
		{"bad date", map[string]string{"rating": "5", "due": "2026-02-30"}, map[string]string{"due": "YYYY-MM-DD"}},
		{"not a choice", map[string]string{"rating": "3"}, map[string]string{"rating": "choices"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values, errs := choiceForm().Validate(tt.in)
			if len(errs) != len(tt.wantErr) {
				t.Fatalf("errors %v, want %v", errs, tt.wantErr)
			}
			for f, words := range tt.wantErr {
				if !strings.Contains(errs[f], words) {
					t.Errorf("error for %s = %q, want it to mention %q", f, errs[f], words)
				}
			}
			if tt.wantErr == nil && values["text"] != strings.TrimSpace(tt.in["text"]) {
				t.Errorf("value not trimmed: %q", values["text"])
			}
			if len(values) != 3 {
				t.Errorf("values %v, want one per field", values)
			}
		})
	}
}
