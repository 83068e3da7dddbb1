package mongo

import (
	"context"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/bot"
)

// A command on a remembered set runs under a readScope (setcheck.go): the
// set and its version, whether a read has checked it yet, and what the
// command's reads brought that its later reads and writes use instead of
// asking the server again (issue 15: a write in two round trips).

// readScope is the remembered set a command runs on.
type readScope struct {
	setID   string
	version int64
	actor   string // who gave the command: a read may bring their open document too
	writes  bool   // a write: a read of the sessions brings the commitments too

	mu      sync.Mutex
	state   scopeState
	seq     int                 // the set's commitment counter, as a read brought it
	opens   map[string]bson.Raw // open documents a read brought, by _id (nil: there is none)
	read    *bot.Commitment     // the commitment a read brought
	all     []*bot.Commitment   // the set's commitments a read brought (valid when haveAll)
	haveAll bool
	here    map[string][]string // who a read of a session found checked in, by session id
}

// keepAll keeps the set's commitments a read brought.
func (sc *readScope) keepAll(cs []*bot.Commitment) {
	if sc == nil {
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.all, sc.haveAll = cs, true
}

// keptAll is what keepAll kept, if anything.
func (sc *readScope) keptAll() ([]*bot.Commitment, bool) {
	if sc == nil {
		return nil, false
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.all, sc.haveAll
}

// commitmentsWritten forgets the commitments kept: the command wrote one.
func (sc *readScope) commitmentsWritten() {
	if sc == nil {
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.all, sc.haveAll, sc.read = nil, false, nil
}

// scopeOf is the scope of ctx when it is about setID, checked or not.
func scopeOf(ctx context.Context, setID string) *readScope {
	sc, _ := ctx.Value(scopeKey{}).(*readScope)
	if sc == nil || sc.setID != setID {
		return nil
	}
	return sc
}

// keepOpen keeps the open document a read brought (raw nil: it found none),
// for a later read in the same command (nothing on a nil scope).
func (sc *readScope) keepOpen(id string, raw bson.Raw) {
	if sc == nil {
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.opens == nil {
		sc.opens = map[string]bson.Raw{}
	}
	sc.opens[id] = raw
}

// keptOpen is what keepOpen kept for id, and whether it kept anything.
func (sc *readScope) keptOpen(id string) (bson.Raw, bool) {
	if sc == nil {
		return nil, false
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	raw, ok := sc.opens[id]
	return raw, ok
}

// forgetOpen drops what keepOpen kept for id: the command wrote it.
func (sc *readScope) forgetOpen(id string) {
	if sc == nil {
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	delete(sc.opens, id)
}

// keepCommitment keeps the commitment a read of the command brought, for a
// report on it (nil forgets it: the command wrote it).
func (sc *readScope) keepCommitment(c *bot.Commitment) {
	if sc == nil {
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.read = c
}

// keptCommitment is the commitment keepCommitment kept, when it is id.
func (sc *readScope) keptCommitment(id string) *bot.Commitment {
	if sc == nil {
		return nil
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.read == nil || sc.read.ID != id {
		return nil
	}
	return sc.read
}

// keepHere keeps who a read of sessionID found checked in, for a check-in
// of the same command.
func (sc *readScope) keepHere(sessionID string, users []string) {
	if sc == nil {
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.here == nil {
		sc.here = map[string][]string{}
	}
	sc.here[sessionID] = users
}

// keptHere is what keepHere kept for sessionID, and whether it kept it.
func (sc *readScope) keptHere(sessionID string) ([]string, bool) {
	if sc == nil {
		return nil, false
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	users, ok := sc.here[sessionID]
	return users, ok
}

// commitSeq is the set's commitment counter as the set had it when a
// read checked the set (0 when none did).
func (sc *readScope) commitSeq() int {
	if sc == nil {
		return 0
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.seq
}

type scopeState int

const (
	scopePending scopeState = iota // not checked yet
	scopeChecked                   // a read found the set at version
)

type scopeKey struct{}
