package metrics

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/metrics/metricstest"
)

// handlerFunc and messengerFunc are stand-ins for the ports' real
// implementations, which live in other packages; the decorators only see
// the interfaces.
type handlerFunc func(context.Context, bot.Request) (bot.Message, error)

func (f handlerFunc) Handle(ctx context.Context, r bot.Request) (bot.Message, error) {
	return f(ctx, r)
}

type messengerFunc func(context.Context, bot.Destination, bot.Message) (bot.MessageRef, error)

func (f messengerFunc) Send(ctx context.Context, to bot.Destination, m bot.Message) (bot.MessageRef, error) {
	return f(ctx, to, m)
}

// scrape reads the metrics as Prometheus does and returns counter values
// (histogram sample counts) by "name{label=value,...}".
func scrape(t *testing.T, m *Metrics) map[string]float64 {
	t.Helper()
	srv := httptest.NewServer(m.HTTPHandler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := metricstest.Parse(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCommands(t *testing.T) {
	m := New()
	h := m.Commands(handlerFunc(func(_ context.Context, r bot.Request) (bot.Message, error) {
		switch {
		case strings.Contains(r.Text, "commit"):
			return bot.Message{Text: "recorded"}, nil
		case strings.HasPrefix(r.Text, "session start"):
			return bot.Message{}, bot.Errorf(bot.EUNAVAILABLE, "nothing was changed")
		default:
			return bot.Message{}, errors.New("boom")
		}
	}))
	tests := []struct {
		text    string
		wantErr bool
	}{
		{"commit Call the duty team about my secret plan", false},
		{"/als commit Another private thing", false},
		{"session start", true},
		{"round start", true},
		{"frobnicate the private words", true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if _, err := h.Handle(context.Background(), bot.Request{Text: tt.text}); (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
		})
	}
	got := scrape(t, m)
	want := map[string]float64{
		"alsbot_commands_total{command=commit,outcome=ok}":                 2,
		"alsbot_commands_total{command=session_start,outcome=unavailable}": 1,
		"alsbot_commands_total{command=round_start,outcome=internal}":      1,
		"alsbot_commands_total{command=unparsed,outcome=invalid}":          0,
		"alsbot_commands_total{command=unparsed,outcome=internal}":         1,
		"alsbot_command_duration_seconds{command=commit}":                  2,
		"alsbot_command_duration_seconds{command=session_start}":           1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	for k := range got {
		if strings.Contains(k, "secret") || strings.Contains(k, "private") || strings.Contains(k, "frobnicate") {
			t.Errorf("a label carries what a user wrote: %s", k)
		}
	}
}

func TestMessengerAndScheduler(t *testing.T) {
	m := New()
	errs := []error{nil, nil, &bot.RetryAfterError{After: time.Second, Err: errors.New("429")}, errors.New("channel_not_found")}
	i := 0
	ms := bot.Messengers{bot.Slack: messengerFunc(func(context.Context, bot.Destination, bot.Message) (bot.MessageRef, error) {
		err := errs[i]
		i++
		return bot.MessageRef{}, err
	})}
	m.Messengers(ms)
	for range errs {
		_, _ = ms.Send(context.Background(), bot.Destination{Platform: bot.Slack, UserID: "U1"}, bot.Message{Text: "hi"})
	}
	m.Delivered(bot.DeliverReminder, StatusSent)
	m.Delivered(bot.DeliverReminder, StatusSent)
	m.Delivered(bot.DeliverFeedback, StatusSkipped)
	m.Delivered(bot.DeliverNudge, StatusFailed)
	m.Ticked(20*time.Millisecond, nil)
	m.Ticked(time.Second, errors.New("store down"))
	m.StoreFailed("find")
	m.StoreFailed("")

	got := scrape(t, m)
	want := map[string]float64{
		"alsbot_outbound_messages_total{platform=slack}":        2,
		"alsbot_outbound_rate_limited_total{platform=slack}":    1,
		"alsbot_outbound_errors_total{platform=slack}":          1,
		"alsbot_deliveries_total{kind=reminder,status=sent}":    2,
		"alsbot_deliveries_total{kind=feedback,status=skipped}": 1,
		"alsbot_deliveries_total{kind=nudge,status=failed}":     1,
		"alsbot_scheduler_tick_duration_seconds{}":              2,
		"alsbot_scheduler_tick_errors_total{}":                  1,
		"alsbot_store_errors_total{command=find}":               1,
		"alsbot_store_errors_total{command=unknown}":            1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if got["go_goroutines{}"] == 0 && len(got) < 20 {
		t.Error("the Go runtime collector is missing")
	}
}

// TestRegistriesApart checks two processes' worth of metrics (two replicas
// in one test binary) do not share state: no global registry.
func TestRegistriesApart(t *testing.T) {
	a, b := New(), New()
	a.StoreFailed("insert")
	if got := scrape(t, b)["alsbot_store_errors_total{command=insert}"]; got != 0 {
		t.Fatalf("b sees a's counter: %v", got)
	}
}

func BenchmarkCommands(b *testing.B) {
	m := New()
	h := m.Commands(handlerFunc(func(context.Context, bot.Request) (bot.Message, error) { return bot.Message{}, nil }))
	req := bot.Request{Text: "commit Talk to the duty team by 2027-01-15"}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = h.Handle(context.Background(), req)
	}
}

// TestLabelValuesHaveNoSpaces: every verb of two words is counted under a
// label value a query can name without quoting tricks (round_start).
func TestLabelValuesHaveNoSpaces(t *testing.T) {
	m := New()
	h := m.Commands(handlerFunc(func(context.Context, bot.Request) (bot.Message, error) { return bot.Message{}, nil }))
	for _, text := range []string{"round start", "session add 2030-01-01 10:00", "forget me", "members add @a", "help"} {
		if _, err := h.Handle(context.Background(), bot.Request{Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	got := scrape(t, m)
	if got["alsbot_commands_total{command=round_start,outcome=ok}"] != 1 {
		t.Errorf("round start is not counted as round_start: %v", got)
	}
	for k := range got {
		if strings.HasPrefix(k, "alsbot_") && strings.Contains(k, " ") {
			t.Errorf("a label value has a space: %s", k)
		}
	}
}

func TestBuildInfo(t *testing.T) {
	m := New()
	if got := scrape(t, m); len(filterPrefix(got, "alsbot_build_info")) != 0 {
		t.Fatalf("build info before SetBuild: %v", filterPrefix(got, "alsbot_build_info"))
	}
	m.SetBuild("v0.0.1", "aaa", "go1.0")
	m.SetBuild("v0.1.0", "0123abcd", "go1.26.0")
	got := filterPrefix(scrape(t, m), "alsbot_build_info")
	want := "alsbot_build_info{commit=0123abcd,goversion=go1.26.0,version=v0.1.0}"
	if len(got) != 1 || got[want] != 1 {
		t.Fatalf("build info = %v, want only %s = 1", got, want)
	}
}

func filterPrefix(m map[string]float64, prefix string) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out
}
