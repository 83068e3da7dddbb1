package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestExportCommand: the set-life script run by the binary, then
// "alsbot export" writes the same CSV files from the embedded store.
func TestExportCommand(t *testing.T) {
	data := t.TempDir()
	script, err := os.Open("../../examples/set-life.als")
	if err != nil {
		t.Fatal(err)
	}
	defer script.Close()
	runScript(t, data, script)

	tests := []struct {
		name    string
		args    []string
		wantErr string
		rows    int
	}{
		{"by name", []string{"--set", "west SET", "--out", filepath.Join(data, "out1")}, "", 4 * 6},
		{"by id", []string{"--set", "shell:als", "--out", filepath.Join(data, "out2")}, "", 4 * 6},
		{"unknown set", []string{"--set", "East", "--out", filepath.Join(data, "out3")}, "West set (id shell:als)", 0},
		{"no out", []string{"--set", "West set"}, "give --set and --out", 0},
		{"stray argument", []string{"--set", "West set", "--out", data, "now"}, "give --set and --out", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := command(t, data, append([]string{"export"}, tt.args...)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(stderr.String(), tt.wantErr) {
					t.Fatalf("export = %v, stderr %q; want an error with %q", err, stderr.String(), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("export: %v\n%s", err, stderr.String())
			}
			paths := strings.Fields(stdout.String())
			if len(paths) != 2 || !strings.HasSuffix(paths[0], "-attendance.csv") || !strings.HasSuffix(paths[1], "-commitments.csv") {
				t.Fatalf("export printed %q", paths)
			}
			b, err := os.ReadFile(paths[0])
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tt.rows+1 || !slices.Contains(rows[0], "feedback_rating") {
				t.Errorf("%d rows (header %q), want %d and a header", len(rows), rows[0], tt.rows+1)
			}
			if fi, err := os.Stat(paths[1]); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("commitments file: %v, mode %v; want 0600", err, fi.Mode())
			}
		})
	}
}
