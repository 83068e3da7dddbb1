package handlers_test

import (
	"context"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// TestFormNamesItsSet submits the commit form (as the action prompt's button
// opens it) for Ana, a member of West and East: in a DM the form's set
// decides, with the same role checks as a set found any other way; in a
// channel the channel's set stands.
func TestFormNamesItsSet(t *testing.T) {
	e := newEnv(t, 3)
	ctx := context.Background()
	for _, s := range []struct{ channel, name, members string }{
		{"C1", "West", "@ana @ben"},
		{"C2", "East", "@ana"},
		{"C3", "North", "@cy"},
	} {
		e.channel = s.channel
		e.must("fac", "setup "+s.name)
		e.must("fac", "members add "+s.members)
	}
	west, east, north := "shell:C1", "shell:C2", "shell:C3"
	count := func(t *testing.T, setID string) int {
		t.Helper()
		cs, err := e.store.ListCommitments(ctx, setID, "", false)
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}

	cases := []struct {
		name    string
		dm      bool
		setID   string
		code    string // "" = success
		says    []string
		storeIn string // the set that gains the commitment, "" = none
	}{
		{name: "DM form of East", dm: true, setID: east, storeIn: east, says: []string{"Recorded C-1"}},
		{name: "DM form without a set", dm: true, code: bot.EINVALID, says: []string{"several sets", "West", "East"}},
		{name: "DM form of a set Ana is not in", dm: true, setID: north, code: bot.ENOTFOUND, says: []string{"not in the action learning set"}},
		{name: "DM form of a set that does not exist", dm: true, setID: "shell:C9", code: bot.ENOTFOUND, says: []string{"not in the action learning set"}},
		{name: "DM form of a set on another platform", dm: true, setID: "slack:C2", code: bot.ENOTFOUND, says: []string{"not in the action learning set"}},
		{name: "channel form naming another set", dm: false, setID: east, storeIn: west, says: []string{"Recorded C-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.channel = "C1"
			before := map[string]int{west: count(t, west), east: count(t, east), north: count(t, north)}
			req := e.request("ana", "commit", tc.dm)
			req.Action = &bot.Action{FormID: "commit", Values: map[string]string{"text": "Ask finance about the budget", "due": "2026-12-20"}}
			req.SetID = tc.setID
			msg, err := e.router.Handle(ctx, req)
			if got := bot.ErrorCode(err); tc.code != "" && got != tc.code || tc.code == "" && err != nil {
				t.Fatalf("error %v (code %q), want code %q", err, got, tc.code)
			}
			wantContains(t, msg.Text, tc.says...)
			for id, n := range before {
				want := n
				if id == tc.storeIn {
					want++
				}
				if got := count(t, id); got != want {
					t.Errorf("%s has %d commitments, want %d", id, got, want)
				}
			}
		})
	}

	t.Run("DM form of an archived set", func(t *testing.T) {
		e.channel = "C2"
		e.must("fac", "set archive")
		before := count(t, east)
		req := e.request("ana", "commit", true)
		req.Action = &bot.Action{FormID: "commit", Values: map[string]string{"text": "One more step"}}
		req.SetID = east
		msg, err := e.router.Handle(ctx, req)
		if bot.ErrorCode(err) != bot.ECONFLICT {
			t.Fatalf("error %v, want the archived set's conflict", err)
		}
		wantContains(t, msg.Text, "East", "archived")
		if got := count(t, east); got != before {
			t.Errorf("East has %d commitments, want %d", got, before)
		}
	})
}
