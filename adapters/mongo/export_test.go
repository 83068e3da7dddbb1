package mongo

import (
	"github.com/alsbot/alsbot/bot"
)

// ShareServer makes s treat its FerretDB as shared with other processes,
// as it does for one it does not serve itself: versioned saves claim each
// version. Tests of the claims use it on the test binary's own server.
func ShareServer(s *Store) { s.sharedFerret, s.known = s.ferret, nil }

// VersionKey is the claim key of attempt of version of document id.
func VersionKey(coll, id string, version int64, attempt int) string {
	return versionKey(coll, id, version, attempt)
}

// SetDoc is set as the sessions collection stores it, for tests that
// insert many at once.
func SetDoc(set *bot.Set) any { return newSetDoc(set) }

// CommitmentDoc is c as the sessions collection stores it, for tests that
// insert many at once.
func CommitmentDoc(c *bot.Commitment) any { return commitmentRecord(c) }
