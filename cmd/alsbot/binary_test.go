package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/shell/shelltest"
)

// binaryPath is the alsbot binary TestMain builds once for the binary tests.
// It is set before any test runs and only read afterwards.
var binaryPath string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "alsbot-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	binaryPath = filepath.Join(dir, "alsbot")
	build := exec.Command(goBin, "build", "-o", binaryPath, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build alsbot:", err)
		return 1
	}
	return m.Run()
}

// binaryEnv is a clean environment: no platform credentials from the
// developer's shell, the embedded store in dataDir.
func binaryEnv(dataDir string) []string {
	env := []string{"ALSBOT_DATA_DIR=" + dataDir}
	for _, name := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	return env
}

// command prepares the binary; the context only guards against a hung
// process (it is killed when the test's deadline comes), it times nothing.
func command(t *testing.T, dataDir string, args ...string) *exec.Cmd {
	t.Helper()
	ctx := context.Background()
	if deadline, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-5*time.Second))
		t.Cleanup(cancel)
	}
	cmd := exec.CommandContext(ctx, binaryPath, args...)
	cmd.Env = binaryEnv(dataDir)
	return cmd
}

// startShell starts the binary's shell on dataDir with its input and output
// as pipes: the test writes lines to stdin and reads the answers from out.
func startShell(t *testing.T, dataDir string) (*exec.Cmd, io.WriteCloser, *bufio.Reader, *bytes.Buffer) {
	t.Helper()
	cmd := command(t, dataDir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdoutPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &bytes.Buffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stdin, bufio.NewReader(stdoutPipe), stderr
}

// runScript runs the binary with script on standard input and returns its
// standard output; it fails the test unless the exit code is 0.
func runScript(t *testing.T, dataDir string, script io.Reader) string {
	t.Helper()
	cmd := command(t, dataDir)
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = script, &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("alsbot: %v\nstderr:\n%s\nstdout:\n%s", err, stderr.String(), stdout.String())
	}
	return stdout.String()
}

var (
	presenterRE = regexp.MustCompile(`(?m)^  Presenter: (\w+)$`)
	observerRE  = regexp.MustCompile(`(?m)^  Observer: (\w+)$`)
)

func TestFiveMembersScript(t *testing.T) {
	dataDir := t.TempDir()
	script, err := os.Open(filepath.Join("..", "..", "examples", "five-members.als"))
	if err != nil {
		t.Fatal(err)
	}
	defer script.Close()
	bs := shelltest.Blocks(runScript(t, dataDir, script))

	t.Run("roles", func(t *testing.T) {
		var cards []string
		for _, ans := range shelltest.Answers(bs, `round start`) {
			if len(ans) != 1 || !strings.HasPrefix(ans[0], "[#als] Round ") {
				t.Fatalf("round start answered %q, want one role card in #als", ans)
			}
			cards = append(cards, ans[0])
		}
		if len(cards) != 3 {
			t.Fatalf("%d role cards, want 3", len(cards))
		}
		attendees := []string{"ana", "ben", "cat", "dev", "eve"}
		presented := map[string]bool{}
		for i, card := range cards {
			p, o := presenterRE.FindStringSubmatch(card), observerRE.FindStringSubmatch(card)
			if p == nil || o == nil {
				t.Fatalf("round %d card has no presenter or observer:\n%s", i+1, card)
			}
			if p[1] == o[1] {
				t.Errorf("round %d: %s is presenter and observer", i+1, p[1])
			}
			if presented[p[1]] {
				for _, a := range attendees {
					if !presented[a] {
						t.Errorf("round %d: %s presents again while %s has not presented", i+1, p[1], a)
					}
				}
			}
			presented[p[1]] = true
			if i == 0 && p[1] != "cat" {
				t.Errorf("round 1 presenter %s, want cat, the only bidder", p[1])
			}
		}
	})
	t.Run("action prompt after round end", func(t *testing.T) {
		for i, ans := range shelltest.Answers(bs, `round end`) {
			if len(ans) != 2 || !strings.HasPrefix(ans[0], "[#als] ") || !strings.HasPrefix(ans[1], "[DM @") ||
				!strings.Contains(ans[1], "-> type: /als commit <text> [by <date>]") {
				t.Errorf("round end %d answered %q, want the channel notice then a DM to the presenter with the command to type", i+1, ans)
			}
		}
	})
	t.Run("commit, actions and report", func(t *testing.T) {
		commits := shelltest.Answers(bs, `commit `)
		if len(commits) != 2 || !strings.HasPrefix(commits[0][0], "[@ana] Recorded C-1") || !strings.HasPrefix(commits[1][0], "[@ben] Recorded C-2") {
			t.Errorf("commits answered %q", commits)
		}
		reports := shelltest.Answers(bs, `report C-1 `)
		if len(reports) != 1 || len(reports[0]) != 1 || !strings.HasPrefix(reports[0][0], "[@ana] ") || !strings.Contains(reports[0][0], "C-1") {
			t.Errorf("report answered %q", reports)
		}
		acts := shelltest.Answers(bs, `actions$`)
		if len(acts) != 2 {
			t.Fatalf("%d answers to actions, want 2", len(acts))
		}
		before, after := strings.Join(acts[0], "\n"), strings.Join(acts[1], "\n")
		if !strings.HasPrefix(before, "[@ana] ") || !strings.Contains(before, "C-1") || !strings.Contains(before, "Ask the duty team lead for a rota review meeting") {
			t.Errorf("actions before the report:\n%s", before)
		}
		if !strings.Contains(after, "progress") || !strings.Contains(after, "Meeting booked for Thursday") {
			t.Errorf("actions after the report does not show it:\n%s", after)
		}
	})
	t.Run("no errors", func(t *testing.T) {
		for _, b := range bs {
			if strings.Contains(b, "Something went wrong") || strings.HasPrefix(b, "[shell] ") {
				t.Errorf("unexpected block:\n%s", b)
			}
		}
	})

	// A second run on the same data directory finds the set and commitments.
	again := shelltest.Blocks(runScript(t, dataDir, strings.NewReader("@fran /als members\n@ana /als actions\n")))
	members := strings.Join(shelltest.Answers(again, `members$`)[0], "\n")
	for _, name := range []string{"fran", "ana", "ben", "cat", "dev", "eve"} {
		if !strings.Contains(members, name) {
			t.Errorf("after a restart, members lacks %s:\n%s", name, members)
		}
	}
	actions := strings.Join(shelltest.Answers(again, `actions$`)[0], "\n")
	if !strings.Contains(actions, "C-1") || !strings.Contains(actions, "Ask the duty team lead") || !strings.Contains(actions, "Meeting booked") {
		t.Errorf("after a restart, ana's actions lack C-1 and its report:\n%s", actions)
	}
}

// TestAnswersStream writes one line at a time through a pipe and reads each
// answer before writing the next: the binary must not wait for more input
// (or the end of it) to print. Closing the input ends it with exit code 0.
func TestAnswersStream(t *testing.T) {
	cmd, stdin, out, stderr := startShell(t, t.TempDir())
	for _, step := range []struct{ line, want string }{
		{"@fran /als setup Pipe set", "[#als] "},
		{"/als members add @ana @ben", "[#als] "},
		{"@ana /als nonsense", "[@ana] "},
		{"/als actions", "[@ana] "},
	} {
		if _, err := io.WriteString(stdin, step.line+"\n"); err != nil {
			t.Fatal(err)
		}
		// Continuation lines of the previous answer come first.
		echo, err := out.ReadString('\n')
		for err == nil && (echo == "\n" || strings.HasPrefix(echo, "  ")) {
			echo, err = out.ReadString('\n')
		}
		if err != nil || echo != "> "+step.line+"\n" {
			t.Fatalf("after writing %q read %q, %v; want the echo", step.line, echo, err)
		}
		answer, err := out.ReadString('\n')
		if err != nil || !strings.HasPrefix(answer, step.want) {
			t.Fatalf("answer to %q: %q, %v; want it to start with %q", step.line, answer, err, step.want)
		}
	}
	stdin.Close()
	if _, err := io.Copy(io.Discard, out); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit at end of input: %v\nstderr:\n%s", err, stderr.String())
	}
}

// TestSignalExitsCleanly sends SIGTERM (and SIGINT) to a shell waiting for
// input: it must stop, close the store and exit 0.
func TestSignalExitsCleanly(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dataDir := t.TempDir()
			cmd, stdin, out, stderr := startShell(t, dataDir)
			defer stdin.Close()
			// Once a command is answered the shell is up and waiting.
			if _, err := io.WriteString(stdin, "@fran /als setup Signal set\n"); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if _, err := out.ReadString('\n'); err != nil {
					t.Fatal(err)
				}
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, out); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("exit after %v: %v\nstderr:\n%s", sig, err, stderr.String())
			}
			// The store was closed: a new run opens the same files and finds the set.
			got := runScript(t, dataDir, strings.NewReader("@fran /als members\n"))
			if !strings.Contains(got, "fran") || strings.Contains(got, "no action learning set") {
				t.Errorf("after %v the set is gone:\n%s", sig, got)
			}
		})
	}
}

func TestBinaryCommandLine(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      []string
		wantCode int
		wantOut  string // in stdout
		wantErr  string // in stderr
	}{
		{name: "version", args: []string{"version"}, wantOut: "alsbot "},
		{name: "help", args: []string{"help"}, wantOut: "Usage:"},
		{name: "unknown subcommand", args: []string{"frob"}, wantCode: 2, wantErr: `unknown command "frob"`},
		{name: "slack token refused", env: []string{"SLACK_BOT_TOKEN=xoxb-1", "SLACK_APP_TOKEN=xapp-1", "SLACK_API_URL=" + refusingSlack(t)}, wantCode: 1, wantErr: "invalid_auth"},
		{name: "bad configuration", env: []string{"SLACK_APP_TOKEN=nope", "MICROSOFT_APP_PASSWORD=x"}, wantCode: 1, wantErr: "SLACK_APP_TOKEN must be an app-level token"},
		// serve never guesses: no credentials is a usage error naming them.
		{name: "serve without credentials", args: []string{"serve"}, wantCode: 2, wantErr: "SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode), and/or MICROSOFT_APP_ID with MICROSOFT_APP_PASSWORD"},
		{name: "serve without credentials ignores the store", args: []string{"serve"}, env: []string{"MONGODB_URI=mongodb://127.0.0.1:1/"}, wantCode: 2, wantErr: "alsbot shell"},
		// shell is the terminal even where credentials are set: it never dials Slack.
		{name: "shell with credentials", args: []string{"shell"}, env: []string{"SLACK_BOT_TOKEN=xoxb-1", "SLACK_APP_TOKEN=xapp-1", "SLACK_API_URL=" + refusingSlack(t)}, wantErr: "alsbot shell: a terminal chat"},
		{name: "bare alsbot without credentials is the shell", wantErr: "alsbot shell: a terminal chat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := command(t, t.TempDir(), tt.args...)
			cmd.Env = append(cmd.Env, tt.env...)
			cmd.Stdin = strings.NewReader("")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode || !strings.Contains(stdout.String(), tt.wantOut) || !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
					code, stdout.String(), stderr.String(), tt.wantCode, tt.wantOut, tt.wantErr)
			}
		})
	}
}

// refusingSlack is a loopback Slack Web API that refuses every token, as
// Slack answers auth.test for a revoked or mistyped one.
func refusingSlack(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/"
}
