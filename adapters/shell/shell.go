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
	"regexp"
	"strconv"
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

const shellHelp = `[shell] Lines are commands of the user they start with:
  @alice /als setup West set    acts as alice (the /als is optional)
  round start                   a line without @name acts as the previous user
  @bob                          switches to bob without a command
  @names in a command (members add @ana @ben) are shell users
Shell commands:
  :help                         this list
  :now                          shows the bot's clock (UTC)
  :advance <duration>           moves the clock on and delivers what fell due: 90m, 26h, 7d, 1d12h
  :advance to <YYYY-MM-DD> <HH:MM>  moves the clock to that time (UTC)
  :channel [<name>]             shows or switches the channel commands come from (one set per channel)
  :dm / :dm off                 the following lines come from each user's DM with the bot / the channel
In lines, {today}, {tomorrow} and {today+3d} become dates (YYYY-MM-DD) and {now+2h} a date and time
(YYYY-MM-DD HH:MM), from the bot's clock in UTC. Blank lines and lines starting with # are ignored.
`

// shellCommand runs a line starting with ':'.
func (s *Shell) shellCommand(ctx context.Context, line string) {
	fields := strings.Fields(line)
	switch strings.ToLower(fields[0]) {
	case ":help":
		s.print(shellHelp)
	case ":now":
		s.printNow()
	case ":advance":
		target, err := s.advanceTarget(fields[1:])
		if err != nil {
			s.note("%s", bot.ErrorMessage(err))
			return
		}
		s.advance(ctx, target)
	case ":channel":
		switch len(fields) {
		case 1:
			s.note("Commands come from #%s.", s.channel)
		case 2:
			name := strings.TrimPrefix(fields[1], "#")
			if name == "" {
				s.note("Write the channel's name, e.g. `:channel east-set`.")
				return
			}
			s.channel = name
			s.dm = false
			s.note("Commands now come from #%s.", s.channel)
		default:
			s.note("A channel name has no spaces, e.g. `:channel east-set`.")
		}
	case ":dm":
		switch {
		case len(fields) == 1 || (len(fields) == 2 && strings.EqualFold(fields[1], "on")):
			s.dm = true
			s.note("Commands now come from each user's DM with the bot; `:dm off` goes back to #%s.", s.channel)
		case len(fields) == 2 && strings.EqualFold(fields[1], "off"):
			s.dm = false
			s.note("Commands now come from #%s.", s.channel)
		default:
			s.note("Write `:dm` to talk to the bot directly, `:dm off` to go back to the channel.")
		}
	default:
		s.note("%s is not a shell command; `:help` lists them.", fields[0])
	}
}

func (s *Shell) printNow() {
	s.print("[clock] now " + s.clock.Now().UTC().Format("Mon 02 Jan 2006 15:04 MST") + "\n")
}

// advanceTarget reads ":advance <duration>" or ":advance to <date> <time>".
func (s *Shell) advanceTarget(args []string) (time.Time, error) {
	now := s.clock.Now()
	const usage = "Write `:advance <duration>` (e.g. 90m, 26h, 7d, 1d12h) or `:advance to <YYYY-MM-DD> <HH:MM>` (UTC)."
	switch {
	case len(args) == 1:
		d, err := ParseDuration(args[0])
		if err != nil {
			return time.Time{}, bot.Errorf(bot.EINVALID, "%q is not a duration. %s", args[0], usage)
		}
		if d <= 0 {
			return time.Time{}, bot.Errorf(bot.EINVALID, "The clock only moves forward: give a positive duration. %s", usage)
		}
		return now.Add(d), nil
	case len(args) == 3 && strings.EqualFold(args[0], "to"):
		t, err := time.ParseInLocation("2006-01-02 15:04", args[1]+" "+args[2], time.UTC)
		if err != nil {
			return time.Time{}, bot.Errorf(bot.EINVALID, "%q is not a date and time. %s", args[1]+" "+args[2], usage)
		}
		if !t.After(now) {
			return time.Time{}, bot.Errorf(bot.EINVALID, "%s is not after the clock's %s: the clock only moves forward.", t.Format("2006-01-02 15:04"), now.Format("2006-01-02 15:04"))
		}
		return t, nil
	default:
		return time.Time{}, bot.Errorf(bot.EINVALID, "%s", usage)
	}
}

// advance moves the clock to target in steps, calling OnAdvance after each
// so messages come out in order at their time: straight to each due time
// when NextDue says, else by at most Step.
func (s *Shell) advance(ctx context.Context, target time.Time) {
	if s.cfg.OnAdvance == nil {
		s.clock.Set(target.UTC())
		s.printNow()
		return
	}
	for now := s.clock.Now(); now.Before(target); now = s.clock.Now() {
		next := now.Add(s.cfg.Step)
		if s.cfg.NextDue != nil {
			due, err := s.cfg.NextDue(ctx)
			switch {
			case err != nil:
				s.log.Error("next due time", "err", err)
			case due.IsZero():
				next = target
			case due.After(now):
				next = due
			}
		}
		if next.After(target) {
			next = target
		}
		s.clock.Set(next.UTC())
		if err := s.cfg.OnAdvance(ctx); err != nil {
			s.log.Error("deliver due messages", "err", err)
			s.print("[clock] " + next.Format("Mon 02 Jan 2006 15:04 MST") + ": delivering what fell due failed; it is tried again on the next step.\n")
		}
		if ctx.Err() != nil {
			return
		}
	}
	s.printNow()
}

// ParseDuration is time.ParseDuration that also accepts days: "7d",
// "1d12h", "1.5d".
func ParseDuration(text string) (time.Duration, error) {
	text = strings.TrimSpace(text)
	var bad error
	converted := daysRE.ReplaceAllStringFunc(text, func(m string) string {
		f, err := strconv.ParseFloat(strings.TrimSuffix(m, "d"), 64)
		if err != nil {
			bad = err
			return m
		}
		return strconv.FormatFloat(f*24, 'f', -1, 64) + "h"
	})
	if bad != nil {
		return 0, fmt.Errorf("parse duration %q: %w", text, bad)
	}
	d, err := time.ParseDuration(converted)
	if err != nil {
		return 0, fmt.Errorf("parse duration %q: %w", text, err)
	}
	return d, nil
}

var (
	daysRE        = regexp.MustCompile(`[0-9]+(\.[0-9]+)?d`)
	placeholderRE = regexp.MustCompile(`\{(today|tomorrow|now)([+-][0-9.a-z]+)?\}`)
)

// expand replaces {today}, {tomorrow}, {today+3d} with dates and {now+2h}
// with a date and time, from the clock in UTC, so a script can add a session
// relative to whenever it runs. Placeholders with a bad offset stay as
// written (the command then says what is wrong).
func (s *Shell) expand(line string) string {
	if !strings.Contains(line, "{") {
		return line
	}
	now := s.clock.Now().UTC()
	return placeholderRE.ReplaceAllStringFunc(line, func(m string) string {
		sub := placeholderRE.FindStringSubmatch(m)
		t := now
		if sub[1] == "tomorrow" {
			t = t.AddDate(0, 0, 1)
		}
		if sub[2] != "" {
			d, err := ParseDuration(strings.TrimPrefix(sub[2], "+"))
			if err != nil {
				return m
			}
			t = t.Add(d)
		}
		if sub[1] == "now" {
			return t.Format("2006-01-02 15:04")
		}
		return t.Format("2006-01-02")
	})
}
