package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Register adds the signed HTTP endpoints Slack calls:
// POST /slack/commands, /slack/interactions and /slack/events.
func (a *Adapter) Register(mux *http.ServeMux) {
	if a.secret == "" {
		// Fail closed: verified refuses every request without a secret.
		a.log.Warn("no signing secret (SLACK_SIGNING_SECRET): the HTTP endpoints will refuse every request")
	}
	mux.HandleFunc("POST /slack/commands", a.serveCommand)
	mux.HandleFunc("POST /slack/interactions", a.serveInteraction)
	mux.HandleFunc("POST /slack/events", a.serveEvent)
}

// verified reads the body (capped at maxBody) through the signature check
// before anything parses it. On failure it has written 401 or 413.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	now := a.clock.Now()
	v, err := newVerifier(r.Header, a.secret, &now)
	if err != nil {
		a.log.WarnContext(r.Context(), "rejected unsigned or stale request", "path", r.URL.Path, "reason", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return false
	}
	body, err := io.ReadAll(io.TeeReader(r.Body, v))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			a.log.WarnContext(r.Context(), "rejected oversized request", "path", r.URL.Path)
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return false
		}
		http.Error(w, "could not read request", http.StatusBadRequest)
		return false
	}
	if err := v.Ensure(); err != nil {
		a.log.WarnContext(r.Context(), "rejected request with a bad signature", "path", r.URL.Path)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return true
}

// commandResponse is the immediate answer to a slash command.
type commandResponse struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request) {
	if !a.verified(w, r) {
		return
	}
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "bad slash command", http.StatusBadRequest)
		return
	}
	p := newPending()
	// Behind a long backlog this one will not be answered within the
	// acknowledgement's wait: acknowledge at once and let the job answer
	// through the response_url when a worker is free.
	queued := a.pool.Backlog() >= a.atOnce
	if !a.pool.Submit(a.slashJob(cmd, p, "", a.clock.Now())) {
		// Not even room to wait: shed, and say nothing was done.
		a.onShed()
		writeCommandResponse(w, Render(busy()), false)
		return
	}
	if queued {
		if rep, ok := p.giveUp(); ok {
			writeReply(w, rep)
			return
		}
		writeCommandResponse(w, Render(working()), false)
		return
	}
	timer := time.NewTimer(a.ackWait)
	defer timer.Stop()
	var rep reply
	select {
	case rep = <-p.ch:
	case <-timer.C:
		var ok bool
		if rep, ok = p.giveUp(); !ok {
			writeCommandResponse(w, Render(working()), false)
			return
		}
	case <-r.Context().Done():
		// Slack hung up; an answer that arrived meanwhile goes by response_url.
		if rep, ok := p.giveUp(); ok && !rep.none {
			t := target{responseURL: cmd.ResponseURL, channel: cmd.ChannelID, user: cmd.UserID}
			// The command ran: its answer must not be lost to a full
			// queue, so it falls back to the notice lane.
			send := func(ctx context.Context) { a.answer(ctx, t, rep.msg) }
			if !a.pool.Submit(send) {
				a.pool.Notice(send)
			}
		}
		return
	}
	writeReply(w, rep)
}

// writeReply acknowledges with the answer a job offered.
func writeReply(w http.ResponseWriter, rep reply) {
	if rep.none || emptyMessage(rep.msg) {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeCommandResponse(w, Render(rep.msg), !rep.msg.Private)
}

func writeCommandResponse(w http.ResponseWriter, p Payload, inChannel bool) {
	kind := slack.ResponseTypeEphemeral
	if inChannel {
		kind = slack.ResponseTypeInChannel
	}
	writeJSON(w, commandResponse{ResponseType: kind, Text: p.Text, Blocks: p.Blocks})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	if !a.verified(w, r) {
		return
	}
	cb, err := slack.InteractionCallbackParse(r)
	if err != nil {
		http.Error(w, "bad interaction payload", http.StatusBadRequest)
		return
	}
	ack, job := a.interaction(cb, "")
	if job != nil && !a.pool.Submit(job) {
		// No room even to wait: acknowledge all the same (a 503 shows the
		// person only Slack's own error) and tell them nothing was done.
		ack = a.shedInteraction(cb)
	}
	if ack != nil {
		writeJSON(w, ack)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request) {
	if !a.verified(w, r) {
		return
	}
	body, _ := io.ReadAll(r.Body) // already in memory
	// The signature already proved the sender; the verification token is
	// deprecated.
	ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		if v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, v.Challenge)
			return
		}
	case slackevents.CallbackEvent:
		// Retries (X-Slack-Retry-Num) carry the same event_id: the claim in
		// the job drops them.
		if !a.pool.Submit(a.eventJob(ev, eventKey(ev))) {
			// Acknowledged all the same, and its sender told nothing was
			// done: a 503 would have Slack retry (after a minute, then
			// five) into the same backlog with the person told nothing,
			// and Slack turns off the event subscription of an app that
			// keeps failing. During a shutdown, a retry may reach another
			// replica: then 503.
			if a.pool.Closed() {
				http.Error(w, "shutting down", http.StatusServiceUnavailable)
				return
			}
			a.shedEvent(ev)
		}
	}
	w.WriteHeader(http.StatusOK)
}
