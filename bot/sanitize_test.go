package bot_test

import (
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Ship the rota, café", "Ship the rota, café"},
		{"newline and tab stay", "a\n\tb", "a\n\tb"},
		{"escape and nul", "red\x1b[31m\x00text", "red[31mtext"},
		{"bidi override", "invoice\u202Egpj.exe", "invoicegpj.exe"},
		{"isolates and marks", "\u2066a\u2069\u200Fb\u061C", "ab"},
		{"C1 control", "a\u0085b", "ab"},
		{"carriage return", "a\r\nb", "a\nb"},
		{"invalid UTF-8", "a\xffb", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bot.CleanText(tt.in); got != tt.want {
				t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeRequest(t *testing.T) {
	req := bot.Request{
		Actor:    bot.UserRef{ID: "U1", Name: "Ana\u202E"},
		Text:     "commit a\x1bb",
		Mentions: map[string]bot.UserRef{"ana": {ID: "U1", Name: "Ana"}, "ghost": {ID: "anon-1", Name: "anon-1"}},
		Action:   &bot.Action{FormID: "f", Values: map[string]string{"text": "x\u202Ey"}},
	}
	got, err := bot.SanitizeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "commit ab" || got.Actor.Name != "Ana" || got.Action.Values["text"] != "xy" {
		t.Errorf("sanitized %+v %+v", got, got.Action)
	}
	if _, ok := got.Mentions["ghost"]; ok {
		t.Error("a mention resolving to an anonymous id was kept")
	}
	if req.Action.Values["text"] != "x\u202Ey" || len(req.Mentions) != 2 {
		t.Error("SanitizeRequest changed its argument")
	}

	if _, err := bot.SanitizeRequest(bot.Request{Actor: bot.UserRef{ID: "anon-3"}, Text: "here"}); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("anonymous actor: %v, want EINVALID", err)
	}
	many := "members add" + strings.Repeat(" @ana", bot.MaxMentions+1)
	if _, err := bot.SanitizeRequest(bot.Request{Actor: bot.UserRef{ID: "U1"}, Text: many}); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("%d mentions: %v, want EINVALID", bot.MaxMentions+1, err)
	}
	ok := "members add" + strings.Repeat(" <@U1>", bot.MaxMentions)
	if _, err := bot.SanitizeRequest(bot.Request{Actor: bot.UserRef{ID: "U1"}, Text: ok}); err != nil {
		t.Errorf("%d mentions: %v", bot.MaxMentions, err)
	}
}
