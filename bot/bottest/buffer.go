package bottest

import (
	"bytes"
	"sync"
)

// Buffer is an io.Writer safe for concurrent writers, read back with String:
// a log destination for code whose goroutines (FerretDB's, a worker pool's,
// a served bot's) write while the test reads. The zero value is ready.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
