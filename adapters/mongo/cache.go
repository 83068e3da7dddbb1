package mongo

import (
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// CacheMode says whether a Store keeps documents in memory.
type CacheMode int

const (
	// CacheAuto caches when the Store started the embedded FerretDB itself:
	// its files belong to this process, which is then the only writer.
	CacheAuto CacheMode = iota
	// CacheOff never caches: every read asks the server. What several
	// replicas on one MongoDB need.
	CacheOff
	// CacheOn caches whatever the URI: only for a database no other process
	// writes (tests with a database of their own, single-process tools).
	CacheOn
)

// maxCached bounds the cache: past it, everything is dropped and refilled
// by the reads that follow. An embedded store holds a few hundred sets.
const maxCached = 50_000

// docCache keeps encoded documents of a single-writer store by collection
// and id. It is write-through for documents whose whole new value a write
// knows (sets, sessions, new commitments) and drops the others (operator
// updates); a read that misses reads the server and fills the cache.
//
// Why encoded: every get decodes a fresh copy, so a caller changing its copy
// (handlers do, before saving) never changes what the next reader sees.
//
// A fill must never undo a newer write: a reader can read an old version
// from the server, lose the processor to a writer that saves and caches the
// new one, and then come back to fill. So a reader takes a ticket before it
// reads, and its fill is kept only when no write touched the key since.
type docCache struct {
	mu      sync.Mutex
	clock   uint64            // counts writes and tickets
	floor   uint64            // tickets older than the last reset fill nothing
	docs    map[string][]byte // key -> BSON
	written map[string]uint64 // key -> clock at its last write or drop
}

func newDocCache() *docCache {
	return &docCache{docs: map[string][]byte{}, written: map[string]uint64{}}
}

func cacheKey(coll, id string) string { return coll + "\x00" + id }

// get decodes the cached document into out; false when it is not cached.
func (c *docCache) get(key string, out any) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	raw, ok := c.docs[key]
	c.mu.Unlock()
	if !ok {
		return false
	}
	// A cached document was encoded by this package: it always decodes.
	return bson.Unmarshal(raw, out) == nil
}

// ticket is taken before reading key from the server.
func (c *docCache) ticket() uint64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	return c.clock
}

// fill caches raw, read from the server after ticket t, unless a write of
// key came after t (its value is newer, or unknown) or the key is cached.
func (c *docCache) fill(key string, t uint64, raw []byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t < c.floor || c.written[key] > t {
		return
	}
	if _, ok := c.docs[key]; ok {
		return
	}
	c.reserve()
	c.docs[key] = raw
}

// put caches doc as written to the server just now.
func (c *docCache) put(key string, doc any) {
	if c == nil {
		return
	}
	raw, err := bson.Marshal(doc)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	c.written[key] = c.clock
	if err != nil {
		delete(c.docs, key)
		return
	}
	c.reserve()
	c.docs[key] = raw
}

// drop forgets key after a write whose result is not known here.
func (c *docCache) drop(key string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	c.written[key] = c.clock
	delete(c.docs, key)
}

// dropPrefix drops every key starting with prefix (a collection's documents
// of one set after a write of many).
func (c *docCache) dropPrefix(prefix string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	for k := range c.docs {
		if strings.HasPrefix(k, prefix) {
			c.written[k] = c.clock
			delete(c.docs, k)
		}
	}
	// A document not cached now may be filled by a reader that read it
	// before this write: keys are unknown here, so fence every ticket.
	c.floor = c.clock
}

// reset forgets everything, after writes of documents not known by id.
func (c *docCache) reset() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	clear(c.docs)
	clear(c.written)
	c.floor = c.clock
}

// reserve makes room; c.mu is held.
func (c *docCache) reserve() {
	if len(c.docs) < maxCached {
		return
	}
	clear(c.docs)
	clear(c.written)
	c.floor = c.clock
}
