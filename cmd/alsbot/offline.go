package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/alsbot/alsbot/adapters/mongo"
)

// offlineArgs reads the flags every offline subcommand takes (export,
// report): the record to read, named by --<what>, and the directory to
// write into, --out. Both are required; anything else is a usage error.
func offlineArgs(cmd, what string, args []string, usage string) (name, out string, err error) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	nameArg := fs.String(what, "", "the "+what+"'s name or id")
	outArg := fs.String("out", "", "the directory to write into")
	if err := fs.Parse(args); err != nil {
		return "", "", fmt.Errorf("%w: %v\n%s", errUsage, err, usage)
	}
	name, out = strings.TrimSpace(*nameArg), strings.TrimSpace(*outArg)
	if fs.NArg() > 0 || name == "" || out == "" {
		return "", "", fmt.Errorf("%w: give --%s and --out\n%s", errUsage, what, usage)
	}
	// The directory as given (not trimmed) is where the files go, as before.
	return name, *outArg, nil
}

// withStore opens the store the bot uses (MONGODB_URI, else the embedded
// store under ALSBOT_DATA_DIR), runs f against it and closes it. Only the
// store settings matter: platform credentials are not checked, so an
// offline command runs beside a deployed bot's environment.
func withStore(ctx context.Context, getenv func(string) string, stderr io.Writer, f func(*mongo.Store) error) error {
	cfg := loadConfig(getenv)
	log := newLogger(stderr, cfg)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore(ctx, store, log)
	return f(store)
}
