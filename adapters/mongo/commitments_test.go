package mongo_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

// stores are the two ways a store runs: cached (the embedded store, the
// only writer of its files) and uncached (MONGODB_URI, several replicas).
var stores = []struct {
	name string
	open func(testing.TB) *mongo.Store
}{{"cached", mongotest.NewCached}, {"uncached", mongotest.New}}

func shortIDs(cs []*bot.Commitment) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.ShortID)
	}
	return out
}

// A member's open commitments follow every write: new ones appear, a
// progress report shows, a done one goes; and they equal what a query of
// the commitments says.
func TestOpenCommitmentsFollowWrites(t *testing.T) {
	ctx := context.Background()
	for _, sm := range stores {
		t.Run(sm.name, func(t *testing.T) {
			st := sm.open(t)
			check := func(step string, want ...string) {
				t.Helper()
				got, err := st.ListCommitments(ctx, "slack:C1", "U1", true)
				if err != nil {
					t.Fatal(err)
				}
				if want == nil {
					want = []string{}
				}
				if g := shortIDs(got); !reflect.DeepEqual(g, want) {
					t.Fatalf("%s: open commitments %v, want %v", step, g, want)
				}
				// Every member's open ones, as the scheduler reads them.
				all, err := st.ListCommitments(ctx, "slack:C1", "", true)
				if err != nil {
					t.Fatal(err)
				}
				var mine []*bot.Commitment
				for _, c := range all {
					if c.UserID == "U1" {
						mine = append(mine, c)
					}
				}
				if !reflect.DeepEqual(got, mine) && !(len(got) == 0 && len(mine) == 0) {
					t.Fatalf("%s: the open document says %v, the commitments %v", step, shortIDs(got), shortIDs(mine))
				}
			}
			check("before any")
			for i, at := range []time.Duration{2 * time.Minute, 0, time.Minute} {
				c := fullCommitment("slack:C1", i+1, "U1", bot.CommitmentOpen, t0.Add(at))
				c.Reports = nil
				if err := st.CreateCommitment(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			// Someone else's, and one in another set, are not U1's here.
			if err := st.CreateCommitment(ctx, fullCommitment("slack:C1", 4, "U2", bot.CommitmentOpen, t0)); err != nil {
				t.Fatal(err)
			}
			if err := st.CreateCommitment(ctx, fullCommitment("slack:C2", 1, "U1", bot.CommitmentOpen, t0)); err != nil {
				t.Fatal(err)
			}
			check("after three", "C-2", "C-3", "C-1")

			if err := st.AddReport(ctx, bot.CommitmentID("slack:C1", "C-3"), bot.Report{Status: bot.ReportProgress, Text: "Met them", At: t0}, bot.CommitmentOpen); err != nil {
				t.Fatal(err)
			}
			check("after progress", "C-2", "C-3", "C-1")
			got, _ := st.ListCommitments(ctx, "slack:C1", "U1", true)
			if n := len(got[1].Reports); n != 1 || got[1].Reports[0].Text != "Met them" {
				t.Fatalf("C-3's reports in the open list: %+v", got[1].Reports)
			}

			if err := st.AddReport(ctx, bot.CommitmentID("slack:C1", "C-2"), bot.Report{Status: bot.ReportDone, Text: "Done it", At: t0}, bot.CommitmentDone); err != nil {
				t.Fatal(err)
			}
			check("after done", "C-3", "C-1")
		})
	}
}

// Commitments stored before the open documents existed (or whose document
// was dropped) are found: the first read builds the document.
func TestOpenCommitmentsRebuild(t *testing.T) {
	ctx := context.Background()
	for _, sm := range stores {
		t.Run(sm.name, func(t *testing.T) {
			st := sm.open(t)
			var docs []any
			for i := range 3 {
				status := bot.CommitmentOpen
				if i == 1 {
					status = bot.CommitmentDone
				}
				docs = append(docs, mongo.CommitmentDoc(fullCommitment("slack:C1", i+1, "U1", status, t0.Add(time.Duration(i)*time.Minute))))
			}
			if _, err := st.Database().Collection("sessions").InsertMany(ctx, docs); err != nil {
				t.Fatal(err)
			}
			for range 2 { // the build, then the document
				got, err := st.ListCommitments(ctx, "slack:C1", "U1", true)
				if err != nil {
					t.Fatal(err)
				}
				if g := shortIDs(got); !reflect.DeepEqual(g, []string{"C-1", "C-3"}) {
					t.Fatalf("open commitments %v, want [C-1 C-3]", g)
				}
			}
			// A commitment made after the build is in the next read.
			if err := st.CreateCommitment(ctx, fullCommitment("slack:C1", 4, "U1", bot.CommitmentOpen, t0.Add(time.Hour))); err != nil {
				t.Fatal(err)
			}
			got, err := st.ListCommitments(ctx, "slack:C1", "U1", true)
			if err != nil {
				t.Fatal(err)
			}
			if g := shortIDs(got); !reflect.DeepEqual(g, []string{"C-1", "C-3", "C-4"}) {
				t.Fatalf("open commitments %v, want [C-1 C-3 C-4]", g)
			}
		})
	}
}

// Uncached, a write that finds no open document creates one marked stale,
// so the read after it builds it whole instead of trusting a document that
// holds the new commitment only.
func TestOpenCommitmentsStaleAfterCreateOnMissing(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	old := fullCommitment("slack:C1", 1, "U1", bot.CommitmentOpen, t0)
	if _, err := st.Database().Collection("sessions").InsertOne(ctx, mongo.CommitmentDoc(old)); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateCommitment(ctx, fullCommitment("slack:C1", 2, "U1", bot.CommitmentOpen, t0.Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	got, err := st.ListCommitments(ctx, "slack:C1", "U1", true)
	if err != nil {
		t.Fatal(err)
	}
	if g := shortIDs(got); !reflect.DeepEqual(g, []string{"C-1", "C-2"}) {
		t.Fatalf("open commitments %v, want [C-1 C-2]", g)
	}
	var d bson.M
	if err := st.Database().Collection("sessions").FindOne(ctx, bson.D{{Key: "_id", Value: "slack:C1/open/U1"}}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if d["stale"] == true {
		t.Fatal("the read did not rebuild the stale document")
	}
}

// The cache answers reads of what it holds without the server, hands out
// copies, and sees its own writes.
func TestCachedReads(t *testing.T) {
	ctx := context.Background()
	st := mongotest.NewCached(t)
	set := fullSet("slack:C1", bot.Slack, t0, "U1", "U2")
	if err := st.CreateSet(ctx, set); err != nil {
		t.Fatal(err)
	}
	sess := fullSession(set.ID, 1)
	if err := st.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ListSessions(ctx, set.ID); err != nil { // fills
		t.Fatal(err)
	}
	before := st.RoundTrips()
	got, err := st.GetSet(ctx, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetSession(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ListSessions(ctx, set.ID); err != nil {
		t.Fatal(err)
	}
	if n := st.RoundTrips() - before; n != 0 {
		t.Fatalf("cached reads took %d round trips, want 0", n)
	}
	got.Name = "changed, not saved"
	got.People[0].Roles = nil
	again, _ := st.GetSet(ctx, set.ID)
	if again.Name != "West set" || len(again.People[0].Roles) != 2 {
		t.Fatal("changing a read copy changed what the next reader gets")
	}

	got.Name = "East set"
	if err := st.SaveSet(ctx, got); err != nil {
		t.Fatal(err)
	}
	again, _ = st.GetSet(ctx, set.ID)
	if again.Name != "East set" || again.Version != got.Version {
		t.Fatalf("after a save the cache says %q v%d, want East set v%d", again.Name, again.Version, got.Version)
	}
	stale := *set // version 0
	stale.Name = "lost"
	if err := st.SaveSet(ctx, &stale); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("stale save: %v, want ECONFLICT", err)
	}
	if again, _ = st.GetSet(ctx, set.ID); again.Name != "East set" {
		t.Fatalf("after a refused save the cache says %q", again.Name)
	}

	sess2 := fullSession(set.ID, 2)
	if err := st.CreateSession(ctx, sess2); err != nil {
		t.Fatal(err)
	}
	list, _ := st.ListSessions(ctx, set.ID)
	if len(list) != 2 {
		t.Fatalf("after a new session the list has %d, want 2", len(list))
	}
	sess2.Where = "Room 9"
	if err := st.SaveSession(ctx, sess2); err != nil {
		t.Fatal(err)
	}
	before = st.RoundTrips()
	list, _ = st.ListSessions(ctx, set.ID)
	if list[1].Where != "Room 9" || list[1].Version != sess2.Version {
		t.Fatalf("after a saved session the list says %q v%d", list[1].Where, list[1].Version)
	}
	if n := st.RoundTrips() - before; n != 0 {
		t.Fatalf("the list after a save took %d round trips: it should be kept in step", n)
	}

	// A set's commitments: read once, then kept until one of them changes.
	for i := range 2 {
		if err := st.CreateCommitment(ctx, fullCommitment(set.ID, i+1, "U1", bot.CommitmentOpen, t0)); err != nil {
			t.Fatal(err)
		}
	}
	if all, _ := st.ListCommitments(ctx, set.ID, "", false); len(all) != 2 {
		t.Fatalf("%d commitments, want 2", len(all))
	}
	before = st.RoundTrips()
	if open, _ := st.ListCommitments(ctx, set.ID, "", true); len(open) != 2 {
		t.Fatalf("%d open, want 2", len(open))
	}
	if n := st.RoundTrips() - before; n != 0 {
		t.Fatalf("a cached list of commitments took %d round trips", n)
	}
	if err := st.AddReport(ctx, bot.CommitmentID(set.ID, "C-1"), bot.Report{Status: bot.ReportDone, Text: "done", At: t0}, bot.CommitmentDone); err != nil {
		t.Fatal(err)
	}
	if open, _ := st.ListCommitments(ctx, set.ID, "", true); len(open) != 1 || open[0].ShortID != "C-2" {
		t.Fatalf("after a report the open ones are %v, want [C-2]", shortIDs(open))
	}
}

// Erasure rewrites documents behind the cache's back: afterwards nothing
// cached still names the person.
func TestCachedForget(t *testing.T) {
	ctx := context.Background()
	st := mongotest.NewCached(t)
	set := fullSet("slack:C1", bot.Slack, t0, "U1", "U2")
	set.Archived = false
	if err := st.CreateSet(ctx, set); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := st.CreateCommitment(ctx, fullCommitment(set.ID, i+1, "U1", bot.CommitmentOpen, t0)); err != nil {
			t.Fatal(err)
		}
	}
	// Fill the cache.
	if cs, _ := st.ListCommitments(ctx, set.ID, "U1", true); len(cs) != 2 {
		t.Fatalf("%d open commitments", len(cs))
	}
	if _, err := st.GetCommitment(ctx, bot.CommitmentID(set.ID, "C-1")); err != nil {
		t.Fatal(err)
	}
	plan, err := bot.NewErasePlan(bot.Slack, "U1", []*bot.Set{set})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ForgetUser(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if cs, _ := st.ListCommitments(ctx, set.ID, "U1", true); len(cs) != 0 {
		t.Fatalf("after erasure U1 still has %d open commitments", len(cs))
	}
	c, err := st.GetCommitment(ctx, bot.CommitmentID(set.ID, "C-1"))
	if err != nil {
		t.Fatal(err)
	}
	if c.UserID == "U1" || c.Text != "" {
		t.Fatalf("after erasure the commitment reads %q by %s", c.Text, c.UserID)
	}
	got, _ := st.GetSet(ctx, set.ID)
	if got.Person("U1") != nil {
		t.Fatal("after erasure the cached set still names U1")
	}
}

// Parallel writers and readers of one member's commitments, cached: in the
// end the open list is what the commitments say.
func TestCachedOpenCommitmentsConcurrent(t *testing.T) {
	ctx := context.Background()
	st := mongotest.NewCached(t)
	const n = 12
	errs := make(chan error, 2*n)
	for i := range n {
		go func() {
			c := fullCommitment("slack:C1", i+1, "U1", bot.CommitmentOpen, t0.Add(time.Duration(i)*time.Second))
			err := st.CreateCommitment(ctx, c)
			if err == nil && i%3 == 0 {
				err = st.AddReport(ctx, c.ID, bot.Report{Status: bot.ReportDone, Text: "done", At: t0}, bot.CommitmentDone)
			}
			errs <- err
		}()
		go func() {
			_, err := st.ListCommitments(ctx, "slack:C1", "U1", true)
			errs <- err
		}()
	}
	for range 2 * n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.ListCommitments(ctx, "slack:C1", "U1", true)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range n {
		if i%3 != 0 {
			want = append(want, fmt.Sprintf("C-%d", i+1))
		}
	}
	if g := shortIDs(got); !reflect.DeepEqual(g, want) {
		t.Fatalf("open commitments %v, want %v", g, want)
	}
}

// A commitment revised (edited, dropped) or a session deleted shows in the
// next reads, cached or not.
func TestRevisionsFollowed(t *testing.T) {
	ctx := context.Background()
	for _, sm := range stores {
		t.Run(sm.name, func(t *testing.T) {
			st := sm.open(t)
			for i := range 2 {
				if err := st.CreateCommitment(ctx, fullCommitment("slack:C1", i+1, "U1", bot.CommitmentOpen, t0.Add(time.Duration(i)*time.Minute))); err != nil {
					t.Fatal(err)
				}
			}
			// Read everything once, so a cache holds it.
			if cs, _ := st.ListCommitments(ctx, "slack:C1", "U1", true); len(cs) != 2 {
				t.Fatalf("%d open", len(cs))
			}
			if cs, _ := st.ListCommitments(ctx, "slack:C1", "", false); len(cs) != 2 {
				t.Fatalf("%d in the set", len(cs))
			}
			id1, id2 := bot.CommitmentID("slack:C1", "C-1"), bot.CommitmentID("slack:C1", "C-2")
			if _, err := st.GetCommitment(ctx, id1); err != nil {
				t.Fatal(err)
			}
			change := bot.CommitmentChange{At: t0, By: "U1", Kind: "edited"}
			if err := st.ReviseCommitment(ctx, id1, "Call the duty team", time.Time{}, bot.CommitmentOpen, change); err != nil {
				t.Fatal(err)
			}
			change.Kind = "dropped"
			if err := st.ReviseCommitment(ctx, id2, "Talk to the team", time.Time{}, bot.CommitmentDropped, change); err != nil {
				t.Fatal(err)
			}
			open, _ := st.ListCommitments(ctx, "slack:C1", "U1", true)
			if len(open) != 1 || open[0].ShortID != "C-1" || open[0].Text != "Call the duty team" {
				t.Fatalf("open after the revisions: %+v", open)
			}
			if c, _ := st.GetCommitment(ctx, id1); c.Text != "Call the duty team" {
				t.Fatalf("C-1 reads %q", c.Text)
			}
			if all, _ := st.ListCommitments(ctx, "slack:C1", "", true); len(all) != 1 {
				t.Fatalf("the set's open commitments: %v", shortIDs(all))
			}

			for n := 1; n <= 2; n++ {
				if err := st.CreateSession(ctx, fullSession("slack:C1", n)); err != nil {
					t.Fatal(err)
				}
			}
			if l, _ := st.ListSessions(ctx, "slack:C1"); len(l) != 2 {
				t.Fatalf("%d sessions", len(l))
			}
			if err := st.DeleteSession(ctx, bot.SessionID("slack:C1", 2)); err != nil {
				t.Fatal(err)
			}
			if l, _ := st.ListSessions(ctx, "slack:C1"); len(l) != 1 {
				t.Fatalf("after a deletion %d sessions are listed", len(l))
			}
			if _, err := st.GetSession(ctx, bot.SessionID("slack:C1", 2)); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Fatalf("a deleted session reads: %v", err)
			}
		})
	}
}
