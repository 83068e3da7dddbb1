package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps what Assert reports.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, format)
}

func TestAssert(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.json")
	if err := os.WriteFile(path, []byte("a\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	same := &recorder{TB: t}
	Assert(same, path, []byte("a\nb\n"))
	if len(same.errs) != 0 {
		t.Errorf("equal output reported: %v", same.errs)
	}
	differs := &recorder{TB: t}
	Assert(differs, path, []byte("a\nc\n"))
	if len(differs.errs) != 1 {
		t.Fatalf("a change was not reported: %v", differs.errs)
	}
	if d := diff([]byte("a\nb\n"), []byte("a\nc\n")); !strings.Contains(d, "line 2") || !strings.Contains(d, "c") {
		t.Errorf("diff %q does not point at line 2", d)
	}
}
