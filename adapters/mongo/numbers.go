package mongo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// numberTries bounds how often a number is tried when others take it at the
// same moment (another replica, or the scheduler materialising a schedule).
const numberTries = 5

// AddSession stores sess under the next free number of its set. Numbers
// are unique because the id (set/number) is: a taken one is EEXISTS, and the
// next try starts past the highest number in use.
func (s *Store) AddSession(ctx context.Context, sess *bot.Session, after int) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	_, err := s.number(ctx, after, func(n int) error {
		sess.Number, sess.ID = n, bot.SessionID(sess.SetID, n)
		return s.CreateSession(ctx, sess)
	}, func() (int, error) { return s.highestSession(ctx, sess.SetID) })
	if err != nil {
		return fmt.Errorf("add session to %s: %w", sess.SetID, err)
	}
	return nil
}

// highestSession is the highest session number in use in setID (0: none).
func (s *Store) highestSession(ctx context.Context, setID string) (int, error) {
	all, err := s.ListSessions(ctx, setID)
	if err != nil || len(all) == 0 {
		return 0, err
	}
	return all[len(all)-1].Number, nil // by number
}

// AddCommitment stores c under the next free short id of its set, as
// AddSession does for sessions. The store keeps the set's counter itself
// (after is only where older versions' counter, the set's CommitSeq, had
// got to): a caching store knows the set's commitments, and a store that
// remembers sets keeps it in the set's document, read with the check
// and raised with the commitment in one round trip (insertWithOpen).
func (s *Store) AddCommitment(ctx context.Context, c *bot.Commitment, after int) (int, error) {
	if err := s.beforeWrite(ctx); err != nil {
		return 0, err
	}
	highest := func() (int, error) {
		all, err := s.ListCommitments(ctx, c.SetID, "", false)
		top := 0
		for _, x := range all {
			if n, err := strconv.Atoi(strings.TrimPrefix(x.ShortID, "C-")); err == nil {
				top = max(top, n)
			}
		}
		return top, err
	}
	create := func(n int) error { return s.CreateCommitment(ctx, c) }
	switch {
	case s.cache != nil:
		// The only writer: a counter in memory, from the commitments once.
		s.seqMu.Lock()
		top, ok := s.seqs[c.SetID]
		s.seqMu.Unlock()
		if !ok {
			var err error
			if top, err = highest(); err != nil {
				return 0, fmt.Errorf("add commitment to %s: %w", c.SetID, err)
			}
		}
		after = max(after, top)
	case s.known != nil && c.Status == bot.CommitmentOpen:
		after = max(after, scopeOf(ctx, c.SetID).commitSeq())
		create = func(n int) error { return s.insertWithOpen(ctx, c, n) }
	}
	n, err := s.number(ctx, after, func(n int) error {
		c.ShortID = "C-" + strconv.Itoa(n)
		c.ID = bot.CommitmentID(c.SetID, c.ShortID)
		return create(n)
	}, highest)
	if bot.ErrorCode(err) == bot.EEXISTS {
		// Every try lost its number to another replica: a stale error, so
		// that the router runs the command again after its own pause. Only
		// here: a commit writes nothing before its commitment (a schedule
		// adding sessions has, so AddSession keeps EEXISTS).
		err = staleError("Someone else took that number at the same moment; nothing was changed. Please try again.")
	}
	if err != nil {
		return 0, fmt.Errorf("add commitment to %s: %w", c.SetID, err)
	}
	if s.cache != nil {
		s.seqMu.Lock()
		if s.seqs == nil {
			s.seqs = map[string]int{}
		}
		s.seqs[c.SetID] = max(s.seqs[c.SetID], n)
		s.seqMu.Unlock()
	}
	return n, nil
}

// number tries create with after+1; when that number is taken it asks
// highest for the top number in use and tries the one after it.
//
// It waits a little, at random, before each new try: two replicas taking
// numbers at the same moment otherwise stay in step, the loser always one
// behind (a commit is two round trips, as fast as a retry).
func (s *Store) number(ctx context.Context, after int, create func(n int) error, highest func() (int, error)) (int, error) {
	n := after + 1
	for try := 0; ; try++ {
		err := create(n)
		if err == nil {
			return n, nil
		}
		if bot.ErrorCode(err) != bot.EEXISTS {
			return 0, err
		}
		if try == numberTries-1 {
			return 0, err
		}
		if err := bot.Sleep(ctx, rand.N(time.Duration(try+1)*3*time.Millisecond)); err != nil {
			return 0, err
		}
		top, err := highest()
		if err != nil {
			return 0, err
		}
		n = max(n+1, top+1)
	}
}
