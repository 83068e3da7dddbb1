package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

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
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	setArg := fs.String("set", "", "the set's name or id")
	outArg := fs.String("out", "", "the directory to write the files into")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v\n%s", errUsage, err, exportUsage)
	}
	if fs.NArg() > 0 || strings.TrimSpace(*setArg) == "" || strings.TrimSpace(*outArg) == "" {
		return fmt.Errorf("%w: give --set and --out\n%s", errUsage, exportUsage)
	}
	// Only the store settings matter here: platform credentials are not
	// checked, so an export runs beside a deployed bot's environment.
	cfg := loadConfig(getenv)
	log := newLogger(stderr, cfg)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore(ctx, store, log)

	set, err := findSetByNameOrID(ctx, store, strings.TrimSpace(*setArg))
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
	if err := os.MkdirAll(*outArg, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", *outArg, err)
	}
	for _, f := range files {
		path := filepath.Join(*outArg, f.Name)
		if err := os.WriteFile(path, f.Data, 0o600); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if _, err := fmt.Fprintln(stdout, path); err != nil {
			return fmt.Errorf("print: %w", err)
		}
	}
	return nil
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
