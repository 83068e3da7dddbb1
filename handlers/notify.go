package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/alsbot/alsbot/bot"
)

// DirectNotifier sends each message at once through a Messenger. It keeps
// nothing: a message whose send fails is lost, and keys are not deduplicated.
// The scheduler provides the durable Notifier for production.
type DirectNotifier struct {
	m   bot.Messenger
	log *slog.Logger
}

var _ bot.Notifier = (*DirectNotifier)(nil)

// NewDirectNotifier returns a Notifier that sends through m.
func NewDirectNotifier(m bot.Messenger, log *slog.Logger) bot.Notifier {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &DirectNotifier{m: m, log: log}
}

// Notify sends every message, going on after a failure, and returns the
// failures joined.
func (n *DirectNotifier) Notify(ctx context.Context, msgs []bot.Outgoing) error {
	var errs []error
	for _, o := range msgs {
		if _, err := n.m.Send(ctx, o.To, o.Message); err != nil {
			n.log.WarnContext(ctx, "direct send failed", "kind", string(o.Message.Kind), "platform", string(o.To.Platform), "channel", o.To.ChannelID, "user", o.To.UserID, "key", o.Key.String(), "err", err)
			errs = append(errs, fmt.Errorf("send %s to %s %s%s: %w", o.Message.Kind, o.To.Platform, o.To.ChannelID, o.To.UserID, err))
		}
	}
	return errors.Join(errs...)
}
