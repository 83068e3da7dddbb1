package bot

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// RoleRequest names the roles a facilitator asked for by user id; empty
// fields are chosen fairly.
type RoleRequest struct {
	Presenter string
	Observer  string
}

// RoundRoles are the roles of one round, by user id.
type RoundRoles struct {
	Presenter string
	Observer  string // empty when the round has no observer
	Enablers  []string
	Title     string // the presenter's bid title, if any
	// Why says how the presenter was chosen, for the facilitator ("" when
	// they named the presenter): a trial's facilitator saw "dev presents"
	// with no reason after four bids.
	Why string
}

// ChooseRoles picks the roles of the next round of sess by the fair-roles
// rule of DESIGN.md section 3. Attendees are the set's members who checked in
// to sess. The presenter comes from the bidders if any bid, else from all
// attendees; nobody presents twice in a session while another attendee has
// not presented. Among the candidates the one with the fewest presentations
// wins, ties going to the longest since their last, then to rng. The
// observer (when the set has observers and at least three attend) is chosen
// the same way among the rest by observations. Everyone else enables, in
// set order. ChooseRoles changes nothing; see RecordRoles.
func ChooseRoles(set *Set, sess *Session, want RoleRequest, rng *rand.Rand) (RoundRoles, error) {
	var att []*Person
	for i := range set.People {
		p := &set.People[i]
		if p.Has(RoleMember) && sess.Attended(p.User.ID) {
			att = append(att, p)
		}
	}
	if len(att) < 2 {
		return RoundRoles{}, Errorf(ECONFLICT, "A round needs at least two checked-in members; %d checked in so far. Members check in with /als here.", len(att))
	}
	if err := checkWanted(set, sess, want.Presenter, "presenter"); err != nil {
		return RoundRoles{}, err
	}
	if err := checkWanted(set, sess, want.Observer, "observer"); err != nil {
		return RoundRoles{}, err
	}
	if want.Observer != "" && want.Observer == want.Presenter {
		return RoundRoles{}, Errorf(EINVALID, "The presenter cannot also be the observer. Name someone else as observer.")
	}

	presenter, why := want.Presenter, ""
	if presenter == "" {
		cands, pool := presenterPool(sess, att)
		observes := "" // the requested observer, when they were a candidate
		if want.Observer != "" {
			if len(without(cands, want.Observer)) < len(cands) {
				observes = PersonName(set, want.Observer)
			}
			cands = without(cands, want.Observer)
			if len(cands) == 0 {
				cands, pool = without(att, want.Observer), poolAll
			}
		}
		f := pickFair(cands, rng, func(p *Person) (int, time.Time) { return p.Presentations, p.LastPresented })
		presenter, why = f.chosen.User.ID, presenterWhy(set, cands, pool, observes, f)
	}

	observer := want.Observer
	if observer != "" && len(att) < 3 {
		return RoundRoles{}, Errorf(ECONFLICT, "An observer needs at least three checked-in members, so that someone is left to ask questions; %d checked in.", len(att))
	}
	if observer == "" && set.Observer && len(att) >= 3 {
		rest := without(att, presenter)
		// Prefer those who have not observed in this session yet.
		var fresh []*Person
		for _, p := range rest {
			if !observedIn(sess, p.User.ID) {
				fresh = append(fresh, p)
			}
		}
		if len(fresh) > 0 {
			rest = fresh
		}
		observer = pickFair(rest, rng, func(p *Person) (int, time.Time) { return p.Observations, p.LastObserved }).chosen.User.ID
	}

	r := RoundRoles{Presenter: presenter, Observer: observer, Why: why}
	for _, p := range att {
		if id := p.User.ID; id != presenter && id != observer {
			r.Enablers = append(r.Enablers, id)
		}
	}
	for _, b := range sess.Bids {
		if b.UserID == presenter && b.Title != "" {
			r.Title = b.Title // the latest bid's title wins
		}
	}
	return r, nil
}

// RecordRoles counts the round's presentation and observation on set.People.
func RecordRoles(set *Set, r RoundRoles, now time.Time) {
	if p := set.Person(r.Presenter); p != nil {
		p.Presentations++
		p.LastPresented = now
	}
	if r.Observer == "" {
		return
	}
	if p := set.Person(r.Observer); p != nil {
		p.Observations++
		p.LastObserved = now
	}
}

// NoteRolesBefore keeps on r what RecordRoles is about to overwrite on set:
// the presenter's LastPresented and the observer's LastObserved.
func NoteRolesBefore(set *Set, r *Round) {
	if p := set.Person(r.Presenter); p != nil {
		r.PresenterWas = p.LastPresented
	}
	if p := set.Person(r.Observer); r.Observer != "" && p != nil {
		r.ObserverWas = p.LastObserved
	}
}

// UnrecordRoles takes back what RecordRoles counted for round r (a round
// cancelled, a session start undone): the counts, and the last-presented
// and last-observed times where r is still the latest that set them.
func UnrecordRoles(set *Set, r Round) {
	same := func(a, b time.Time) bool { return a.Truncate(time.Millisecond).Equal(b.Truncate(time.Millisecond)) }
	if p := set.Person(r.Presenter); p != nil {
		if p.Presentations > 0 {
			p.Presentations--
		}
		if same(p.LastPresented, r.StartedAt) {
			p.LastPresented = r.PresenterWas
		}
	}
	if p := set.Person(r.Observer); r.Observer != "" && p != nil {
		if p.Observations > 0 {
			p.Observations--
		}
		if same(p.LastObserved, r.StartedAt) {
			p.LastObserved = r.ObserverWas
		}
	}
}

// checkWanted checks that a requested role holder is a checked-in member.
func checkWanted(set *Set, sess *Session, id, role string) error {
	if id == "" {
		return nil
	}
	p := set.Person(id)
	if p == nil || !p.Has(RoleMember) {
		return Errorf(EINVALID, "%s is not a member of this set, so cannot be the %s. Add them with /als members add first.", displayName(p, id), role)
	}
	if !sess.Attended(id) {
		return Errorf(ECONFLICT, "%s has not checked in to this session, so cannot be the %s. They check in with /als here.", displayName(p, id), role)
	}
	return nil
}

func displayName(p *Person, id string) string {
	if p != nil && p.User.Name != "" {
		return p.User.Name
	}
	return id
}

// presenterPool applies the bid and once-per-session rules.
// presenterPool is who may present next, and which of them they are, for
// RoundRoles.Why.
func presenterPool(sess *Session, att []*Person) ([]*Person, poolKind) {
	bid := map[string]bool{}
	for _, b := range sess.Bids {
		bid[b.UserID] = true
	}
	var bidders, notYet, notYetBidders []*Person
	for _, p := range att {
		id := p.User.ID
		np := !presentedIn(sess, id)
		if bid[id] {
			bidders = append(bidders, p)
		}
		if np {
			notYet = append(notYet, p)
		}
		if np && bid[id] {
			notYetBidders = append(notYetBidders, p)
		}
	}
	switch {
	case len(notYetBidders) > 0 && len(notYetBidders) < len(bidders):
		return notYetBidders, poolBidNotYet
	case len(notYetBidders) > 0:
		return notYetBidders, poolBid
	case len(notYet) > 0 && len(bidders) > 0:
		return notYet, poolBiddersDone
	case len(notYet) > 0:
		return notYet, poolNoBids
	case len(bidders) > 0:
		return bidders, poolAllDoneBid
	}
	return att, poolAllDone
}

// poolKind says who the candidates to present were.
type poolKind int

const (
	poolBidNotYet   poolKind = iota // bid, and not presented today (others who bid have)
	poolBid                         // bid
	poolBiddersDone                 // every bidder presented today: those who have not
	poolNoBids                      // nobody bid: those who have not presented today
	poolAllDoneBid                  // everyone presented today: those who bid
	poolAllDone                     // everyone presented today, nobody bid: all
	poolAll                         // all but the requested observer
)

// from is how Why names the candidates: "Chosen from the 3 who bid (Cat,
// Eve and Dev)", or "Nobody bid, so Dev is the only one checked in who has
// not presented today". observes, when not empty, is the requested
// observer, who was one of them and was left out.
func (k poolKind) from(n int, names, observes string) string {
	var lead, many, one string
	switch k {
	case poolBidNotYet:
		many, one = "who bid and have not presented today", "who bid and has not presented today"
	case poolBid:
		many, one = "who bid", "who bid"
	case poolBiddersDone:
		lead, many, one = "Everyone who bid has presented today, so ", "who have not", "who has not"
	case poolNoBids:
		lead, many, one = "Nobody bid, so ", "checked in who have not presented today", "checked in who has not presented today"
	case poolAllDoneBid:
		lead, many, one = "Everyone has presented today, so ", "who bid", "who bid"
	case poolAll:
		many, one = "checked in apart from the observer", "checked in apart from the observer"
	default:
		many, one = "checked in", "checked in"
	}
	if observes != "" {
		names += "; " + observes + " observes"
	}
	if n == 1 {
		if observes != "" {
			return Capitalize(lead + names[:strings.Index(names, ";")] + " is the only other one " + one + " (" + observes + " observes)")
		}
		return Capitalize(lead + names + " is the only one " + one)
	}
	return Capitalize(lead + fmt.Sprintf("chosen from the %d %s (%s)", n, many, names))
}

// presenterWhy is RoundRoles.Why: "Chosen from the 4 who bid (Cat, Eve, Dev
// and Ben): drawn by lot among the 3 who have presented least in this set
// (never yet)."
func presenterWhy(set *Set, cands []*Person, pool poolKind, observes string, f fairPick) string {
	ids := make([]string, len(cands))
	for i, p := range cands {
		ids[i] = p.User.ID
	}
	why := pool.from(len(cands), PeopleNames(set, ids), observes)
	least := times(f.chosen.Presentations)
	switch {
	case len(cands) == 1:
	case f.fewest == 1:
		why += fmt.Sprintf(": the one who has presented least in this set (%s)", least)
	case f.tied == 1:
		why += fmt.Sprintf(": of the %d who have presented least in this set (%s), the one who presented longest ago", f.fewest, least)
	case f.tied == f.fewest:
		why += fmt.Sprintf(": drawn by lot among the %d who have presented least in this set (%s)", f.tied, least)
	default:
		why += fmt.Sprintf(": of the %d who have presented least in this set (%s), drawn by lot among the %d who presented longest ago", f.fewest, least, f.tied)
	}
	return why + "."
}

func times(n int) string {
	switch n {
	case 0:
		return "never yet"
	case 1:
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

func presentedIn(sess *Session, id string) bool {
	for _, r := range sess.Rounds {
		if r.Presenter == id {
			return true
		}
	}
	return false
}

func observedIn(sess *Session, id string) bool {
	for _, r := range sess.Rounds {
		if r.Observer == id {
			return true
		}
	}
	return false
}

func without(ps []*Person, id string) []*Person {
	var out []*Person
	for _, p := range ps {
		if p.User.ID != id {
			out = append(out, p)
		}
	}
	return out
}

// pickFair returns the candidate with the lowest count, then the oldest last
// time (zero is oldest), then one of the remaining ties chosen by rng (the first
// in set order when rng is nil).
func pickFair(cands []*Person, rng *rand.Rand, key func(*Person) (int, time.Time)) fairPick {
	var best []*Person
	bc, bt, fewest := 0, time.Time{}, 0
	for _, p := range cands {
		c, t := key(p)
		switch {
		case len(best) == 0 || c < bc:
			best, bc, bt, fewest = []*Person{p}, c, t, 1
		case c == bc && t.Before(bt):
			best, bt, fewest = []*Person{p}, t, fewest+1
		case c == bc && t.Equal(bt):
			best, fewest = append(best, p), fewest+1
		case c == bc:
			fewest++
		}
	}
	f := fairPick{chosen: best[0], fewest: fewest, tied: len(best)}
	if len(best) > 1 && rng != nil {
		f.chosen = best[rng.IntN(len(best))]
	}
	return f
}

// fairPick is pickFair's choice: who, how many share the lowest count, and
// how many of those share the oldest last time too (drawn by lot).
type fairPick struct {
	chosen       *Person
	fewest, tied int
}
