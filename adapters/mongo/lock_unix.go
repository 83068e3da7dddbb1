//go:build unix

package mongo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockFile is the name of the embedded store's lock in its data directory.
const lockFile = "alsbot.lock"

// lockDataDir takes an exclusive flock on dir's lock file, or says who holds
// it. The embedded FerretDB's SQLite files belong to one process: two bots
// on one directory would each run a server on the same files, and the
// in-process guards of one would not see the other's writes. The kernel
// drops the lock when the process ends, however it ends, so a crash leaves
// nothing to clean up.
func lockDataDir(dir string) (release func(), err error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			who := "another process"
			if pid := strings.TrimSpace(string(holder)); pid != "" {
				who = "process " + pid
			}
			return nil, fmt.Errorf("the data directory %s is in use by %s: the embedded store belongs to one alsbot process. Stop the other one, give this one its own ALSBOT_DATA_DIR, or run several replicas on one MongoDB (MONGODB_URI)", dir, who)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// Who holds it, for the message above; the lock itself is the flock.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() { _ = f.Close() }, nil
}
