package teams

import (
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// TestSubmissionsCarryTheirSet presses, in the 1:1 chat, the buttons of a
// feedback pulse card (as bot.FeedbackPulse draws it for a set) and submits
// its form: each request names the set. A form sent back with errors keeps
// the set for the next try; a button without a set names none.
func TestSubmissionsCarryTheirSet(t *testing.T) {
	h := &recordingHandler{}
	r := newRig(t, h)
	svc := r.bf.serviceURL()
	ana := person("29:ana", "aad-ana", "Ana")
	const setID = "teams:19:west@thread.tacv2"
	pulse := bot.FeedbackPulse(&bot.Set{ID: setID, Name: "West set"}, &bot.Session{Number: 2})
	pulse.Buttons = append(pulse.Buttons, bot.Button{Label: "My actions", Command: "actions"})
	card := RenderCard(pulse)
	action := func(title string) Action {
		// Cards with more than maxActions buttons carry them in body action sets.
		all := append([]Action(nil), card.Actions...)
		for _, e := range card.Body {
			all = append(all, e.Actions...)
		}
		for _, a := range all {
			if a.Title == title {
				return a
			}
		}
		t.Fatalf("no action %q in %s", title, cardText(card))
		return Action{}
	}
	form := action("Rate with a comment").Card
	if form == nil || len(form.Actions) != 1 {
		t.Fatalf("rate with a comment opens %+v", form)
	}
	spec := form.Actions[0].Data.ALSBot.Form
	ids := map[string]string{}
	for _, f := range spec.Fields {
		ids[f.Name] = spec.inputID(f.Name)
	}

	tests := []struct {
		name     string
		value    map[string]any
		wantText string
		wantSet  string
		rating   string // the form's rating, "" for a button
	}{
		{name: "button with its set", value: submitValue(t, action("3"), nil), wantText: "feedback 3", wantSet: setID},
		{name: "button without a set", value: submitValue(t, action("My actions"), nil), wantText: "actions"},
		{name: "form with its set", value: submitValue(t, form.Actions[0], map[string]string{ids["rating"]: "4", ids["comment"]: "Useful"}),
			wantText: "feedback", wantSet: setID, rating: "4"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := len(h.requests())
			only(t, r.send(personalMessage(svc, "p"+string(rune('a'+i)), "", ana, tt.value)), 1)
			reqs := h.requests()
			if len(reqs) != n+1 {
				t.Fatalf("handler saw %d new requests, want 1", len(reqs)-n)
			}
			got := reqs[n]
			if got.Text != tt.wantText || got.SetID != tt.wantSet || !got.Conv.DM {
				t.Errorf("request text %q set %q DM %v, want %q set %q in the 1:1 chat", got.Text, got.SetID, got.Conv.DM, tt.wantText, tt.wantSet)
			}
			if tt.rating != "" && (got.Action == nil || got.Action.Values["rating"] != tt.rating) {
				t.Errorf("action %+v, want rating %s", got.Action, tt.rating)
			}
		})
	}

	t.Run("form sent back with errors keeps its set", func(t *testing.T) {
		n := len(h.requests())
		posts := only(t, r.send(personalMessage(svc, "p-bad", "", ana, submitValue(t, form.Actions[0], map[string]string{ids["rating"]: "9"}))), 1)
		if len(h.requests()) != n {
			t.Fatalf("an invalid form reached the handler")
		}
		again := cardOf(t, posts[0].Activity)
		if len(again.Actions) != 1 || again.Actions[0].Data == nil || again.Actions[0].Data.ALSBot.Set != setID {
			t.Fatalf("form shown again with actions %+v, want its submit to keep set %s", again.Actions, setID)
		}
	})
}
