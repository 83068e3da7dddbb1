// Package shell is the terminal adapter: a person (or a script) plays every
// user of a set by starting lines with "@name", and moves the bot's clock
// with ":advance" to see what it sends over days and weeks.
package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// DefaultChannel is the channel requests come from until ":channel" says
// otherwise.
const DefaultChannel = "als"

// dmPrefix names the conversation of a user's DM with the bot: "dm-alice".
const dmPrefix = "dm-"

// Config is what the shell needs.
type Config struct {
	In  io.Reader // lines to run: a terminal or a script
	Out io.Writer // where everything is printed; pass the *Messenger the notifier uses so output stays in order
	// Handler answers each command.
	Handler bot.Handler
	// Clock is the bot's clock, moved by ":advance"; nil: a new one at the
	// real time.
	Clock *Clock
	// OnAdvance is called after each step of ":advance" so the scheduler can
	// deliver what fell due at that time; may be nil.
	OnAdvance func(ctx context.Context) error
	// NextDue, when set, tells when the next pending delivery is due (zero:
	// none), so ":advance" steps from due time to due time instead of by
	// Step; may be nil.
	NextDue func(ctx context.Context) (time.Time, error)
	// Step is the largest clock step between two OnAdvance calls when
	// NextDue does not say; default one minute.
	Step time.Duration
	// Channel requests come from at first; default "als".
	Channel string
	// Files is the directory where files of messages (exports, charts,
	// mydata) are written; the output names each file's path. Empty: files
	// are only named.
	Files string
	// Logger for internal errors; nil discards.
	Logger *slog.Logger
}

// Shell runs lines of input as commands of the users they name.
type Shell struct {
	cfg         Config
	out         *Messenger
	clock       *Clock
	log         *slog.Logger
	interactive bool

	// State of the conversation; only Run's goroutine touches it.
	actor   bot.UserRef
	channel string
	dm      bool
}

// New returns a shell. Input that is not a terminal (a file, a pipe) is run
// as a script: no prompt, each line echoed after "> ", and Run returns nil at
// its end.
func New(cfg Config) *Shell {
	s := &Shell{cfg: cfg, clock: cfg.Clock, log: cfg.Logger, channel: cfg.Channel}
	switch out := cfg.Out.(type) {
	case *Messenger:
		s.out = out
	case nil:
		s.out = NewMessenger(io.Discard)
	default:
		// One writer that serializes and flushes, even if the caller gave a
		// plain one.
		s.out = NewMessenger(out)
	}
	if s.clock == nil {
		s.clock = NewClock(time.Now())
	}
	if cfg.Files != "" {
		s.out.setFilesDir(cfg.Files)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "shell", "platform", string(bot.Shell))
	if s.channel == "" {
		s.channel = DefaultChannel
	}
	if s.cfg.Step <= 0 {
		s.cfg.Step = time.Minute
	}
	s.interactive = isTerminal(cfg.In)
	return s
}

// isTerminal reports whether r is a character device (a terminal).
func isTerminal(r io.Reader) bool {
	f, ok := r.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

type readResult struct {
	line string
	err  error
}

// Run reads and runs lines until the input ends or ctx is cancelled; both
// are a normal end and return nil. Each line's output is printed before the
// next line is read.
func (s *Shell) Run(ctx context.Context) error {
	if s.cfg.Handler == nil {
		return errors.New("shell: no handler configured")
	}
	if s.cfg.In == nil {
		return errors.New("shell: no input configured")
	}
	// Reading happens in a goroutine so that a signal can end a shell that
	// waits on a terminal; it reads one line only when asked, so nothing is
	// read ahead of the answer to the previous line.
	want := make(chan struct{})
	lines := make(chan readResult, 1)
	defer close(want)
	go func() {
		br := bufio.NewReader(s.cfg.In)
		for range want {
			line, err := br.ReadString('\n')
			lines <- readResult{line, err}
			if err != nil {
				return
			}
		}
	}()
	for {
		if s.interactive {
			s.print("> ")
		}
		select {
		case want <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		var r readResult
		select {
		case r = <-lines:
		case <-ctx.Done():
			return nil
		}
		if r.line != "" {
			s.handleLine(ctx, r.line)
		}
		switch {
		case errors.Is(r.err, io.EOF):
			if s.interactive {
				s.print("\n")
			}
			return nil
		case r.err != nil:
			return fmt.Errorf("shell: read input: %w", r.err)
		}
	}
}

func (s *Shell) print(text string) {
	if _, err := io.WriteString(s.out, text); err != nil {
		s.log.Error("print", "err", err)
	}
}

func (s *Shell) note(format string, args ...any) {
	s.print("[shell] " + fmt.Sprintf(format, args...) + "\n")
}

// handleLine runs one line of input.
func (s *Shell) handleLine(ctx context.Context, raw string) {
	line := strings.TrimSpace(raw)
	if line == "" || strings.HasPrefix(line, "#") {
		return
	}
	line = s.expand(line)
	if !s.interactive {
		s.print("> " + line + "\n")
	}
	if strings.HasPrefix(line, ":") {
		s.shellCommand(ctx, line)
		return
	}
	text := line
	if strings.HasPrefix(line, "@") {
		name, rest := line, ""
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			name, rest = line[:i], line[i+1:]
		}
		name = strings.TrimPrefix(name, "@")
		if name == "" {
			s.note("Write who is speaking right after the @, e.g. `@alice /als setup West set`.")
			return
		}
		s.actor = userRef(name)
		text = strings.TrimSpace(rest)
		if text == "" {
			s.note("Now speaking as @%s.", s.actor.ID)
			return
		}
	}
	if s.actor.ID == "" {
		s.note("Start the line with who is speaking, e.g. `@alice /als setup West set`; later lines without a name act as the same person.")
		return
	}
	s.handle(ctx, stripSlashCommand(text))
}

// stripSlashCommand removes a leading "/als" (any case): it is optional in
// the shell as in Teams.
func stripSlashCommand(text string) string {
	if len(text) >= 4 && strings.EqualFold(text[:4], "/als") && (len(text) == 4 || text[4] == ' ' || text[4] == '\t') {
		return strings.TrimSpace(text[4:])
	}
	return text
}

// userRef is the shell user named token: any @token is a known user. The id
// is lower case so @Ana and @ana are the same person.
func userRef(token string) bot.UserRef {
	return bot.UserRef{ID: strings.ToLower(token), Name: token}
}

// mentions resolves every @token of text to a shell user, keyed by the token
// as the parser sees it (and without trailing punctuation, "@ana," -> ana).
func mentions(text string) map[string]bot.UserRef {
	var m map[string]bot.UserRef
	for _, f := range strings.Fields(text) {
		tok := strings.Trim(f, "\"“”'")
		if !strings.HasPrefix(tok, "@") {
			continue
		}
		tok = tok[1:]
		name := strings.TrimRight(tok, ",.;:!?)")
		if name == "" {
			continue
		}
		if m == nil {
			m = make(map[string]bot.UserRef)
		}
		m[tok] = userRef(name)
		m[name] = userRef(name)
	}
	return m
}

// conv is the conversation the current line comes from.
func (s *Shell) conv() bot.ConversationRef {
	if s.dm {
		id := dmPrefix + s.actor.ID
		return bot.ConversationRef{ID: id, Name: id, DM: true}
	}
	return bot.ConversationRef{ID: s.channel, Name: s.channel}
}

// handle runs one command as the current actor and prints the reply.
func (s *Shell) handle(ctx context.Context, text string) {
	req := bot.Request{
		Platform: bot.Shell,
		Actor:    s.actor,
		Conv:     s.conv(),
		Text:     text,
		Mentions: mentions(text),
	}
	s.out.hold()
	msg, err := s.call(ctx, req)
	if err != nil {
		// Not logged here: the router logs internal errors once.
		if isEmpty(msg) {
			msg = bot.Message{Kind: bot.KindError, Text: bot.ErrorMessage(err)}
		}
		msg.Private = true
	}
	if saved, err := saveFiles(s.out.filesDir(), msg); err != nil {
		s.log.Error("save files", "err", err)
		msg.Text += "\n(The attached files could not be saved: " + err.Error() + ")"
	} else {
		msg = saved
	}
	var where string
	switch {
	case msg.Private:
		where = "@" + s.actor.ID
	case req.Conv.DM:
		where = "DM @" + s.actor.ID
	default:
		where = "#" + s.channel
	}
	if err := s.out.release(Format(where, msg)); err != nil {
		s.log.Error("print", "err", err)
	}
}

// call runs the handler, turning a panic into an internal error so one bad
// command does not end a session of the shell.
func (s *Shell) call(ctx context.Context, req bot.Request) (msg bot.Message, err error) {
	defer func() {
		if p := recover(); p != nil {
			msg, err = bot.Message{}, fmt.Errorf("handler panic: %v", p)
		}
	}()
	return s.cfg.Handler.Handle(ctx, req)
}

func isEmpty(m bot.Message) bool {
	return m.Title == "" && m.Text == "" && len(m.Sections) == 0 && len(m.Buttons) == 0 && m.Form == nil && len(m.Files) == 0
}
