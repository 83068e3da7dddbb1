package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/alsbot/alsbot/bot"
)

// Messenger implements bot.Messenger by printing to the terminal. It is also
// the io.Writer the shell prints its replies through (pass it as
// Config.Out), so that replies and notifications sent while a command runs
// come out whole and in order. It is safe for concurrent use.
type Messenger struct {
	mu      sync.Mutex
	out     io.Writer
	holding bool     // a command is being handled: Send waits for its reply
	held    []string // messages sent while holding, in order
	files   string   // where files of messages are written (files.go); empty: not written
	seq     atomic.Int64
}

func (m *Messenger) setFilesDir(dir string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files = dir
}

func (m *Messenger) filesDir() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.files
}

var _ bot.Messenger = (*Messenger)(nil)

// NewMessenger returns a Messenger printing to out. If out has a Flush
// method (a *bufio.Writer) it is flushed after every message.
func NewMessenger(out io.Writer) *Messenger {
	return &Messenger{out: out}
}

// Write writes p in one piece and flushes, so a message is never interleaved
// with another and is visible as soon as it is printed.
func (m *Messenger) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.write(p)
}

// write writes p and flushes; m.mu is held.
func (m *Messenger) write(p []byte) (int, error) {
	n, err := m.out.Write(p)
	if err != nil {
		return n, fmt.Errorf("write to terminal: %w", err)
	}
	if f, ok := m.out.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil {
			return n, fmt.Errorf("flush terminal: %w", err)
		}
	}
	return n, nil
}

// Send implements bot.Messenger: a channel prints as [#channel], a user alone
// as [DM @user], a user in a channel (a message only they see) as [@user].
func (m *Messenger) Send(ctx context.Context, to bot.Destination, msg bot.Message) (bot.MessageRef, error) {
	if err := ctx.Err(); err != nil {
		return bot.MessageRef{}, fmt.Errorf("print message: %w", err)
	}
	where, err := DestinationLabel(to)
	if err != nil {
		return bot.MessageRef{}, err
	}
	msg, err = saveFiles(m.filesDir(), msg)
	if err != nil {
		return bot.MessageRef{}, err
	}
	if err := m.print(Format(where, msg)); err != nil {
		return bot.MessageRef{}, err
	}
	return bot.MessageRef{
		Platform:  bot.Shell,
		ChannelID: to.ChannelID,
		ID:        strconv.FormatInt(m.seq.Add(1), 10),
	}, nil
}

// DestinationLabel is the "[...]" label of a destination, without brackets.
func DestinationLabel(to bot.Destination) (string, error) {
	switch {
	case to.ChannelID != "" && to.UserID != "":
		return "@" + to.UserID, nil
	case to.UserID != "":
		return "DM @" + to.UserID, nil
	case strings.HasPrefix(to.ChannelID, dmPrefix):
		// A reply into a DM conversation made in the shell.
		return "DM @" + strings.TrimPrefix(to.ChannelID, dmPrefix), nil
	case to.ChannelID != "":
		return "#" + to.ChannelID, nil
	default:
		return "", bot.Errorf(bot.EINVALID, "A message needs a channel or a user to go to.")
	}
}

// print writes a message, or keeps it for after the reply being prepared.
func (m *Messenger) print(text string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.holding {
		m.held = append(m.held, text)
		return nil
	}
	_, err := m.write([]byte(text))
	return err
}

// hold keeps the messages sent from now on until release, so that what a
// command causes (a DM to the presenter) prints after the command's reply,
// as it would appear in a chat.
func (m *Messenger) hold() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.holding = true
}

// release prints reply, then the messages held since hold, and stops holding.
func (m *Messenger) release(reply string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.holding = false
	held := m.held
	m.held = nil
	var errs []error
	for _, text := range append([]string{reply}, held...) {
		if _, err := m.write([]byte(text)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
