package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/alsbot/alsbot/bot"
)

// Sender is the one way out to the Slack Web API: every call is retried
// (rate limits after exactly the RetryAfter Slack asked for, other transient
// failures with backoff), and posts to one channel are paced at about one a
// second, Slack's per-channel limit. It implements bot.Messenger.
type Sender struct{ s *sender }

var _ bot.LiveMessenger = Sender{}

// Send implements bot.Messenger: {ChannelID} posts to the channel, {UserID}
// opens the user's DM and posts there, both post an ephemeral message only
// that user sees in the channel.
func (s Sender) Send(ctx context.Context, to bot.Destination, m bot.Message) (bot.MessageRef, error) {
	return s.s.send(ctx, to, m)
}

// Update implements bot.LiveMessenger with chat.update: the message at
// ref (channel + ts) shows m instead.
func (s Sender) Update(ctx context.Context, ref bot.MessageRef, m bot.Message) error {
	return s.s.update(ctx, ref, m)
}

type sender struct {
	api *slack.Client
	log *slog.Logger

	pace       time.Duration // between posts to one channel
	retries    int           // attempts after the first
	backoff    time.Duration // first wait after a transient failure; doubles
	maxWaitFor time.Duration // longest RetryAfter waited here; longer goes back to the caller

	// now is real time, not the bot's clock: the limit is the platform's.
	// Tests replace it to check the reservations without waiting.
	now func() time.Time

	mu   sync.Mutex
	next map[string]time.Time // channel -> earliest time of its next post
	dms  map[string]string    // user -> DM channel
}

func newSender(api *slack.Client, log *slog.Logger) *sender {
	return &sender{
		api:        api,
		log:        log,
		pace:       time.Second,
		retries:    3,
		backoff:    250 * time.Millisecond,
		maxWaitFor: 30 * time.Second,
		now:        time.Now,
		next:       map[string]time.Time{},
		dms:        map[string]string{},
	}
}

func (s *sender) send(ctx context.Context, to bot.Destination, m bot.Message) (bot.MessageRef, error) {
	ref, err := s.sendText(ctx, to, m)
	if err != nil || len(m.Files) == 0 {
		return ref, err
	}
	// Files cannot be ephemeral: a private message's files go to the DM.
	channel := ref.ChannelID
	if to.ChannelID != "" && to.UserID != "" {
		if channel, err = s.openDM(ctx, to.UserID); err != nil {
			return ref, err
		}
	}
	return ref, s.uploadFiles(ctx, channel, m.Files)
}

func (s *sender) sendText(ctx context.Context, to bot.Destination, m bot.Message) (bot.MessageRef, error) {
	p := Render(m)
	ref := bot.MessageRef{Platform: bot.Slack, ChannelID: to.ChannelID}
	switch {
	case to.ChannelID != "" && to.UserID != "":
		ts, err := s.postEphemeral(ctx, to.ChannelID, to.UserID, p)
		ref.ID = ts
		return ref, err
	case to.ChannelID != "":
		ts, err := s.postInThread(ctx, to.ChannelID, p, to.ThreadID)
		ref.ID = ts
		return ref, err
	case to.UserID != "":
		ch, err := s.openDM(ctx, to.UserID)
		if err != nil {
			return ref, err
		}
		ref.ChannelID = ch
		ts, err := s.postMessage(ctx, ch, p)
		ref.ID = ts
		return ref, err
	default:
		return ref, bot.Errorf(bot.EINVALID, "A Slack message needs a channel or a user to go to.")
	}
}

func msgOptions(p Payload) []slack.MsgOption {
	return []slack.MsgOption{slack.MsgOptionText(p.Text, false), slack.MsgOptionBlocks(p.Blocks...)}
}

func (s *sender) postMessage(ctx context.Context, channel string, p Payload) (string, error) {
	return s.postInThread(ctx, channel, p, "")
}

// postInThread posts p in channel, in the thread of message thread when it
// is not empty.
func (s *sender) postInThread(ctx context.Context, channel string, p Payload, thread string) (string, error) {
	opts := msgOptions(p)
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	var ts string
	err := s.call(ctx, channel, func(ctx context.Context) error {
		var err error
		_, ts, err = s.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("chat.postMessage to %s: %w", channel, err)
	}
	return ts, nil
}

func (s *sender) update(ctx context.Context, ref bot.MessageRef, m bot.Message) error {
	if ref.ChannelID == "" || ref.ID == "" {
		return bot.Errorf(bot.EINVALID, "A Slack message to update needs its channel and ts.")
	}
	err := s.call(ctx, ref.ChannelID, func(ctx context.Context) error {
		_, _, _, err := s.api.UpdateMessageContext(ctx, ref.ChannelID, ref.ID, msgOptions(Render(m))...)
		return err
	})
	if err != nil {
		return fmt.Errorf("chat.update of %s in %s: %w", ref.ID, ref.ChannelID, err)
	}
	return nil
}

// isMember asks conversations.info whether the bot is in channel. A private
// channel the bot is not in answers channel_not_found: not a member either.
func (s *sender) isMember(ctx context.Context, channel string) (bool, error) {
	var member bool
	err := s.call(ctx, "", func(ctx context.Context) error {
		c, err := s.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel})
		if err == nil {
			member = c.IsMember
		}
		return err
	})
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "channel_not_found" {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("conversations.info of %s: %w", channel, err)
	}
	return member, nil
}

func (s *sender) postEphemeral(ctx context.Context, channel, user string, p Payload) (string, error) {
	var ts string
	err := s.call(ctx, channel, func(ctx context.Context) error {
		var err error
		ts, err = s.api.PostEphemeralContext(ctx, channel, user, msgOptions(p)...)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("chat.postEphemeral to %s in %s: %w", user, channel, err)
	}
	return ts, nil
}

// respond answers through a response_url (valid 30 minutes, 5 times): it
// reaches channels the bot was never invited to.
func (s *sender) respond(ctx context.Context, responseURL string, p Payload, inChannel bool) error {
	kind := slack.ResponseTypeEphemeral
	if inChannel {
		kind = slack.ResponseTypeInChannel
	}
	opts := append(msgOptions(p), slack.MsgOptionResponseURL(responseURL, kind))
	err := s.call(ctx, "", func(ctx context.Context) error {
		_, _, err := s.api.PostMessageContext(ctx, "", opts...)
		return err
	})
	if err != nil {
		return fmt.Errorf("post to response_url: %w", err)
	}
	return nil
}

// uploadFiles shares each file in channel: files.getUploadURLExternal, the
// upload to the URL it gives, then files.completeUploadExternal (slack-go's
// UploadFileContext does the three).
func (s *sender) uploadFiles(ctx context.Context, channel string, files []bot.File) error {
	for _, f := range files {
		if len(f.Data) == 0 {
			continue
		}
		err := s.call(ctx, channel, func(ctx context.Context) error {
			_, err := s.api.UploadFileContext(ctx, slack.UploadFileParameters{
				Channel:  channel,
				Filename: f.Name,
				Title:    f.Name,
				FileSize: len(f.Data),
				Reader:   bytes.NewReader(f.Data), // new on every attempt
			})
			return err
		})
		if err != nil {
			return fmt.Errorf("upload file %s to %s: %w", f.Name, channel, err)
		}
	}
	return nil
}

func (s *sender) openDM(ctx context.Context, user string) (string, error) {
	s.mu.Lock()
	ch, ok := s.dms[user]
	s.mu.Unlock()
	if ok {
		return ch, nil
	}
	err := s.call(ctx, "", func(ctx context.Context) error {
		c, _, _, err := s.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
		if err == nil {
			ch = c.ID
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("conversations.open with %s: %w", user, err)
	}
	s.mu.Lock()
	s.dms[user] = ch
	s.mu.Unlock()
	return ch, nil
}

func (s *sender) openView(ctx context.Context, triggerID string, v slack.ModalViewRequest) error {
	err := s.call(ctx, "", func(ctx context.Context) error {
		_, err := s.api.OpenViewContext(ctx, triggerID, v)
		return err
	})
	if err != nil {
		return fmt.Errorf("views.open: %w", err)
	}
	return nil
}

func (s *sender) publishHome(ctx context.Context, user string, v slack.HomeTabViewRequest) error {
	err := s.call(ctx, "", func(ctx context.Context) error {
		_, err := s.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: v})
		return err
	})
	if err != nil {
		return fmt.Errorf("views.publish for %s: %w", user, err)
	}
	return nil
}

func (s *sender) userInfo(ctx context.Context, id string) (*slack.User, error) {
	var u *slack.User
	err := s.call(ctx, "", func(ctx context.Context) error {
		var err error
		u, err = s.api.GetUserInfoContext(ctx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("users.info %s: %w", id, err)
	}
	return u, nil
}

func (s *sender) authTest(ctx context.Context) (*slack.AuthTestResponse, error) {
	var r *slack.AuthTestResponse
	err := s.call(ctx, "", func(ctx context.Context) error {
		var err error
		r, err = s.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("auth.test: %w", err)
	}
	return r, nil
}

// call runs fn, paced on channel when it is not empty, retrying rate limits
// and transient failures.
func (s *sender) call(ctx context.Context, channel string, fn func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		if channel != "" {
			if err := bot.Sleep(ctx, s.slot(channel)); err != nil {
				return err
			}
		}
		err := fn(ctx)
		if err == nil {
			return nil
		}
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			if attempt >= s.retries || rl.RetryAfter > s.maxWaitFor {
				return &bot.RetryAfterError{After: rl.RetryAfter, Err: err}
			}
			s.log.InfoContext(ctx, "rate limited by Slack", "retry_after", rl.RetryAfter, "channel", channel)
			if err := bot.Sleep(ctx, rl.RetryAfter); err != nil {
				return err
			}
			continue
		}
		if reason, ok := permanent(err); ok {
			return bot.Permanent(reason, err)
		}
		if attempt >= s.retries || !transient(err) || ctx.Err() != nil {
			return err
		}
		if err := bot.Sleep(ctx, s.backoff<<attempt); err != nil {
			return err
		}
	}
}

// slot reserves the next free posting time on channel and returns how long
// to wait for it.
func (s *sender) slot(channel string) time.Duration {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.next[channel]
	if at.Before(now) {
		at = now
	}
	s.next[channel] = at.Add(s.pace)
	if len(s.next) > 10000 { // forget channels that are idle again
		for ch, t := range s.next {
			if t.Before(now) {
				delete(s.next, ch)
			}
		}
	}
	return at.Sub(now)
}

// permanent reports whether err is one of Slack's answers that the same
// call will get again however often it is tried (the payload is refused, or
// the channel or user is gone or out of the bot's reach), and which. The
// caller records such a send instead of retrying it (bot.PermanentError).
func permanent(err error) (string, bool) {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		return "", false
	}
	switch se.Err {
	case "invalid_blocks", "invalid_blocks_format", "invalid_arguments", "no_text", "msg_too_long",
		"channel_not_found", "not_in_channel", "is_archived", "user_not_found", "user_not_in_channel",
		"account_inactive", "cannot_dm_bot", "messages_tab_disabled", "restricted_action", "message_not_found":
		return se.Err, true
	}
	return "", false
}

// transient reports whether a failed call may succeed when tried again.
func transient(err error) bool {
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code >= 500
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited":
			return true
		}
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded)
}
