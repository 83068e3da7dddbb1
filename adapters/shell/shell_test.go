package shell

import (
	"bufio"
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// echoHandler is a double of the bot.Handler port: it records requests and
// answers with their text, publicly unless the text starts with "private",
// with an error when it starts with "fail", and sends a DM through its
// messenger when it starts with "notify".
type echoHandler struct {
	mu   sync.Mutex
	reqs []bot.Request
	msgr bot.Messenger
}

func (h *echoHandler) Handle(ctx context.Context, req bot.Request) (bot.Message, error) {
	h.mu.Lock()
	h.reqs = append(h.reqs, req)
	h.mu.Unlock()
	switch {
	case strings.HasPrefix(req.Text, "fail internal"):
		return bot.Message{}, errors.New("store exploded with secret text")
	case strings.HasPrefix(req.Text, "fail"):
		err := bot.Errorf(bot.EINVALID, "That is not a command.")
		return bot.Message{Kind: bot.KindError, Private: true, Text: err.Message}, err
	case strings.HasPrefix(req.Text, "panic"):
		panic("boom")
	case strings.HasPrefix(req.Text, "notify"):
		if _, err := h.msgr.Send(ctx, bot.Destination{Platform: bot.Shell, UserID: "bob"}, bot.Message{Text: "psst"}); err != nil {
			return bot.Message{}, err
		}
	}
	return bot.Message{Text: "echo: " + req.Text, Private: strings.HasPrefix(req.Text, "private")}, nil
}

func (h *echoHandler) requests() []bot.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Request(nil), h.reqs...)
}

var start = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func runScript(t *testing.T, script string, cfg Config) (string, *echoHandler) {
	t.Helper()
	var out strings.Builder
	msgr := NewMessenger(&out)
	h := &echoHandler{msgr: msgr}
	cfg.In = strings.NewReader(script)
	cfg.Out = msgr
	cfg.Handler = h
	if cfg.Clock == nil {
		cfg.Clock = NewClock(start)
	}
	if err := New(cfg).Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String(), h
}

func TestRunLines(t *testing.T) {
	tests := []struct {
		name     string
		script   string
		wantOut  string
		wantReqs []bot.Request
	}{
		{
			name:    "actor, optional /als and previous user",
			script:  "@Alice /als setup West set\nround start\n/ALS members\n",
			wantOut: "> @Alice /als setup West set\n[#als] echo: setup West set\n> round start\n[#als] echo: round start\n> /ALS members\n[#als] echo: members\n",
			wantReqs: []bot.Request{
				{Platform: bot.Shell, Actor: bot.UserRef{ID: "alice", Name: "Alice"}, Conv: bot.ConversationRef{ID: "als", Name: "als"}, Text: "setup West set"},
				{Platform: bot.Shell, Actor: bot.UserRef{ID: "alice", Name: "Alice"}, Conv: bot.ConversationRef{ID: "als", Name: "als"}, Text: "round start"},
				{Platform: bot.Shell, Actor: bot.UserRef{ID: "alice", Name: "Alice"}, Conv: bot.ConversationRef{ID: "als", Name: "als"}, Text: "members"},
			},
		},
		{
			name:    "no actor yet is explained and skipped",
			script:  "# a comment\n\n   \nround start\n@bob\nhere\n",
			wantOut: "> round start\n[shell] Start the line with who is speaking, e.g. `@alice /als setup West set`; later lines without a name act as the same person.\n> @bob\n[shell] Now speaking as @bob.\n> here\n[#als] echo: here\n",
			wantReqs: []bot.Request{
				{Platform: bot.Shell, Actor: bot.UserRef{ID: "bob", Name: "bob"}, Conv: bot.ConversationRef{ID: "als", Name: "als"}, Text: "here"},
			},
		},
		{
			name:    "mentions resolve to shell users",
			script:  "@fran\tmembers add @ana @Ben, @cat @,\n",
			wantOut: "> @fran\tmembers add @ana @Ben, @cat @,\n[#als] echo: members add @ana @Ben, @cat @,\n",
			wantReqs: []bot.Request{
				{Platform: bot.Shell, Actor: bot.UserRef{ID: "fran", Name: "fran"}, Conv: bot.ConversationRef{ID: "als", Name: "als"}, Text: "members add @ana @Ben, @cat @,", Mentions: map[string]bot.UserRef{
					"ana":  {ID: "ana", Name: "ana"},
					"Ben,": {ID: "ben", Name: "Ben"},
					"Ben":  {ID: "ben", Name: "Ben"},
					"cat":  {ID: "cat", Name: "cat"},
				}},
			},
		},
		{
			name:    "channel and dm",
			script:  ":channel #east-set\n@ana here\n:dm\nprivate actions\n@ben help\n:dm off\n@cat here\n:channel\n",
			wantOut: "> :channel #east-set\n[shell] Commands now come from #east-set.\n> @ana here\n[#east-set] echo: here\n> :dm\n[shell] Commands now come from each user's DM with the bot; `:dm off` goes back to #east-set.\n> private actions\n[@ana] echo: private actions\n> @ben help\n[DM @ben] echo: help\n> :dm off\n[shell] Commands now come from #east-set.\n> @cat here\n[#east-set] echo: here\n> :channel\n[shell] Commands come from #east-set.\n",
			wantReqs: []bot.Request{
				{Platform: bot.Shell, Actor: bot.UserRef{ID: "ana", Name: "ana"}, Conv: bot.ConversationRef{ID: "east-set", Name: "east-set"}, Text: "here"},
				{Platform: bot.Shell, Actor: bot.UserRef{ID: "ana", Name: "ana"}, Conv: bot.ConversationRef{ID: "dm-ana", Name: "dm-ana", DM: true}, Text: "private actions"},
				{Platform: bot.Shell, Actor: bot.UserRef{ID: "ben", Name: "ben"}, Conv: bot.ConversationRef{ID: "dm-ben", Name: "dm-ben", DM: true}, Text: "help"},
				{Platform: bot.Shell, Actor: bot.UserRef{ID: "cat", Name: "cat"}, Conv: bot.ConversationRef{ID: "east-set", Name: "east-set"}, Text: "here"},
			},
		},
		{
			name:    "errors are private to the actor",
			script:  "@ana fail me\nfail internal\npanic now\n",
			wantOut: "> @ana fail me\n[@ana] That is not a command.\n> fail internal\n[@ana] Something went wrong on our side; nothing was changed. Please try again.\n> panic now\n[@ana] Something went wrong on our side; nothing was changed. Please try again.\n",
		},
		{
			name:    "what a command sends prints after its reply",
			script:  "@ana notify bob\n@ben here",
			wantOut: "> @ana notify bob\n[#als] echo: notify bob\n[DM @bob] psst\n> @ben here\n[#als] echo: here\n",
		},
		{
			name:    "placeholders use the clock in UTC",
			script:  "@fran session add {tomorrow} 10:00\nsession add {today+7d} 10:00\nsession add {now+90m}\n{later}\n",
			wantOut: "> @fran session add 2026-12-02 10:00\n[#als] echo: session add 2026-12-02 10:00\n> session add 2026-12-08 10:00\n[#als] echo: session add 2026-12-08 10:00\n> session add 2026-12-01 10:30\n[#als] echo: session add 2026-12-01 10:30\n> {later}\n[#als] echo: {later}\n",
		},
		{
			name:    "shell commands",
			script:  ":now\n:advance 26h\n:advance 1d12h\n:advance -1h\n:advance 0s\n:advance soon\n:advance to 2026-12-01 09:00\n:advance to 2026-12-05 08:30\n:nope\n",
			wantOut: "> :now\n[clock] now Tue 01 Dec 2026 09:00 UTC\n> :advance 26h\n[clock] now Wed 02 Dec 2026 11:00 UTC\n> :advance 1d12h\n[clock] now Thu 03 Dec 2026 23:00 UTC\n> :advance -1h\n[shell] The clock only moves forward: give a positive duration. Write `:advance <duration>` (e.g. 90m, 26h, 7d, 1d12h) or `:advance to <YYYY-MM-DD> <HH:MM>` (UTC).\n> :advance 0s\n[shell] The clock only moves forward: give a positive duration. Write `:advance <duration>` (e.g. 90m, 26h, 7d, 1d12h) or `:advance to <YYYY-MM-DD> <HH:MM>` (UTC).\n> :advance soon\n[shell] \"soon\" is not a duration. Write `:advance <duration>` (e.g. 90m, 26h, 7d, 1d12h) or `:advance to <YYYY-MM-DD> <HH:MM>` (UTC).\n> :advance to 2026-12-01 09:00\n[shell] 2026-12-01 09:00 is not after the clock's 2026-12-03 23:00: the clock only moves forward.\n> :advance to 2026-12-05 08:30\n[clock] now Sat 05 Dec 2026 08:30 UTC\n> :nope\n[shell] :nope is not a shell command; `:help` lists them.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, h := runScript(t, tt.script, Config{})
			if got != tt.wantOut {
				t.Errorf("output:\n%s\nwant:\n%s", got, tt.wantOut)
			}
			if tt.wantReqs != nil {
				if reqs := h.requests(); !reflect.DeepEqual(reqs, tt.wantReqs) {
					t.Errorf("requests:\n%+v\nwant:\n%+v", reqs, tt.wantReqs)
				}
			}
		})
	}
}

func TestHelpListsShellCommands(t *testing.T) {
	got, _ := runScript(t, ":help\n", Config{})
	for _, want := range []string{":advance <duration>", ":now", ":channel", ":dm", "{tomorrow}", "@alice"} {
		if !strings.Contains(got, want) {
			t.Errorf(":help output lacks %q:\n%s", want, got)
		}
	}
}

// TestAdvanceSteps checks OnAdvance sees the clock at every step, in order,
// and ends at the target.
func TestAdvanceSteps(t *testing.T) {
	tests := []struct {
		name    string
		step    time.Duration
		due     []time.Time // NextDue answers, in turn; then zero
		advance string
		want    []time.Time
	}{
		{
			name:    "steps of Step",
			step:    20 * time.Minute,
			advance: ":advance 1h",
			want:    []time.Time{start.Add(20 * time.Minute), start.Add(40 * time.Minute), start.Add(time.Hour)},
		},
		{
			name:    "last step is short",
			step:    25 * time.Minute,
			advance: ":advance 1h",
			want:    []time.Time{start.Add(25 * time.Minute), start.Add(50 * time.Minute), start.Add(time.Hour)},
		},
		{
			name:    "default step is a minute",
			advance: ":advance 3m",
			want:    []time.Time{start.Add(time.Minute), start.Add(2 * time.Minute), start.Add(3 * time.Minute)},
		},
		{
			name:    "due times",
			step:    time.Minute,
			due:     []time.Time{start.Add(2 * time.Hour), start.Add(30 * time.Hour)},
			advance: ":advance 7d",
			want:    []time.Time{start.Add(2 * time.Hour), start.Add(30 * time.Hour), start.Add(7 * 24 * time.Hour)},
		},
		{
			name:    "a due time already passed steps by Step",
			step:    time.Hour,
			due:     []time.Time{start.Add(-time.Hour)},
			advance: ":advance 90m",
			want:    []time.Time{start.Add(time.Hour), start.Add(90 * time.Minute)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := NewClock(start)
			var seen []time.Time
			due := tt.due // pending due times; a step delivers those not after the clock
			cfg := Config{
				Clock: clock,
				Step:  tt.step,
				OnAdvance: func(ctx context.Context) error {
					seen = append(seen, clock.Now())
					for len(due) > 0 && !due[0].After(clock.Now()) {
						due = due[1:]
					}
					return nil
				},
			}
			if tt.due != nil {
				cfg.NextDue = func(ctx context.Context) (time.Time, error) {
					if len(due) == 0 {
						return time.Time{}, nil
					}
					return due[0], nil
				}
			}
			out, _ := runScript(t, tt.advance+"\n", cfg)
			if !reflect.DeepEqual(seen, tt.want) {
				t.Errorf("OnAdvance saw %v, want %v", seen, tt.want)
			}
			if last := tt.want[len(tt.want)-1]; !clock.Now().Equal(last) || !strings.Contains(out, last.Format("[clock] now Mon 02 Jan 2006 15:04 UTC")) {
				t.Errorf("clock %v, output %q; want %v", clock.Now(), out, last)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "26h", want: 26 * time.Hour},
		{in: "90m", want: 90 * time.Minute},
		{in: "7d", want: 7 * 24 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "1.5d", want: 36 * time.Hour},
		{in: "2d30m", want: 48*time.Hour + 30*time.Minute},
		{in: "-1d", want: -24 * time.Hour},
		{in: "d", wantErr: true},
		{in: "7", wantErr: true},
		{in: "soon", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseDuration(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestAnswerBeforeNextLine feeds lines through a pipe one at a time: each
// answer must be readable before the next line is written, and a cancelled
// context ends Run while it waits for input.
func TestAnswerBeforeNextLine(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	msgr := NewMessenger(outW)
	h := &echoHandler{msgr: msgr}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- New(Config{In: inR, Out: msgr, Handler: h, Clock: NewClock(start)}).Run(ctx)
	}()
	out := bufio.NewReader(outR)
	for _, line := range []string{"@ana here", "bid my issue", "@ben here"} {
		if _, err := io.WriteString(inW, line+"\n"); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"> " + line + "\n", "[#als] echo: "} {
			got, err := out.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, want) {
				t.Fatalf("after %q read %q, want %q", line, got, want)
			}
		}
	}
	cancel()
	defer inW.Close() // lets the reader goroutine, still waiting on the pipe, end
	if err := <-done; err != nil {
		t.Errorf("Run after cancel: %v", err)
	}
	if n := len(h.requests()); n != 3 {
		t.Errorf("handled %d requests, want 3", n)
	}
}
