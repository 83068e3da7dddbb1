package scheduler

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// attempts are the delivery attempts a tick has taken on, safe for the
// workers to share.
type attempts struct {
	mu   sync.Mutex
	seen map[string]bool
}

func newAttempts() *attempts { return &attempts{seen: map[string]bool{}} }

func (a *attempts) has(d *bot.Delivery) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.seen[bot.ClaimKey(d.ID, d.Attempt)]
}

func (a *attempts) add(d *bot.Delivery) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen[bot.ClaimKey(d.ID, d.Attempt)] = true
}

// take marks d taken and reports whether it was not taken before.
func (a *attempts) take(d *bot.Delivery) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := bot.ClaimKey(d.ID, d.Attempt)
	if a.seen[k] {
		return false
	}
	a.seen[k] = true
	return true
}

// lane holds time-critical deliveries by NotBefore until they are taken.
// Workers take them concurrently, but one conversation's one at a time and
// in order, so a send waiting out a rate limit holds up only its own
// conversation.
type lane struct {
	mu    sync.Mutex
	items []*bot.Delivery
	busy  map[string]bool // conversations with a lane send in flight
}

func newLane(ds []*bot.Delivery) *lane {
	l := &lane{items: append([]*bot.Delivery(nil), ds...), busy: map[string]bool{}}
	l.sort()
	return l
}

func (l *lane) sort() {
	sort.SliceStable(l.items, func(i, j int) bool { return l.items[i].NotBefore.Before(l.items[j].NotBefore) })
}

func (l *lane) push(d *bot.Delivery) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, d)
	l.sort()
}

// pop returns the first delivery whose NotBefore is not after now and whose
// conversation has no lane send in flight, and marks that conversation
// busy until done is called; nil when there is none.
func (l *lane) pop(now time.Time) (*bot.Delivery, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, d := range l.items {
		if d.NotBefore.After(now) {
			return nil, ""
		}
		c := laneConversation(d)
		if l.busy[c] {
			continue
		}
		l.busy[c] = true
		l.items = append(l.items[:i:i], l.items[i+1:]...)
		return d, c
	}
	return nil, ""
}

func (l *lane) done(conv string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.busy, conv)
}

// due counts the deliveries due at now.
func (l *lane) due(now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, d := range l.items {
		if !d.NotBefore.After(now) {
			n++
		}
	}
	return n
}

// laneConversation is the conversation of a delivery before its message is
// built: a stored message's destination, else the set's channel or the
// person's DM.
func laneConversation(d *bot.Delivery) string {
	if d.To != nil {
		return conversation(*d.To)
	}
	if strings.HasPrefix(d.SetID, string(bot.Shell)+":") {
		return string(bot.Shell)
	}
	return "set|" + d.SetID + "|" + d.UserID
}
