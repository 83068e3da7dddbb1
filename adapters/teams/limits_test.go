package teams

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// TestRenderExtremes renders every kind of message with extreme content
// (empty, one character, 3,001 characters, 60 sections, 20 fields, 12 and
// 30 buttons, Unicode and emoji, a message far over Teams' size limit) and
// holds each card to what Teams takes: the validator of the loopback Bot
// Connector, and the size limit with room for the activity around it.
func TestRenderExtremes(t *testing.T) {
	long := strings.Repeat("x", 3001)
	emoji := strings.Repeat("🙂é漢", 1100)
	huge := strings.Repeat(strings.Repeat("y", 100)+"\n", 2000) // 200 KB of text
	fields := func(n int, v string) []bot.Field {
		out := make([]bot.Field, n)
		for i := range out {
			out[i] = bot.Field{Label: "F" + strconv.Itoa(i), Value: v}
		}
		return out
	}
	buttons := func(n int, label string) []bot.Button {
		out := make([]bot.Button, n)
		for i := range out {
			out[i] = bot.Button{Label: label, Command: "feedback " + strconv.Itoa(i)}
		}
		return out
	}
	sections := func(n int, text string) []bot.Section {
		out := make([]bot.Section, n)
		for i := range out {
			out[i] = bot.Section{Title: "S" + strconv.Itoa(i), Text: text}
		}
		return out
	}
	form := &bot.Form{ID: "f", Title: long, Submit: long, Command: "commit", Fields: []bot.FormField{
		{Name: "text", Label: long, Kind: bot.FieldText, Required: true, MaxLen: 3000, Value: long},
		{Name: "pick", Label: "Pick", Kind: bot.FieldChoice},
		{Name: "due", Kind: bot.FieldDate},
	}}
	messages := map[string]bot.Message{
		"empty":             {},
		"one character":     {Title: "x", Text: "x", Sections: []bot.Section{{Title: "x", Text: "x", Fields: fields(1, "x")}}},
		"3,001 characters":  {Title: long, Text: long, Sections: []bot.Section{{Title: long, Text: long, Fields: fields(1, long)}}},
		"unicode and emoji": {Title: emoji, Text: emoji, Sections: []bot.Section{{Text: emoji, Fields: fields(3, emoji)}}, Buttons: buttons(2, emoji)},
		"60 sections":       {Title: "Sixty", Sections: sections(60, long), Buttons: buttons(3, "Go")},
		"20 fields":         {Sections: []bot.Section{{Fields: fields(20, long)}}},
		"12 buttons":        {Text: "Pick", Buttons: buttons(12, "Option")},
		"30 buttons":        {Text: "Pick", Buttons: buttons(30, "")},
		"far too long":      {Title: "Export", Text: huge, Sections: sections(3, huge), Buttons: buttons(2, "Go"), Form: form},
		"form":              {Text: "Fill in", Form: form, Buttons: []bot.Button{{Label: "Other", Command: "commit", Form: form}}},
	}
	for name, m := range messages {
		t.Run(name, func(t *testing.T) {
			card := RenderCard(m)
			raw, err := json.Marshal(card)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range validateCard(raw) {
				t.Error(p)
			}
			if n := utf16Bytes(raw); n > maxCardBytes {
				t.Errorf("card of %d bytes as UTF-16, over %d", n, maxCardBytes)
			}
			if m.Form != nil && !strings.Contains(string(raw), `"Input.Text"`) {
				t.Error("the form's inputs were cut")
			}
			if name == "far too long" {
				if !strings.Contains(string(raw), cutNotice) {
					t.Error("the cut is not shown")
				}
				if !strings.Contains(string(raw), `"title":"Go"`) {
					t.Error("the buttons were cut")
				}
			}
		})
	}
}
