package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
)

const exportUsage = `Usage: alsbot export --set <name or id> --out <dir>
  Writes the set's records as CSV files into dir (created if need be): one row
  per member per session held, and the commitments with their reports. The
  store is the one the bot uses: MONGODB_URI, else the embedded store under
  ALSBOT_DATA_DIR. The files hold what members wrote: keep them safe.
`

// export is "alsbot export": the facilitator's /als export from the command
// line, against the store named by the environment.
func export(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	setArg, outDir, err := offlineArgs("export", "set", args, exportUsage)
	if err != nil {
		return err
	}
	return withStore(ctx, getenv, stderr, func(store *mongo.Store) error {
		set, err := findSetByNameOrID(ctx, store, setArg)
		if err != nil {
			return err
		}
		rec, err := handlers.LoadRecords(ctx, store, set)
		if err != nil {
			return fmt.Errorf("read the records of %s: %w", set.ID, err)
		}
		files, err := handlers.ExportFiles(rec, time.Now(), set.Location())
		if err != nil {
			return err
		}
		if err := os.MkdirAll(outDir, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", outDir, err)
		}
		for _, f := range files {
			path := filepath.Join(outDir, f.Name)
			if err := os.WriteFile(path, f.Data, 0o600); err != nil {
				return fmt.Errorf("write %s: %w", path, err)
			}
			if _, err := fmt.Fprintln(stdout, path); err != nil {
				return fmt.Errorf("print: %w", err)
			}
		}
		return nil
	})
}

// findSetByNameOrID reads the set with that id, else the one set with that
// name (case-insensitive); several of one name are listed by id.
func findSetByNameOrID(ctx context.Context, store bot.SetStore, arg string) (*bot.Set, error) {
	set, err := store.GetSet(ctx, arg)
	if err == nil {
		return set, nil
	}
	if bot.ErrorCode(err) != bot.ENOTFOUND {
		return nil, fmt.Errorf("read set %s: %w", arg, err)
	}
	all, err := store.FindSets(ctx, "", "")
	if err != nil {
		return nil, fmt.Errorf("list sets: %w", err)
	}
	var found []*bot.Set
	for _, s := range all {
		if strings.EqualFold(s.Name, arg) {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no set is named or has the id %q; the sets are: %s", arg, setList(all))
	case 1:
		return found[0], nil
	}
	return nil, errors.New("several sets are named " + arg + "; give one's id: " + setList(found))
}

func setList(sets []*bot.Set) string {
	if len(sets) == 0 {
		return "none"
	}
	parts := make([]string, len(sets))
	for i, s := range sets {
		parts[i] = fmt.Sprintf("%s (id %s)", s.Name, s.ID)
	}
	return strings.Join(parts, ", ")
}
