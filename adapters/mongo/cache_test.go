package mongo

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// A reader that read the server before a write must not put its old value
// over the write's (the fence the tickets make).
func TestCacheFillAfterWriteIsRefused(t *testing.T) {
	type doc struct {
		V int `bson:"v"`
	}
	enc := func(v int) []byte {
		raw, err := bson.Marshal(doc{V: v})
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	get := func(c *docCache, key string) (int, bool) {
		var d doc
		ok := c.get(key, &d)
		return d.V, ok
	}

	t.Run("put after the ticket", func(t *testing.T) {
		c := newDocCache()
		tk := c.ticket()        // the reader reads v1 from the server...
		c.put("k", doc{V: 2})   // ...a writer saves v2 and caches it...
		c.fill("k", tk, enc(1)) // ...the reader comes back with v1
		if v, _ := get(c, "k"); v != 2 {
			t.Fatalf("cached %d, want the write's 2", v)
		}
	})
	t.Run("drop after the ticket", func(t *testing.T) {
		c := newDocCache()
		tk := c.ticket()
		c.drop("k") // a write whose value is not known here
		c.fill("k", tk, enc(1))
		if _, ok := get(c, "k"); ok {
			t.Fatal("a fill older than a drop was kept")
		}
	})
	t.Run("reset after the ticket", func(t *testing.T) {
		c := newDocCache()
		tk := c.ticket()
		c.reset()
		c.fill("k", tk, enc(1))
		if _, ok := get(c, "k"); ok {
			t.Fatal("a fill older than a reset was kept")
		}
	})
	t.Run("dropPrefix fences keys it never saw", func(t *testing.T) {
		c := newDocCache()
		tk := c.ticket()
		c.dropPrefix("open\x00set/")
		c.fill("open\x00set/U1", tk, enc(1))
		if _, ok := get(c, "open\x00set/U1"); ok {
			t.Fatal("a fill older than a dropPrefix was kept")
		}
	})
	t.Run("fill with no write since", func(t *testing.T) {
		c := newDocCache()
		c.put("other", doc{V: 9})
		tk := c.ticket()
		c.fill("k", tk, enc(1))
		if v, ok := get(c, "k"); !ok || v != 1 {
			t.Fatalf("cached %d %v, want 1", v, ok)
		}
	})
	t.Run("copies", func(t *testing.T) {
		c := newDocCache()
		c.put("k", doc{V: 1})
		var a doc
		c.get("k", &a)
		a.V = 5
		if v, _ := get(c, "k"); v != 1 {
			t.Fatalf("changing a copy changed the cache: %d", v)
		}
	})
	t.Run("nil cache is off", func(t *testing.T) {
		var c *docCache
		c.put("k", doc{V: 1})
		c.fill("k", c.ticket(), enc(1))
		c.drop("k")
		c.reset()
		if _, ok := get(c, "k"); ok {
			t.Fatal("a nil cache cached")
		}
	})
}
