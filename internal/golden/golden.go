// Package golden compares rendered output with golden files under a test's
// testdata/, for every renderer test (Slack Block Kit, Teams cards, the
// shell). One switch rewrites them all after a deliberate change:
//
//	go test ./adapters/... -update
//
// and the diff of testdata/ is then reviewed like code.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update is the -update flag. A flag has to be registered before the test
// binary parses its arguments, so this test-only package keeps it at
// package level (production code has no globals).
var update = flag.Bool("update", false, "rewrite the golden files under testdata/ from the renderers")

// Assert compares got with the golden file at path (relative to the test's
// package, e.g. testdata/role-card.json); with -update it writes got there
// first.
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the renderer gives (go test -update rewrites it, then review the diff):\n%s", path, diff(want, got))
	}
}

// Updating reports whether the test runs with -update, for goldens that
// are not whole files (a code block in a doc page).
func Updating() bool { return *update }

// diff shows the first differing line with a little context.
func diff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  golden: %s\n  now:    %s", i+1, wl, gl)
		}
	}
	return "(same lines, different bytes)"
}
