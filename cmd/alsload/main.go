// Command alsload measures how an alsbot answers signed Slack slash commands
// under load, on loopback only.
//
// It starts each bot binary it is given (`alsbot serve` in Slack HTTP mode on
// a fresh embedded store in a temporary ALSBOT_DATA_DIR, SLACK_API_URL
// pointing at a Slack Web API this tool serves itself), seeds a set (setup,
// members, commitments, through the same signed commands), then sends
// `/als actions` from the set's members at fixed open-loop rates, each
// request with its own response_url on the tool's receiver. An answer counts
// when it is visible: in the acknowledgement's body, or when it arrives at
// the response_url. After the fixed rates it steps the rate up until a step
// fails; the peak is the last step with at most 1 % errors and an answer p99
// of at most 3 s. Several bots (e.g. before and after a change) run one
// after the other in the same run, and a side-by-side table ends the output.
//
//	go build -o /tmp/alsbot ./cmd/alsbot
//	go run ./cmd/alsload -bot after=/tmp/alsbot
//	go run ./cmd/alsload -bot before=/tmp/alsbot-old -bot after=/tmp/alsbot
//
// It is bounded: every step sends rate x duration requests at most, waits
// for answers at most -wait, and the whole run ends after -timeout.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "alsload:", err)
		os.Exit(1)
	}
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// options are the command line.
type options struct {
	bots        listFlag
	env         listFlag
	target      string
	secret      string
	pid         int
	slackAddr   string
	rates       []int
	stepUp      []int
	duration    time.Duration
	wait        time.Duration
	pause       time.Duration
	members     int
	commitments int
	maxInFlight int
	timeout     time.Duration
	jsonOut     string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("alsload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&o.bots, "bot", "name=path of an alsbot binary to start and load (repeat to compare; they run one after the other)")
	fs.Var(&o.env, "env", "KEY=VALUE for the started bots' environment (repeatable), e.g. -env ALSBOT_WORKERS=16")
	fs.StringVar(&o.target, "target", "", "base URL of a bot already running on loopback, instead of -bot (start it with SLACK_API_URL=http://<-slack-addr>/api/)")
	fs.StringVar(&o.secret, "secret", "", "the -target bot's SLACK_SIGNING_SECRET")
	fs.IntVar(&o.pid, "pid", 0, "the -target bot's process id, for its memory figures")
	fs.StringVar(&o.slackAddr, "slack-addr", "", "loopback address of the fake Slack Web API and response_url receiver (default: a free port)")
	rates := fs.String("rates", "50,100,200", "fixed rates (requests per second), each one step")
	stepUp := fs.String("step-up", "400,800,1600,2400,3200,4800,6400", "rates tried after the fixed ones, in order, until one fails the peak criterion")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each step sends")
	fs.DurationVar(&o.wait, "wait", 10*time.Second, "how long an answer is waited for, from its request's send time")
	fs.DurationVar(&o.pause, "pause", 3*time.Second, "rest between steps")
	fs.IntVar(&o.members, "members", 6, "members of the seeded set (the load's actors)")
	fs.IntVar(&o.commitments, "commitments", 2, "open commitments per member")
	fs.IntVar(&o.maxInFlight, "max-inflight", 20000, "requests outstanding at most; beyond it requests are counted as not sent")
	fs.DurationVar(&o.timeout, "timeout", 20*time.Minute, "bound on the whole run")
	fs.StringVar(&o.jsonOut, "json", "", "also write the results as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.rates, err = parseRates(*rates); err != nil {
		return o, fmt.Errorf("-rates: %w", err)
	}
	if o.stepUp, err = parseRates(*stepUp); err != nil {
		return o, fmt.Errorf("-step-up: %w", err)
	}
	switch {
	case len(o.bots) == 0 && o.target == "":
		return o, errors.New("give -bot name=path (or -target with -secret)")
	case len(o.bots) > 0 && o.target != "":
		return o, errors.New("give -bot or -target, not both")
	case o.target != "" && o.secret == "":
		return o, errors.New("-target needs -secret")
	case o.members < 1 || o.commitments < 1:
		return o, errors.New("-members and -commitments must be at least 1")
	case o.duration <= 0 || o.wait <= 0 || o.maxInFlight < 1:
		return o, errors.New("-duration, -wait and -max-inflight must be positive")
	}
	if o.target != "" {
		if err := loopbackOnly(o.target); err != nil {
			return o, err
		}
	}
	return o, nil
}

func parseRates(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 100000 {
			return nil, fmt.Errorf("%q is not a rate between 1 and 100000 requests per second", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// botResult is everything measured of one bot.
type botResult struct {
	Name  string
	Idle  memory
	Steps []stepResult
	Peak  int // requests per second; 0 when no step passed
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := parseFlags(args, os.Stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	slack, err := newFakeSlack(o.slackAddr)
	if err != nil {
		return err
	}
	defer slack.close()

	var all []botResult
	if o.target != "" {
		t, err := attach("target", o.target, o.secret, o.pid)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "fake Slack Web API at %s\n", slack.apiURL())
		r, err := load(ctx, t, slack, o, stdout)
		if err != nil {
			return err
		}
		all = append(all, r)
	}
	for _, b := range o.bots {
		name, bin, ok := strings.Cut(b, "=")
		if !ok {
			name, bin = filepath.Base(b), b
		}
		r, err := loadBinary(ctx, name, bin, slack, o, stdout)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		all = append(all, r)
	}
	if len(all) > 1 {
		fmt.Fprintln(stdout)
		sideBySide(stdout, all, o.rates)
	}
	if o.jsonOut != "" {
		raw, err := json.MarshalIndent(all, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonOut, raw, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", o.jsonOut, err)
		}
	}
	return nil
}

func loadBinary(ctx context.Context, name, bin string, slack *fakeSlack, o options, stdout io.Writer) (botResult, error) {
	dir, err := os.MkdirTemp("", "alsload-")
	if err != nil {
		return botResult{}, err
	}
	defer os.RemoveAll(dir)
	t, err := startBot(ctx, name, bin, dir, slack, o.env)
	if err != nil {
		return botResult{}, err
	}
	defer t.stop()
	return load(ctx, t, slack, o, stdout)
}

// load seeds the set and runs the steps against one bot.
func load(ctx context.Context, t *target, slack *fakeSlack, o options, stdout io.Writer) (botResult, error) {
	const channel = "CLOAD"
	users, err := seed(ctx, t, slack, channel, o.members, o.commitments)
	if err != nil {
		return botResult{}, err
	}
	res := botResult{Name: t.name}
	time.Sleep(o.pause) // let the seeding's garbage go before the idle figure
	res.Idle, _ = readMemory(t.pid)
	fmt.Fprintf(stdout, "\n== %s: %d members x %d open commitments; `/als actions` for %s a step; idle memory %s\n",
		t.name, o.members, o.commitments, o.duration, res.Idle)
	const format = "%7s %6s %7s %8s %6s %9s %9s %6s %9s %9s %10s %9s %9s %9s %8s\n"
	fmt.Fprintf(stdout, format, "rate/s", "sent", "in ack", "via url", "busy", "no answer", "other err", "err %",
		"ack p50", "ack p99", "answer p50", "p90", "p99", "max", "RSS")
	row := func(s stepResult) {
		other := s.Counts[wrong] + s.Counts[httpError] + s.Counts[clientLimit]
		fmt.Fprintf(stdout, format, strconv.Itoa(s.Rate), strconv.Itoa(s.Sent), strconv.Itoa(s.Counts[inAck]),
			strconv.Itoa(s.Counts[viaURL]), strconv.Itoa(s.Counts[busy]), strconv.Itoa(s.Counts[noAnswer]), strconv.Itoa(other),
			fmt.Sprintf("%.2f", 100*s.errorRate()), ms(s.Ack.P50), ms(s.Ack.P99), ms(s.Answer.P50), ms(s.Answer.P90),
			ms(s.Answer.P99), ms(s.Answer.Max), mib(s.Memory.RSSKiB))
		for _, kind := range slices.Sorted(maps.Keys(s.Samples)) {
			fmt.Fprintf(stdout, "        first %s: %.200s\n", kind, s.Samples[kind])
		}
	}
	step := 0
	runOne := func(rate int) stepResult {
		step++
		s := runStep(ctx, t, slack, stepConfig{
			rate: rate, duration: o.duration, wait: o.wait, maxInFlight: o.maxInFlight,
			channel: channel, users: users, text: "actions",
		}, step)
		res.Steps = append(res.Steps, s)
		row(s)
		if s.passes() && rate > res.Peak {
			res.Peak = rate
		}
		time.Sleep(o.pause)
		return s
	}
	for _, rate := range o.rates {
		if ctx.Err() != nil {
			break
		}
		runOne(rate)
	}
	for _, rate := range o.stepUp {
		if ctx.Err() != nil {
			break
		}
		if s := runOne(rate); !s.passes() {
			break
		}
	}
	m, _ := readMemory(t.pid)
	fmt.Fprintf(stdout, "peak: %d req/s (last step with <= 1 %% errors and answer p99 <= 3 s); memory after the run %s\n", res.Peak, m)
	return res, ctx.Err()
}

// sideBySide prints one markdown table comparing the bots.
func sideBySide(w io.Writer, all []botResult, fixed []int) {
	head := "| |"
	rule := "|---|"
	for _, b := range all {
		head += " " + b.Name + " |"
		rule += "---|"
	}
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, rule)
	line := func(label string, cell func(b botResult) string) {
		s := "| " + label + " |"
		for _, b := range all {
			s += " " + cell(b) + " |"
		}
		fmt.Fprintln(w, s)
	}
	find := func(b botResult, rate int) (stepResult, bool) {
		for _, s := range b.Steps {
			if s.Rate == rate {
				return s, true
			}
		}
		return stepResult{}, false
	}
	rates := append([]int{}, fixed...)
	for _, b := range all {
		if b.Peak > 0 && !containsInt(rates, b.Peak) {
			rates = append(rates, b.Peak)
		}
	}
	for _, rate := range rates {
		line(fmt.Sprintf("%d req/s: answer p50 / p99 / max, errors", rate), func(b botResult) string {
			s, ok := find(b, rate)
			if !ok {
				return "not run"
			}
			return fmt.Sprintf("%s / %s / %s, %.2f %% (busy %d)", ms(s.Answer.P50), ms(s.Answer.P99), ms(s.Answer.Max), 100*s.errorRate(), s.Counts[busy])
		})
	}
	line("peak (<= 1 % errors, p99 <= 3 s)", func(b botResult) string { return fmt.Sprintf("**%d req/s**", b.Peak) })
	line("first failing step", func(b botResult) string {
		for _, s := range b.Steps {
			if !s.passes() {
				return fmt.Sprintf("%d req/s: p99 %s, %.1f %% errors (busy %d, no answer %d)", s.Rate, ms(s.Answer.P99), 100*s.errorRate(), s.Counts[busy], s.Counts[noAnswer])
			}
		}
		return "none"
	})
	line("VmRSS idle / at 200 req/s / at the peak", func(b botResult) string {
		at200, _ := find(b, 200)
		peak, _ := find(b, b.Peak)
		return fmt.Sprintf("%s / %s / %s MiB", mibN(b.Idle.RSSKiB), mibN(at200.Memory.RSSKiB), mibN(peak.Memory.RSSKiB))
	})
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func mib(kib int64) string {
	if kib == 0 {
		return "-"
	}
	return mibN(kib) + " MiB"
}

func mibN(kib int64) string {
	if kib == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", float64(kib)/1024)
}
