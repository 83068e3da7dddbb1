// Package bottest holds test doubles of the core's ports that more than one
// package's tests need, like adapters/mongo/mongotest for the store: a
// recording Messenger and a manual clock. It imports only bot.
package bottest

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// NewClock returns a manual clock showing start in UTC, to the second, so
// stored and printed times agree.
func NewClock(start time.Time) *bot.ManualClock {
	return bot.NewManualClock(start.UTC().Truncate(time.Second))
}

// Sent is one message a Recorder was asked to send.
type Sent struct {
	To       bot.Destination
	Msg      bot.Message
	At       time.Time // the Recorder's clock at the send; zero without one
	Instance string    // the name given to As, "" for Send
}

// Who names the destination as the shell does: "#C1" for a channel, "@ana"
// for a direct message.
func (s Sent) Who() string {
	if s.To.ChannelID != "" {
		return "#" + s.To.ChannelID
	}
	return "@" + s.To.UserID
}

// Recorder is a bot.Messenger that records every message and can be told to
// fail. It is safe for concurrent use.
type Recorder struct {
	clock bot.Clock

	mu   sync.Mutex
	sent []Sent
	fail func(to bot.Destination, m bot.Message) error
}

var _ bot.Messenger = (*Recorder)(nil)

// NewRecorder returns a Recorder stamping sends with clock (nil: no times).
func NewRecorder(clock bot.Clock) *Recorder { return &Recorder{clock: clock} }

// Send implements bot.Messenger.
func (r *Recorder) Send(_ context.Context, to bot.Destination, m bot.Message) (bot.MessageRef, error) {
	return r.send("", to, m)
}

// As returns a Messenger that records its sends under instance, for tests
// of several replicas sharing one Recorder.
func (r *Recorder) As(instance string) bot.Messenger { return instanceMessenger{r, instance} }

type instanceMessenger struct {
	r    *Recorder
	name string
}

func (m instanceMessenger) Send(_ context.Context, to bot.Destination, msg bot.Message) (bot.MessageRef, error) {
	return m.r.send(m.name, to, msg)
}

func (r *Recorder) send(instance string, to bot.Destination, m bot.Message) (bot.MessageRef, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(to, m); err != nil {
			return bot.MessageRef{}, err
		}
	}
	s := Sent{To: to, Msg: m, Instance: instance}
	if r.clock != nil {
		s.At = r.clock.Now()
	}
	r.sent = append(r.sent, s)
	return bot.MessageRef{Platform: to.Platform, ChannelID: to.ChannelID, ID: "m" + strconv.Itoa(len(r.sent))}, nil
}

// FailWith makes every later send call f first: a non-nil error is returned
// and nothing is recorded. nil makes sends succeed again.
func (r *Recorder) FailWith(f func(to bot.Destination, m bot.Message) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = f
}

// All returns what was sent so far.
func (r *Recorder) All() []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Sent(nil), r.sent...)
}

// Take returns and forgets what was sent so far.
func (r *Recorder) Take() []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sent
	r.sent = nil
	return out
}

// OfKind returns what was sent of kind k.
func (r *Recorder) OfKind(k bot.MessageKind) []Sent {
	var out []Sent
	for _, s := range r.All() {
		if s.Msg.Kind == k {
			out = append(out, s)
		}
	}
	return out
}

// Words is what a message says, for assertions on what people read: its
// title, text, and each section's title, text and "label: value" fields, a
// line each (buttons are left to the caller).
func Words(m bot.Message) string {
	var b strings.Builder
	b.WriteString(m.Title + "\n" + m.Text + "\n")
	for _, s := range m.Sections {
		b.WriteString(s.Title + "\n" + s.Text + "\n")
		for _, f := range s.Fields {
			b.WriteString(f.Label + ": " + f.Value + "\n")
		}
	}
	return b.String()
}
