package bot_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

var t0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// newSet returns a set whose members are ids, with the observer on.
func newSet(ids ...string) *bot.Set {
	s := &bot.Set{ID: "shell:c", Observer: true}
	for _, id := range ids {
		s.People = append(s.People, bot.Person{User: bot.UserRef{ID: id, Name: "Name " + id}, Roles: []bot.Role{bot.RoleMember}})
	}
	return s
}

func checkedIn(ids ...string) *bot.Session {
	s := &bot.Session{ID: "shell:c/1", Number: 1, Status: bot.SessionOpen}
	for _, id := range ids {
		s.Attendees = append(s.Attendees, bot.Attendance{UserID: id, At: t0})
	}
	return s
}

func TestChooseRoles(t *testing.T) {
	type setup struct {
		set  *bot.Set
		sess *bot.Session
	}
	with := func(set *bot.Set, f func(*bot.Set)) *bot.Set { f(set); return set }
	tests := []struct {
		name     string
		build    func() setup
		want     bot.RoleRequest
		expect   bot.RoundRoles
		wantCode string
	}{
		{
			name:     "one attendee is too few",
			build:    func() setup { return setup{newSet("a", "b"), checkedIn("a")} },
			wantCode: bot.ECONFLICT,
		},
		{
			name: "a facilitator checked in is not an attendee",
			build: func() setup {
				s := newSet("a")
				s.People = append(s.People, bot.Person{User: bot.UserRef{ID: "f"}, Roles: []bot.Role{bot.RoleFacilitator}})
				return setup{s, checkedIn("a", "f")}
			},
			wantCode: bot.ECONFLICT,
		},
		{
			name: "fewest presentations presents, fewest observations observes",
			build: func() setup {
				return setup{with(newSet("a", "b", "c", "d"), func(s *bot.Set) {
					s.People[0].Presentations, s.People[1].Presentations, s.People[2].Presentations, s.People[3].Presentations = 2, 1, 0, 1
					s.People[0].Observations, s.People[1].Observations, s.People[2].Observations, s.People[3].Observations = 1, 1, 0, 0
				}), checkedIn("a", "b", "c", "d")}
			},
			expect: bot.RoundRoles{Presenter: "c", Observer: "d", Enablers: []string{"a", "b"}},
		},
		{
			name: "ties go to the longest since the last presentation, never first",
			build: func() setup {
				return setup{with(newSet("a", "b", "c"), func(s *bot.Set) {
					for i := range s.People {
						s.People[i].Presentations = 1
						s.People[i].Observations = 1
					}
					s.People[0].LastPresented = t0.Add(-24 * time.Hour)
					s.People[1].LastPresented = t0.Add(-48 * time.Hour)
					s.People[2].LastPresented = t0.Add(-72 * time.Hour)
					s.People[0].LastObserved = t0.Add(-72 * time.Hour)
					s.People[1].LastObserved = t0.Add(-24 * time.Hour)
				}), checkedIn("a", "b", "c")}
			},
			// c presented longest ago; c's LastObserved is zero (never) but c presents,
			// so a (observed longest ago) observes.
			expect: bot.RoundRoles{Presenter: "c", Observer: "a", Enablers: []string{"b"}},
		},
		{
			name: "only members who checked in take roles",
			build: func() setup {
				return setup{with(newSet("a", "b", "c", "d"), func(s *bot.Set) { s.People[1].Presentations = 5 }), checkedIn("b", "d", "c")}
			},
			want:   bot.RoleRequest{Observer: "b"},
			expect: bot.RoundRoles{Presenter: "c", Observer: "b", Enablers: []string{"d"}},
		},
		{
			name: "a bidder presents before those with fewer presentations",
			build: func() setup {
				s := with(newSet("a", "b", "c"), func(s *bot.Set) { s.People[1].Presentations = 4; s.Observer = false })
				sess := checkedIn("a", "b", "c")
				sess.Bids = []bot.Bid{{UserID: "b", Title: "old", At: t0}, {UserID: "b", Title: "Cover", At: t0}}
				return setup{s, sess}
			},
			expect: bot.RoundRoles{Presenter: "b", Enablers: []string{"a", "c"}, Title: "Cover"},
		},
		{
			name: "a bidder who presented gives way to an attendee who has not",
			build: func() setup {
				s := with(newSet("a", "b", "c"), func(s *bot.Set) { s.Observer = false; s.People[2].Presentations = 3; s.People[1].Presentations = 1 })
				sess := checkedIn("a", "b", "c")
				sess.Bids = []bot.Bid{{UserID: "a"}}
				sess.Rounds = []bot.Round{{Number: 1, Presenter: "a", Phase: bot.PhaseDone}}
				return setup{s, sess}
			},
			expect: bot.RoundRoles{Presenter: "b", Enablers: []string{"a", "c"}},
		},
		{
			name: "once everyone presented, bidders come first again",
			build: func() setup {
				s := with(newSet("a", "b"), func(s *bot.Set) { s.People[0].Presentations = 3 })
				sess := checkedIn("a", "b")
				sess.Bids = []bot.Bid{{UserID: "a"}}
				sess.Rounds = []bot.Round{{Presenter: "a", Phase: bot.PhaseDone}, {Presenter: "b", Phase: bot.PhaseDone}}
				return setup{s, sess}
			},
			expect: bot.RoundRoles{Presenter: "a", Enablers: []string{"b"}},
		},
		{
			name:   "two attendees have no observer",
			build:  func() setup { return setup{newSet("a", "b"), checkedIn("a", "b")} },
			want:   bot.RoleRequest{Presenter: "b"},
			expect: bot.RoundRoles{Presenter: "b", Enablers: []string{"a"}},
		},
		{
			name: "observer off",
			build: func() setup {
				return setup{with(newSet("a", "b", "c"), func(s *bot.Set) { s.Observer = false }), checkedIn("a", "b", "c")}
			},
			want:   bot.RoleRequest{Presenter: "c"},
			expect: bot.RoundRoles{Presenter: "c", Enablers: []string{"a", "b"}},
		},
		{
			name: "a requested presenter wins even after presenting",
			build: func() setup {
				sess := checkedIn("a", "b", "c")
				sess.Rounds = []bot.Round{{Presenter: "a", Observer: "b", Phase: bot.PhaseDone}}
				return setup{newSet("a", "b", "c"), sess}
			},
			want:   bot.RoleRequest{Presenter: "a"},
			expect: bot.RoundRoles{Presenter: "a", Observer: "c", Enablers: []string{"b"}},
		},
		{
			name:     "a requested presenter who is not a member",
			build:    func() setup { return setup{newSet("a", "b"), checkedIn("a", "b")} },
			want:     bot.RoleRequest{Presenter: "z"},
			wantCode: bot.EINVALID,
		},
		{
			name:     "a requested presenter who has not checked in",
			build:    func() setup { return setup{newSet("a", "b", "c"), checkedIn("a", "b")} },
			want:     bot.RoleRequest{Presenter: "c"},
			wantCode: bot.ECONFLICT,
		},
		{
			name:     "a requested observer who has not checked in",
			build:    func() setup { return setup{newSet("a", "b", "c", "d"), checkedIn("a", "b", "c")} },
			want:     bot.RoleRequest{Observer: "d"},
			wantCode: bot.ECONFLICT,
		},
		{
			name:     "the observer cannot present",
			build:    func() setup { return setup{newSet("a", "b", "c"), checkedIn("a", "b", "c")} },
			want:     bot.RoleRequest{Presenter: "a", Observer: "a"},
			wantCode: bot.EINVALID,
		},
		{
			name:     "an observer needs three attendees",
			build:    func() setup { return setup{newSet("a", "b"), checkedIn("a", "b")} },
			want:     bot.RoleRequest{Observer: "a"},
			wantCode: bot.ECONFLICT,
		},
		{
			name: "a requested observer is not chosen to present",
			build: func() setup {
				return setup{with(newSet("a", "b", "c"), func(s *bot.Set) { s.People[1].Presentations = 1; s.People[2].Presentations = 1 }), checkedIn("a", "b", "c")}
			},
			want:   bot.RoleRequest{Observer: "a", Presenter: ""},
			expect: bot.RoundRoles{Presenter: "b", Observer: "a", Enablers: []string{"c"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.build()
			got, err := bot.ChooseRoles(st.set, st.sess, tt.want, rand.New(rand.NewPCG(1, 2)))
			if tt.wantCode != "" {
				if bot.ErrorCode(err) != tt.wantCode || bot.ErrorMessage(err) == "" {
					t.Fatalf("err = %v (%s), want code %s", err, bot.ErrorCode(err), tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Why == "" && tt.want.Presenter == "" {
				t.Error("no reason given for a presenter chosen by the bot")
			}
			got.Why = "" // TestPresenterWhy
			if !reflect.DeepEqual(got, tt.expect) {
				t.Errorf("got %+v, want %+v", got, tt.expect)
			}
		})
	}
}

func TestChooseRolesRandomTies(t *testing.T) {
	set, sess := newSet("a", "b", "c", "d"), checkedIn("a", "b", "c", "d")
	seen := map[string]int{}
	for seed := range uint64(200) {
		r1, err := bot.ChooseRoles(set, sess, bot.RoleRequest{}, rand.New(rand.NewPCG(seed, 7)))
		if err != nil {
			t.Fatal(err)
		}
		r2, _ := bot.ChooseRoles(set, sess, bot.RoleRequest{}, rand.New(rand.NewPCG(seed, 7)))
		if !reflect.DeepEqual(r1, r2) {
			t.Fatalf("seed %d: %+v then %+v; want the same roles from the same seed", seed, r1, r2)
		}
		seen[r1.Presenter]++
	}
	for _, id := range []string{"a", "b", "c", "d"} {
		if seen[id] < 20 {
			t.Errorf("tied member %s presented %d times in 200 seeds; ties should be broken at random: %v", id, seen[id], seen)
		}
	}
}

func TestRecordRoles(t *testing.T) {
	set := newSet("a", "b", "c")
	bot.RecordRoles(set, bot.RoundRoles{Presenter: "a", Observer: "b", Enablers: []string{"c"}}, t0)
	bot.RecordRoles(set, bot.RoundRoles{Presenter: "a", Enablers: []string{"b", "c"}}, t0.Add(time.Hour))
	want := []struct {
		pres, obs int
		lastP     time.Time
		lastO     time.Time
	}{{2, 0, t0.Add(time.Hour), time.Time{}}, {0, 1, time.Time{}, t0}, {0, 0, time.Time{}, time.Time{}}}
	for i, w := range want {
		p := set.People[i]
		if p.Presentations != w.pres || p.Observations != w.obs || !p.LastPresented.Equal(w.lastP) || !p.LastObserved.Equal(w.lastO) {
			t.Errorf("%s: got %d/%d %v/%v, want %d/%d %v/%v", p.User.ID, p.Presentations, p.Observations,
				p.LastPresented, p.LastObserved, w.pres, w.obs, w.lastP, w.lastO)
		}
	}
}

// TestFairRotationProperty plays many random runs of sessions: random
// attendance of 5 to 8 members, 1 to 4 rounds each, no bids.
func TestFairRotationProperty(t *testing.T) {
	checked := 0
	defer func() {
		// The spread check must have had members at every session to check.
		if checked < 100 {
			t.Errorf("only %d of 300 runs had a member at every session", checked)
		}
	}()
	for run := range 300 {
		t.Run(fmt.Sprint(run), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(run), 99))
			n := 5 + rng.IntN(4)
			ids := make([]string, n)
			for i := range ids {
				ids[i] = fmt.Sprintf("m%d", i)
			}
			set := newSet(ids...)
			set.Observer = rng.IntN(4) != 0
			always := map[string]bool{}
			for _, id := range ids {
				always[id] = true
			}
			now := t0
			for s := range 2 + rng.IntN(10) {
				var att []string
				for _, id := range ids {
					if rng.IntN(5) != 0 {
						att = append(att, id)
					}
				}
				for _, id := range ids {
					if len(att) < 2 && !contains(att, id) {
						att = append(att, id)
					}
				}
				for _, id := range ids {
					if !contains(att, id) {
						always[id] = false
					}
				}
				sess := checkedIn(att...)
				sess.Number = s + 1
				for rn := range 1 + rng.IntN(4) {
					roles, err := bot.ChooseRoles(set, sess, bot.RoleRequest{}, rng)
					if err != nil {
						t.Fatal(err)
					}
					if roles.Observer != "" && roles.Observer == roles.Presenter {
						t.Fatalf("session %d round %d: %s both presents and observes", s, rn, roles.Presenter)
					}
					if got := 1 + len(roles.Enablers) + boolInt(roles.Observer != ""); got != len(att) {
						t.Fatalf("session %d: %d roles for %d attendees", s, got, len(att))
					}
					if presentedAlready(sess, roles.Presenter) {
						for _, id := range att {
							if !presentedAlready(sess, id) {
								t.Fatalf("session %d: %s presents again while %s has not presented", s, roles.Presenter, id)
							}
						}
					}
					sess.Rounds = append(sess.Rounds, bot.NewRound(rn+1, roles, set.Phases, now))
					bot.RecordRoles(set, roles, now)
					now = now.Add(time.Hour)
				}
				now = now.Add(30 * 24 * time.Hour)
			}
			lo, hi := 1<<30, -1
			for _, p := range set.People {
				if always[p.User.ID] {
					lo, hi = min(lo, p.Presentations), max(hi, p.Presentations)
				}
			}
			checked += boolInt(hi >= 0)
			if hi-lo > 1 {
				t.Fatalf("members at every session presented between %d and %d times; want a spread of at most one", lo, hi)
			}
		})
	}
}

func presentedAlready(sess *bot.Session, id string) bool {
	for _, r := range sess.Rounds {
		if r.Presenter == id {
			return true
		}
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func BenchmarkChooseRoles(b *testing.B) {
	set := newSet("a", "b", "c", "d", "e", "f", "g", "h")
	sess := checkedIn("a", "b", "c", "d", "e", "f", "g", "h")
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		if _, err := bot.ChooseRoles(set, sess, bot.RoleRequest{}, rng); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPresenterWhy: the facilitator is told how the bot chose the
// presenter, in words (a trial's facilitator saw "dev presents" after four
// bids and could not tell why).
func TestPresenterWhy(t *testing.T) {
	set := &bot.Set{ID: "s"}
	for _, n := range []string{"ana", "ben", "cat", "dev"} {
		set.People = append(set.People, bot.Person{User: bot.UserRef{ID: n, Name: strings.ToUpper(n[:1]) + n[1:]}, Roles: []bot.Role{bot.RoleMember}})
	}
	set.People[0].Presentations = 2
	sess := &bot.Session{ID: "s/1"}
	for _, p := range set.People {
		sess.Attendees = append(sess.Attendees, bot.Attendance{UserID: p.User.ID})
	}
	why := func() string {
		t.Helper()
		r, err := bot.ChooseRoles(set, sess, bot.RoleRequest{}, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		return r.Why
	}
	if got, want := why(), "Nobody bid, so chosen from the 4 checked in who have not presented today (Ana, Ben, Cat and Dev): drawn by lot among the 3 who have presented least in this set (never yet)."; got != want {
		t.Errorf("no bids:\n got %s\nwant %s", got, want)
	}
	sess.Bids = []bot.Bid{{UserID: "cat"}, {UserID: "ana"}}
	if got, want := why(), "Chosen from the 2 who bid (Ana and Cat): the one who has presented least in this set (never yet)."; got != want {
		t.Errorf("two bids:\n got %s\nwant %s", got, want)
	}
	sess.Bids = []bot.Bid{{UserID: "dev"}}
	if got, want := why(), "Dev is the only one who bid."; got != want {
		t.Errorf("one bid:\n got %s\nwant %s", got, want)
	}
	// The requested observer bid too: left out, and said so.
	sess.Bids = []bot.Bid{{UserID: "cat"}, {UserID: "dev"}}
	r, err := bot.ChooseRoles(set, sess, bot.RoleRequest{Observer: "cat"}, rand.New(rand.NewPCG(1, 2)))
	if want := "Dev is the only other one who bid (Cat observes)."; err != nil || r.Why != want {
		t.Errorf("observer who bid:\n got %s (%v)\nwant %s", r.Why, err, want)
	}
	sess.Bids = nil
	r, err = bot.ChooseRoles(set, sess, bot.RoleRequest{Observer: "cat"}, rand.New(rand.NewPCG(1, 2)))
	if want := "Nobody bid, so chosen from the 3 checked in who have not presented today (Ana, Ben and Dev; Cat observes): drawn by lot among the 2 who have presented least in this set (never yet)."; err != nil || r.Why != want {
		t.Errorf("observer, no bids:\n got %s (%v)\nwant %s", r.Why, err, want)
	}
	// Equal counts, told apart by when they last presented.
	t0 := time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)
	for i := range set.People {
		set.People[i].Presentations, set.People[i].LastPresented = 1, t0.AddDate(0, 0, i)
	}
	if got, want := why(), "Nobody bid, so chosen from the 4 checked in who have not presented today (Ana, Ben, Cat and Dev): of the 4 who have presented least in this set (once), the one who presented longest ago."; got != want {
		t.Errorf("tie on count:\n got %s\nwant %s", got, want)
	}
	// A name that does not start with an ASCII letter starts the sentence.
	set.People[3].User.Name = "Ömer"
	sess.Bids = []bot.Bid{{UserID: "dev"}}
	if got, want := why(), "Ömer is the only one who bid."; got != want {
		t.Errorf("non-ASCII name: got %q, want %q", got, want)
	}
	r, err = bot.ChooseRoles(set, sess, bot.RoleRequest{Presenter: "ben"}, nil)
	if err != nil || r.Why != "" {
		t.Errorf("a named presenter: why %q (%v), want none", r.Why, err)
	}
}
