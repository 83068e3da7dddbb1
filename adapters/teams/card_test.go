package teams

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/internal/golden"
	"github.com/alsbot/alsbot/internal/goldenmsg"
)

// goldenMessages are the messages Teams receives, one per kind, drawn from
// what production answers and sends (goldenmsg), plus a statistics answer
// with files.
func goldenMessages(t testing.TB) map[string]bot.Message {
	msgs, _ := goldenmsg.Messages(t, goldenmsg.Cast{Platform: bot.Teams, Channel: "19:west",
		Facilitator: bot.UserRef{ID: "aad-fay", Name: "Fay", TZ: "Europe/London"},
		Members: [3]bot.UserRef{
			{ID: "aad-ana", Name: "Ana", TZ: "Europe/London"}, {ID: "aad-bob", Name: "Bob", TZ: "Europe/London"}, {ID: "aad-cy", Name: "Cy", TZ: "Europe/London"},
		}})
	out := map[string]bot.Message{
		"stats": {Kind: bot.KindReply, Title: "Statistics of West set", Text: "2 sessions held, 3 members.", Private: true,
			Sections: []bot.Section{{Title: "The set", Fields: []bot.Field{{Label: "Attendance", Value: "5 of 6 (83%)"}}}},
			Files: []bot.File{
				{Name: "west-set-20261203-chart.png", ContentType: "image/png", Data: tinyPNG()},
				{Name: "west-set-20261203-attendance.csv", ContentType: "text/csv", Data: []byte("session,member\n1,Ana\n")},
			}},
	}
	for _, name := range []string{"feedback", "reply", "error", "role-card", "reminder", "reminder-dm", "action-prompt", "nudge", "digest", "check-in", "home", "questionnaire"} {
		out[name] = msgs[name]
	}
	return out
}

// tinyPNG is a 2x2 PNG, made the same way every time.
func tinyPNG() []byte {
	img := image.NewGray(image.Rect(0, 0, 2, 2))
	img.Pix[0] = 0xff
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// TestGoldenCards renders each kind of message and compares the card with
// testdata/<name>.json (go test -run TestGoldenCards -update rewrites them).
func TestGoldenCards(t *testing.T) {
	for name, m := range goldenMessages(t) {
		t.Run(name, func(t *testing.T) {
			card := RenderCard(m)
			got, err := json.MarshalIndent(card, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			checkCard(t, got)
			golden.Assert(t, filepath.Join("testdata", name+".json"), got)
		})
	}
}

// checkCard applies the rules Microsoft's renderer enforces that a golden
// diff would not: version, unique input ids, submit data, show-card cards.
func checkCard(t *testing.T, raw []byte) {
	t.Helper()
	var card map[string]any
	if err := json.Unmarshal(raw, &card); err != nil {
		t.Fatalf("card is not JSON: %v", err)
	}
	if card["type"] != "AdaptiveCard" || card["version"] != "1.5" || card["$schema"] == nil {
		t.Errorf("card header: type %v version %v", card["type"], card["version"])
	}
	ids := map[string]bool{}
	var walkCard func(c map[string]any)
	var walkEls func(els []any)
	var walkActions func(actions []any)
	walkEls = func(els []any) {
		for _, x := range els {
			e := x.(map[string]any)
			typ, _ := e["type"].(string)
			if strings.HasPrefix(typ, "Input.") {
				id, _ := e["id"].(string)
				if id == "" || ids[id] {
					t.Errorf("input id %q is empty or not unique", id)
				}
				ids[id] = true
			}
			if items, ok := e["items"].([]any); ok {
				walkEls(items)
			}
			if typ == "ActionSet" {
				// Buttons laid out in the body are actions like the card's.
				acts, _ := e["actions"].([]any)
				walkActions(acts)
			}
		}
	}
	walkActions = func(actions []any) {
		for _, x := range actions {
			a := x.(map[string]any)
			switch a["type"] {
			case "Action.Submit":
				data, _ := a["data"].(map[string]any)
				sub, _ := data["alsbot"].(map[string]any)
				if cmd, _ := sub["cmd"].(string); cmd == "" {
					t.Errorf("Action.Submit %q carries no command", a["title"])
				}
			case "Action.ShowCard":
				inner, ok := a["card"].(map[string]any)
				if !ok {
					t.Fatalf("Action.ShowCard %q has no card", a["title"])
				}
				walkCard(inner)
			default:
				t.Errorf("unexpected action type %v", a["type"])
			}
		}
	}
	walkCard = func(c map[string]any) {
		body, ok := c["body"].([]any)
		if !ok || len(body) == 0 {
			t.Errorf("card has no body")
		}
		walkEls(body)
		actions, _ := c["actions"].([]any)
		walkActions(actions)
	}
	walkCard(card)
	for _, p := range validateCard(raw) {
		t.Errorf("Teams would refuse or not show the card: %s", p)
	}
}

func TestActionPromptForm(t *testing.T) {
	card := RenderCard(bot.ActionPrompt(&bot.Set{Name: "West set"}, nil))
	if len(card.Actions) != 1 || card.Actions[0].Type != "Action.ShowCard" {
		t.Fatalf("actions %+v, want one Action.ShowCard", card.Actions)
	}
	inner := card.Actions[0].Card
	var types []string
	for _, e := range inner.Body {
		if strings.HasPrefix(e.Type, "Input.") {
			types = append(types, e.Type)
		}
	}
	if strings.Join(types, ",") != "Input.Text,Input.Date" {
		t.Errorf("inputs %v, want Input.Text and Input.Date", types)
	}
	sub := inner.Actions[0]
	if sub.Type != "Action.Submit" || sub.Data.ALSBot.Command != "commit" || sub.Data.ALSBot.Form.ID != "commit" {
		t.Errorf("submit %+v", sub)
	}
}

func TestValidateForm(t *testing.T) {
	spec := formSpec(bot.CommitForm(), "b1.")
	tests := []struct {
		name    string
		value   map[string]any
		wantErr map[string]string // field -> words the error must contain
	}{
		{"valid", map[string]any{"b1.commit.text": " Call the duty team ", "b1.commit.due": "2026-12-03"}, nil},
		{"due optional", map[string]any{"b1.commit.text": "Call"}, nil},
		{"required", map[string]any{"b1.commit.text": "  "}, map[string]string{"text": "required"}},
		{"too long", map[string]any{"b1.commit.text": strings.Repeat("x", bot.MaxTextLen+1)}, map[string]string{"text": "3000 characters"}},
		{"bad date", map[string]any{"b1.commit.text": "Call", "b1.commit.due": "2026-02-30"}, map[string]string{"due": "YYYY-MM-DD"}},
		{"not a string", map[string]any{"b1.commit.text": 42.0}, map[string]string{"text": "required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values, errs := validateForm(&spec, tt.value)
			if len(errs) != len(tt.wantErr) {
				t.Fatalf("errors %v, want %v", errs, tt.wantErr)
			}
			for f, words := range tt.wantErr {
				if !strings.Contains(errs[f], words) {
					t.Errorf("error for %s = %q, want it to mention %q", f, errs[f], words)
				}
			}
			if tt.wantErr == nil && values["text"] != strings.TrimSpace(values["text"]) {
				t.Errorf("value not trimmed: %q", values["text"])
			}
		})
	}
}

func TestCommandText(t *testing.T) {
	tests := []struct {
		name, text string
		mentions   []mentionEntity
		want       string
		wantUsers  map[string]string // token -> name
	}{
		{"bot mention stripped", "<at>alsbot</at> round start", []mentionEntity{{Type: "mention", Text: "<at>alsbot</at>", Mentioned: botAcc()}}, "round start", nil},
		{"members by mention", "<at>alsbot</at> members add <at>Ana Silva</at> <at>Bob</at>",
			[]mentionEntity{
				{Type: "mention", Text: "<at>alsbot</at>", Mentioned: botAcc()},
				{Type: "mention", Text: "<at>Ana Silva</at>", Mentioned: acc("29:ana", "aad-ana", "Ana Silva")},
				{Type: "mention", Text: "<at>Bob</at>", Mentioned: acc("29:bob", "", "Bob")},
			}, "members add @aad-ana @29:bob", map[string]string{"aad-ana": "Ana Silva", "29:bob": "Bob"}},
		{"html and entities", "<p><at>alsbot</at>&nbsp;commit Call &amp; write</p>", []mentionEntity{{Type: "mention", Text: "<at>alsbot</at>", Mentioned: botAcc()}}, "commit Call & write", nil},
		{"plain 1:1 text", "actions", nil, "actions", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			act := activityWith(tt.text)
			got, users := commandText(act, tt.mentions)
			if got != tt.want {
				t.Errorf("text %q, want %q", got, tt.want)
			}
			if len(users) != len(tt.wantUsers) {
				t.Fatalf("mentions %v, want %v", users, tt.wantUsers)
			}
			for id, name := range tt.wantUsers {
				if users[id].ID != id || users[id].Name != name {
					t.Errorf("mention %s = %+v, want name %s", id, users[id], name)
				}
			}
		})
	}
}

func botAcc() schema.ChannelAccount { return schema.ChannelAccount{ID: "28:bot", Name: "alsbot"} }

func acc(id, aad, name string) schema.ChannelAccount {
	return schema.ChannelAccount{ID: id, AadObjectID: aad, Name: name}
}

func activityWith(text string) schema.Activity {
	return schema.Activity{Type: schema.Message, Text: text, Recipient: botAcc()}
}
