package mongo

import (
	"testing"
	"time"

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
		tk := c.ticket()                // the reader reads v1 from the server...
		c.put("k", &doc{V: 2})          // ...a writer saves v2 and caches it...
		c.fill("k", tk, &doc{}, enc(1)) // ...the reader comes back with v1
		if v, _ := get(c, "k"); v != 2 {
			t.Fatalf("cached %d, want the write's 2", v)
		}
	})
	t.Run("drop after the ticket", func(t *testing.T) {
		c := newDocCache()
		tk := c.ticket()
		c.drop("k") // a write whose value is not known here
		c.fill("k", tk, &doc{}, enc(1))
		if _, ok := get(c, "k"); ok {
			t.Fatal("a fill older than a drop was kept")
		}
	})
	t.Run("reset after the ticket", func(t *testing.T) {
		c := newDocCache()
		tk := c.ticket()
		c.reset()
		c.fill("k", tk, &doc{}, enc(1))
		if _, ok := get(c, "k"); ok {
			t.Fatal("a fill older than a reset was kept")
		}
	})
	t.Run("dropPrefix fences keys it never saw", func(t *testing.T) {
		c := newDocCache()
		tk := c.ticket()
		c.dropPrefix("open\x00set/")
		c.fill("open\x00set/U1", tk, &doc{}, enc(1))
		if _, ok := get(c, "open\x00set/U1"); ok {
			t.Fatal("a fill older than a dropPrefix was kept")
		}
	})
	t.Run("fill with no write since", func(t *testing.T) {
		c := newDocCache()
		c.put("other", &doc{V: 9})
		tk := c.ticket()
		c.fill("k", tk, &doc{}, enc(1))
		if v, ok := get(c, "k"); !ok || v != 1 {
			t.Fatalf("cached %d %v, want 1", v, ok)
		}
	})
	t.Run("copies", func(t *testing.T) {
		c := newDocCache()
		c.put("k", &doc{V: 1})
		var a doc
		c.get("k", &a)
		a.V = 5
		if v, _ := get(c, "k"); v != 1 {
			t.Fatalf("changing a copy changed the cache: %d", v)
		}
	})
	t.Run("deep copies", func(t *testing.T) {
		type inner struct {
			Tags []string `bson:"tags"`
		}
		type outer struct {
			People []inner           `bson:"people"`
			Phases map[string]int    `bson:"phases"`
			Next   *inner            `bson:"next"`
			ByName map[string]*inner `bson:"by_name"`
			When   time.Time         `bson:"when"`
		}
		c := newDocCache()
		at := time.Date(2026, 12, 3, 9, 0, 0, 123456789, time.FixedZone("X", 3600))
		c.put("k", &outer{
			People: []inner{{Tags: []string{"a"}}}, Phases: map[string]int{"p": 1},
			Next: &inner{Tags: []string{"n"}}, ByName: map[string]*inner{"x": {Tags: []string{"x"}}}, When: at,
		})
		var a outer
		if !c.get("k", &a) {
			t.Fatal("not cached")
		}
		// As the server gives it back: UTC, milliseconds.
		if !a.When.Equal(at.Truncate(time.Millisecond)) || a.When.Location() != time.UTC {
			t.Fatalf("time %v, want %v in UTC", a.When, at.Truncate(time.Millisecond))
		}
		a.People[0].Tags[0] = "changed"
		a.Phases["p"] = 2
		a.Next.Tags[0] = "changed"
		a.ByName["x"].Tags[0] = "changed"
		var b outer
		c.get("k", &b)
		if b.People[0].Tags[0] != "a" || b.Phases["p"] != 1 || b.Next.Tags[0] != "n" || b.ByName["x"].Tags[0] != "x" {
			t.Fatalf("a copy shares memory with the cache: %+v", b)
		}
		var wrong doc
		if c.get("k", &wrong) {
			t.Fatal("get into another type succeeded")
		}
	})
	t.Run("nil cache is off", func(t *testing.T) {
		var c *docCache
		c.put("k", &doc{V: 1})
		c.fill("k", c.ticket(), &doc{}, enc(1))
		c.drop("k")
		c.reset()
		if _, ok := get(c, "k"); ok {
			t.Fatal("a nil cache cached")
		}
	})
}

// Only the collections whose every write tells the cache are cached: a
// document of another collection (calendar tokens, delivery claims) deleted
// or changed behind the cache is never served from memory.
func TestCacheOnlyItsCollections(t *testing.T) {
	for coll, want := range map[string]bool{
		collSessions:       true,
		collCalendarTokens: false, collDeliveryClaims: false, collDeliveryHistory: false, collClaims: false,
	} {
		if got := cachedCollection(coll); got != want {
			t.Errorf("cachedCollection(%q) = %v, want %v", coll, got, want)
		}
	}
}
