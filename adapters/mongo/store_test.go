package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m)) }

// t0 is a time the store keeps exactly: UTC, whole milliseconds.
var t0 = time.Date(2026, 3, 29, 9, 30, 15, 123e6, time.UTC)

func fullSet(id string, platform bot.Platform, created time.Time, users ...string) *bot.Set {
	s := &bot.Set{
		ID:       id,
		Name:     "West set",
		Platform: platform,
		Channel:  bot.ConversationRef{ID: "C1", Name: "west-set", DM: true},
		TZ:       "Europe/London",
		Phases:   bot.DefaultPhaseDurations(),
		Observer: true,
		Reminders: []time.Duration{
			7 * 24 * time.Hour, time.Hour, 90 * time.Second,
		},
		NudgeSpec:     bot.DefaultNudgeSpec,
		Schedule:      &bot.Recurrence{Spec: "0 14 * * 2", Duration: 3 * time.Hour, Where: "Room 4"},
		CommitSeq:     12,
		SessionSeq:    3,
		OpenSession:   2,
		Archived:      true,
		ArchivedAt:    t0.Add(time.Hour),
		RetentionDays: 365,
		CreatedAt:     created,
	}
	for i, u := range users {
		s.People = append(s.People, bot.Person{
			User:          bot.UserRef{ID: u, Name: "Name " + u, TZ: "America/New_York"},
			Roles:         []bot.Role{bot.RoleMember, bot.RoleFacilitator},
			MentorID:      "M" + u,
			Presentations: i + 1,
			Observations:  i + 2,
			LastPresented: t0.Add(-time.Hour),
			LastObserved:  t0.Add(-2 * time.Hour),
			JoinedAt:      t0.Add(-24 * time.Hour),
		})
	}
	return s
}

func fullSession(setID string, n int) *bot.Session {
	return &bot.Session{
		ID:        bot.SessionID(setID, n),
		SetID:     setID,
		Number:    n,
		Start:     t0.Add(time.Duration(n) * 24 * time.Hour),
		Duration:  3 * time.Hour,
		Where:     "Room 4",
		Status:    bot.SessionOpen,
		Recurring: true,
		Attendees: []bot.Attendance{{UserID: "U1", At: t0}, {UserID: "U2", At: t0.Add(time.Minute)}},
		Bids:      []bot.Bid{{UserID: "U1", Title: "Hiring", At: t0}},
		Rounds: []bot.Round{{
			Number:         1,
			Presenter:      "U1",
			Observer:       "U3",
			Enablers:       []string{"U2", "U4"},
			Title:          "Hiring",
			Phase:          bot.PhaseQuestioning,
			PhaseStartedAt: t0.Add(10 * time.Minute),
			Durations:      bot.DefaultPhaseDurations(),
			StartedAt:      t0,
			EndedAt:        t0.Add(time.Hour),
		}},
		OpenedAt: t0,
		ClosedAt: t0.Add(3 * time.Hour),
	}
}

func fullCommitment(setID string, n int, user string, status bot.CommitmentStatus, created time.Time) *bot.Commitment {
	short := fmt.Sprintf("C-%d", n)
	return &bot.Commitment{
		ID:        bot.CommitmentID(setID, short),
		SetID:     setID,
		ShortID:   short,
		UserID:    user,
		Text:      "Talk to the team",
		Due:       t0.Add(7 * 24 * time.Hour),
		Session:   2,
		Status:    status,
		Reports:   []bot.Report{{Status: bot.ReportProgress, Text: "Started", At: t0}},
		CreatedAt: created,
	}
}

func code(err error) string { return bot.ErrorCode(err) }

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	set := fullSet("slack:C1", bot.Slack, t0, "U1", "U2")
	sess := fullSession(set.ID, 1)
	com := fullCommitment(set.ID, 1, "U1", bot.CommitmentOpen, t0)
	// Zero optional fields (omitempty times, nil schedule) come back zero.
	minimal := &bot.Set{ID: "shell:min", Platform: bot.Shell, Phases: map[bot.Phase]time.Duration{}}

	tests := []struct {
		name   string
		create func() error
		get    func() (any, error)
		want   any
	}{
		{"set", func() error { return st.CreateSet(ctx, set) },
			func() (any, error) { return st.GetSet(ctx, set.ID) }, set},
		{"session", func() error { return st.CreateSession(ctx, sess) },
			func() (any, error) { return st.GetSession(ctx, sess.ID) }, sess},
		{"commitment", func() error { return st.CreateCommitment(ctx, com) },
			func() (any, error) { return st.GetCommitment(ctx, com.ID) }, com},
		{"minimal set", func() error { return st.CreateSet(ctx, minimal) },
			func() (any, error) { return st.GetSet(ctx, minimal.ID) }, minimal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.create(); err != nil {
				t.Fatalf("create: %v", err)
			}
			got, err := tc.get()
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("round trip changed the document\n got %+v\nwant %+v", got, tc.want)
			}
			if err := tc.create(); code(err) != bot.EEXISTS {
				t.Errorf("second create: got %v (%s), want %s", err, code(err), bot.EEXISTS)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	tests := []struct {
		name string
		call func() error
	}{
		{"GetSet", func() error { _, err := st.GetSet(ctx, "slack:nope"); return err }},
		{"GetSession", func() error { _, err := st.GetSession(ctx, "slack:nope/1"); return err }},
		{"GetCommitment", func() error { _, err := st.GetCommitment(ctx, "slack:nope/C-1"); return err }},
		{"SaveSet", func() error { return st.SaveSet(ctx, fullSet("slack:nope", bot.Slack, t0)) }},
		{"SaveSession", func() error { return st.SaveSession(ctx, fullSession("slack:nope", 1)) }},
		{"AddReport", func() error {
			return st.AddReport(ctx, "slack:nope/C-1", bot.Report{Status: bot.ReportDone, At: t0}, bot.CommitmentDone)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); code(err) != bot.ENOTFOUND {
				t.Errorf("got %v (%s), want %s", err, code(err), bot.ENOTFOUND)
			}
		})
	}
}

func TestSaveVersion(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)

	t.Run("set", func(t *testing.T) {
		set := fullSet("teams:19:abc", bot.Teams, t0, "U1")
		if err := st.CreateSet(ctx, set); err != nil {
			t.Fatal(err)
		}
		a, _ := st.GetSet(ctx, set.ID)
		b, _ := st.GetSet(ctx, set.ID)
		a.Name = "A"
		if err := st.SaveSet(ctx, a); err != nil {
			t.Fatalf("first save: %v", err)
		}
		if a.Version != 1 {
			t.Errorf("version after save = %d, want 1", a.Version)
		}
		b.Name = "B"
		if err := st.SaveSet(ctx, b); code(err) != bot.ECONFLICT {
			t.Fatalf("stale save: got %v (%s), want %s", err, code(err), bot.ECONFLICT)
		}
		if b.Version != 0 {
			t.Errorf("stale save changed the version in memory to %d", b.Version)
		}
		got, err := st.GetSet(ctx, set.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("stored set after a stale save\n got %+v\nwant %+v", got, a)
		}
		a.Name = "A2"
		if err := st.SaveSet(ctx, a); err != nil || a.Version != 2 {
			t.Errorf("second save: err %v, version %d, want nil, 2", err, a.Version)
		}
	})

	t.Run("session", func(t *testing.T) {
		sess := fullSession("teams:19:abc", 1)
		if err := st.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		a, _ := st.GetSession(ctx, sess.ID)
		b, _ := st.GetSession(ctx, sess.ID)
		a.Status = bot.SessionClosed
		if err := st.SaveSession(ctx, a); err != nil || a.Version != 1 {
			t.Fatalf("first save: err %v, version %d", err, a.Version)
		}
		b.Status = bot.SessionCancelled
		if err := st.SaveSession(ctx, b); code(err) != bot.ECONFLICT {
			t.Fatalf("stale save: got %v (%s), want %s", err, code(err), bot.ECONFLICT)
		}
		got, _ := st.GetSession(ctx, sess.ID)
		if !reflect.DeepEqual(got, a) {
			t.Errorf("stored session after a stale save\n got %+v\nwant %+v", got, a)
		}
	})
}

func TestAddReport(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	c := fullCommitment("slack:C1", 1, "U1", bot.CommitmentOpen, t0)
	c.Reports = nil // a new commitment has none
	if err := st.CreateCommitment(ctx, c); err != nil {
		t.Fatal(err)
	}
	reports := []bot.Report{
		{Status: bot.ReportProgress, Text: "Half way", At: t0.Add(time.Hour)},
		{Status: bot.ReportDone, Text: "Done it", At: t0.Add(2 * time.Hour)},
	}
	statuses := []bot.CommitmentStatus{bot.CommitmentOpen, bot.CommitmentDone}
	for i, r := range reports {
		if err := st.AddReport(ctx, c.ID, r, statuses[i]); err != nil {
			t.Fatalf("report %d: %v", i, err)
		}
	}
	got, err := st.GetCommitment(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Reports, reports) || got.Status != bot.CommitmentDone {
		t.Errorf("got reports %+v status %s, want %+v %s", got.Reports, got.Status, reports, bot.CommitmentDone)
	}
}

func TestClaimOnce(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	const workers, keys = 4, 50
	var mu sync.Mutex
	wins := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < keys; k++ {
				key := fmt.Sprintf("test:key:%d", k)
				won, err := st.Claim(ctx, key)
				if err != nil {
					errs <- err
					return
				}
				if won {
					mu.Lock()
					wins[key]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("claim: %v", err)
	}
	for k := 0; k < keys; k++ {
		key := fmt.Sprintf("test:key:%d", k)
		if wins[key] != 1 {
			t.Errorf("key %s won %d times, want 1", key, wins[key])
		}
	}
}

func ids[T any](xs []*T, id func(*T) string) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

func TestFindSets(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	// Created out of order so that the sort is what orders them.
	for _, s := range []*bot.Set{
		fullSet("slack:C3", bot.Slack, t0.Add(3*time.Hour), "U1"),
		fullSet("slack:C1", bot.Slack, t0.Add(1*time.Hour), "U1", "U2"),
		fullSet("teams:T1", bot.Teams, t0.Add(2*time.Hour), "U1"),
		fullSet("slack:C2", bot.Slack, t0.Add(2*time.Hour), "U2"),
	} {
		if err := st.CreateSet(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	setID := func(s *bot.Set) string { return s.ID }
	tests := []struct {
		platform bot.Platform
		user     string
		want     []string
	}{
		{bot.Slack, "U1", []string{"slack:C1", "slack:C3"}},
		{bot.Slack, "U2", []string{"slack:C1", "slack:C2"}},
		{bot.Teams, "U1", []string{"teams:T1"}},
		{bot.Slack, "", []string{"slack:C1", "slack:C2", "slack:C3"}},
		{"", "U1", []string{"slack:C1", "teams:T1", "slack:C3"}},
		{"", "", []string{"slack:C1", "slack:C2", "teams:T1", "slack:C3"}},
		{bot.Slack, "U9", []string{}},
	}
	for _, tc := range tests {
		t.Run(string(tc.platform)+"/"+tc.user, func(t *testing.T) {
			got, err := st.FindSets(ctx, tc.platform, tc.user)
			if err != nil {
				t.Fatal(err)
			}
			if g := ids(got, setID); !reflect.DeepEqual(g, tc.want) {
				t.Errorf("got %v, want %v", g, tc.want)
			}
		})
	}
}

func TestListSessions(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	for _, n := range []int{3, 1, 10, 2} {
		if err := st.CreateSession(ctx, fullSession("slack:C1", n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreateSession(ctx, fullSession("slack:C2", 1)); err != nil {
		t.Fatal(err)
	}
	sessID := func(s *bot.Session) string { return s.ID }
	tests := []struct {
		set  string
		want []string
	}{
		{"slack:C1", []string{"slack:C1/1", "slack:C1/2", "slack:C1/3", "slack:C1/10"}},
		{"slack:C2", []string{"slack:C2/1"}},
		{"slack:C9", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.set, func(t *testing.T) {
			got, err := st.ListSessions(ctx, tc.set)
			if err != nil {
				t.Fatal(err)
			}
			if g := ids(got, sessID); !reflect.DeepEqual(g, tc.want) {
				t.Errorf("got %v, want %v", g, tc.want)
			}
		})
	}
}

func TestListCommitments(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	for _, c := range []*bot.Commitment{
		fullCommitment("slack:C1", 3, "U1", bot.CommitmentOpen, t0.Add(2*time.Minute)),
		fullCommitment("slack:C1", 1, "U1", bot.CommitmentDone, t0),
		fullCommitment("slack:C1", 2, "U2", bot.CommitmentOpen, t0.Add(time.Minute)),
		fullCommitment("slack:C1", 5, "U1", bot.CommitmentOpen, t0.Add(time.Minute)), // same time as C-2: _id orders
		fullCommitment("slack:C2", 1, "U1", bot.CommitmentOpen, t0),
	} {
		if err := st.CreateCommitment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	short := func(c *bot.Commitment) string { return c.ShortID }
	tests := []struct {
		set, user string
		openOnly  bool
		want      []string
	}{
		{"slack:C1", "", false, []string{"C-1", "C-2", "C-5", "C-3"}},
		{"slack:C1", "", true, []string{"C-2", "C-5", "C-3"}},
		{"slack:C1", "U1", false, []string{"C-1", "C-5", "C-3"}},
		{"slack:C1", "U1", true, []string{"C-5", "C-3"}},
		{"slack:C1", "U3", false, []string{}},
		{"slack:C2", "", false, []string{"C-1"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%s/%v", tc.set, tc.user, tc.openOnly), func(t *testing.T) {
			got, err := st.ListCommitments(ctx, tc.set, tc.user, tc.openOnly)
			if err != nil {
				t.Fatal(err)
			}
			if g := ids(got, short); !reflect.DeepEqual(g, tc.want) {
				t.Errorf("got %v, want %v", g, tc.want)
			}
		})
	}
}

// TestRestart stops an embedded store and opens another on its directory.
func TestRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := mongo.Open(ctx, mongo.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	set := fullSet("shell:local", bot.Shell, t0, "alice")
	if err := st.CreateSet(ctx, set); err != nil {
		t.Fatal(err)
	}
	if won, err := st.Claim(ctx, "restart:key"); !won || err != nil {
		t.Fatalf("claim: %v %v", won, err)
	}
	st = reopen(t, st, dir)
	got, err := st.GetSet(ctx, set.ID)
	if err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if !reflect.DeepEqual(got, set) {
		t.Errorf("after restart\n got %+v\nwant %+v", got, set)
	}
	if won, err := st.Claim(ctx, "restart:key"); won || err != nil {
		t.Errorf("claim after restart: won %v err %v, want false nil", won, err)
	}
}

// TestUnavailable stops the server under an open store.
func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	st, err := mongo.Open(ctx, mongo.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// A second client on the same server; closing the first stops the server.
	other, err := mongo.Open(ctx, mongo.Config{URI: st.URI()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	if err := st.Close(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func(context.Context) error
	}{
		{"GetSet", func(ctx context.Context) error { _, err := other.GetSet(ctx, "slack:C1"); return err }},
		{"Claim", func(ctx context.Context) error { _, err := other.Claim(ctx, "k"); return err }},
		{"Ping", other.Ping},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			defer cancel()
			err := tc.call(ctx)
			if code(err) != bot.EUNAVAILABLE {
				t.Errorf("got %v (%s), want %s", err, code(err), bot.EUNAVAILABLE)
			}
			var be *bot.Error
			if !errors.As(err, &be) || be.Message == "" {
				t.Errorf("no user message in %v", err)
			}
		})
	}
}

// reopen closes the embedded store st and opens it again on dir, as a
// restart of the bot does; the new store is closed when the test ends.
func reopen(t *testing.T, st *mongo.Store, dir string) *mongo.Store {
	t.Helper()
	ctx := context.Background()
	if err := st.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := mongo.Open(ctx, mongo.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	return st
}

func TestRoundTrips(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	set := fullSet("slack:C1", bot.Slack, t0, "U1")
	tests := []struct {
		name string
		call func() error
		want int64
	}{
		{"create", func() error { return st.CreateSet(ctx, set) }, 1},
		{"get", func() error { _, err := st.GetSet(ctx, set.ID); return err }, 1},
		{"save", func() error { return st.SaveSet(ctx, set) }, 1},
		{"claim", func() error { _, err := st.Claim(ctx, "x"); return err }, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := st.RoundTrips()
			if err := tc.call(); err != nil {
				t.Fatal(err)
			}
			if got := st.RoundTrips() - before; got != tc.want {
				t.Errorf("round trips = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestDBName(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range []string{"TestX", "TestA/sub test #1 with a very long name indeed", "Test/ü/..", "TestX"} {
		n := mongotest.DBName(name)
		if len(n) > 38 {
			t.Errorf("%q -> %q: %d chars, want <= 38", name, n, len(n))
		}
		for _, r := range n {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				t.Errorf("%q -> %q: has %q", name, n, r)
			}
		}
		if seen[n] {
			t.Errorf("%q -> %q: not unique", name, n)
		}
		seen[n] = true
	}
}

// TestEncoding checks the stored shape that other tools and MongoDB indexes
// see: durations as int64 nanoseconds, phase maps as embedded documents,
// times as dates.
func TestEncoding(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	set := fullSet("slack:C1", bot.Slack, t0, "U1")
	if err := st.CreateSet(ctx, set); err != nil {
		t.Fatal(err)
	}
	raw, err := st.Database().Collection("sessions").FindOne(ctx, bson.D{{Key: "_id", Value: set.ID}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path []string
		want bson.Type
	}{
		{[]string{"phases"}, bson.TypeEmbeddedDocument},
		{[]string{"phases", string(bot.PhaseQuestioning)}, bson.TypeInt64},
		{[]string{"reminders"}, bson.TypeArray},
		{[]string{"schedule", "duration"}, bson.TypeInt64},
		{[]string{"created_at"}, bson.TypeDateTime},
		{[]string{"version"}, bson.TypeInt64},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.path, "."), func(t *testing.T) {
			v, err := raw.LookupErr(tc.path...)
			if err != nil {
				t.Fatal(err)
			}
			if v.Type != tc.want {
				t.Errorf("type %s, want %s", v.Type, tc.want)
			}
		})
	}
	if v := raw.Lookup("phases", string(bot.PhaseQuestioning)).Int64(); v != int64(25*time.Minute) {
		t.Errorf("questioning = %d, want %d", v, int64(25*time.Minute))
	}
}

// TestOpenConcurrent opens several stores at once: replicas on one database
// (indexes created concurrently) and two embedded servers in one process.
func TestOpenConcurrent(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t).Database().Name()
	tests := []struct {
		name string
		cfg  func() mongo.Config
	}{
		{"replicas on one database", func() mongo.Config { return mongo.Config{URI: mongotest.URI(), Database: db} }},
		{"embedded servers", func() mongo.Config { return mongo.Config{DataDir: t.TempDir()} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const n = 3
			stores := make([]*mongo.Store, n)
			errs := make([]error, n)
			cfgs := make([]mongo.Config, n)
			for i := range cfgs {
				cfgs[i] = tc.cfg()
			}
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					stores[i], errs[i] = mongo.Open(ctx, cfgs[i])
				}()
			}
			wg.Wait()
			for i := range n {
				if errs[i] != nil {
					t.Errorf("open %d: %v", i, errs[i])
					continue
				}
				if _, err := stores[i].Claim(ctx, "open:"+tc.name); err != nil {
					t.Errorf("claim on store %d: %v", i, err)
				}
				if err := stores[i].Close(ctx); err != nil {
					t.Errorf("close %d: %v", i, err)
				}
			}
		})
	}
}

// TestSaveRace has several writers save the same version at once: exactly
// one may win, the others get ECONFLICT (optimistic concurrency must hold on
// FerretDB too, where a filtered write is read-then-write).
func TestSaveRace(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	// A second client, as another replica would have.
	other := mongotest.Replica(t, st)
	stores := []*mongo.Store{st, other, st, other}

	const rounds = 10
	set := fullSet("slack:race", bot.Slack, t0, "U1")
	set.CommitSeq = 0
	if err := st.CreateSet(ctx, set); err != nil {
		t.Fatal(err)
	}
	sess := fullSession(set.ID, 1)
	sess.Attendees = nil
	if err := st.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		save func(s *mongo.Store, w int) error
	}{
		{"set", func(s *mongo.Store, w int) error {
			x, err := s.GetSet(ctx, set.ID)
			if err != nil {
				return err
			}
			x.CommitSeq++
			return s.SaveSet(ctx, x)
		}},
		{"session", func(s *mongo.Store, w int) error {
			x, err := s.GetSession(ctx, sess.ID)
			if err != nil {
				return err
			}
			x.Attendees = append(x.Attendees, bot.Attendance{UserID: fmt.Sprint("W", w), At: t0})
			return s.SaveSession(ctx, x)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wins := 0
			for r := 0; r < rounds; r++ {
				var wg sync.WaitGroup
				start := make(chan struct{})
				errs := make([]error, len(stores))
				for w, s := range stores {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						errs[w] = tc.save(s, w)
					}()
				}
				close(start)
				wg.Wait()
				for _, err := range errs {
					switch code(err) {
					case "":
						wins++
					case bot.ECONFLICT:
					default:
						t.Fatalf("save: %v", err)
					}
				}
			}
			// Every win incremented the version once; a lost update would
			// show as more wins than versions.
			var version int64
			if tc.name == "set" {
				x, _ := st.GetSet(ctx, set.ID)
				version = x.Version
				if x.CommitSeq != wins {
					t.Errorf("commit_seq %d after %d winning saves: updates were lost", x.CommitSeq, wins)
				}
			} else {
				x, _ := st.GetSession(ctx, sess.ID)
				version = x.Version
				if len(x.Attendees) != wins {
					t.Errorf("%d attendees after %d winning saves: updates were lost", len(x.Attendees), wins)
				}
			}
			if int64(wins) != version {
				t.Errorf("%d saves won, version is %d", wins, version)
			}
		})
	}
}

// TestAddReportRace appends reports to one commitment from several writers
// at once: none may be lost.
func TestAddReportRace(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	other := mongotest.Replica(t, st)
	c := fullCommitment("slack:C1", 1, "U1", bot.CommitmentOpen, t0)
	c.Reports = nil
	if err := st.CreateCommitment(ctx, c); err != nil {
		t.Fatal(err)
	}
	const writers, each = 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w, s := range []*mongo.Store{st, other, st, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				errs <- s.AddReport(ctx, c.ID, bot.Report{Status: bot.ReportProgress, Text: fmt.Sprint(w, i), At: t0}, bot.CommitmentOpen)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.GetCommitment(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Reports) != writers*each {
		t.Errorf("%d reports stored, want %d", len(got.Reports), writers*each)
	}
}

func TestDeleteClaimsBefore(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	for _, k := range []string{"a", "b"} {
		if _, err := st.Claim(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		before  time.Time
		deleted int64
		wonA    bool // whether "a" can be claimed again afterwards
	}{
		{"nothing older", time.Now().Add(-time.Hour), 0, false},
		{"all older", time.Now().Add(time.Hour), 2, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := st.DeleteClaimsBefore(ctx, tc.before)
			if err != nil || n != tc.deleted {
				t.Fatalf("deleted %d (err %v), want %d", n, err, tc.deleted)
			}
			won, err := st.Claim(ctx, "a")
			if err != nil || won != tc.wonA {
				t.Errorf("claim a again: won %v err %v, want %v", won, err, tc.wonA)
			}
		})
	}
}
