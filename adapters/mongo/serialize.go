package mongo

import (
	"context"
	"hash/maphash"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// FerretDB v1 applies a filtered update by reading the document and writing
// it back by _id, so two concurrent writers of one document can both "match"
// and one update is lost (TestSaveRace shows it: on FerretDB without this,
// several saves of one version win). MongoDB does each single-document
// update atomically and needs nothing more.
//
// The embedded FerretDB lives in this process and listens on loopback only,
// so every writer of its documents is in this process: serializing the
// writes of each document here makes the conditional write a real
// compare-and-set. The locks belong to the server, not to one Store:
// several Stores in this process (replicas in tests) may write to one
// embedded server, so the Stores opened on it share its docLocks (store.go,
// localServers). A Store on any other server has locks of its own, which
// keep its cache's writes in the server's order. Striped: bounded memory,
// and two documents rarely share a stripe.
type docLocks struct {
	seed    maphash.Seed
	stripes [64]sync.Mutex
}

func newDocLocks() *docLocks { return &docLocks{seed: maphash.MakeSeed()} }

// lockDoc serializes writes of document id of collection coll while the
// store is a FerretDB (see above) or caches (the cache must take one
// document's writes in the server's order) and returns the unlock function;
// otherwise it does nothing. Files of this package that update a document
// with an operator ($push, $set, a filtered replace) call it around the
// write: defer s.lockDoc(coll, id)().
func (s *Store) lockDoc(coll, id string) func() {
	if !s.ferret && s.cache == nil {
		return func() {}
	}
	mu := &s.locks.stripes[s.stripe(coll, id)]
	mu.Lock()
	return mu.Unlock
}

func (s *Store) stripe(coll, id string) uint64 {
	var h maphash.Hash
	h.SetSeed(s.locks.seed)
	h.WriteString(s.db.Name())
	h.WriteByte(0)
	h.WriteString(coll)
	h.WriteByte(0)
	h.WriteString(id)
	return h.Sum64() % uint64(len(s.locks.stripes))
}

// lockDocs is lockDoc for documents of coll written in one command: their
// stripes are taken in order, each once.
func (s *Store) lockDocs(coll string, ids ...string) func() {
	if !s.ferret && s.cache == nil {
		return func() {}
	}
	stripes := make([]uint64, len(ids))
	for i, id := range ids {
		stripes[i] = s.stripe(coll, id)
	}
	slices.Sort(stripes)
	stripes = slices.Compact(stripes)
	for _, i := range stripes {
		s.locks.stripes[i].Lock()
	}
	return func() {
		for _, i := range slices.Backward(stripes) {
			s.locks.stripes[i].Unlock()
		}
	}
}

// isFerretDB asks the server whether it is FerretDB (its buildInfo carries
// ferretdbVersion).
func (s *Store) isFerretDB(ctx context.Context) (bool, error) {
	var info bson.M
	if err := s.db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false, mapErr(err, "ask the store what it is")
	}
	_, ok := info["ferretdbVersion"]
	return ok, nil
}
