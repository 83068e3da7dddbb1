// Package mongo is the store: bot.Store and bot.Claimer on MongoDB through
// the official driver, with an embedded FerretDB (SQLite files) when no
// MongoDB URI is configured.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/alsbot/alsbot/bot"
)

// DefaultDatabase is used when Config.Database is empty.
const DefaultDatabase = "alsbot"

// Collection names.
const (
	collSessions = "sessions" // sets, sessions and the documents beside them (setdocs.go)
	collClaims   = "claims"
)

// Config says which store to open.
type Config struct {
	// URI of a MongoDB deployment; empty starts the embedded FerretDB.
	URI string
	// Database name; empty means DefaultDatabase.
	Database string
	// DataDir is where the embedded FerretDB keeps its SQLite files; used
	// only when URI is empty. Relative paths are made absolute.
	DataDir string
	// Logger; nil discards.
	Logger *slog.Logger
	// OnFailure, when set, is called with the name of every store command
	// that fails (metrics); it must be quick and must not block.
	OnFailure func(command string)
	// Cache says whether documents are kept in memory; the default caches
	// on the embedded store only (see CacheMode).
	Cache CacheMode
}

// Store keeps alsbot's documents. It is safe for concurrent use.
//
// Times are stored as BSON dates: they come back in UTC with millisecond
// precision, so callers that compare a read value with one they hold should
// truncate to the millisecond (t.Truncate(time.Millisecond)) and use Equal.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	uri    string
	log    *slog.Logger
	trips  atomic.Int64
	// ferret is set when the server is FerretDB: writes of one document
	// are then serialized in this process (serialize.go), with locks
	// shared by every Store on the same embedded server.
	ferret bool
	locks  *docLocks
	// cache keeps documents in memory when this store is their only
	// writer (cache.go); nil otherwise.
	cache *docCache
	// known remembers sets read or written, on a store that is not their
	// only writer, so that a read checks the set instead of reading it
	// (setcheck.go); nil on a caching store and on a shared FerretDB.
	known *docCache
	seqMu sync.Mutex
	seqs  map[string]int // a caching store's commitment counters, by set (numbers.go)

	// sharedFerret is set when the server is a FerretDB that other
	// processes may write to: versioned saves then claim each version
	// (versions.go).
	sharedFerret bool

	// The embedded server, when one was started; stop ends it and done
	// closes when it has returned. dataDir holds its files, locked for this
	// process until unlockDir; localHost is its address.
	stop      context.CancelFunc
	done      chan struct{}
	dataDir   string
	unlockDir func()
	localHost string
}

var (
	_ bot.Store   = (*Store)(nil)
	_ bot.Claimer = (*Store)(nil)
)

// ferretNew serializes ferretdb.New: it writes a package-level version
// variable of FerretDB (version.Get().Package), so two stores started at once
// in one process (parallel tests, replicas in one binary) would race on it.
// This is the one package-level variable here, and it guards FerretDB's.
var ferretNew sync.Mutex

// Open connects to cfg.URI, or starts the embedded FerretDB under cfg.DataDir
// when the URI is empty, checks the server answers and creates the indexes.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dbName := cfg.Database
	if dbName == "" {
		dbName = DefaultDatabase
	}
	s := &Store{log: log, uri: cfg.URI}
	if cfg.Cache == CacheOn || cfg.Cache == CacheAuto && cfg.URI == "" {
		s.cache = newDocCache()
	}
	if cfg.URI == "" {
		if err := s.startEmbedded(cfg.DataDir); err != nil {
			return nil, err
		}
	}

	opts := options.Client().ApplyURI(s.uri).SetMonitor(&event.CommandMonitor{
		// Every command is a round trip; handshakes and heartbeats are not
		// commands, so they are not counted.
		Started: func(context.Context, *event.CommandStartedEvent) { s.trips.Add(1) },
		Failed: func(_ context.Context, e *event.CommandFailedEvent) {
			if cfg.OnFailure != nil {
				cfg.OnFailure(e.CommandName)
			}
		},
	})
	client, err := mongo.Connect(opts)
	if err != nil {
		s.stopEmbedded()
		return nil, fmt.Errorf("connect to the store: %w", err)
	}
	s.client = client
	s.db = client.Database(dbName)

	if err := s.Ping(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	if s.ferret, err = s.isFerretDB(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	// A FerretDB another process serves may have writers in other processes.
	s.locks = localServers.locks(s.uri)
	s.sharedFerret = s.ferret && s.locks == nil
	if s.locks == nil {
		s.locks = newDocLocks()
	}
	if s.cache == nil && !s.sharedFerret {
		s.known = newDocCache()
	}
	if err := s.migrateSetDocs(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	if err := s.createIndexes(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	if s.dataDir != "" {
		// The database file is created by the first write (the indexes
		// above); SQLite gives its -wal and -shm files the same mode.
		if err := privateFiles(s.dataDir); err != nil {
			_ = s.Close(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("start the embedded store: %w", err)
		}
	}
	return s, nil
}

// privateFiles makes the files directly in dir readable by their owner
// only: the store's files hold every commitment, report and comment, and
// SQLite creates them 0644.
func privateFiles(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("list data directory: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if err := os.Chmod(filepath.Join(dir, e.Name()), 0o600); err != nil {
			return fmt.Errorf("make store file private: %w", err)
		}
	}
	return nil
}

// startEmbedded starts FerretDB on loopback with SQLite files under dir and
// sets s.uri to it.
func (s *Store) startEmbedded(dir string) error {
	if dir == "" {
		return errors.New("start the embedded store: no data directory given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("start the embedded store: %w", err)
	}
	// A directory the bot creates is its own (0700); one that exists is
	// the operator's, so it is not changed, only warned about.
	if fi, err := os.Stat(abs); err == nil && fi.IsDir() && fi.Mode().Perm()&0o077 != 0 {
		s.log.Warn("the data directory is readable by other users; the store's files are made private, but restrict the directory too (chmod 700)",
			"component", "store", "dir", abs, "mode", fi.Mode().Perm().String())
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return fmt.Errorf("start the embedded store: create data directory: %w", err)
	}
	release, err := lockDataDir(abs)
	if err != nil {
		return fmt.Errorf("start the embedded store: %w", err)
	}
	s.unlockDir = release
	// Files an older version left readable; new ones are fixed after Open.
	if err := privateFiles(abs); err != nil {
		s.unlockDir()
		s.unlockDir = nil
		return fmt.Errorf("start the embedded store: %w", err)
	}
	s.dataDir = abs
	// FerretDB logs every connection at info level and warns about commands
	// it lacks (the driver's endSessions at every close): keep its errors only.
	flog := slog.New(minLevel{h: s.log.Handler(), min: slog.LevelError}).With("component", "ferretdb")

	ferretNew.Lock()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    flog,
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(abs) + "/",
	})
	ferretNew.Unlock()
	if err != nil {
		s.unlockDir()
		s.unlockDir = nil
		return fmt.Errorf("start the embedded store in %s: %w", abs, err)
	}
	host := strings.TrimSuffix(strings.TrimPrefix(f.MongoDBURI(), "mongodb://"), "/")
	s.localHost = host
	localServers.add(host)

	ctx, cancel := context.WithCancel(context.Background())
	s.stop, s.done = cancel, make(chan struct{})
	go func() {
		defer close(s.done)
		if err := f.Run(ctx); err != nil {
			s.log.Error("embedded store stopped", "component", "store", "err", err)
		}
	}()
	s.uri = f.MongoDBURI()
	s.log.Info("embedded store started", "component", "store", "dir", abs)
	return nil
}

// stopEmbedded stops the embedded server, if any, and waits for it.
func (s *Store) stopEmbedded() {
	if s.stop != nil {
		s.stop()
		<-s.done
		s.stop = nil
		localServers.remove(s.localHost)
	}
	if s.unlockDir != nil {
		s.unlockDir()
		s.unlockDir = nil
	}
}

// localServers are the FerretDB servers this process started (host:port).
// Every writer of such a server's documents is in this process: it listens
// on a loopback port nobody is told, and its data directory is locked
// (lock_unix.go). For those the in-process lock of serialize.go makes a
// filtered write a compare-and-set; a FerretDB elsewhere needs the version
// claims of versions.go. Package state because several Stores in one
// process (replicas in tests) share one server, and with it its docLocks.
var localServers = serverSet{m: map[string]*localServer{}}

type serverSet struct {
	mu sync.Mutex
	m  map[string]*localServer
}

// localServer is one embedded server: how many Stores started it and the
// document locks every Store writing to it takes.
type localServer struct {
	n     int
	locks *docLocks
}

func (ss *serverSet) add(host string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.m[host] == nil {
		ss.m[host] = &localServer{locks: newDocLocks()}
	}
	ss.m[host].n++
}

func (ss *serverSet) remove(host string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ls := ss.m[host]; ls != nil {
		if ls.n--; ls.n <= 0 {
			delete(ss.m, host)
		}
	}
}

// locks returns the document locks of the server of uri when every host of
// uri is a server of this process, nil otherwise.
func (ss *serverSet) locks(uri string) *docLocks {
	cs, err := connstring.Parse(uri)
	if err != nil || len(cs.Hosts) == 0 {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	var locks *docLocks
	for _, h := range cs.Hosts {
		ls := ss.m[h]
		if ls == nil {
			return nil
		}
		locks = ls.locks
	}
	return locks
}

// Close disconnects and stops the embedded server (waiting for it).
func (s *Store) Close(ctx context.Context) error {
	var err error
	if s.client != nil {
		if e := s.client.Disconnect(ctx); e != nil && !errors.Is(e, mongo.ErrClientDisconnected) {
			err = fmt.Errorf("disconnect from the store: %w", e)
		}
	}
	s.stopEmbedded()
	return err
}

// Ping reports whether the store answers (readiness).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err(); err != nil {
		return mapErr(err, "ping the store")
	}
	return nil
}

// URI is the connection string the store uses (the embedded server's when
// it started one), for tests and tools that open more clients. It may hold
// a password: never log it.
func (s *Store) URI() string { return s.uri }

// Database is the database the store uses, for the other files of this
// package.
func (s *Store) Database() *mongo.Database { return s.db }

// RoundTrips is the number of commands sent to the server so far.
func (s *Store) RoundTrips() int64 { return s.trips.Load() }

// Cached reports whether the store keeps documents in memory.
func (s *Store) Cached() bool { return s.cache != nil }

// collIndex is one secondary index: a collection and its keys.
type collIndex struct {
	coll string
	keys bson.D
}

// ensureIndexes creates the indexes idx; creating an existing index is a
// no-op.
func (s *Store) ensureIndexes(ctx context.Context, idx []collIndex) error {
	for _, ix := range idx {
		if _, err := s.db.Collection(ix.coll).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: ix.keys}); err != nil {
			return mapErr(err, "create index on "+ix.coll)
		}
	}
	return nil
}

// createIndexes creates the secondary indexes of every collection but the
// scheduler's (EnsureDeliveryIndexes). FerretDB's SQLite backend scans
// anyway, MongoDB uses them.
func (s *Store) createIndexes(ctx context.Context) error {
	idx := []collIndex{
		{collSessions, bson.D{{Key: "set_id", Value: 1}, {Key: "number", Value: 1}}},
		{collSessions, bson.D{{Key: "set_id", Value: 1}, {Key: "kind", Value: 1}, {Key: "user_id", Value: 1}, {Key: "status", Value: 1}}},
		{collSessions, bson.D{{Key: "kind", Value: 1}, {Key: "people.user.id", Value: 1}}},
	}
	idx = append(idx, attendanceIndexes()...)
	idx = append(idx, calendarIndexes()...)
	idx = append(idx, programmeIndexes()...)
	idx = append(idx, evaluationIndexes()...)
	return s.ensureIndexes(ctx, idx)
}

// unavailable is what a caller sees when the store cannot be reached.
func unavailable() *bot.Error {
	return bot.Errorf(bot.EUNAVAILABLE, "The store cannot be reached just now; nothing was changed. Please try again in a minute.")
}

// mapErr turns a driver error into a domain error where it has one, and
// wraps it with what was being done otherwise.
func mapErr(err error, doing string) error {
	var sse topology.ServerSelectionError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return bot.Errorf(bot.ENOTFOUND, "That was not found.")
	case mongo.IsDuplicateKeyError(err):
		return bot.Errorf(bot.EEXISTS, "That already exists.")
	case mongo.IsNetworkError(err), mongo.IsTimeout(err), errors.As(err, &sse),
		errors.Is(err, mongo.ErrClientDisconnected),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: %w: %w", doing, unavailable(), err)
	default:
		return fmt.Errorf("%s: %w", doing, err)
	}
}

// minLevel drops records below min (FerretDB is chatty at info level).
type minLevel struct {
	h   slog.Handler
	min slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.h.Enabled(ctx, l)
}
func (m minLevel) Handle(ctx context.Context, r slog.Record) error { return m.h.Handle(ctx, r) }
func (m minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h: m.h.WithAttrs(as), min: m.min}
}
func (m minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h: m.h.WithGroup(name), min: m.min}
}
