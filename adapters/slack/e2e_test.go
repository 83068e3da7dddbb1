package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/internal/goldenmsg"
)

// TestEndToEndHTTP drives the HTTP endpoints with signed requests through
// the real handlers on the embedded store, against a fake Slack: setup,
// members, a session, a round with its role card, the action prompt, the
// commitment modal, a nudge with its report modal, the digest, App Home,
// an app mention and a DM.
func TestEndToEndHTTP(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	setID := "slack:" + setChannel
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}
	var seen int // calls to the fake checked so far

	step("setup", func(t *testing.T) {
		r := h.command("UFAC", setChannel, "setup West set")
		if r.ResponseType != "in_channel" || !strings.Contains(r.Text, "West set") {
			t.Fatalf("setup answered %+v", r)
		}
		set, err := h.store.GetSet(ctx, setID)
		if err != nil {
			t.Fatal(err)
		}
		if p := set.Person("UFAC"); p == nil || p.User.Name != "Fay" || p.User.TZ != "Europe/London" || !p.Has(bot.RoleFacilitator) {
			t.Errorf("facilitator stored as %+v, want Fay in Europe/London from users.info", p)
		}
	})

	step("members with escaped mentions", func(t *testing.T) {
		r := h.command("UFAC", setChannel, "members add <@UANA|ana> <@UBEN> <@UCAT|cat>")
		for _, name := range []string{"Ana", "Ben", "Cat"} {
			if !strings.Contains(r.Text, name) {
				t.Errorf("members add answer lacks %s: %s", name, r.Text)
			}
		}
		set, _ := h.store.GetSet(ctx, setID)
		if len(set.Members()) != 3 {
			t.Fatalf("got %d members, want 3", len(set.Members()))
		}
		if p := set.Person("UBEN"); p == nil || p.User.TZ != "America/New_York" {
			t.Errorf("Ben stored as %+v, want his zone from users.info", p)
		}
	})

	step("session", func(t *testing.T) {
		day := h.clock.Now().AddDate(0, 1, 0).Format(time.DateOnly)
		r := h.command("UFAC", setChannel, "session add "+day+" 14:00 90m <https://meet.example/west|Room>")
		if r.ResponseType != "ephemeral" && r.ResponseType != "in_channel" {
			t.Fatalf("session add answered %+v", r)
		}
		sessions, err := h.store.ListSessions(ctx, setID)
		if err != nil || len(sessions) != 1 {
			t.Fatalf("sessions %v, %v; want 1", sessions, err)
		}
		if sessions[0].Where != "https://meet.example/west" {
			t.Errorf("where = %q, want the link unescaped", sessions[0].Where)
		}
		r = h.command("UFAC", setChannel, "session start")
		if r.ResponseType != "in_channel" || !strings.Contains(r.Text, "I'm here") {
			t.Fatalf("session start answered %+v", r)
		}
	})

	step("check in with the button", func(t *testing.T) {
		for i, u := range []string{"UANA", "UBEN", "UCAT"} {
			ru := h.fake.ResponseURL(1000 + i)
			code, _ := h.interact(buttonPress(u, setChannel, "als_cmd_0", "here", ru))
			if code != http.StatusOK {
				t.Fatalf("button press: %d", code)
			}
			_, seen = h.fake.WaitFor(seen, responded(1000+i, "checked in"))
		}
		set, _ := h.store.GetSet(ctx, setID)
		sess, err := h.store.GetSession(ctx, bot.SessionID(setID, set.OpenSession))
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"UANA", "UBEN", "UCAT"} {
			if !sess.Attended(u) {
				t.Errorf("%s not checked in", u)
			}
		}
	})

	var prompt slacktest.Call
	step("round with role card and action prompt", func(t *testing.T) {
		r := h.command("UFAC", setChannel, "round start <@UANA|ana>")
		if r.ResponseType != "in_channel" || !strings.Contains(r.Text, "Round 1") || !strings.Contains(r.Text, "Ana") {
			t.Fatalf("round start answered %+v", r)
		}
		h.command("UFAC", setChannel, "round end")
		_, seen = h.fake.WaitFor(seen, func(c slacktest.Call) bool {
			return c.Method == "conversations.open" && c.Param("users") == "UANA"
		})
		prompt, seen = h.fake.WaitFor(seen, posted("DANA", "Record my commitment"))
	})

	var commitModal map[string]any
	step("action prompt opens the commitment modal", func(t *testing.T) {
		actionID, value := button(t, prompt, "Record my commitment")
		if code, _ := h.interact(buttonPress("UANA", "DANA", actionID, value, "")); code != http.StatusOK {
			t.Fatalf("press: %d", code)
		}
		var open slacktest.Call
		open, seen = h.fake.WaitFor(seen, isMethod("views.open"))
		commitModal, _ = open.JSON["view"].(map[string]any)
		if commitModal["callback_id"] != "commit" || open.Param("trigger_id") != "trigger-"+actionID+"-UANA" {
			t.Fatalf("views.open with %v", open.JSON)
		}
	})

	step("commitment modal validates, then stores", func(t *testing.T) {
		code, body := h.interact(viewSubmission("UANA", commitModal, map[string]map[string]any{
			"text": {"type": "plain_text_input", "value": "  "},
			"due":  {"type": "datepicker", "selected_date": "2026-02-30"},
		}))
		var resp struct {
			ResponseAction string            `json:"response_action"`
			Errors         map[string]string `json:"errors"`
		}
		if err := json.Unmarshal(body, &resp); err != nil || code != http.StatusOK {
			t.Fatalf("bad submission answered %d %s", code, body)
		}
		if resp.ResponseAction != "errors" || resp.Errors["text"] == "" || resp.Errors["due"] == "" {
			t.Fatalf("want errors for text and due, got %s", body)
		}
		if cs, _ := h.store.ListCommitments(ctx, setID, "", false); len(cs) != 0 {
			t.Fatalf("bad submission stored %d commitments", len(cs))
		}

		due := h.clock.Now().AddDate(0, 0, 20).Format(time.DateOnly)
		code, body = h.interact(viewSubmission("UANA", commitModal, map[string]map[string]any{
			"text": {"type": "plain_text_input", "value": "Talk to the duty team about handovers"},
			"due":  {"type": "datepicker", "selected_date": due},
		}))
		if code != http.StatusOK || len(strings.TrimSpace(string(body))) != 0 {
			t.Fatalf("good submission answered %d %q, want an empty 200 to close the modal", code, body)
		}
		_, seen = h.fake.WaitFor(seen, posted("DANA", "Recorded C-1"))
		cs, err := h.store.ListCommitments(ctx, setID, "UANA", false)
		if err != nil || len(cs) != 1 || cs[0].Text != "Talk to the duty team about handovers" {
			t.Fatalf("stored %v, %v", cs, err)
		}
		if got := cs[0].Due.In(time.UTC).Format(time.DateOnly); got != due && cs[0].Due.Format(time.DateOnly) != due {
			t.Errorf("due %v, want %s", cs[0].Due, due)
		}
	})

	var reportModal map[string]any
	step("nudge button opens the report modal", func(t *testing.T) {
		ref, err := h.a.Messenger().Send(ctx, bot.Destination{Platform: bot.Slack, UserID: "UANA"}, nudgeFor(t))
		if err != nil || ref.ChannelID != "DANA" || ref.ID == "" {
			t.Fatalf("send nudge: %+v, %v", ref, err)
		}
		var nudgeCall slacktest.Call
		nudgeCall, seen = h.fake.WaitFor(seen, posted("DANA", "How is your action going?"))
		actionID, value := button(t, nudgeCall, "Done")
		h.interact(buttonPress("UANA", "DANA", actionID, value, ""))
		var open slacktest.Call
		open, seen = h.fake.WaitFor(seen, isMethod("views.open"))
		reportModal, _ = open.JSON["view"].(map[string]any)
		if reportModal["callback_id"] != "report" {
			t.Fatalf("views.open with %v", open.JSON)
		}
	})

	step("report modal stores the report", func(t *testing.T) {
		code, _ := h.interact(viewSubmission("UANA", reportModal, map[string]map[string]any{
			"text": {"type": "plain_text_input", "value": "Agreed a handover checklist; learned to ask early"},
		}))
		if code != http.StatusOK {
			t.Fatalf("submit: %d", code)
		}
		_, seen = h.fake.WaitFor(seen, func(c slacktest.Call) bool { return posted("DANA", "C-1")(c) })
		c, err := h.store.GetCommitment(ctx, bot.CommitmentID(setID, "C-1"))
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != bot.CommitmentDone || len(c.Reports) != 1 || c.Reports[0].Text != "Agreed a handover checklist; learned to ask early" {
			t.Fatalf("commitment after report: %+v", c)
		}
	})

	step("digest to the channel", func(t *testing.T) {
		set, _ := h.store.GetSet(ctx, setID)
		cs, _ := h.store.ListCommitments(ctx, setID, "", false)
		d := bot.Digest(set, cs, time.Time{}, time.Time{}, set.Location())
		if _, err := h.a.Messenger().Send(ctx, bot.Destination{Platform: bot.Slack, ChannelID: setChannel}, d); err != nil {
			t.Fatal(err)
		}
		_, seen = h.fake.WaitFor(seen, posted(setChannel, "Agreed a handover checklist"))
	})

	step("app home", func(t *testing.T) {
		if code := h.event("Ev-home", map[string]any{"type": "app_home_opened", "user": "UANA", "channel": "DANA", "tab": "home"}, nil); code != http.StatusOK {
			t.Fatalf("event: %d", code)
		}
		var pub slacktest.Call
		pub, seen = h.fake.WaitFor(seen, isMethod("views.publish"))
		if pub.Param("user_id") != "UANA" || !strings.Contains(pub.Param("view"), "West set") || !strings.Contains(pub.Param("view"), `"type":"home"`) {
			t.Fatalf("views.publish %v", pub.JSON)
		}
	})

	step("app mention and DM accept commands", func(t *testing.T) {
		h.event("Ev-mention", map[string]any{"type": "app_mention", "user": "UFAC", "channel": setChannel, "text": "<@UBOT> round status", "ts": "2.1"}, nil)
		_, seen = h.fake.WaitFor(seen, func(c slacktest.Call) bool {
			return (c.Method == "chat.postMessage" || c.Method == "chat.postEphemeral") && c.Param("channel") == setChannel
		})
		h.event("Ev-dm", map[string]any{"type": "message", "channel_type": "im", "user": "UANA", "channel": "DANA", "text": "actions", "ts": "3.1"}, nil)
		_, seen = h.fake.WaitFor(seen, posted("DANA", ""))
		// The bot's own message in the DM is not a command.
		h.event("Ev-own", map[string]any{"type": "message", "channel_type": "im", "user": "UBOT", "bot_id": "B1", "channel": "DANA", "text": "actions", "ts": "4.1"}, nil)
	})

	// Every Web API method used is one the manifest grants a scope for.
	ctxShut, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := h.a.Shutdown(ctxShut); err != nil {
		t.Fatal(err)
	}
	calls, _ := h.fake.Calls()
	for _, c := range calls[seen:] {
		if c.Method == "chat.postMessage" || c.Method == "chat.postEphemeral" {
			t.Errorf("the bot answered its own DM: %s", c.Text())
		}
	}
	known := webAPIScopes()
	for _, c := range calls {
		if _, ok := known[c.Method]; !ok && c.Method != "response_url" {
			t.Errorf("called %s, which webAPIScopes (and so the manifest) does not know", c.Method)
		}
	}
}

// nudgeFor is the nudge the scheduler sends for commitment C-1 of UANA in
// the harness's set, as production draws it (goldenmsg plays the same set).
func nudgeFor(t *testing.T) bot.Message {
	msgs, _ := goldenmsg.Messages(t, slackCast())
	return msgs["nudge"]
}

// TestReminderThroughStrictSlack: the real scheduler's session reminders
// reach the set's channel and every member's DM through the loopback Slack
// that refuses what Slack refuses. (With the empty section text beside the
// When / Length fields the renderer used to send, every one of them was
// answered invalid_blocks.)
func TestReminderThroughStrictSlack(t *testing.T) {
	h := newHarness(t)
	h.withScheduler()
	ctx := context.Background()
	h.command("UFAC", setChannel, "setup West set")
	h.command("UFAC", setChannel, "members add <@UANA> <@UBEN> <@UCAT>")
	start := h.clock.Now().Add(8 * 24 * time.Hour).Truncate(time.Hour) // within every lead time
	h.command("UFAC", setChannel, "session add "+start.In(londonTZ(t)).Format("2006-01-02 15:04")+" 90m Room 4")
	want := map[string]bool{setChannel: false, "DANA": false, "DBEN": false, "DCAT": false}
	done := func() bool {
		for ch := range want {
			want[ch] = h.fake.Count(posted(ch, "Reminder")) > 0
		}
		for _, ok := range want {
			if !ok {
				return false
			}
		}
		return true
	}
	for !done() {
		due, err := h.sched.NextDue(ctx)
		if err != nil || due.IsZero() || !due.Before(start) {
			t.Fatalf("reminders reached %v before the session (next due %v, %v)", want, due, err)
		}
		if due.After(h.clock.Now()) {
			h.clock.Set(due)
		}
		if err := h.sched.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func londonTZ(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
