package teams

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestQuestionnaireEndToEnd: in Teams a questionnaire arrives in the
// member's 1:1 chat as a card whose Answer button shows the form; the
// submitted card is stored as the member's confidential answer, and an
// answer with a required question left empty is refused with nothing stored.
func TestQuestionnaireEndToEnd(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	a := newApp(r, "replica-1")
	r.start(a.router)
	a.out.set(r.adapter.Messenger())
	ctx := context.Background()
	svc := r.bf.serviceURL()
	fay := person("29:fay", "aad-fay", "Fay")
	ana := person("29:ana", "aad-ana", "Ana")
	seq := 0
	say := func(text string, mentioned ...map[string]any) []recorded {
		seq++
		var ents []map[string]any
		for _, m := range mentioned {
			ents = append(ents, mention(m))
		}
		return r.send(channelMessage(svc, fmt.Sprint("m", seq), text, fay, ents...))
	}
	say("setup West set")
	say("members add <at>Ana</at>", ana)
	say("programme create South West")
	say("programme add-set to South West")
	say("questionnaire create end from members-end")
	before := len(r.bf.posts())
	say("questionnaire send end to members")
	r.tick(a) // the questionnaire goes out as a scheduled delivery
	dm := waitCard(t, r, before, "Answer")
	card := cardOf(t, dm.Activity)
	var answer *Action
	for i := range card.Actions {
		if card.Actions[i].Title == "Answer" {
			answer = &card.Actions[i]
		}
	}
	if answer == nil || answer.Card == nil || len(answer.Card.Actions) == 0 {
		t.Fatalf("questionnaire card has no Answer form: %+v", card.Actions)
	}
	form := answer.Card
	inputs := map[string]string{}
	ids := map[string]string{} // question -> input id (the card prefixes them)
	for _, e := range form.Body {
		q := e.ID[strings.LastIndex(e.ID, ".")+1:]
		ids[q] = e.ID
		switch q {
		case "helped":
			inputs[e.ID] = "Being asked, not told"
		case "show_name":
			inputs[e.ID] = "no"
		case "analytical", "supervision", "standards", "recording", "decisions", "sharing":
			inputs[e.ID] = "4"
		}
	}
	if len(inputs) < 8 {
		t.Fatalf("form inputs %v: the questionnaire's questions are missing", inputs)
	}
	reply := personalMessage(svc, "dm-1", "", ana, nil)
	reply["conversation"].(map[string]any)["id"] = dm.ConvID
	const answerID = "teams:programme:south-west/end/aad-ana"

	// A required outcome left empty: the form comes back, nothing stored.
	partial := map[string]string{}
	for k, v := range inputs {
		partial[k] = v
	}
	partial[ids["analytical"]] = ""
	reply["value"] = submitValue(t, form.Actions[0], partial)
	posts := only(t, r.send(reply), 1)
	mustContain(t, "refused answer", cardText(cardOf(t, posts[0].Activity)), "required")
	if _, err := r.store.GetAnswer(ctx, answerID); err == nil {
		t.Fatal("an incomplete answer was stored")
	}

	reply["id"] = "dm-2"
	reply["value"] = submitValue(t, form.Actions[0], inputs)
	posts = only(t, r.send(reply), 1)
	if posts[0].ConvID != dm.ConvID {
		t.Errorf("the answer was acknowledged in %s, want the 1:1 chat", posts[0].ConvID)
	}
	mustContain(t, "acknowledgement", cardText(cardOf(t, posts[0].Activity)), "your answers to")
	got, err := r.store.GetAnswer(ctx, answerID)
	if err != nil || got.Values["analytical"] != "4" || got.Values["helped"] != "Being asked, not told" || got.ShowName {
		t.Fatalf("stored answer %+v, %v", got, err)
	}
}

// waitCard waits for a post after the first skip whose card has a button
// titled button, and returns it.
func waitCard(t *testing.T, r *rig, skip int, button string) recorded {
	t.Helper()
	for n := skip + 1; ; n++ {
		posts := r.waitPosts(n)
		for _, a := range cardOf(t, posts[n-1].Activity).Actions {
			if a.Title == button {
				return posts[n-1]
			}
		}
	}
}
