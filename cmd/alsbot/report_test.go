package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/adapters/shell/shelltest"
)

// TestReportCommand: the programme example run by the binary (scheduler
// and all), then "alsbot report" writes the evaluation report from the
// embedded store.
func TestReportCommand(t *testing.T) {
	data := t.TempDir()
	script, err := os.Open("../../examples/programme.als")
	if err != nil {
		t.Fatal(err)
	}
	defer script.Close()
	out := runScript(t, data, script)

	// Reminders went only to recipients who had not answered, at most two
	// per questionnaire each.
	reminded := map[string]int{}
	for _, b := range shelltest.Blocks(out) {
		if strings.Contains(b, "A gentle reminder") {
			who, _, _ := strings.Cut(strings.TrimPrefix(b, "[DM @"), "]")
			q := "start"
			if strings.Contains(b, "End of programme") {
				q = "end"
			}
			reminded[q+"/"+who]++
		}
	}
	want := map[string]int{"start/dan": 2, "start/ivo": 2, "end/dan": 2, "end/hana": 2, "end/mia": 2}
	for k, n := range want {
		if reminded[k] != n {
			t.Errorf("%s reminded %d times, want %d (all reminders: %v)", k, reminded[k], n, reminded)
		}
	}
	if len(reminded) != len(want) {
		t.Errorf("reminders went to %v, want %v", reminded, want)
	}

	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"by name", []string{"--programme", "south west", "--out", filepath.Join(data, "r1")}, ""},
		{"by id", []string{"--programme", "shell:programme:south-west", "--out", filepath.Join(data, "r2")}, ""},
		{"unknown", []string{"--programme", "North", "--out", filepath.Join(data, "r3")}, "South West (id shell:programme:south-west)"},
		{"no out", []string{"--programme", "South West"}, "give --programme and --out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := command(t, data, append([]string{"report"}, tt.args...)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(stderr.String(), tt.wantErr) {
					t.Fatalf("report = %v, stderr %q; want an error with %q", err, stderr.String(), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("report: %v\n%s", err, stderr.String())
			}
			path := strings.TrimSpace(stdout.String())
			page, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Base(path) != "south-west-evaluation.html" {
				t.Errorf("file %s", path)
			}
			for _, want := range []string{`id="fig-q-members">6 of 9 (67 %)<`, `id="fig-q-mentors">3 of 4 (75 %)<`, `id="fig-started">9<`} {
				if !bytes.Contains(page, []byte(want)) {
					t.Errorf("the report lacks %q", want)
				}
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("report file: %v, mode %v; want 0600", err, fi.Mode())
			}
			t.Logf("report of examples/programme.als: %d bytes", len(page))
		})
	}
}
