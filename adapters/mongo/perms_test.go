package mongo_test

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
)

// checkPrivate fails for a data directory other users can enter or a
// store file they can read.
func checkPrivate(t *testing.T, dir string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			n++
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the store wrote no files")
	}
}

// TestEmbeddedStorePrivate: the embedded store's directory is created 0700
// and its files 0600: they hold every commitment, report and comment. An
// existing directory others can read is warned about at start, and store
// files left readable by an older version are made private.
func TestEmbeddedStorePrivate(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	st, err := mongo.Open(ctx, mongo.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSet(ctx, fullSet("shell:perm", bot.Shell, t0, "alice")); err != nil {
		t.Fatal(err)
	}
	checkPrivate(t, dir)
	if err := st.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// As an older version left them.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		if err := os.Chmod(f, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var logs bottest.Buffer
	st, err = mongo.Open(ctx, mongo.Config{DataDir: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "readable by other users") {
		t.Errorf("no warning about a readable data directory; logs:\n%s", logs.String())
	}
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s left with mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
}
