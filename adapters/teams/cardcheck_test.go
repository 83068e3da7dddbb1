package teams

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
)

// validateCard checks an Adaptive Card the way Teams treats it, for the
// loopback Bot Connector (which answers 400 like Teams for a card it cannot
// take) and the golden tests: a version Teams renders, known element and
// action types, unique non-empty input ids across the card and its
// show-cards, at most maxActions actions per set (Teams shows no more),
// non-empty action titles, images with a URL.
func validateCard(raw []byte) []string {
	var card map[string]any
	if err := json.Unmarshal(raw, &card); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	v := &cardValidator{ids: map[string]bool{}}
	v.card("card", card, true)
	return v.problems
}

type cardValidator struct {
	problems []string
	ids      map[string]bool
}

func (v *cardValidator) add(path, format string, args ...any) {
	v.problems = append(v.problems, path+": "+fmt.Sprintf(format, args...))
}

func (v *cardValidator) card(path string, c map[string]any, top bool) {
	if c["type"] != "AdaptiveCard" {
		v.add(path+".type", "%v, want AdaptiveCard", c["type"])
	}
	if top {
		switch c["version"] {
		case "1.0", "1.1", "1.2", "1.3", "1.4", "1.5":
		default:
			v.add(path+".version", "%v is not a version Teams renders (up to 1.5)", c["version"])
		}
	}
	body, ok := c["body"].([]any)
	if !ok {
		v.add(path+".body", "missing")
	}
	v.elements(path+".body", body)
	actions, _ := c["actions"].([]any)
	v.actions(path+".actions", actions)
}

func (v *cardValidator) elements(path string, els []any) {
	for i, x := range els {
		p := fmt.Sprintf("%s[%d]", path, i)
		e, ok := x.(map[string]any)
		if !ok {
			v.add(p, "not an object")
			continue
		}
		typ, _ := e["type"].(string)
		switch typ {
		case "TextBlock":
			if _, ok := e["text"].(string); !ok {
				v.add(p+".text", "missing")
			}
		case "FactSet":
			facts, _ := e["facts"].([]any)
			if len(facts) == 0 {
				v.add(p+".facts", "empty")
			}
		case "Container":
			items, _ := e["items"].([]any)
			v.elements(p+".items", items)
		case "ActionSet":
			acts, _ := e["actions"].([]any)
			if len(acts) == 0 {
				v.add(p+".actions", "empty")
			}
			v.actions(p+".actions", acts)
		case "Image":
			if u, _ := e["url"].(string); u == "" {
				v.add(p+".url", "missing")
			}
		case "Input.Text", "Input.Date", "Input.ChoiceSet", "Input.Number", "Input.Toggle", "Input.Time":
			id, _ := e["id"].(string)
			switch {
			case id == "":
				v.add(p+".id", "an input needs an id")
			case v.ids[id]:
				v.add(p+".id", "%q is used by another input", id)
			}
			v.ids[id] = true
			if typ == "Input.ChoiceSet" {
				if cs, _ := e["choices"].([]any); len(cs) == 0 {
					v.add(p+".choices", "empty")
				}
			}
		default:
			v.add(p+".type", "%q is not an element alsbot's cards may use", typ)
		}
	}
}

func (v *cardValidator) actions(path string, acts []any) {
	if len(acts) > maxActions {
		v.add(path, "%d actions; Teams shows at most %d in one set", len(acts), maxActions)
	}
	for i, x := range acts {
		p := fmt.Sprintf("%s[%d]", path, i)
		a, ok := x.(map[string]any)
		if !ok {
			v.add(p, "not an object")
			continue
		}
		if t, _ := a["title"].(string); strings.TrimSpace(t) == "" {
			v.add(p+".title", "empty")
		}
		switch a["type"] {
		case "Action.Submit", "Action.OpenUrl", "Action.Execute":
		case "Action.ShowCard":
			inner, ok := a["card"].(map[string]any)
			if !ok {
				v.add(p+".card", "missing")
				continue
			}
			v.card(p+".card", inner, false)
		default:
			v.add(p+".type", "%v is not an action Teams supports", a["type"])
		}
	}
}

// utf16Bytes is how Teams measures a message against its size limit: the
// payload encoded as UTF-16.
func utf16Bytes(b []byte) int { return 2 * len(utf16.Encode([]rune(string(b)))) }

func TestValidateCard(t *testing.T) {
	ok := `{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"x"}]}`
	tests := []struct {
		name, card, want string
	}{
		{"valid", ok, ""},
		{"old version", `{"type":"AdaptiveCard","version":"1.6","body":[]}`, "version"},
		{"unknown element", `{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Table"}]}`, "not an element"},
		{"input without id", `{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Input.Text"}]}`, "needs an id"},
		{"duplicate ids across a show-card", `{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Input.Text","id":"a"}],
			"actions":[{"type":"Action.ShowCard","title":"t","card":{"type":"AdaptiveCard","body":[{"type":"Input.Text","id":"a"}]}}]}`, "used by another input"},
		{"six actions", `{"type":"AdaptiveCard","version":"1.5","body":[],"actions":[` + strings.TrimSuffix(strings.Repeat(`{"type":"Action.Submit","title":"t"},`, 6), ",") + `]}`, "6 actions"},
		{"six actions in a body set", `{"type":"AdaptiveCard","version":"1.5","body":[{"type":"ActionSet","actions":[` + strings.TrimSuffix(strings.Repeat(`{"type":"Action.Submit","title":"t"},`, 6), ",") + `]}]}`, "6 actions"},
		{"untitled action", `{"type":"AdaptiveCard","version":"1.5","body":[],"actions":[{"type":"Action.Submit","title":" "}]}`, "title: empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(validateCard([]byte(tt.card)), "; ")
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("problems %q, want %q", got, tt.want)
			}
		})
	}
}
