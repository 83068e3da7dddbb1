package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// What the bot's answers look like, to tell an answer from a holding reply
// or a refusal. They are the bot's wording (adapters/slack/dispatch.go,
// handlers/commitments.go); a change there must be followed here.
const (
	answerMarker  = "open commitments" // "Your open commitments in <set>:"
	workingMarker = "Working on it"    // the acknowledgement when the answer is late
	busyMarker    = "busy"             // "The bot is busy or restarting; nothing was done."
)

// outcome is how one request ended.
type outcome int

const (
	inAck       outcome = iota // answered in the acknowledgement
	viaURL                     // answered at the response_url
	busy                       // told the bot is busy
	wrong                      // some other answer (an error sentence)
	httpError                  // not a 200, or the connection failed
	noAnswer                   // acknowledged, but no answer within the wait
	clientLimit                // not sent: the tool had too many requests in flight
	numOutcomes
)

var outcomeNames = [numOutcomes]string{"in ack", "via response_url", "busy", "wrong answer", "http error", "no answer", "not sent (client limit)"}

// result is one request's figures. Latencies are measured from the time the
// request was due to be sent (open loop: a late send counts against the bot's
// side, so queueing in the client cannot hide the bot's slowness).
type result struct {
	outcome outcome
	ack     time.Duration // until the acknowledgement
	answer  time.Duration // until the answer was visible
	detail  string        // what went wrong, for the first of each kind
}

// classify names what an answer text is.
func classify(text string) outcome {
	switch {
	case strings.Contains(text, answerMarker):
		return inAck
	case strings.Contains(text, busyMarker):
		return busy
	default:
		return wrong
	}
}

// holding reports whether an acknowledgement leaves the answer to the
// response_url: "Working on it…", or an empty 200.
func holding(text string) bool {
	return text == "" || strings.Contains(text, workingMarker)
}

// stepConfig is one fixed-rate step.
type stepConfig struct {
	rate        int           // requests per second
	duration    time.Duration // how long requests are sent
	wait        time.Duration // how long an answer is waited for after its request
	maxInFlight int           // requests outstanding at most; more are counted, not sent
	channel     string
	users       []string // the actors, in turn
	text        string   // the command
}

// stepResult sums one step.
type stepResult struct {
	Rate     int
	Sent     int
	Counts   [numOutcomes]int
	Ack      percentiles // acknowledgements received
	Answer   percentiles // answers received (in ack or via response_url)
	Memory   memory      // the bot's VmRSS near the end of the step, VmHWM after it
	Duration time.Duration
	// Samples holds, for each kind of error, what the first one was.
	Samples map[string]string `json:",omitempty"`
}

// errors counts everything but a real answer.
func (s stepResult) errors() int {
	return s.Sent - s.Counts[inAck] - s.Counts[viaURL]
}

func (s stepResult) errorRate() float64 {
	if s.Sent == 0 {
		return 0
	}
	return float64(s.errors()) / float64(s.Sent)
}

// passes is the peak criterion: at most 1 % errors and answer p99 <= 3 s.
func (s stepResult) passes() bool {
	return s.Sent > 0 && s.errorRate() <= 0.01 && s.Answer.P99 <= 3*time.Second
}

type percentiles struct {
	N                  int
	P50, P90, P99, Max time.Duration
}

func summarize(ds []time.Duration) percentiles {
	if len(ds) == 0 {
		return percentiles{}
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration {
		// Nearest rank: the smallest value with at least q of the sample at
		// or below it.
		i := int(math.Ceil(q*float64(len(ds)))) - 1
		return ds[max(0, min(i, len(ds)-1))]
	}
	return percentiles{N: len(ds), P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: ds[len(ds)-1]}
}

// runStep sends cfg.rate requests a second for cfg.duration, each on its
// schedule whatever the earlier ones are doing (open loop), and waits for
// every answer or cfg.wait.
func runStep(ctx context.Context, t *target, slack *fakeSlack, cfg stepConfig, step int) stepResult {
	n := int(float64(cfg.rate) * cfg.duration.Seconds())
	results := make([]result, n)
	interval := time.Second / time.Duration(cfg.rate)
	var inFlight atomic.Int64
	var wg sync.WaitGroup

	// Memory is sampled while the load runs; the highest VmRSS is reported.
	memDone := make(chan struct{})
	var mem memory
	var memWG sync.WaitGroup
	memWG.Go(func() {
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-memDone:
				return
			case <-tick.C:
				if m, err := readMemory(t.pid); err == nil && m.RSSKiB > mem.RSSKiB {
					mem.RSSKiB = m.RSSKiB
				}
			}
		}
	})

	begin := time.Now()
	sent := 0
	for i := range n {
		due := begin.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(d):
			}
		}
		if ctx.Err() != nil {
			break
		}
		sent++
		if inFlight.Load() >= int64(cfg.maxInFlight) {
			results[i] = result{outcome: clientLimit}
			continue
		}
		inFlight.Add(1)
		wg.Go(func() {
			defer inFlight.Add(-1)
			results[i] = one(ctx, t, slack, cfg, due, fmt.Sprintf("s%d-%d", step, i), cfg.users[i%len(cfg.users)])
		})
	}
	wg.Wait()
	close(memDone)
	memWG.Wait()
	if m, err := readMemory(t.pid); err == nil {
		mem.HWMKiB = m.HWMKiB
		mem.RSSKiB = max(mem.RSSKiB, m.RSSKiB)
	}

	res := stepResult{Rate: cfg.rate, Sent: sent, Memory: mem, Duration: time.Since(begin)}
	var acks, answers []time.Duration
	for _, r := range results[:sent] {
		res.Counts[r.outcome]++
		if r.detail != "" {
			if res.Samples == nil {
				res.Samples = map[string]string{}
			}
			if _, ok := res.Samples[outcomeNames[r.outcome]]; !ok {
				res.Samples[outcomeNames[r.outcome]] = r.detail
			}
		}
		if r.ack > 0 {
			acks = append(acks, r.ack)
		}
		if r.outcome == inAck || r.outcome == viaURL {
			answers = append(answers, r.answer)
		}
	}
	res.Ack, res.Answer = summarize(acks), summarize(answers)
	return res
}

// one sends one request due at due and follows it to its answer.
func one(ctx context.Context, t *target, slack *fakeSlack, cfg stepConfig, due time.Time, id, user string) result {
	arrived := slack.expect(id)
	defer slack.forget(id)
	a, err := t.slash(ctx, slashBody(cfg.channel, user, cfg.text, slack.base+"/response/"+id))
	switch {
	case err != nil:
		return result{outcome: httpError, detail: err.Error()}
	case a.status != 200:
		return result{outcome: httpError, detail: fmt.Sprintf("HTTP %d", a.status)}
	}
	r := result{ack: a.at.Sub(due)}
	if !holding(a.text) {
		r.outcome, r.answer = classify(a.text), r.ack
		if r.outcome != inAck {
			r.detail = a.text
		}
		return r
	}
	timer := time.NewTimer(time.Until(due.Add(cfg.wait)))
	defer timer.Stop()
	select {
	case got := <-arrived:
		r.outcome, r.answer = classify(got.text), got.at.Sub(due)
		if r.outcome == inAck {
			r.outcome = viaURL
		} else {
			r.detail = got.text
		}
	case <-timer.C:
		r.outcome = noAnswer
	case <-ctx.Done():
		r.outcome = noAnswer
	}
	return r
}

// command sends one command and waits for its answer, for seeding: the
// answer text, whichever way it came.
func command(ctx context.Context, t *target, slack *fakeSlack, channel, user, text string, seq int) (string, error) {
	id := fmt.Sprintf("seed-%d", seq)
	arrived := slack.expect(id)
	defer slack.forget(id)
	a, err := t.slash(ctx, slashBody(channel, user, text, slack.base+"/response/"+id))
	if err != nil {
		return "", fmt.Errorf("send %q: %w", text, err)
	}
	if a.status != 200 {
		return "", fmt.Errorf("send %q: HTTP %d", text, a.status)
	}
	if !holding(a.text) {
		return a.text, nil
	}
	select {
	case got := <-arrived:
		return got.text, nil
	case <-time.After(30 * time.Second):
		return "", fmt.Errorf("no answer to %q within 30 s", text)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// seed creates the set the load reads: a facilitator's setup, the members,
// and each member's commitments, checking every answer.
func seed(ctx context.Context, t *target, slack *fakeSlack, channel string, members, commitments int) ([]string, error) {
	const fac = "UFAC"
	users := make([]string, members)
	mentions := make([]string, members)
	for i := range users {
		users[i] = fmt.Sprintf("UM%02d", i+1)
		mentions[i] = fmt.Sprintf("<@%s|m%02d>", users[i], i+1)
	}
	seq := 0
	do := func(user, text, want string) error {
		seq++
		got, err := command(ctx, t, slack, channel, user, text, seq)
		if err != nil {
			return err
		}
		if !strings.Contains(got, want) {
			return fmt.Errorf("seeding: %q answered %q, not %q", text, got, want)
		}
		return nil
	}
	if err := do(fac, "setup Load set", "Load set"); err != nil {
		return nil, err
	}
	if err := do(fac, "members add "+strings.Join(mentions, " "), "m01"); err != nil {
		return nil, err
	}
	for _, u := range users {
		for j := range commitments {
			if err := do(u, fmt.Sprintf("commit Load action %d: talk to my manager about cover", j+1), "Recorded"); err != nil {
				return nil, err
			}
		}
	}
	// The first read warms what the bot caches (users.info, the set).
	for _, u := range users {
		if err := do(u, "actions", answerMarker); err != nil {
			return nil, err
		}
	}
	return users, nil
}
