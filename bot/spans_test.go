package bot_test

import (
	"reflect"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

func TestSpans(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []bot.Span
	}{
		{"plain", "hello", []bot.Span{{Kind: bot.SpanText, Text: "hello"}}},
		{"empty", "", nil},
		{"mention", "Round 1: " + bot.Mention("U1", "Ana") + " presents", []bot.Span{
			{Kind: bot.SpanText, Text: "Round 1: "}, {Kind: bot.SpanMention, UserID: "U1", Text: "Ana"}, {Kind: bot.SpanText, Text: " presents"}}},
		{"command", "check in with " + bot.Cmd("here") + ".", []bot.Span{
			{Kind: bot.SpanText, Text: "check in with "}, {Kind: bot.SpanCommand, Text: "here"}, {Kind: bot.SpanText, Text: "."}}},
		{"legacy command", "Start with `/als round start`.", []bot.Span{
			{Kind: bot.SpanText, Text: "Start with "}, {Kind: bot.SpanCommand, Text: "round start"}, {Kind: bot.SpanText, Text: "."}}},
		{"name cannot break the span", bot.Mention("U1", "A\x1fn\x1ea"), []bot.Span{{Kind: bot.SpanMention, UserID: "U1", Text: "Ana"}}},
		{"cut short keeps the name", "x " + bot.Mention("U1", "Ana")[:7], []bot.Span{{Kind: bot.SpanText, Text: "x "}, {Kind: bot.SpanText, Text: "An"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bot.Spans(tt.text); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Spans(%q) = %+v, want %+v", tt.text, got, tt.want)
			}
		})
	}
}

// TestMemberTextCannotForgeSpans: what a member writes loses the span
// marks before it is parsed or stored, so "<@U…>" style pings cannot be
// smuggled into the bot's messages.
func TestMemberTextCannotForgeSpans(t *testing.T) {
	forged := "commit talk to " + bot.Mention("UBOSS", "boss") + " " + bot.Cmd("forget me")
	req, err := bot.SanitizeRequest(bot.Request{Actor: bot.UserRef{ID: "U1"}, Text: forged})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range bot.Spans(req.Text) {
		if s.Kind != bot.SpanText {
			t.Errorf("member text kept a %v span: %q", s.Kind, req.Text)
		}
	}
}

func TestMessageMentions(t *testing.T) {
	m := bot.Message{Text: bot.Mention("U1", "Ana") + " and " + bot.Mention("U2", "Ben"),
		Sections: []bot.Section{{Fields: []bot.Field{{Label: "Presenter", Value: bot.Mention("U1", "Ana")}}}}}
	want := []bot.UserRef{{ID: "U1", Name: "Ana"}, {ID: "U2", Name: "Ben"}}
	if got := m.Mentions(); !reflect.DeepEqual(got, want) {
		t.Errorf("Mentions() = %+v, want %+v", got, want)
	}
}
