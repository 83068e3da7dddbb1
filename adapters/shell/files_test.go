package shell

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// fileHandler is a double of the bot.Handler port that answers with a file
// named by the command, or sends one in a DM for "dm <name>".
type fileHandler struct{ msgr bot.Messenger }

func (h fileHandler) Handle(ctx context.Context, req bot.Request) (bot.Message, error) {
	verb, name, _ := strings.Cut(req.Text, " ")
	msg := bot.Message{Text: "here", Private: true, Files: []bot.File{{Name: name, ContentType: "text/csv", Data: []byte("a,b\n1,2\n")}}}
	if verb == "dm" {
		_, err := h.msgr.Send(ctx, bot.Destination{Platform: bot.Shell, UserID: req.Actor.ID}, msg)
		return bot.Message{Text: "sent"}, err
	}
	return msg, nil
}

func TestFilesWritten(t *testing.T) {
	tests := []struct {
		name, line, file string
	}{
		{"reply", "@fran export west-20261201.csv", "west-20261201.csv"},
		{"DM", "@ana dm mydata.json", "mydata.json"},
		{"a name cannot leave the directory", "@fran export ../../escape.csv", "escape.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "files")
			var out strings.Builder
			msgr := NewMessenger(&out)
			sh := New(Config{In: strings.NewReader(tt.line + "\n"), Out: msgr, Handler: fileHandler{msgr: msgr}, Clock: NewClock(start), Files: dir})
			if err := sh.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tt.file)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read %s: %v\noutput:\n%s", path, err, out.String())
			}
			if string(b) != "a,b\n1,2\n" {
				t.Errorf("file holds %q", b)
			}
			if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", fi.Mode().Perm())
			}
			if want := "(file " + path + ", 8 bytes)"; !strings.Contains(out.String(), want) {
				t.Errorf("output %q does not name %q", out.String(), want)
			}
		})
	}

	t.Run("no directory: only named", func(t *testing.T) {
		var out strings.Builder
		msgr := NewMessenger(&out)
		sh := New(Config{In: strings.NewReader("@fran export x.csv\n"), Out: msgr, Handler: fileHandler{msgr: msgr}, Clock: NewClock(start)})
		if err := sh.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "(file x.csv, 8 bytes)") {
			t.Errorf("output %q", out.String())
		}
	})
}
