// Package mongotest gives tests a store on one embedded FerretDB per test
// binary (or on the MongoDB named by ALSBOT_TEST_MONGODB_URI), with a fresh
// database per test.
//
//	func TestMain(m *testing.M) { os.Exit(mongotest.Run(m)) }
//
//	func TestX(t *testing.T) { store := mongotest.New(t); ... }
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo"
)

// EnvURI names a MongoDB to test against instead of the embedded FerretDB.
const EnvURI = "ALSBOT_TEST_MONGODB_URI"

// server is the one server of this test binary. Run sets it before any test
// runs; a package variable is how New, called with only a testing.TB, finds it.
var server struct {
	mu  sync.Mutex
	uri string
}

// Run starts one embedded FerretDB in a temporary directory (unless
// ALSBOT_TEST_MONGODB_URI is set), runs the tests, stops the server and
// removes the directory. It returns m.Run's exit code; call it from TestMain.
func Run(m *testing.M) int {
	uri := os.Getenv(EnvURI)
	var stop func()
	if uri == "" {
		dir, err := os.MkdirTemp("", "alsbot-mongotest-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "mongotest:", err)
			return 1
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		st, err := mongo.Open(ctx, mongo.Config{DataDir: dir, Database: "mongotest"})
		cancel()
		if err != nil {
			fmt.Fprintln(os.Stderr, "mongotest: start embedded store:", err)
			_ = os.RemoveAll(dir)
			return 1
		}
		uri = st.URI()
		stop = func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_ = st.Close(ctx)
			_ = os.RemoveAll(dir)
		}
	}
	server.mu.Lock()
	server.uri = uri
	server.mu.Unlock()

	code := m.Run()
	if stop != nil {
		stop()
	}
	return code
}

// URI is the test server's connection string, for tests that open more
// clients (several replicas on one database). It fails when Run was not
// called from TestMain.
func URI() string {
	server.mu.Lock()
	defer server.mu.Unlock()
	if server.uri == "" {
		panic("mongotest: call mongotest.Run(m) from TestMain first")
	}
	return server.uri
}

// New returns a store on a fresh database of the test server; the database
// is dropped and the store closed when the test ends. The database name is
// s.Database().Name(), for opening more stores on it with mongo.Open.
func New(tb testing.TB) *mongo.Store {
	tb.Helper()
	return open(tb, mongo.CacheOff)
}

// NewCached is New with the store's cache on, as the embedded store runs in
// production: for tests where this store is the only writer of its
// database (no second store opened on it).
func NewCached(tb testing.TB) *mongo.Store {
	tb.Helper()
	return open(tb, mongo.CacheOn)
}

func open(tb testing.TB, cache mongo.CacheMode) *mongo.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := mongo.Open(ctx, mongo.Config{URI: URI(), Database: DBName(tb.Name()), Cache: cache})
	if err != nil {
		tb.Fatalf("mongotest: open store: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := st.Database().Drop(ctx); err != nil {
			tb.Errorf("mongotest: drop database: %v", err)
		}
		if err := st.Close(ctx); err != nil {
			tb.Errorf("mongotest: close store: %v", err)
		}
	})
	return st
}

// Replica opens another client on st's database, as another replica of
// the bot would have (no cache: it is not the only writer); it is closed
// when the test ends, before st's database is dropped.
func Replica(tb testing.TB, st *mongo.Store) *mongo.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	other, err := mongo.Open(ctx, mongo.Config{URI: URI(), Database: st.Database().Name()})
	if err != nil {
		tb.Fatalf("mongotest: open a second store: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := other.Close(ctx); err != nil {
			tb.Errorf("mongotest: close the second store: %v", err)
		}
	})
	return other
}

// DBName makes a unique database name from a test name: letters, digits and
// underscores only, at most 38 characters (MongoDB allows 63 bytes, FerretDB
// fewer with its prefixes), ending in a random suffix.
func DBName(testName string) string {
	var b strings.Builder
	b.WriteString("t_")
	for _, r := range strings.ToLower(testName) {
		if b.Len() >= 25 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	b.WriteByte('_')
	b.WriteString(hex.EncodeToString(rnd[:]))
	return b.String()
}
