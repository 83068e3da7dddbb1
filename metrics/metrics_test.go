package metrics

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/alsbot/alsbot/bot"
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
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for name, f := range fams {
		for _, mt := range f.GetMetric() {
			v := mt.GetCounter().GetValue()
			if h := mt.GetHistogram(); h != nil {
				v = float64(h.GetSampleCount())
			}
			var ls []string
			for _, l := range mt.GetLabel() {
				ls = append(ls, l.GetName()+"="+l.GetValue())
			}
			out[name+"{"+strings.Join(ls, ",")+"}"] += v
		}
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
		"alsbot_commands_total{command=session start,outcome=unavailable}": 1,
		"alsbot_commands_total{command=round start,outcome=internal}":      1,
		"alsbot_commands_total{command=unparsed,outcome=invalid}":          0,
		"alsbot_commands_total{command=unparsed,outcome=internal}":         1,
		"alsbot_command_duration_seconds{command=commit}":                  2,
		"alsbot_command_duration_seconds{command=session start}":           1,
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
