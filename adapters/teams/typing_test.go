package teams

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// typingGate answers only once Teams has been shown the bot typing.
type typingGate struct{ r *rig }

func (g typingGate) Handle(ctx context.Context, _ bot.Request) (bot.Message, error) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if g.r.typings() > 0 {
			return bot.Message{Kind: bot.KindReply, Text: "done at last"}, nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return bot.Message{Kind: bot.KindReply, Text: "no typing indicator came"}, nil
}

func (r *rig) typings() int {
	r.bf.mu.Lock()
	defer r.bf.mu.Unlock()
	n := 0
	for _, q := range r.bf.requests {
		if q.Activity.Type == "typing" {
			n++
		}
	}
	return n
}

// TestTypingIndicator: a command slower than the typing delay shows Teams'
// typing indicator in its conversation before the answer. The handler
// waits for the indicator, so the test needs no timing.
func TestTypingIndicator(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	r.start(typingGate{r})
	r.adapter.typingAfter = 10 * time.Millisecond
	svc := r.bf.serviceURL()
	fay := person("29:fay", "aad-fay", "Fay")
	before := len(r.bf.posts())
	if got := r.post(personalMessage(svc, "p1", "sessions", fay, nil)); got != http.StatusAccepted {
		t.Fatalf("status %d", got)
	}
	answer := r.waitPosts(before + 1)[before]
	if text := cardText(cardOf(t, answer.Activity)); text != "done at last\n" {
		t.Fatalf("answered %q, want the answer after a typing indicator", text)
	}
	r.bf.mu.Lock()
	defer r.bf.mu.Unlock()
	typingAt, answerAt := -1, -1
	for i, q := range r.bf.requests {
		switch {
		case q.Activity.Type == "typing" && typingAt < 0:
			typingAt = i
			if q.ConvID != "a:personal-aad-fay" {
				t.Errorf("typing shown in %s", q.ConvID)
			}
		case q.Activity.Type == "message":
			answerAt = i
		}
	}
	if typingAt < 0 || typingAt > answerAt {
		t.Errorf("typing at request %d, answer at %d: want typing first", typingAt, answerAt)
	}
}
