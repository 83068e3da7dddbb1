package bottest

import (
	"strconv"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

// Extremes are messages at and beyond the platforms' limits, by name, for
// every renderer's limits test: empty and blank, one character, one over
// the 3,000 of a Slack text object, emoji and CJK, characters Slack escapes
// (which grow fivefold), 60 sections, 20 fields, 12 and 30 buttons, labels
// and commands beyond a button's, a form beyond every limit (120 options,
// a repeated and an empty field name), files only, and 200 KB of text.
func Extremes() map[string]bot.Message {
	long := strings.Repeat("x", 3001)
	emoji := strings.Repeat("🙂é漢", 1100) // 3,300 characters, 4-byte runes among them
	amp := strings.Repeat("&<>", 1100)   // grows fivefold when escaped
	lines := strings.Repeat("a line\n", 800)
	huge := strings.Repeat(strings.Repeat("y", 100)+"\n", 2000)
	many := func(n int, f func(i int) bot.Section) []bot.Section {
		out := make([]bot.Section, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	fields := func(n int, value string) []bot.Field {
		out := make([]bot.Field, n)
		for i := range out {
			out[i] = bot.Field{Label: "Field " + strconv.Itoa(i), Value: value}
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
	return map[string]bot.Message{
		"empty":               {},
		"blank":               {Title: " ", Text: "\n\n", Sections: []bot.Section{{Title: " ", Text: " "}}},
		"one character":       {Title: "x", Text: "x", Sections: []bot.Section{{Title: "x", Text: "x", Fields: []bot.Field{{Label: "x", Value: "x"}}}}},
		"3,001 characters":    {Title: long, Text: long, Sections: []bot.Section{{Title: long, Text: long, Fields: []bot.Field{{Label: long, Value: long}}}}},
		"unicode and emoji":   {Title: emoji, Text: emoji, Sections: []bot.Section{{Title: emoji, Text: emoji, Fields: fields(3, emoji)}}, Buttons: buttons(2, emoji)},
		"escaped characters":  {Title: amp, Text: amp, Sections: []bot.Section{{Text: amp, Fields: fields(2, amp)}}},
		"many lines":          {Text: lines + lines},
		"60 sections":         {Title: "Sixty", Sections: many(60, func(i int) bot.Section { return bot.Section{Title: "S" + strconv.Itoa(i), Text: "text"} }), Buttons: buttons(2, "Go")},
		"60 long sections":    {Sections: many(60, func(int) bot.Section { return bot.Section{Text: long} })},
		"20 fields":           {Sections: []bot.Section{{Fields: fields(20, "v")}}},
		"20 empty fields":     {Sections: []bot.Section{{Fields: make([]bot.Field, 20)}}},
		"fields beside text":  {Sections: []bot.Section{{Text: "When and where", Fields: fields(20, long)}}},
		"12 buttons":          {Text: "Pick", Buttons: buttons(12, "Option")},
		"30 buttons":          {Text: "Pick", Buttons: buttons(30, "Option")},
		"long button labels":  {Text: "Pick", Buttons: buttons(3, long)},
		"empty button labels": {Text: "Pick", Buttons: buttons(3, "")},
		"long command":        {Text: "Run", Buttons: []bot.Button{{Label: "Run", Command: "commit " + long}}},
		"form":                {Text: "Fill in", Form: extremeForm(long)},
		"form without title":  {Form: &bot.Form{ID: "f", Command: "commit"}},
		"files only":          {Files: []bot.File{{Name: long, Data: []byte("x")}}},
		"far too long":        {Title: "Export", Text: huge, Sections: many(3, func(int) bot.Section { return bot.Section{Text: huge} }), Buttons: buttons(2, "Go"), Form: extremeForm(long)},
	}
}

// extremeForm has every field kind with contents beyond the limits.
func extremeForm(long string) *bot.Form {
	opts := make([]bot.Option, 120)
	for i := range opts {
		opts[i] = bot.Option{Label: long, Value: strconv.Itoa(i)}
	}
	opts = append(opts, bot.Option{Label: "too long a value", Value: long}, bot.Option{Label: "", Value: "no-label"})
	return &bot.Form{ID: "extreme", Title: long, Submit: long, Command: "commit",
		Fields: []bot.FormField{
			{Name: "text", Label: long, Kind: bot.FieldText, Required: true, Multiline: true, MaxLen: 10000, Placeholder: long, Value: long + long},
			{Name: "due", Label: "", Kind: bot.FieldDate, Placeholder: long, Value: "2026-02-30"},
			{Name: "pick", Label: "Pick", Kind: bot.FieldChoice, Options: opts, Value: "3"},
			{Name: "pick", Label: "the same name again", Kind: bot.FieldText},
			{Name: "", Label: "no name", Kind: bot.FieldText},
		}}
}
