package bot

import (
	"context"
)

// Messengers routes each message to the Messenger of its destination's
// platform, so the scheduler can serve Slack, Teams and the shell at once.
type Messengers map[Platform]Messenger

var _ Messenger = Messengers(nil)

// Send implements Messenger.
func (ms Messengers) Send(ctx context.Context, to Destination, m Message) (MessageRef, error) {
	sender, ok := ms[to.Platform]
	if !ok {
		return MessageRef{}, Errorf(EINVALID, "no messenger for platform %q", to.Platform)
	}
	return sender.Send(ctx, to, m)
}
