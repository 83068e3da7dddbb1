package slacktest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func txt(typ string, n int) map[string]any {
	return map[string]any{"type": typ, "text": strings.Repeat("x", n)}
}

func section(text any, fields ...any) map[string]any {
	b := map[string]any{"type": "section"}
	if text != nil {
		b["text"] = text
	}
	if fields != nil {
		b["fields"] = fields
	}
	return b
}

func button(label, value, actionID string) map[string]any {
	return map[string]any{"type": "button", "text": map[string]any{"type": "plain_text", "text": label}, "value": value, "action_id": actionID}
}

func actions(blockID string, els ...any) map[string]any {
	return map[string]any{"type": "actions", "block_id": blockID, "elements": els}
}

func repeat(n int, b any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func nSections(n int) []any {
	return repeat(n, section(txt("mrkdwn", 1)))
}

func buttons(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = button("b", "v", fmt.Sprintf("a%d", i))
	}
	return out
}

func option(text string, value string) map[string]any {
	return map[string]any{"text": map[string]any{"type": "plain_text", "text": text}, "value": value}
}

func modal(title string, blocks ...any) map[string]any {
	return map[string]any{"type": "modal", "title": map[string]any{"type": "plain_text", "text": title},
		"submit": map[string]any{"type": "plain_text", "text": "Save"}, "blocks": blocks}
}

func input(el any) map[string]any {
	return map[string]any{"type": "input", "block_id": "in", "label": map[string]any{"type": "plain_text", "text": "Label"}, "element": el}
}

// TestValidateMessage: each Block Kit limit, one payload just inside it and
// one just beyond it.
func TestValidateMessage(t *testing.T) {
	x := strings.Repeat
	tests := []struct {
		name    string
		text    string
		blocks  []any
		invalid string // words of the problem; "" = valid
	}{
		{"text of 1", "", []any{section(txt("mrkdwn", 1))}, ""},
		{"text of 3,000", "", []any{section(txt("mrkdwn", 3000))}, ""},
		{"empty text", "", []any{section(txt("mrkdwn", 0))}, "0 characters"},
		{"text of 3,001", "", []any{section(txt("mrkdwn", 3001))}, "3001 characters"},
		{"3,000 emoji are 3,000 characters", "", []any{section(map[string]any{"type": "mrkdwn", "text": x("🙂", 3000)})}, ""},
		{"fields without text", "", []any{section(nil, txt("mrkdwn", 5))}, ""},
		{"empty text beside fields", "", []any{section(txt("mrkdwn", 0), txt("mrkdwn", 5))}, "0 characters"},
		{"section with nothing", "", []any{section(nil)}, "text or fields"},
		{"10 fields", "", []any{section(nil, repeat(10, txt("mrkdwn", 1))...)}, ""},
		{"11 fields", "", []any{section(nil, repeat(11, txt("mrkdwn", 1))...)}, "11 fields"},
		{"field of 2,000", "", []any{section(nil, txt("mrkdwn", 2000))}, ""},
		{"field of 2,001", "", []any{section(nil, txt("mrkdwn", 2001))}, "2001 characters"},
		{"header of 150", "", []any{map[string]any{"type": "header", "text": txt("plain_text", 150)}}, ""},
		{"header of 151", "", []any{map[string]any{"type": "header", "text": txt("plain_text", 151)}}, "151 characters"},
		{"mrkdwn header", "", []any{map[string]any{"type": "header", "text": txt("mrkdwn", 5)}}, "not allowed"},
		{"50 blocks", "", nSections(50), ""},
		{"51 blocks", "", nSections(51), "51 blocks"},
		{"button text of 75", "", []any{actions("a", button(x("b", 75), "v", "a1"))}, ""},
		{"button text of 76", "", []any{actions("a", button(x("b", 76), "v", "a1"))}, "76 characters"},
		{"empty button text", "", []any{actions("a", button("", "v", "a1"))}, "0 characters"},
		{"button value of 2,000", "", []any{actions("a", button("b", x("v", 2000), "a1"))}, ""},
		{"button value of 2,001", "", []any{actions("a", button("b", x("v", 2001), "a1"))}, "2001 characters"},
		{"action_id of 255", "", []any{actions("a", button("b", "v", x("i", 255)))}, ""},
		{"action_id of 256", "", []any{actions("a", button("b", "v", x("i", 256)))}, "256 characters"},
		{"action ids unique in a block", "", []any{actions("a", button("b", "v", "a1"), button("c", "v", "a2"))}, ""},
		{"action id twice in a block", "", []any{actions("a", button("b", "v", "a1"), button("c", "v", "a1"))}, "used by another element"},
		{"block_id of 255", "", []any{actions(x("k", 255), button("b", "v", "a1"))}, ""},
		{"block_id of 256", "", []any{actions(x("k", 256), button("b", "v", "a1"))}, "256 characters"},
		{"block ids unique", "", []any{actions("a", button("b", "v", "a1")), actions("b", button("b", "v", "a1"))}, ""},
		{"block id twice", "", []any{actions("a", button("b", "v", "a1")), actions("a", button("b", "v", "a1"))}, "used by another block"},
		{"25 buttons", "", []any{actions("a", buttons(25)...)}, ""},
		{"26 buttons", "", []any{actions("a", buttons(26)...)}, "26 elements"},
		{"emoji on plain_text", "", []any{map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": "h", "emoji": true}}}, ""},
		{"emoji on mrkdwn", "", []any{section(map[string]any{"type": "mrkdwn", "text": "t", "emoji": false})}, "only plain_text has emoji"},
		{"input in a message", "", []any{input(map[string]any{"type": "plain_text_input", "action_id": "x"})}, "only allowed in modals"},
		{"null block", "", []any{nil}, "null"},
		{"text only", "hello", nil, ""},
		{"nothing", "", nil, "no_text"},
		{"message text of 40,001", x("t", 40001), []any{section(txt("mrkdwn", 1))}, "40001 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw json.RawMessage
			if tt.blocks != nil {
				raw, _ = json.Marshal(tt.blocks)
			}
			check(t, ValidateMessage(tt.text, raw), tt.invalid)
		})
	}
}

// TestValidateView: the limits of modals and App Home.
func TestValidateView(t *testing.T) {
	x := strings.Repeat
	text := func(n int) any {
		return input(map[string]any{"type": "plain_text_input", "action_id": "t", "max_length": n})
	}
	sel := func(opts ...any) any {
		return input(map[string]any{"type": "static_select", "action_id": "s", "options": opts,
			"placeholder": map[string]any{"type": "plain_text", "text": "Choose"}})
	}
	home := func(blocks []any) map[string]any { return map[string]any{"type": "home", "blocks": blocks} }
	tests := []struct {
		name    string
		view    map[string]any
		invalid string
	}{
		{"title of 24", modal(x("t", 24), text(10)), ""},
		{"title of 25", modal(x("t", 25), text(10)), "25 characters"},
		{"submit of 25", func() map[string]any {
			m := modal("t", text(10))
			m["submit"] = txt("plain_text", 25)
			return m
		}(), "25 characters"},
		{"close of 25", func() map[string]any {
			m := modal("t", text(10))
			m["close"] = txt("plain_text", 25)
			return m
		}(), "25 characters"},
		{"inputs without submit", func() map[string]any {
			m := modal("t", text(10))
			delete(m, "submit")
			return m
		}(), "needs a submit"},
		{"100 blocks", modal("t", nSections(100)...), ""},
		{"101 blocks", modal("t", nSections(101)...), "101 blocks"},
		{"home of 100 blocks", home(nSections(100)), ""},
		{"home of 101 blocks", home(nSections(101)), "101 blocks"},
		{"max_length of 3,000", modal("t", text(3000)), ""},
		{"max_length of 3,001", modal("t", text(3001)), "3001"},
		{"option text of 75", modal("t", sel(option(x("o", 75), "v"))), ""},
		{"option text of 76", modal("t", sel(option(x("o", 76), "v"))), "76 characters"},
		{"option value of 150", modal("t", sel(option("o", x("v", 150)))), ""},
		{"option value of 151", modal("t", sel(option("o", x("v", 151)))), "151 characters"},
		{"100 options", modal("t", sel(repeat(100, option("o", "v"))...)), ""},
		{"101 options", modal("t", sel(repeat(101, option("o", "v"))...)), "101 options"},
		{"placeholder of 151", modal("t", input(map[string]any{"type": "plain_text_input", "action_id": "t", "placeholder": txt("plain_text", 151)})), "151 characters"},
		{"bad initial date", modal("t", input(map[string]any{"type": "datepicker", "action_id": "d", "initial_date": "3 Dec"})), "not YYYY-MM-DD"},
		{"metadata of 3,001", func() map[string]any {
			m := modal("t", text(10))
			m["private_metadata"] = x("m", 3001)
			return m
		}(), "3001 characters"},
		{"no blocks", map[string]any{"type": "modal", "title": txt("plain_text", 3)}, "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, _ := json.Marshal(tt.view)
			check(t, ValidateView(raw), tt.invalid)
		})
	}
}

func check(t *testing.T, problems []Problem, invalid string) {
	t.Helper()
	if invalid == "" {
		for _, p := range problems {
			t.Errorf("valid payload refused: %s", p)
		}
		return
	}
	for _, p := range problems {
		if strings.Contains(p.String(), invalid) {
			return
		}
	}
	t.Errorf("want a problem mentioning %q, got %v", invalid, problems)
}
