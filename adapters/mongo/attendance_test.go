package mongo_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

func TestCheckInsAndBids(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	sess := fullSession("slack:C1", 1) // U1, U2 in the session document (data from before)
	if err := st.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	in := func(user string) bot.CheckIn {
		return bot.CheckIn{SetID: sess.SetID, SessionID: sess.ID, UserID: user, At: t0.Add(time.Hour)}
	}
	steps := []struct {
		name string
		do   func() (string, error)
		want string
	}{
		{"check in", func() (string, error) { a, n, err := st.CheckIn(ctx, in("U3")); return fmt.Sprint(a, n), err }, "true 1"},
		{"again", func() (string, error) { a, n, err := st.CheckIn(ctx, in("U3")); return fmt.Sprint(a, n), err }, "false 0"},
		{"another", func() (string, error) { a, n, err := st.CheckIn(ctx, in("U4")); return fmt.Sprint(a, n), err }, "true 2"},
		{"bid when checked in", func() (string, error) {
			r, c, err := st.PutBid(ctx, in("U3"), bot.Bid{UserID: "U3", Title: "Cover", At: t0})
			return fmt.Sprint(r, c), err
		}, "false false"},
		{"bid again", func() (string, error) {
			r, c, err := st.PutBid(ctx, in("U3"), bot.Bid{UserID: "U3", Title: "Rotas", At: t0})
			return fmt.Sprint(r, c), err
		}, "true false"},
		{"bid checks in", func() (string, error) {
			r, c, err := st.PutBid(ctx, in("U5"), bot.Bid{UserID: "U5", At: t0})
			return fmt.Sprint(r, c), err
		}, "false true"},
		{"bid over the session document's", func() (string, error) {
			r, c, err := st.PutBid(ctx, in("U1"), bot.Bid{UserID: "U1", Title: "Budget", At: t0})
			return fmt.Sprint(r, c), err
		}, "false true"},
	}
	for _, s := range steps {
		got, err := s.do()
		if err != nil || got != s.want {
			t.Fatalf("%s: %s (%v), want %s", s.name, got, err, s.want)
		}
	}

	got, err := st.GetSession(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ids := attendees(got); ids != "U1 U2 U3 U4 U5" {
		t.Errorf("attendees %s", ids)
	}
	bids := map[string]string{}
	for _, b := range got.Bids {
		bids[b.UserID] = b.Title
	}
	if fmt.Sprint(bids) != "map[U1:Budget U3:Rotas U5:]" {
		t.Errorf("bids %v", bids)
	}
	list, err := st.ListSessions(ctx, sess.SetID)
	if err != nil || len(list) != 1 || attendees(list[0]) != "U1 U2 U3 U4 U5" {
		t.Fatalf("listed %v (%v)", list, err)
	}

	// A save of the session read with the check-ins leaves them to their
	// documents: undone after it, a check-in stays undone.
	got.Rounds = append(got.Rounds, bot.Round{Number: 2, Presenter: "U3", Phase: bot.PhasePresenting})
	if err := st.SaveSession(ctx, got); err != nil {
		t.Fatal(err)
	}
	var raw bson.M
	if err := st.Database().Collection("sessions").FindOne(ctx, bson.D{{Key: "_id", Value: sess.ID}}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if n := len(raw["attendees"].(bson.A)); n != 2 {
		t.Errorf("the session document holds %d check-ins, want its own 2", n)
	}
	if ok, err := st.DeleteCheckIn(ctx, sess.ID, "U3"); !ok || err != nil {
		t.Fatalf("delete check-in: %v %v", ok, err)
	}
	if ok, err := st.DeleteCheckIn(ctx, sess.ID, "U3"); ok || err != nil {
		t.Fatalf("delete it again: %v %v, want false", ok, err)
	}
	got, err = st.GetSession(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ids := attendees(got); ids != "U1 U2 U4 U5" {
		t.Errorf("after the undo: attendees %s", ids)
	}
	for _, b := range got.Bids {
		if b.UserID == "U3" {
			t.Error("the undone check-in's bid is still there")
		}
	}
}

func attendees(s *bot.Session) string {
	ids := make([]string, len(s.Attendees))
	for i, a := range s.Attendees {
		ids[i] = a.UserID
	}
	return strings.Join(ids, " ")
}

// TestCheckInRace: members check in at the same moment through two
// clients, one of which claims versions as with a shared server: every
// check-in is kept, whatever else saves the session meanwhile.
func TestCheckInRace(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	other := mongotest.Replica(t, st)
	mongo.ShareServer(other)
	sess := fullSession("slack:C1", 1)
	sess.Attendees, sess.Bids = nil, nil
	if err := st.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	const members = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*members)
	for i := range members {
		s := []*mongo.Store{st, other}[i%2]
		wg.Go(func() {
			user := fmt.Sprintf("M%02d", i)
			if i%3 == 0 {
				_, _, err := s.PutBid(ctx, bot.CheckIn{SetID: sess.SetID, SessionID: sess.ID, UserID: user, At: t0}, bot.Bid{UserID: user, At: t0})
				errs <- err
			} else {
				_, _, err := s.CheckIn(ctx, bot.CheckIn{SetID: sess.SetID, SessionID: sess.ID, UserID: user, At: t0})
				errs <- err
			}
			// The round's phase moves on at the same time.
			x, err := s.GetSession(ctx, sess.ID)
			if err == nil {
				x.Rounds[0].Phase = bot.PhaseQuestioning
				err = s.SaveSession(ctx, x)
			}
			if bot.ErrorCode(err) != bot.ECONFLICT {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.GetSession(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Attendees) != members || len(got.Bids) != (members+2)/3 {
		t.Errorf("%d check-ins and %d bids kept, want %d and %d", len(got.Attendees), len(got.Bids), members, (members+2)/3)
	}
}

// TestVersionClaims: on a FerretDB shared with other processes each new
// version is claimed in the unique index before it is written.
func TestVersionClaims(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	if !isFerret(t, st) {
		t.Skip("MongoDB: the filtered replace is the compare-and-set; no claims")
	}
	mongo.ShareServer(st)
	set := fullSet("slack:C1", bot.Slack, t0, "U1")
	if err := st.CreateSet(ctx, set); err != nil {
		t.Fatal(err)
	}
	claims := st.Database().Collection("claims")
	claim := func(version int64, attempt int, at time.Time) {
		t.Helper()
		if _, err := claims.InsertOne(ctx, bson.D{{Key: "_id", Value: mongo.VersionKey("sessions", set.ID, version, attempt)}, {Key: "at", Value: at}}); err != nil {
			t.Fatal(err)
		}
	}

	// A save claims version 1, then 2.
	for want := int64(1); want <= 2; want++ {
		before := st.RoundTrips()
		if err := st.SaveSet(ctx, set); err != nil || set.Version != want {
			t.Fatalf("save: version %d (%v), want %d", set.Version, err, want)
		}
		if trips := st.RoundTrips() - before; trips != 2 {
			t.Errorf("a save took %d round trips, want 2 (claim, replace)", trips)
		}
		n, err := claims.CountDocuments(ctx, bson.D{{Key: "_id", Value: mongo.VersionKey("sessions", set.ID, want, 0)}})
		if err != nil || n != 1 {
			t.Fatalf("claim of version %d: %d (%v)", want, n, err)
		}
	}

	// Someone else holds version 3 and is writing it: this save is stale.
	claim(3, 0, time.Now())
	stale := *set
	if err := st.SaveSet(ctx, &stale); !bot.IsStale(err) {
		t.Fatalf("save against a live claim: %v, want a stale conflict", err)
	}
	if got, _ := st.GetSet(ctx, set.ID); got.Version != 2 {
		t.Fatalf("version %d after a refused save, want 2", got.Version)
	}

	// Its holder died before writing: once the claim is older than the
	// lease, the next writer takes version 3 over (attempt #1).
	if _, err := claims.DeleteOne(ctx, bson.D{{Key: "_id", Value: mongo.VersionKey("sessions", set.ID, 3, 0)}}); err != nil {
		t.Fatal(err)
	}
	claim(3, 0, time.Now().Add(-time.Hour))
	if err := st.SaveSet(ctx, set); err != nil || set.Version != 3 {
		t.Fatalf("save after an expired claim: version %d (%v), want 3", set.Version, err)
	}

	// A stale copy asks for a version that was claimed and written.
	old := *set
	old.Version = 1
	if err := st.SaveSet(ctx, &old); !bot.IsStale(err) {
		t.Fatalf("save of version 1 again: %v, want a stale conflict", err)
	}
}

func isFerret(t *testing.T, st *mongo.Store) bool {
	t.Helper()
	var info bson.M
	if err := st.Database().RunCommand(context.Background(), bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		t.Fatal(err)
	}
	_, ok := info["ferretdbVersion"]
	return ok
}

// TestDataDirLocked: a second store on the same data directory is refused
// with a sentence that says why and what to do, until the first closes.
func TestDataDirLocked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first, err := mongo.Open(ctx, mongo.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	_, err = mongo.Open(ctx, mongo.Config{DataDir: dir})
	if err == nil {
		t.Fatal("a second store opened the same data directory")
	}
	for _, want := range []string{"in use by process", "belongs to one alsbot process", "ALSBOT_DATA_DIR", "MONGODB_URI"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if err := first.Close(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := mongo.Open(ctx, mongo.Config{DataDir: dir})
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	_ = again.Close(ctx)
}

// TestReportClaims: on a FerretDB shared with other processes the n-th
// report of a commitment is claimed before its $push, so two reports at the
// same moment cannot overwrite each other.
func TestReportClaims(t *testing.T) {
	ctx := context.Background()
	st := mongotest.New(t)
	if !isFerret(t, st) {
		t.Skip("MongoDB: the $push is atomic; no claims")
	}
	mongo.ShareServer(st)
	c := fullCommitment("slack:C1", 1, "U1", bot.CommitmentOpen, t0)
	c.Reports = nil
	if err := st.CreateCommitment(ctx, c); err != nil {
		t.Fatal(err)
	}
	report := func() error {
		return st.AddReport(ctx, c.ID, bot.Report{Status: bot.ReportProgress, Text: "x", At: t0}, bot.CommitmentOpen)
	}
	claims := st.Database().Collection("claims")
	reports := func() int {
		t.Helper()
		got, err := st.GetCommitment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(got.Reports)
	}
	if err := report(); err != nil || reports() != 1 {
		t.Fatalf("first report: %v, %d stored", err, reports())
	}
	// Report 2 is being written by someone else: this one is stale.
	if _, err := claims.InsertOne(ctx, bson.D{{Key: "_id", Value: "report:" + c.ID + "/2#0"}, {Key: "at", Value: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if err := report(); !bot.IsStale(err) || reports() != 1 {
		t.Fatalf("report against a live claim: %v, %d stored; want a stale conflict and 1", err, reports())
	}
	// Its writer died: after the lease the claim is taken over.
	if _, err := claims.UpdateOne(ctx, bson.D{{Key: "_id", Value: "report:" + c.ID + "/2#0"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: time.Now().Add(-time.Hour)}}}}); err != nil {
		t.Fatal(err)
	}
	if err := report(); err != nil || reports() != 2 {
		t.Fatalf("report after an expired claim: %v, %d stored; want 2", err, reports())
	}
	if err := st.AddReport(ctx, "slack:C1/C-99", bot.Report{Status: bot.ReportDone, At: t0}, bot.CommitmentDone); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("report on a missing commitment: %v, want ENOTFOUND", err)
	}
}

// TestCheckInCached: on a caching store (the embedded one, the only writer
// of its files) a second press of "I'm here" is answered from memory, and
// the count of a new check-in too.
func TestCheckInCached(t *testing.T) {
	ctx := context.Background()
	st := mongotest.NewCached(t)
	sess := fullSession("slack:C1", 1)
	sess.Attendees, sess.Bids = nil, nil
	if err := st.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	in := func(user string) bot.CheckIn {
		return bot.CheckIn{SetID: sess.SetID, SessionID: sess.ID, UserID: user, At: t0}
	}
	steps := []struct {
		user  string
		want  string
		trips int64
	}{
		{"U1", "true 1", 1}, // the insert; the count from the cache
		{"U1", "false 0", 0},
		{"U2", "true 2", 1},
		{"U2", "false 0", 0},
	}
	for _, s := range steps {
		if _, err := st.GetSession(ctx, sess.ID); err != nil { // fills the cache
			t.Fatal(err)
		}
		before := st.RoundTrips()
		added, n, err := st.CheckIn(ctx, in(s.user))
		if got := fmt.Sprint(added, n); err != nil || got != s.want {
			t.Fatalf("check in %s: %s (%v), want %s", s.user, got, err, s.want)
		}
		if trips := st.RoundTrips() - before; trips != s.trips {
			t.Errorf("check in %s (%s) took %d round trips, want %d", s.user, s.want, trips, s.trips)
		}
	}
}
