package slack

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode receives Slack's requests over a Socket Mode websocket (no
// public URL needed) until ctx ends. Every envelope is acknowledged at once;
// the work runs in the worker pool.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	if a.appToken == "" {
		return errors.New("slack: Socket Mode needs an app-level token (SLACK_APP_TOKEN, xapp-…)")
	}
	client := socketmode.New(a.api, socketmode.OptionLog(slogPrinter{a}))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-runErr
			return nil
		case err := <-runErr:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack: socket mode: %w", err)
		case evt := <-client.Events:
			a.socketEvent(ctx, client, evt)
		}
	}
}

func (a *Adapter) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		a.log.InfoContext(ctx, "socket mode connected")
		return
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeIncomingError:
		a.log.WarnContext(ctx, "socket mode trouble", "type", string(evt.Type), "err", socketErr(evt.Data))
		return
	}
	req := evt.Request
	if req == nil || req.EnvelopeID == "" {
		return // hello, disconnect and connection events carry no envelope
	}
	ack := func(payload any) {
		if err := client.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
			a.log.WarnContext(ctx, "socket mode ack failed", "err", err)
		}
	}
	envelopeKey := "slack:envelope:" + req.EnvelopeID
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		ack(nil)
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok || ev.Type != slackevents.CallbackEvent {
			return
		}
		key := eventKey(ev)
		if key == "" {
			key = envelopeKey
		}
		if !a.pool.Submit(a.eventJob(ev, key)) {
			a.shedEvent(ev)
		}
	case socketmode.EventTypeSlashCommand:
		ack(nil)
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			return
		}
		if !a.pool.Submit(a.slashJob(cmd, nil, envelopeKey, a.clock.Now())) {
			a.shed(target{responseURL: cmd.ResponseURL, channel: cmd.ChannelID, user: cmd.UserID})
		}
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			ack(nil)
			return
		}
		// Validation needs no store, so modal errors go back in the ack.
		payload, job := a.interaction(cb, envelopeKey)
		if job != nil && !a.pool.Submit(job) {
			payload = a.shedInteraction(cb)
		}
		ack(payload)
	default:
		ack(nil)
	}
}

// slogPrinter routes socketmode's debug output to the adapter's logger.
type slogPrinter struct{ a *Adapter }

func (p slogPrinter) Output(_ int, s string) error {
	p.a.log.Debug(s, "source", "socketmode")
	return nil
}

// socketErr extracts the error of a socketmode trouble event.
func socketErr(data any) string {
	switch d := data.(type) {
	case *slack.ConnectionErrorEvent:
		return d.Error()
	case *slack.IncomingEventError:
		return d.Error()
	case *socketmode.ErrorBadMessage:
		return d.Cause.Error()
	case error:
		return d.Error()
	}
	return ""
}
