package mongo

import (
	"reflect"
	"strings"
	"sync"
	"time"

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
// Every value is kept as the server would give it back (encoded to BSON and
// decoded again: UTC times in milliseconds, empty slices as stored), and
// every get hands out a deep copy, so a caller changing its copy (handlers
// do, before saving) never changes what the next reader sees. Copying is
// several times cheaper than decoding BSON, which a profile of `actions`
// showed as a third of a cached command's CPU.
//
// A fill must never undo a newer write: a reader can read an old version
// from the server, lose the processor to a writer that saves and caches the
// new one, and then come back to fill. So a reader takes a ticket before it
// reads, and its fill is kept only when no write touched the key since.
type docCache struct {
	mu      sync.Mutex
	clock   uint64            // counts writes and tickets
	floor   uint64            // tickets older than the last reset fill nothing
	docs    map[string]any    // key -> pointer to the decoded document
	written map[string]uint64 // key -> clock at its last write or drop

	refs sync.Map // reflect.Type -> bool: holdsRefs, remembered

	// listMu serializes read-modify-write updates of a set's cached list of
	// sessions; never held while taking a document's lock.
	listMu sync.Mutex
}

func newDocCache() *docCache {
	return &docCache{docs: map[string]any{}, written: map[string]uint64{}}
}

func cacheKey(coll, id string) string { return coll + "\x00" + id }

// get copies the cached document into out, a pointer to the document's
// type; false when it is not cached (or out is of another type).
func (c *docCache) get(key string, out any) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	v, ok := c.docs[key]
	c.mu.Unlock()
	if !ok {
		return false
	}
	src, dst := reflect.ValueOf(v), reflect.ValueOf(out)
	if dst.Kind() != reflect.Pointer || dst.IsNil() || dst.Type() != src.Type() {
		return false
	}
	// Cached values are never changed once stored, so copying outside the
	// lock is safe.
	c.deepCopy(dst.Elem(), src.Elem())
	return true
}

// normalized decodes raw into a new value of doc's type: what a read from
// the server would give. nil when doc is not a pointer or raw does not fit.
func normalized(doc any, raw []byte) any {
	t := reflect.TypeOf(doc)
	if t == nil || t.Kind() != reflect.Pointer {
		return nil
	}
	v := reflect.New(t.Elem())
	if bson.Unmarshal(raw, v.Interface()) != nil {
		return nil
	}
	return v.Interface()
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

// fill caches raw, read from the server after ticket t and decoded as the
// type of sample, unless a write of key came after t (its value is newer, or
// unknown) or the key is cached.
func (c *docCache) fill(key string, t uint64, sample any, raw []byte) {
	if c == nil {
		return
	}
	v := normalized(sample, raw)
	if v == nil {
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
	c.docs[key] = v
}

// put caches doc, a pointer to a document, as written to the server just
// now.
func (c *docCache) put(key string, doc any) {
	if c == nil {
		return
	}
	var v any
	if raw, err := bson.Marshal(doc); err == nil {
		v = normalized(doc, raw)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	c.written[key] = c.clock
	if v == nil {
		delete(c.docs, key)
		return
	}
	c.reserve()
	c.docs[key] = v
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

// deepCopy sets dst to a copy of src (same type) that shares no slice, map
// or pointer with it. Structs are copied whole first (unexported fields
// too: time.Time's location is immutable and may be shared), then their
// exported fields that hold references are copied again deeply.
// Interfaces are copied shallowly: documents have none.
func (c *docCache) deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		n := reflect.New(src.Type().Elem())
		c.deepCopy(n.Elem(), src.Elem())
		dst.Set(n)
	case reflect.Slice:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		n := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		reflect.Copy(n, src)
		if c.holdsRefs(src.Type().Elem()) {
			for i := range src.Len() {
				c.deepCopy(n.Index(i), src.Index(i))
			}
		}
		dst.Set(n)
	case reflect.Array:
		dst.Set(src)
		if c.holdsRefs(src.Type().Elem()) {
			for i := range src.Len() {
				c.deepCopy(dst.Index(i), src.Index(i))
			}
		}
	case reflect.Map:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		n := reflect.MakeMapWithSize(src.Type(), src.Len())
		deep := c.holdsRefs(src.Type().Elem())
		for it := src.MapRange(); it.Next(); {
			v := it.Value()
			if deep {
				cp := reflect.New(v.Type()).Elem()
				c.deepCopy(cp, v)
				v = cp
			}
			n.SetMapIndex(it.Key(), v)
		}
		dst.Set(n)
	case reflect.Struct:
		dst.Set(src)
		t := src.Type()
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && c.holdsRefs(f.Type) {
				c.deepCopy(dst.Field(i), src.Field(i))
			}
		}
	default:
		dst.Set(src)
	}
}

// holdsRefs reports whether a value of t can share memory with a copy of it
// made by assignment (through its exported fields).
func (c *docCache) holdsRefs(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return true
	case reflect.Struct, reflect.Array:
		if t == reflect.TypeFor[time.Time]() {
			return false // the common case, asked first
		}
	default:
		return false // numbers, strings, bools
	}
	if v, ok := c.refs.Load(t); ok {
		return v.(bool)
	}
	r := false
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		r = true
	case reflect.Array:
		r = c.holdsRefs(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && c.holdsRefs(f.Type) {
				r = true
				break
			}
		}
	}
	c.refs.Store(t, r)
	return r
}
