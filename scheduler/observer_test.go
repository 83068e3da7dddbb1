package scheduler_test

import (
	"errors"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/metrics"
	"github.com/alsbot/alsbot/scheduler"
)

// TestObserver: the optional Observer hears how each delivery attempt ended,
// here through the real metrics.
func TestObserver(t *testing.T) {
	start := utc("2026-03-02T09:00:00Z")
	e := newEnv(t, start)
	m := metrics.New()
	e.sched = scheduler.New(scheduler.Deps{Store: e.store, Deliveries: e.store, Messenger: e.rec, Clock: e.clock, Instance: "test", Observer: m})
	set := e.createSet(t, newSet("shell:obs", start))
	e.addSession(t, set, start.Add(3*time.Hour), "Room 1")

	// Ana's DMs fail for now; the rest go out.
	e.rec.FailWith(func(to bot.Destination, _ bot.Message) error {
		if to.UserID == "ana" {
			return errors.New("platform down")
		}
		return nil
	})
	e.clock.Set(start.Add(2*time.Hour + time.Minute)) // the 1 h reminder is due
	must(t, e.sched.Tick(ctx))

	counts := map[string]float64{}
	fams, err := m.Registry().Gather()
	must(t, err)
	for _, f := range fams {
		if f.GetName() != "alsbot_deliveries_total" {
			continue
		}
		for _, mt := range f.GetMetric() {
			key := ""
			for _, l := range mt.GetLabel() {
				key += l.GetName() + "=" + l.GetValue() + " "
			}
			counts[key] = mt.GetCounter().GetValue()
		}
	}
	sent := 0
	for _, s := range e.rec.All() {
		if s.Msg.Kind == bot.KindReminder {
			sent++
		}
	}
	tests := []struct {
		key  string
		want float64
	}{
		{"kind=reminder status=sent ", float64(sent)},
		{"kind=reminder status=failed ", 1},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if counts[tt.key] != tt.want || tt.want == 0 {
				t.Fatalf("%s = %v, want %v (all: %v)", tt.key, counts[tt.key], tt.want, counts)
			}
		})
	}
}
