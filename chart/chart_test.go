package chart_test

import (
	"bytes"
	"image/png"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/chart"
)

func TestPNG(t *testing.T) {
	six := bot.Stats{SetName: "West set"}
	for i := 1; i <= 6; i++ {
		six.Sessions = append(six.Sessions, bot.SessionStats{Number: i, Start: time.Date(2026, time.Month(i), 5, 18, 0, 0, 0, time.UTC), Attendance: 3 + i%2, CommitmentsMade: i % 3, CommitmentsDone: i % 2})
	}
	many := bot.Stats{SetName: "Long-running set"}
	for i := 1; i <= 40; i++ {
		many.Sessions = append(many.Sessions, bot.SessionStats{Number: i, Attendance: 8, CommitmentsMade: 8, CommitmentsDone: 4})
	}
	tests := []struct {
		name string
		st   bot.Stats
	}{
		{"six sessions", six},
		{"no session held", bot.Stats{SetName: "New set"}},
		{"forty sessions", many},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := chart.PNG(tt.st)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			// 8 x 4 inches at gonum's default 96 dpi.
			if got := img.Bounds(); got.Dx() != 768 || got.Dy() != 384 {
				t.Errorf("size %dx%d, want 768x384", got.Dx(), got.Dy())
			}
			if len(b) > 200<<10 {
				t.Errorf("%d bytes: too big for a chat preview", len(b))
			}
		})
	}
	// The picture depends on the figures.
	a, _ := chart.PNG(six)
	six.Sessions[0].Attendance = 9
	b, _ := chart.PNG(six)
	if bytes.Equal(a, b) {
		t.Error("a different attendance drew the same picture")
	}
}

func BenchmarkPNG(b *testing.B) {
	st := bot.Stats{SetName: "West set"}
	for i := 1; i <= 6; i++ {
		st.Sessions = append(st.Sessions, bot.SessionStats{Number: i, Attendance: 5, CommitmentsMade: 3, CommitmentsDone: 2})
	}
	for b.Loop() {
		if _, err := chart.PNG(st); err != nil {
			b.Fatal(err)
		}
	}
}
