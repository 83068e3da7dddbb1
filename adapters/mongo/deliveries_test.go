package mongo_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

func delivery(id string, due time.Time) *bot.Delivery {
	return &bot.Delivery{ID: id, Kind: bot.DeliverReminder, SetID: "shell:west", SessionID: "shell:west/1", UserID: "ana",
		Ref: due.Add(time.Hour), Due: due, NotBefore: due, Until: due.Add(time.Hour)}
}

func deliveryIDs(ds []*bot.Delivery) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func TestDeliveriesQueue(t *testing.T) {
	ctx := t.Context()
	s := mongotest.New(t)
	if err := s.EnsureDeliveryIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	msg := &bot.Message{Kind: bot.KindActionPrompt, Text: "hi", Buttons: []bot.Button{{Label: "Go", Command: "commit", Form: bot.CommitForm()}}}
	full := delivery("d-msg", t0.Add(-time.Minute))
	full.Kind, full.To, full.Message, full.Round, full.Phase = bot.DeliverMessage, &bot.Destination{Platform: bot.Slack, UserID: "U1"}, msg, 2, bot.PhaseAction

	added, err := s.AddDeliveries(ctx, []*bot.Delivery{delivery("d-2", t0.Add(time.Hour)), delivery("d-1", t0), full})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"d-2", "d-1", "d-msg"}; !reflect.DeepEqual(added, want) {
		t.Fatalf("added %v, want %v", added, want)
	}

	t.Run("a key already pending is left as it is", func(t *testing.T) {
		again := delivery("d-1", t0.Add(5*time.Hour))
		added, err := s.AddDeliveries(ctx, []*bot.Delivery{again, delivery("d-3", t0.Add(2*time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(added, []string{"d-3"}) {
			t.Fatalf("added %v", added)
		}
		all, err := s.PendingDeliveries(ctx, "shell:west", "")
		if err != nil {
			t.Fatal(err)
		}
		if got := deliveryIDs(all); !reflect.DeepEqual(got, []string{"d-msg", "d-1", "d-2", "d-3"}) {
			t.Fatalf("pending %v", got)
		}
		if !all[1].Due.Equal(t0) {
			t.Errorf("d-1 was overwritten: due %s", all[1].Due)
		}
	})

	t.Run("round trip of every field", func(t *testing.T) {
		all, err := s.PendingDeliveries(ctx, "", bot.DeliverMessage)
		if err != nil {
			t.Fatal(err)
		}
		want := *full
		want.Status = bot.DeliveryPending
		if len(all) != 1 || !reflect.DeepEqual(*all[0], want) {
			t.Fatalf("got %+v\nwant %+v", all, want)
		}
	})

	t.Run("next due", func(t *testing.T) {
		next, err := s.NextDue(ctx)
		if err != nil || !next.Equal(t0.Add(-time.Minute)) {
			t.Errorf("next due %s %v", next, err)
		}
	})

	t.Run("due ones by NotBefore", func(t *testing.T) {
		tests := []struct {
			now   time.Time
			limit int
			want  []string
		}{
			{t0.Add(-time.Hour), 10, []string{}},
			{t0, 10, []string{"d-msg", "d-1"}},
			{t0.Add(3 * time.Hour), 2, []string{"d-msg", "d-1"}},
			{t0.Add(3 * time.Hour), 10, []string{"d-msg", "d-1", "d-2", "d-3"}},
		}
		for _, tc := range tests {
			due, err := s.DueDeliveries(ctx, tc.now, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := deliveryIDs(due); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("at %s limit %d: %v, want %v", tc.now, tc.limit, got, tc.want)
			}
		}
	})

	t.Run("retry moves NotBefore and attempt", func(t *testing.T) {
		ok, err := s.RetryDelivery(ctx, "d-1", 1, t0.Add(4*time.Hour))
		if err != nil || !ok {
			t.Fatalf("retry: %v %v", ok, err)
		}
		due, _ := s.DueDeliveries(ctx, t0.Add(3*time.Hour), 10)
		if got := deliveryIDs(due); !reflect.DeepEqual(got, []string{"d-msg", "d-2", "d-3"}) {
			t.Errorf("due %v", got)
		}
		if ok, err := s.RetryDelivery(ctx, "gone", 1, t0); err != nil || ok {
			t.Errorf("retry of a missing delivery: %v %v", ok, err)
		}
	})

	t.Run("recorded once in the history, then removed from the queue", func(t *testing.T) {
		d := delivery("d-2", t0.Add(time.Hour))
		d.Status, d.Done, d.Instance = bot.DeliverySent, t0.Add(time.Hour), "r1"
		if err := s.RecordDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
		again := *d
		again.Status, again.Instance = bot.DeliverySkipped, "r2"
		if err := s.RecordDelivery(ctx, &again); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePending(ctx, []string{"d-2"}); err != nil {
			t.Fatal(err)
		}
		h, err := s.GetDelivered(ctx, "d-2")
		if err != nil {
			t.Fatal(err)
		}
		if h.Status != bot.DeliverySent || h.Instance != "r1" {
			t.Errorf("history kept %+v", h)
		}
		if _, err := s.GetDelivered(ctx, "d-3"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("pending one in history: %v", err)
		}
		hist, err := s.History(ctx, "shell:west", t0)
		if err != nil || len(hist) != 1 {
			t.Errorf("history %v %v", hist, err)
		}
		pending, _ := s.PendingDeliveries(ctx, "shell:west", "")
		if got := deliveryIDs(pending); !reflect.DeepEqual(got, []string{"d-msg", "d-1", "d-3"}) {
			t.Errorf("pending %v", got)
		}
	})

	t.Run("delete pending", func(t *testing.T) {
		if err := s.DeletePending(ctx, []string{"d-3", "nope"}); err != nil {
			t.Fatal(err)
		}
		pending, _ := s.PendingDeliveries(ctx, "", "")
		if got := deliveryIDs(pending); !reflect.DeepEqual(got, []string{"d-msg", "d-1"}) {
			t.Errorf("pending %v", got)
		}
	})
}

// TestClaimDeliveryOnce: 4 concurrent claimers over 30 keys: each key is won
// exactly once; claims are readable and pruned by age.
func TestClaimDeliveryOnce(t *testing.T) {
	ctx := t.Context()
	s := mongotest.New(t)
	const keys, workers = 30, 4
	var mu sync.Mutex
	wins := map[string]int{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < keys; k++ {
				key := bot.ClaimKey(fmt.Sprintf("d-%d", k), 0)
				ok, err := s.ClaimDelivery(ctx, bot.DeliveryClaim{ID: key, Instance: fmt.Sprint(w), At: t0, LeaseUntil: t0.Add(time.Minute)})
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					wins[key]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(wins) != keys {
		t.Fatalf("%d keys won, want %d", len(wins), keys)
	}
	for k, n := range wins {
		if n != 1 {
			t.Errorf("%s won %d times", k, n)
		}
	}
	c, err := s.GetClaim(ctx, "d-0#0")
	if err != nil || !c.LeaseUntil.Equal(t0.Add(time.Minute)) {
		t.Fatalf("claim %+v %v", c, err)
	}
	if err := s.PruneClaims(ctx, t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetClaim(ctx, "d-0#0"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("after prune: %v", err)
	}
	if ok, err := s.ClaimDelivery(ctx, bot.DeliveryClaim{ID: "d-0#1", At: t0}); err != nil || !ok {
		t.Errorf("next attempt: %v %v", ok, err)
	}
}

// TestBatchReads: the scheduler's reads of many sets at once return exactly
// the given sets' documents, whether the store filters (a few sets) or reads
// the collection and filters here (many sets, on FerretDB).
func TestBatchReads(t *testing.T) {
	ctx := t.Context()
	s := mongotest.New(t)
	var all []string
	for i := 0; i < 40; i++ {
		setID := fmt.Sprintf("shell:s%02d", i)
		all = append(all, setID)
		d := delivery(setID+"/d", t0.Add(time.Duration(i)*time.Minute))
		d.SetID = setID
		if _, err := s.AddDeliveries(ctx, []*bot.Delivery{d}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSession(ctx, &bot.Session{ID: bot.SessionID(setID, 1), SetID: setID, Number: 1, Start: t0, Status: bot.SessionScheduled}); err != nil {
			t.Fatal(err)
		}
		for j, st := range []bot.CommitmentStatus{bot.CommitmentOpen, bot.CommitmentDone} {
			short := fmt.Sprintf("C-%d", j+1)
			if err := s.CreateCommitment(ctx, &bot.Commitment{ID: bot.CommitmentID(setID, short), SetID: setID, ShortID: short, UserID: "ana", Status: st, CreatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, n := range []int{0, 3, 30} { // 30 is past the point where FerretDB reads everything
		t.Run(fmt.Sprintf("%d sets", n), func(t *testing.T) {
			ids := all[5 : 5+n]
			want := map[string]bool{}
			for _, id := range ids {
				want[id] = true
			}
			check := func(what string, got []string, per int) {
				t.Helper()
				if len(got) != per*n {
					t.Errorf("%s: %d, want %d", what, len(got), per*n)
				}
				for _, id := range got {
					if !want[id] {
						t.Errorf("%s of set %s, not asked for", what, id)
					}
				}
			}
			ds, err := s.PendingOfSets(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.SetID)
			}
			check("pending", got, 1)
			ss, err := s.SessionsOfSets(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			got = nil
			for _, x := range ss {
				got = append(got, x.SetID)
			}
			check("sessions", got, 1)
			for _, open := range []bool{true, false} {
				cs, err := s.CommitmentsOfSets(ctx, ids, open)
				if err != nil {
					t.Fatal(err)
				}
				got = nil
				for _, c := range cs {
					got = append(got, c.SetID)
					if open && c.Status != bot.CommitmentOpen {
						t.Errorf("open only, got %s %s", c.ID, c.Status)
					}
				}
				per := 2
				if open {
					per = 1
				}
				check(fmt.Sprintf("commitments (open only %v)", open), got, per)
			}
		})
	}
}

// TestBatchClaims: claims inserted together are won once per key, whoever
// inserts at the same time; released claims can be won again; a batch of
// history records keeps the first record of a key.
func TestBatchClaims(t *testing.T) {
	ctx := t.Context()
	s := mongotest.New(t)
	claims := func(inst string) []bot.DeliveryClaim {
		var cs []bot.DeliveryClaim
		for i := 0; i < 30; i++ {
			cs = append(cs, bot.DeliveryClaim{ID: bot.ClaimKey(fmt.Sprintf("k%02d", i), 0), Instance: inst, At: t0, LeaseUntil: t0.Add(time.Minute)})
		}
		return cs
	}
	var wg sync.WaitGroup
	results := make([][]bool, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			won, err := s.ClaimDeliveries(ctx, claims(fmt.Sprint("i", i)))
			if err != nil {
				t.Error(err)
			}
			results[i] = won
		}()
	}
	wg.Wait()
	for k := 0; k < 30; k++ {
		n := 0
		for _, r := range results {
			if len(r) == 30 && r[k] {
				n++
			}
		}
		if n != 1 {
			t.Errorf("claim k%02d won %d times", k, n)
		}
	}
	if err := s.ReleaseClaims(ctx, []string{bot.ClaimKey("k00", 0), bot.ClaimKey("k01", 0)}); err != nil {
		t.Fatal(err)
	}
	won, err := s.ClaimDeliveries(ctx, claims("again")[:3])
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(won, []bool{true, true, false}) {
		t.Errorf("after releasing k00 and k01: won %v", won)
	}

	first, second := delivery("h1", t0), delivery("h1", t0)
	first.Status, second.Status = bot.DeliverySent, bot.DeliveryUndeliverable
	if err := s.RecordDeliveries(ctx, []*bot.Delivery{first, delivery("h2", t0)}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordDeliveries(ctx, []*bot.Delivery{second}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetDelivered(ctx, "h1")
	if err != nil || got.Status != bot.DeliverySent {
		t.Errorf("h1 recorded as %+v (%v), want the first record", got, err)
	}
}
