//go:build !unix

package mongo

// lockDataDir does nothing where flock is missing: there, run one bot per
// data directory yourself (docs/concurrency.md).
func lockDataDir(string) (func(), error) { return func() {}, nil }
