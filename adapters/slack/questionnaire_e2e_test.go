package slack

import (
	"context"
	"net/http"
	"testing"
)

// TestQuestionnaireEndToEnd: a questionnaire sent by DM; its button (the
// form is too long to travel in it) opens the modal, and the submission is
// stored as the member's confidential answer.
func TestQuestionnaireEndToEnd(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.command("UFAC", setChannel, "setup West set")
	h.command("UFAC", setChannel, "members add <@UANA|ana>")
	h.command("UFAC", setChannel, "programme create South West")
	h.command("UFAC", setChannel, "programme add-set to South West")
	h.command("UFAC", setChannel, "questionnaire create end from members-end")
	if r := h.command("UFAC", setChannel, "questionnaire send end to members"); r.Text == "" {
		t.Fatalf("send answered %+v", r)
	}
	dm, seen := h.fake.waitFor(0, posted("DANA", "End of programme"))
	actionID, value := button(t, dm, "Answer")
	if code, _ := h.interact(buttonPress("UANA", "DANA", actionID, value, "")); code != http.StatusOK {
		t.Fatalf("press: %d", code)
	}
	open, _ := h.fake.waitFor(seen, isMethod("views.open"))
	view, _ := open.JSON["view"].(map[string]any)
	if view["callback_id"] != "questionnaire" {
		t.Fatalf("views.open with %v", open.JSON)
	}
	if md, _ := view["private_metadata"].(string); len(md) > 3000 {
		t.Fatalf("private_metadata is %d characters; Slack keeps 3,000", len(md))
	}
	choice := func(v string) map[string]any {
		return map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v}}
	}
	values := map[string]map[string]any{
		"helped":    {"type": "plain_text_input", "value": "Being asked, not told"},
		"show_name": choice("no"),
	}
	for _, o := range []string{"analytical", "supervision", "standards", "recording", "decisions", "sharing"} {
		values[o] = choice("4")
	}
	if code, body := h.interact(viewSubmission("UANA", view, values)); code != http.StatusOK || len(body) != 0 {
		t.Fatalf("submission answered %d %s", code, body)
	}
	h.fake.waitFor(seen, posted("DANA", "your answers to"))
	a, err := h.store.GetAnswer(ctx, "slack:programme:south-west/end/UANA")
	if err != nil || a.Values["analytical"] != "4" || a.Values["helped"] != "Being asked, not told" || a.ShowName {
		t.Fatalf("stored answer %+v, %v", a, err)
	}
}
