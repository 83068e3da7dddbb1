package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

// readOn runs read under the set b remembers and then EndRead, as the
// router runs a read-only command, and returns the first error and the
// round trips of both.
func readOn(t *testing.T, b *mongo.Store, setID string, read func(context.Context) error) (int64, error) {
	t.Helper()
	_, ctx, ok := b.BeginRead(context.Background(), setID, "", false)
	if !ok {
		t.Fatalf("%s is not remembered", setID)
	}
	before := b.RoundTrips()
	err := read(ctx)
	if err == nil {
		err = b.EndRead(ctx)
	}
	return b.RoundTrips() - before, err
}

// twoReplicas are two stores on one database, as two replicas of the bot
// have, and a set a created.
func twoReplicas(t *testing.T) (a, b *mongo.Store, set *bot.Set) {
	t.Helper()
	a = mongotest.New(t)
	b = mongotest.Replica(t, a)
	set = fullSet("slack:C1", bot.Slack, t0, "U1")
	if err := a.CreateSet(context.Background(), set); err != nil {
		t.Fatal(err)
	}
	return a, b, set
}

// TestRememberedSetChecked: replica b remembers a set; a read on it is one
// round trip while the set is unchanged, and stale (the router runs it
// again on the set read afresh) once replica a has saved the set, whichever
// read (or none) the command made.
func TestRememberedSetChecked(t *testing.T) {
	ctx := context.Background()
	a, b, set := twoReplicas(t)
	if err := a.CreateSession(ctx, fullSession(set.ID, 1)); err != nil {
		t.Fatal(err)
	}
	reads := []struct {
		name string
		read func(context.Context) error
	}{
		{"sessions", func(ctx context.Context) error { _, err := b.ListSessions(ctx, set.ID); return err }},
		{"session", func(ctx context.Context) error { _, err := b.GetSession(ctx, bot.SessionID(set.ID, 1)); return err }},
		{"open commitments", func(ctx context.Context) error { _, err := b.ListCommitments(ctx, set.ID, "U1", true); return err }},
		{"no read", func(context.Context) error { return nil }},
	}
	for _, r := range reads {
		t.Run(r.name, func(t *testing.T) {
			if _, err := b.GetSet(ctx, set.ID); err != nil { // remembers it
				t.Fatal(err)
			}
			// Once without a remembered set: a missing open document is
			// built by its first read.
			if err := r.read(ctx); err != nil {
				t.Fatal(err)
			}
			trips, err := readOn(t, b, set.ID, r.read)
			if err != nil || trips != 1 {
				t.Errorf("unchanged set: %d round trips, err %v; want 1, nil", trips, err)
			}
			set.Name = "Renamed " + r.name
			if err := a.SaveSet(ctx, set); err != nil {
				t.Fatal(err)
			}
			if _, err := readOn(t, b, set.ID, r.read); !bot.IsStale(err) {
				t.Errorf("after a save on the other replica: err %v, want a stale error", err)
			}
			// The stale read brought the set (or read it, when it read
			// nothing else): the second run is on the saved set.
			fresh, _, ok := b.BeginRead(ctx, set.ID, "", false)
			if !ok || fresh.Name != set.Name || fresh.Version != set.Version {
				t.Fatalf("remembered after the stale read: %+v (%v), want the saved set", fresh, ok)
			}
			if trips, err := readOn(t, b, set.ID, r.read); err != nil || trips != 1 {
				t.Errorf("on the fresh set: %d round trips, err %v; want 1, nil", trips, err)
			}
		})
	}
}

// TestOwnSaveRemembered: a replica's own save leaves its set remembered
// at the new version, so its next read needs no extra round trip.
func TestOwnSaveRemembered(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	set := fullSet("slack:C1", bot.Slack, t0, "U1")
	if err := st.CreateSet(ctx, set); err != nil {
		t.Fatal(err)
	}
	set.Name = "Renamed"
	if err := st.SaveSet(ctx, set); err != nil {
		t.Fatal(err)
	}
	got, _, ok := st.BeginRead(ctx, set.ID, "", false)
	if !ok || got.Name != "Renamed" || got.Version != set.Version {
		t.Fatalf("remembered %+v (%v), want the saved set", got, ok)
	}
	trips, err := readOn(t, st, set.ID, func(ctx context.Context) error { _, err := st.ListSessions(ctx, set.ID); return err })
	if err != nil || trips != 1 {
		t.Errorf("%d round trips, err %v; want 1, nil", trips, err)
	}
}

// TestSetReadWithDocuments: a read of the sessions brings the set with
// them; when another replica has saved it, the read is stale and the set
// it brought is remembered, so the command's second run needs no read of
// the set of its own. The set document is no session: listings never show
// it.
func TestSetReadWithDocuments(t *testing.T) {
	ctx := context.Background()
	a, b, set := twoReplicas(t)
	list := func(ctx context.Context) error { _, err := b.ListSessions(ctx, set.ID); return err }
	if _, err := b.GetSet(ctx, set.ID); err != nil {
		t.Fatal(err)
	}
	set.Name = "Renamed"
	if err := a.SaveSet(ctx, set); err != nil {
		t.Fatal(err)
	}
	if _, err := readOn(t, b, set.ID, list); !bot.IsStale(err) {
		t.Errorf("read of a set saved elsewhere: err %v, want a stale error", err)
	}
	got, _, ok := b.BeginRead(ctx, set.ID, "", false)
	if !ok || got.Name != "Renamed" || got.Version != set.Version {
		t.Fatalf("remembered after the stale read: %+v (%v), want the saved set", got, ok)
	}
	if trips, err := readOn(t, b, set.ID, list); err != nil || trips != 1 {
		t.Errorf("second run: %d round trips, err %v; want 1, nil", trips, err)
	}
	if ss, err := b.ListSessions(ctx, set.ID); err != nil || len(ss) != 0 {
		t.Errorf("sessions %v (%v), want none", ss, err)
	}
	if ss, err := b.SessionsOfSets(ctx, []string{set.ID}); err != nil || len(ss) != 0 {
		t.Errorf("sessions of sets %v (%v), want none", ss, err)
	}
}

// TestMigrateSetDocs: sets, check-ins and bids and commitments older
// versions kept in collections of their own are moved into the sessions
// collection when the store opens (a set over its stamp, keeping the
// higher commitment counter), and the old collections are gone; open
// commitments are rebuilt from the commitments.
func TestMigrateSetDocs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := mongo.Open(ctx, mongo.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	sess := fullSession("slack:C1", 1)
	sess.Attendees, sess.Bids = nil, nil
	if err := st.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	c := &bot.Commitment{ID: "slack:C1/c1", ShortID: "c1", SetID: "slack:C1", UserID: "U1", Text: "Call the team", Status: bot.CommitmentOpen, CreatedAt: t0}
	if err := st.CreateCommitment(ctx, c); err != nil {
		t.Fatal(err)
	}
	db := st.Database()
	old := []any{
		bson.D{{Key: "_id", Value: sess.ID + "/U7"}, {Key: "set_id", Value: sess.SetID}, {Key: "session_id", Value: sess.ID}, {Key: "user_id", Value: "U7"}, {Key: "at", Value: t0}},
		bson.D{{Key: "_id", Value: sess.ID + "/U8"}, {Key: "set_id", Value: sess.SetID}, {Key: "session_id", Value: sess.ID}, {Key: "user_id", Value: "U8"}, {Key: "at", Value: t0.Add(time.Minute)},
			{Key: "bid", Value: bson.D{{Key: "title", Value: "Rota"}, {Key: "at", Value: t0.Add(time.Minute)}}}},
	}
	if _, err := db.Collection("attendance").InsertMany(ctx, old); err != nil {
		t.Fatal(err)
	}
	// A commitment as older versions kept it, with no reports array.
	if _, err := db.Collection("commitments").InsertOne(ctx, bson.D{{Key: "_id", Value: "slack:C1/C-2"}, {Key: "short_id", Value: "C-2"}, {Key: "set_id", Value: "slack:C1"},
		{Key: "user_id", Value: "U1"}, {Key: "text", Value: "Old words"}, {Key: "status", Value: bot.CommitmentOpen}, {Key: "created_at", Value: t0.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	// An old open document that no longer matches the commitments.
	if _, err := db.Collection("open_commitments").InsertOne(ctx, bson.D{{Key: "_id", Value: "slack:C1/U1"}, {Key: "set_id", Value: "slack:C1"}, {Key: "open", Value: bson.D{}}}); err != nil {
		t.Fatal(err)
	}
	// Sets as older versions kept them, one with the stamp the version
	// before this one kept beside it (its counter ahead of the set's).
	c9, c8 := fullSet("slack:C9", bot.Slack, t0, "U1"), fullSet("slack:C8", bot.Slack, t0.Add(time.Hour), "U1")
	c9.CommitSeq, c9.Version, c8.CommitSeq = 3, 2, 5
	// And one a run that failed before deleting its batch had moved already.
	c7 := fullSet("slack:C7", bot.Slack, t0.Add(2*time.Hour), "U2")
	if err := st.CreateSet(ctx, c7); err != nil {
		t.Fatal(err)
	}
	oldC7 := *c7
	oldC7.Name = "Copy left behind"
	if _, err := db.Collection("sets").InsertMany(ctx, []any{c9, c8, &oldC7}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("sessions").InsertOne(ctx, bson.D{{Key: "_id", Value: c9.ID}, {Key: "kind", Value: "stamp"}, {Key: "set_id", Value: c9.ID}, {Key: "version", Value: 3}, {Key: "commit_seq", Value: 7}}); err != nil {
		t.Fatal(err)
	}
	st = reopen(t, st, dir)
	if got, err := st.GetSet(ctx, c9.ID); err != nil || got.CommitSeq != 7 || got.Version != 2 || got.Name != c9.Name {
		t.Errorf("moved set over its stamp: %+v (%v), want the set at version 2 with counter 7", got, err)
	}
	if got, err := st.GetSet(ctx, c8.ID); err != nil || got.CommitSeq != 5 {
		t.Errorf("moved set: %+v (%v), want counter 5", got, err)
	}
	if got, err := st.GetSet(ctx, c7.ID); err != nil || got.Name != c7.Name {
		t.Errorf("set moved before: %+v (%v), want it as it was moved", got, err)
	}
	if sets, err := st.FindSets(ctx, bot.Slack, "U1"); err != nil || len(sets) != 2 || sets[0].ID != c9.ID || sets[1].ID != c8.ID {
		t.Errorf("sets of U1 after the move: %v (%v), want C9 then C8", sets, err)
	}
	if n, err := st.Database().Collection("sessions").CountDocuments(ctx, bson.D{{Key: "kind", Value: "stamp"}}); err != nil || n != 0 {
		t.Errorf("%d stamps left (%v), want none", n, err)
	}
	got, err := st.GetSession(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Attended("U7") || !got.Attended("U8") || len(got.Bids) != 1 || got.Bids[0].Title != "Rota" {
		t.Errorf("after the move: attendees %v, bids %v; want U7 and U8, U8's bid Rota", got.Attendees, got.Bids)
	}
	names, err := st.Database().ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n == "attendance" || n == "open_commitments" || n == "commitments" || n == "sets" {
			t.Errorf("collection %s is still there", n)
		}
	}
	open, err := st.ListCommitments(ctx, "slack:C1", "U1", true)
	if err != nil || len(open) != 2 || open[0].ID != c.ID || open[1].ID != "slack:C1/C-2" {
		t.Errorf("open commitments %v (%v), want %s and the moved slack:C1/C-2", open, err, c.ID)
	}
	if err := st.AddReport(ctx, "slack:C1/C-2", bot.Report{Status: bot.ReportDone, Text: "Done", At: t0.Add(2 * time.Hour)}, bot.CommitmentDone); err != nil {
		t.Fatalf("report on a moved commitment: %v", err)
	}
	if moved, err := st.GetCommitment(ctx, "slack:C1/C-2"); err != nil || moved.Status != bot.CommitmentDone || len(moved.Reports) != 1 {
		t.Errorf("moved commitment after a report: %+v (%v)", moved, err)
	}
	if sessions, err := st.ListSessions(ctx, "slack:C1"); err != nil || len(sessions) != 1 {
		t.Errorf("sessions after the move: %d (%v), want the one session", len(sessions), err)
	}
}

// oldAttendance stores n check-ins in the collection older versions kept
// them in, for session 1 of slack:C1.
func oldAttendance(t *testing.T, st *mongo.Store, n int) {
	t.Helper()
	docs := make([]any, n)
	for i := range docs {
		u := fmt.Sprintf("U%04d", i)
		docs[i] = bson.D{{Key: "_id", Value: "slack:C1/1/" + u}, {Key: "set_id", Value: "slack:C1"}, {Key: "session_id", Value: "slack:C1/1"}, {Key: "user_id", Value: u}, {Key: "at", Value: t0}}
	}
	if _, err := st.Database().Collection("attendance").InsertMany(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
}

// TestMigrationOneMover: replicas starting at once move the old check-ins
// once, in batches, and all of them start; a claim left by a mover that
// died is taken over, and a live one is waited for.
func TestMigrationOneMover(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	sess := fullSession("slack:C1", 1)
	sess.Attendees, sess.Bids = nil, nil
	if err := st.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	cfg := mongo.Config{URI: mongotest.URI(), Database: st.Database().Name()}
	count := func() int {
		t.Helper()
		got, err := st.GetSession(ctx, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(got.Attendees)
	}

	t.Run("replicas at once", func(t *testing.T) {
		oldAttendance(t, st, 1200) // three batches
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			wg.Go(func() {
				r, err := mongo.Open(ctx, cfg)
				errs[i] = err
				if err == nil {
					_ = r.Close(ctx)
				}
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("replica %d: %v", i, err)
			}
		}
		if n := count(); n != 1200 {
			t.Errorf("%d check-ins after the move, want 1200", n)
		}
	})

	claims := st.Database().Collection("claims")
	key := "migrate:attendance-into-sessions"
	t.Run("live claim waited for", func(t *testing.T) {
		oldAttendance(t, st, 1)
		if _, err := claims.InsertOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "at", Value: time.Now().UTC()}}); err != nil {
			t.Fatal(err)
		}
		wctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		if _, err := mongo.Open(wctx, cfg); err == nil {
			t.Error("opened while another replica holds the move")
		}
		if n, err := st.Database().Collection("attendance").CountDocuments(ctx, bson.D{}); err != nil || n != 1 {
			t.Errorf("old check-ins %d (%v), want 1 left for the mover", n, err)
		}
	})
	t.Run("dead mover taken over", func(t *testing.T) {
		if _, err := claims.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}}, bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: time.Now().UTC().Add(-time.Hour)}}}}); err != nil {
			t.Fatal(err)
		}
		r, err := mongo.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		_ = r.Close(ctx)
		if n := count(); n != 1200 { // U0000 again: moved over its first copy
			t.Errorf("%d check-ins, want 1200", n)
		}
		if n, _ := claims.CountDocuments(ctx, bson.D{{Key: "_id", Value: key}}); n != 0 {
			t.Error("the claim was not released")
		}
	})
}

// TestOrderedWritesRefuseWhatChanged: the one-round-trip writes of a
// command on a remembered set (issue 15) stop at their first statement
// when what they write over changed since the command read it, and write
// nothing after it: a report on a commitment another replica reported on
// meanwhile is a stale conflict and both replicas' reports are kept once;
// a commitment number another replica took meanwhile is refused on its id
// and the next one is used; a session saved meanwhile is not overwritten
// and the set's stamp is not raised.
func TestOrderedWritesRefuseWhatChanged(t *testing.T) {
	ctx := context.Background()
	a, b, set := twoReplicas(t)
	if _, err := b.GetSet(ctx, set.ID); err != nil { // b remembers it
		t.Fatal(err)
	}
	c := fullCommitment(set.ID, 1, "U1", bot.CommitmentOpen, t0)
	c.Reports = nil
	if err := a.CreateCommitment(ctx, c); err != nil {
		t.Fatal(err)
	}

	// A report on b, read before a's report landed.
	_, bctx, ok := b.BeginRead(ctx, set.ID, "U1", true)
	if !ok {
		t.Fatal("set not remembered")
	}
	if _, err := b.GetCommitment(bctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.AddReport(ctx, c.ID, bot.Report{Status: bot.ReportProgress, Text: "From a", At: t0}, bot.CommitmentOpen); err != nil {
		t.Fatal(err)
	}
	err := b.AddReport(bctx, c.ID, bot.Report{Status: bot.ReportDone, Text: "From b", At: t0.Add(time.Minute)}, bot.CommitmentDone)
	if !bot.IsStale(err) {
		t.Fatalf("report on a commitment changed since it was read: %v, want a stale conflict", err)
	}
	got, err := a.GetCommitment(ctx, c.ID)
	if err != nil || len(got.Reports) != 1 || got.Reports[0].Text != "From a" || got.Status != bot.CommitmentOpen {
		t.Fatalf("after the refused report: %+v (%v), want a's report only", got, err)
	}
	open, err := a.ListCommitments(ctx, set.ID, "U1", true)
	if err != nil || len(open) != 1 || len(open[0].Reports) != 1 {
		t.Errorf("open commitments after the refused report: %+v (%v), want C-1 with a's report", open, err)
	}

	// A number: b's counter (from the set it checked) says 12, a takes
	// C-13 behind it; b's commit gets the one after the highest.
	_, bctx, _ = b.BeginRead(ctx, set.ID, "U1", true)
	if _, err := b.ListSessions(bctx, set.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.CreateCommitment(ctx, fullCommitment(set.ID, set.CommitSeq+1, "U2", bot.CommitmentOpen, t0)); err != nil {
		t.Fatal(err)
	}
	nc := &bot.Commitment{SetID: set.ID, UserID: "U1", Text: "Next", Status: bot.CommitmentOpen, CreatedAt: t0.Add(time.Hour)}
	n, err := b.AddCommitment(bctx, nc, 0)
	if err != nil || n != set.CommitSeq+2 {
		t.Fatalf("commit after numbers taken elsewhere: C-%d (%v), want C-%d", n, err, set.CommitSeq+2)
	}

	// A session: saved on a after b read it; b's save with the set is
	// refused, and the set is not saved either.
	sess := fullSession(set.ID, 1)
	if err := a.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	bset, bctx, _ := b.BeginRead(ctx, set.ID, "", true)
	stale, err := b.GetSession(bctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := a.GetSession(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	fresh.Where = "Saved on a"
	if err := a.SaveSession(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	stale.Where = "Saved on b"
	bset.OpenSession = 1
	if err := b.SaveSessionAndSet(bctx, stale, bset); !bot.IsStale(err) {
		t.Fatalf("save of a session changed since it was read: %v, want a stale conflict", err)
	}
	if got, err := a.GetSession(ctx, sess.ID); err != nil || got.Where != "Saved on a" {
		t.Errorf("session after the refused save: %q (%v)", got.Where, err)
	}
	if got, err := a.GetSet(ctx, set.ID); err != nil || got.OpenSession != set.OpenSession || got.Version != set.Version {
		t.Errorf("set after the refused save: open session %d, version %d (%v); want %d, %d", got.OpenSession, got.Version, err, set.OpenSession, set.Version)
	}
	if n, err := readOn(t, b, set.ID, func(ctx context.Context) error { _, err := b.ListSessions(ctx, set.ID); return err }); err != nil || n != 1 {
		t.Errorf("a read after the refused save: %d round trips (%v), want 1 (the set was not saved)", n, err)
	}

	// The session as read, the set saved on a meanwhile: the session is
	// saved, the set is not, and the error says so.
	bset, bctx, _ = b.BeginRead(ctx, set.ID, "", true)
	cur, err := b.GetSession(bctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	aset, err := a.GetSet(ctx, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	aset.Name = "Renamed on a"
	if err := a.SaveSet(ctx, aset); err != nil {
		t.Fatal(err)
	}
	cur.Where = "Saved on b"
	bset.OpenSession = 1
	err = b.SaveSessionAndSet(bctx, cur, bset)
	var notSaved *bot.SetNotSavedError
	if !errors.As(err, &notSaved) || !bot.IsStale(err) {
		t.Fatalf("save with a set changed meanwhile: %v, want a stale *SetNotSavedError", err)
	}
	if got, err := a.GetSession(ctx, sess.ID); err != nil || got.Where != "Saved on b" {
		t.Errorf("session after a save whose set was refused: %q (%v), want saved", got.Where, err)
	}
	if got, err := a.GetSet(ctx, set.ID); err != nil || got.OpenSession != set.OpenSession || got.Name != "Renamed on a" {
		t.Errorf("set after its refused save: %+v (%v), want a's", got, err)
	}
}

// TestOrderedWritesDoNotRevive: an ordered write meant as an update of a
// document another replica deleted meanwhile does not bring it back: a
// session deleted (a schedule replaced) while session start saves it is
// ENOTFOUND and stays deleted; a report on a commitment gone meanwhile is
// ENOTFOUND and leaves no fragment holding the report's words.
func TestOrderedWritesDoNotRevive(t *testing.T) {
	ctx := context.Background()
	a, b, set := twoReplicas(t)
	if _, err := b.GetSet(ctx, set.ID); err != nil {
		t.Fatal(err)
	}
	sess := fullSession(set.ID, 1)
	sess.Attendees, sess.Bids = nil, nil
	if err := a.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	bset, bctx, _ := b.BeginRead(ctx, set.ID, "", true)
	all, err := b.ListSessions(bctx, set.ID)
	if err != nil || len(all) != 1 {
		t.Fatalf("sessions %d (%v)", len(all), err)
	}
	if err := a.DeleteSession(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	all[0].Status = bot.SessionOpen
	bset.OpenSession = 1 // fullSet has 2 open
	if err := b.SaveSessionAndSet(bctx, all[0], bset); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("save of a session deleted meanwhile: %v, want ENOTFOUND", err)
	}
	if _, err := a.GetSession(ctx, sess.ID); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("the deleted session after the save: %v, want still ENOTFOUND", err)
	}
	// The set was saved with it, and is put back as it was.
	if got, err := a.GetSet(ctx, set.ID); err != nil || got.OpenSession != set.OpenSession {
		t.Errorf("set after saving a session deleted meanwhile: open session %d (%v), want %d", got.OpenSession, err, set.OpenSession)
	}

	c := fullCommitment(set.ID, 1, "U1", bot.CommitmentOpen, t0)
	if err := a.CreateCommitment(ctx, c); err != nil {
		t.Fatal(err)
	}
	_, bctx, _ = b.BeginRead(ctx, set.ID, "U1", true)
	if _, err := b.GetCommitment(bctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Database().Collection("sessions").DeleteOne(ctx, bson.D{{Key: "_id", Value: c.ID}}); err != nil {
		t.Fatal(err)
	}
	err = b.AddReport(bctx, c.ID, bot.Report{Status: bot.ReportDone, Text: "Words of a report", At: t0}, bot.CommitmentDone)
	if bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("report on a commitment gone meanwhile: %v, want ENOTFOUND", err)
	}
	if n, err := a.Database().Collection("sessions").CountDocuments(ctx, bson.D{{Key: "reports.text", Value: "Words of a report"}}); err != nil || n != 0 {
		t.Errorf("%d documents hold the report's words (%v), want none", n, err)
	}
}

// TestSaveSessionAndSet: on each kind of store (caching, remembering, a
// shared FerretDB), the session and its set are saved together, in one
// round trip where the store can; a stale session saves neither, and a
// stale set after its session is saved is a *SetNotSavedError; a new
// session is numbered past a taken number, and the set's change sees the
// number; what is read afterwards (from memory or the server) is what the
// server holds.
func TestSaveSessionAndSet(t *testing.T) {
	ctx := context.Background()
	stores := []struct {
		name  string
		open  func(testing.TB) *mongo.Store
		trips int64
	}{
		{"cached", mongotest.NewCached, 1},
		{"remembering", mongotest.New, 1},
		{"shared", func(tb testing.TB) *mongo.Store { st := mongotest.New(tb); mongo.ShareServer(st); return st }, -1},
	}
	for _, sc := range stores {
		t.Run(sc.name, func(t *testing.T) {
			st := sc.open(t)
			set := fullSet("slack:C1", bot.Slack, t0, "U1")
			sess := fullSession(set.ID, 1)
			sess.Attendees, sess.Bids = nil, nil
			if err := st.CreateSet(ctx, set); err != nil {
				t.Fatal(err)
			}
			if err := st.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
			stale, staleSet := *sess, *set
			sess.Where, set.OpenSession = "Room 2", 1
			before := st.RoundTrips()
			if err := st.SaveSessionAndSet(ctx, sess, set); err != nil {
				t.Fatal(err)
			}
			if n := st.RoundTrips() - before; sc.trips > 0 && n != sc.trips {
				t.Errorf("%d round trips, want %d", n, sc.trips)
			}
			check := func(where string, open int, version int64) {
				t.Helper()
				gs, err := st.GetSession(ctx, sess.ID)
				if err != nil || gs.Where != where {
					t.Errorf("session where %q (%v), want %q", gs.Where, err, where)
				}
				g, err := st.GetSet(ctx, set.ID)
				if err != nil || g.OpenSession != open || g.Version != version {
					t.Errorf("set open %d at %d (%v), want %d at %d", g.OpenSession, g.Version, err, open, version)
				}
			}
			check("Room 2", 1, staleSet.Version+1)

			stale.Where, staleSet.OpenSession = "Room 9", 9
			if err := st.SaveSessionAndSet(ctx, &stale, &staleSet); !bot.IsStale(err) || errors.As(err, new(*bot.SetNotSavedError)) {
				t.Errorf("stale session: %v, want a stale error saving nothing", err)
			}
			check("Room 2", 1, set.Version)

			sess.Where = "Room 3"
			if err := st.SaveSessionAndSet(ctx, sess, &staleSet); !errors.As(err, new(*bot.SetNotSavedError)) || !bot.IsStale(err) {
				t.Errorf("stale set: %v, want a stale *SetNotSavedError", err)
			}
			check("Room 3", 1, set.Version)

			// A new session, its number taken (the set's counter behind):
			// the next one, which the set's change sees.
			set.SessionSeq = 0
			extra := &bot.Session{SetID: set.ID, Start: t0, Duration: time.Hour, Status: bot.SessionOpen, Adhoc: true}
			if err := st.AddSessionAndSet(ctx, extra, set, func(s *bot.Set) { s.OpenSession, s.SessionSeq = extra.Number, extra.Number }); err != nil {
				t.Fatal(err)
			}
			if extra.Number != 2 || set.OpenSession != 2 || set.SessionSeq != 2 {
				t.Errorf("added session %d, set open %d, counter %d; want 2, 2, 2", extra.Number, set.OpenSession, set.SessionSeq)
			}
			if g, err := st.GetSet(ctx, set.ID); err != nil || g.OpenSession != 2 || g.Version != set.Version {
				t.Errorf("set after the added session: %+v (%v)", g, err)
			}
			if gs, err := st.GetSession(ctx, extra.ID); err != nil || !gs.Adhoc {
				t.Errorf("added session: %+v (%v)", gs, err)
			}
		})
	}
}

// TestSetIDNamesNoOtherDocument: a set is read by its id alone, so an id
// that names another document of the sessions collection (a session, from
// a forged button) is no set.
func TestSetIDNamesNoOtherDocument(t *testing.T) {
	ctx := context.Background()
	for _, open := range []func(testing.TB) *mongo.Store{mongotest.New, mongotest.NewCached} {
		st := open(t)
		sess := fullSession("slack:C1", 1)
		if err := st.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if got, err := st.GetSet(ctx, sess.ID); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("GetSet(%q) = %+v, %v; want ENOTFOUND", sess.ID, got, err)
		}
	}
}

// TestRemoteCounterAfterCheck: a commit on a remembered set that no read
// checked takes the commitment counter from the check, not from the
// remembered set (which commits elsewhere do not change): its number is
// the next one at the first try, in two round trips.
func TestRemoteCounterAfterCheck(t *testing.T) {
	ctx := context.Background()
	a, b, set := twoReplicas(t)
	if _, err := b.GetSet(ctx, set.ID); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		_, actx, _ := a.BeginRead(ctx, set.ID, "U2", true)
		c := &bot.Commitment{SetID: set.ID, UserID: "U2", Text: fmt.Sprintf("On a %d", i), Status: bot.CommitmentOpen, CreatedAt: t0}
		if _, err := a.AddCommitment(actx, c, 0); err != nil {
			t.Fatal(err)
		}
	}
	_, bctx, _ := b.BeginRead(ctx, set.ID, "U1", true)
	before := b.RoundTrips()
	n, err := b.AddCommitment(bctx, &bot.Commitment{SetID: set.ID, UserID: "U1", Text: "On b", Status: bot.CommitmentOpen, CreatedAt: t0}, 0)
	if trips := b.RoundTrips() - before; err != nil || n != set.CommitSeq+4 || trips != 2 {
		t.Errorf("commit on b: C-%d in %d round trips (%v); want C-%d in 2", n, trips, err, set.CommitSeq+4)
	}
}

// TestReportWhereTheOpenDocumentIsMissing: a report whose member has no
// open document yet (the report's update creates it) is stored and
// answered as stored: the upsert of the open document is not taken for a
// commitment deleted meanwhile (FerretDB numbers upserts among upserts).
func TestReportWhereTheOpenDocumentIsMissing(t *testing.T) {
	ctx := context.Background()
	a, b, set := twoReplicas(t)
	c := fullCommitment(set.ID, 1, "U1", bot.CommitmentOpen, t0)
	if err := a.CreateCommitment(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Database().Collection("sessions").DeleteOne(ctx, bson.D{{Key: "_id", Value: set.ID + "/open/U1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.GetSet(ctx, set.ID); err != nil {
		t.Fatal(err)
	}
	_, bctx, _ := b.BeginRead(ctx, set.ID, "U1", true)
	if _, err := b.GetCommitment(bctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.AddReport(bctx, c.ID, bot.Report{Status: bot.ReportDone, Text: "Done", At: t0.Add(time.Hour)}, bot.CommitmentDone); err != nil {
		t.Fatalf("report: %v, want stored", err)
	}
	got, err := a.GetCommitment(ctx, c.ID)
	if err != nil || got.Status != bot.CommitmentDone || len(got.Reports) != 2 {
		t.Errorf("after the report: %+v (%v), want done with 2 reports", got, err)
	}
}
