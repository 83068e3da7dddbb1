package teams

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/internal/golden"
)

func goldenMessages() map[string]bot.Message {
	london, _ := time.LoadLocation("Europe/London")
	start := time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)
	set := &bot.Set{ID: "teams:19:west", Name: "West set", People: []bot.Person{
		{User: bot.UserRef{ID: "aad-ana", Name: "Ana"}, Roles: []bot.Role{bot.RoleMember}},
		{User: bot.UserRef{ID: "aad-bob", Name: "Bob"}, Roles: []bot.Role{bot.RoleMember}},
		{User: bot.UserRef{ID: "aad-cy", Name: "Cy"}, Roles: []bot.Role{bot.RoleMember}},
	}}
	c12 := &bot.Commitment{ShortID: "C-12", UserID: "aad-ana", Text: "Talk to the duty team about handovers", Status: bot.CommitmentOpen, Due: start,
		Reports: []bot.Report{{Status: bot.ReportProgress, Text: "Met the team lead; agreed a trial.", At: start.Add(-7 * 24 * time.Hour)}}}
	c13 := &bot.Commitment{ShortID: "C-13", UserID: "aad-bob", Text: "Shadow a colleague on a home visit", Status: bot.CommitmentOpen}

	reportForm := func(st bot.ReportStatus) *bot.Form {
		return &bot.Form{ID: "report", Title: "Report on C-12", Submit: "Report", Command: "report C-12 " + string(st),
			Fields: []bot.FormField{{Name: "text", Label: "What did you do and learn?", Kind: bot.FieldText, Required: true, Multiline: true, MaxLen: bot.MaxTextLen}}}
	}
	return map[string]bot.Message{
		"feedback": bot.FeedbackPulse(set, &bot.Session{ID: "teams:19:west/2", Number: 2}),
		"reply":    {Kind: bot.KindReply, Text: "Recorded *C-12*: Talk to the duty team about handovers, due Thu 3 Dec 2026 18:00 (Europe/London).", Private: true},
		"error":    {Kind: bot.KindError, Private: true, Text: "\"2026-02-30\" is not a date. Usage: /als session add <YYYY-MM-DD> <HH:MM> [<duration>] [<where>]"},
		"role-card": {Kind: bot.KindRoleCard, Title: "Round 1", Text: "Presenting now: 10 min, until 14:10.\nThen questioning 25 min, action 5 min, process-review 10 min.",
			Sections: []bot.Section{
				{Fields: []bot.Field{{Label: "Presenter", Value: "Ana"}, {Label: "Observer", Value: "Cy"}, {Label: "Enablers", Value: "Bob"}}},
				{Text: "Enablers: ask open questions that help the presenter think; no advice.\nObserver: watch the process and feed back at the end."},
			}},
		"reminder": {Kind: bot.KindReminder, Title: "Reminder: West set, session 3", Text: "Session 3 is in 1 day: " + bot.FormatTime(start, london) + ".",
			Sections: []bot.Section{
				{Fields: []bot.Field{{Label: "When", Value: bot.FormatTime(start, london)}, {Label: "Length", Value: "3h"}, {Label: "Where", Value: "https://teams.example/meet/west"}}},
				{Title: "Your open commitment", Text: bot.CommitmentLine(c12, london)},
			}},
		"action-prompt": bot.ActionPrompt(set, &bot.Session{Number: 3}),
		"nudge": {Kind: bot.KindNudge, Title: "How is your action going?",
			Text:     "A between-sessions check-in from West set. Tell the set what you did and learned.",
			Sections: []bot.Section{{Text: bot.CommitmentLine(c12, london)}},
			Buttons: []bot.Button{
				{Label: "Done", Command: "report C-12 done", Form: reportForm(bot.ReportDone), Style: bot.StylePrimary},
				{Label: "Progress", Command: "report C-12 progress", Form: reportForm(bot.ReportProgress)},
				{Label: "Blocked", Command: "report C-12 blocked", Form: reportForm(bot.ReportBlocked)},
			}},
		"digest": bot.Digest(set, []*bot.Commitment{c12, c13}, start.Add(-28*24*time.Hour), london),
		"stats": {Kind: bot.KindReply, Title: "Statistics of West set", Text: "2 sessions held, 3 members.", Private: true,
			Sections: []bot.Section{{Title: "The set", Fields: []bot.Field{{Label: "Attendance", Value: "5 of 6 (83%)"}}}},
			Files: []bot.File{
				{Name: "west-set-20261203-chart.png", ContentType: "image/png", Data: tinyPNG()},
				{Name: "west-set-20261203-attendance.csv", ContentType: "text/csv", Data: []byte("session,member\n1,Ana\n")},
			}},
		"check-in": {Kind: bot.KindCheckIn, Title: "Session 3 is open", Text: "Check in with `/als here`.",
			Buttons: []bot.Button{{Label: "I'm here", Command: "here", Style: bot.StylePrimary}}},
	}
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
	for name, m := range goldenMessages() {
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
