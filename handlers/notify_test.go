package handlers_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
	"github.com/alsbot/alsbot/handlers"
)

// failingMessenger refuses messages to one user and records the rest.
func failingMessenger(fail string) *bottest.Recorder {
	m := bottest.NewRecorder(nil)
	m.FailWith(func(to bot.Destination, _ bot.Message) error {
		if fail != "" && to.UserID == fail {
			return errors.New("platform said no")
		}
		return nil
	})
	return m
}

func TestDirectNotifier(t *testing.T) {
	msgs := []bot.Outgoing{
		{To: bot.Destination{Platform: bot.Shell, UserID: "U1"}, Message: bot.Message{Kind: bot.KindActionPrompt, Text: "one"}, Key: bot.AdHocKey("", "k1")},
		{To: bot.Destination{Platform: bot.Shell, UserID: "U2"}, Message: bot.Message{Kind: bot.KindActionPrompt, Text: "two"}, Key: bot.AdHocKey("", "k2")},
		{To: bot.Destination{Platform: bot.Shell, ChannelID: "C1"}, Message: bot.Message{Kind: bot.KindRoleCard, Text: "three"}},
	}
	tests := []struct {
		name    string
		fail    string
		wantErr string
		sent    []string
	}{
		{"all sent in order", "", "", []string{"one", "two", "three"}},
		{"a failure does not stop the rest", "U2", "U2: platform said no", []string{"one", "three"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := failingMessenger(tt.fail)
			err := handlers.NewDirectNotifier(m, nil).Notify(context.Background(), msgs)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			var got []string
			for _, s := range m.Take() {
				got = append(got, s.Msg.Text)
			}
			if strings.Join(got, ",") != strings.Join(tt.sent, ",") {
				t.Errorf("sent %v, want %v", got, tt.sent)
			}
		})
	}
}

// TestConcurrentCommands: commands on one set from many goroutines are
// serialized by the router, so no check-in is lost; commitments made through
// two routers (replicas) on one store get distinct short ids.
func TestConcurrentCommands(t *testing.T) {
	e := newEnv(t, 7)
	members := []string{"ana", "ben", "cy", "dee", "eve"}
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben @cy @dee @eve")
	e.must("fac", "session start")
	var wg sync.WaitGroup
	errs := make(chan error, len(members))
	for _, m := range members {
		wg.Go(func() {
			if _, err := e.do(m, "bid My issue"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("bid: %v", err)
	}
	if s := e.session(1); len(s.Attendees) != 5 || len(s.Bids) != 5 {
		t.Errorf("attendees %d, bids %d, want 5 and 5", len(s.Attendees), len(s.Bids))
	}

	replica := newEnvOn(t, e.store, 8)
	ids := make(chan string, 4)
	for i, m := range members[:4] {
		r := e
		if i%2 == 1 {
			r = replica
		}
		wg.Go(func() {
			msg, err := r.do(m, "commit Try something new")
			if err != nil {
				t.Errorf("commit: %v", err)
				return
			}
			ids <- strings.Fields(msg.Text)[1]
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("short id %s handed out twice", id)
		}
		seen[id] = true
	}
	cs, err := e.store.ListCommitments(context.Background(), e.setID(), "", false)
	if err != nil || len(cs) != 4 {
		t.Fatalf("commitments %d, %v", len(cs), err)
	}
}

// recordingPlanner is a test double of the Planner port.
type recordingPlanner struct {
	mu    sync.Mutex
	calls []string
}

func (p *recordingPlanner) SetChanged(_ context.Context, s *bot.Set) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, "set "+s.ID)
	return nil
}

func (p *recordingPlanner) SessionChanged(_ context.Context, s *bot.Set, sess *bot.Session) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, "session "+sess.ID+" "+string(sess.Status))
	return nil
}

func (p *recordingPlanner) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.calls
	p.calls = nil
	return out
}

// TestPlannerTold: each change that moves what is sent later tells the
// planner, after it is saved; reads and refusals do not.
func TestPlannerTold(t *testing.T) {
	e := newEnv(t, 11)
	planner := &recordingPlanner{}
	e.router = handlers.New(handlers.Deps{Store: e.store, Clock: e.clock, Notifier: e.keys, Planner: planner})
	tests := []struct {
		user, text string
		want       []string
	}{
		{"fac", "setup West", []string{"set shell:C1"}},
		{"fac", "members add @ana @ben", []string{"set shell:C1"}},
		{"fac", "reminders 1d", []string{"set shell:C1"}},
		{"fac", "session add 2026-12-01 18:00", []string{"session shell:C1/1 scheduled"}},
		{"ana", "sessions", nil},
		{"ana", "timezone Europe/Paris", nil},
		{"fac", "session start", []string{"session shell:C1/1 open"}},
		{"ana", "here", nil},
		{"ben", "here", nil},
		{"fac", "round start", []string{"session shell:C1/1 open"}},
		{"fac", "round next", []string{"session shell:C1/1 open"}},
		{"fac", "session end", []string{"session shell:C1/1 closed"}},
		{"fac", "session add 2026-12-08 18:00", []string{"session shell:C1/2 scheduled"}},
		{"fac", "session cancel 2", []string{"session shell:C1/2 cancelled"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			e.do(tt.user, tt.text)
			if got := planner.take(); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("%q told the planner %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}
