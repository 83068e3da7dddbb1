package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
	"github.com/alsbot/alsbot/report"
)

const reportUsage = `Usage: alsbot report --programme <name or id> --out <dir>
  Writes the programme's evaluation report, one self-contained HTML file
  (figures, charts, anonymised comments, method), into dir (created if need
  be) and prints its path. The store is the one the bot uses: MONGODB_URI,
  else the embedded store under ALSBOT_DATA_DIR.
`

// reportCmd is "alsbot report": the lead's /als programme report from the
// command line, against the store named by the environment.
func reportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	progArg, outDir, err := offlineArgs("report", "programme", args, reportUsage)
	if err != nil {
		return err
	}
	return withStore(ctx, getenv, stderr, func(store *mongo.Store) error {
		prog, err := findProgramme(ctx, store, progArg)
		if err != nil {
			return err
		}
		rec, err := handlers.LoadProgramme(ctx, store, store, prog)
		if err != nil {
			return fmt.Errorf("read the records of programme %s: %w", prog.ID, err)
		}
		path, err := report.Write(outDir, report.Input{Figures: bot.ComputeProgrammeFigures(rec), Generated: time.Now()})
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintln(stdout, path); err != nil {
			return fmt.Errorf("print: %w", err)
		}
		return nil
	})
}

// findProgramme reads the programme with that id, else the one whose name
// matches (case and spacing aside); several of one name are listed by id.
func findProgramme(ctx context.Context, store bot.ProgrammeStore, arg string) (*bot.Programme, error) {
	p, err := store.GetProgramme(ctx, arg)
	if err == nil {
		return p, nil
	}
	if bot.ErrorCode(err) != bot.ENOTFOUND {
		return nil, fmt.Errorf("read programme %s: %w", arg, err)
	}
	all, err := store.FindProgrammes(ctx, "", "")
	if err != nil {
		return nil, fmt.Errorf("list programmes: %w", err)
	}
	var found []*bot.Programme
	var names []string
	for _, p := range all {
		names = append(names, fmt.Sprintf("%s (id %s)", p.Name, p.ID))
		if bot.Slug(p.Name) == bot.Slug(arg) {
			found = append(found, p)
		}
	}
	if len(names) == 0 {
		names = []string{"none"}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no programme is named or has the id %q; the programmes are: %s", arg, strings.Join(names, ", "))
	case 1:
		return found[0], nil
	}
	var ids []string
	for _, p := range found {
		ids = append(ids, p.ID)
	}
	return nil, errors.New("several programmes are named " + arg + " (one per platform); give one's id: " + strings.Join(ids, ", "))
}
