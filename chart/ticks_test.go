package chart

import (
	"strconv"
	"testing"
)

func TestCountTicksAreWholeNumbers(t *testing.T) {
	tests := []struct {
		lo, hi    float64
		wantFirst float64
		wantLast  float64
	}{
		{lo: 0, hi: 5, wantFirst: 0, wantLast: 5},
		{lo: 0, hi: 3, wantFirst: 0, wantLast: 3},
		{lo: 0, hi: 41, wantFirst: 0, wantLast: 40},
	}
	for _, tt := range tests {
		ticks := countTicks{}.Ticks(tt.lo, tt.hi)
		if len(ticks) < 2 || len(ticks) > 12 {
			t.Fatalf("Ticks(%v, %v): %d ticks", tt.lo, tt.hi, len(ticks))
		}
		for _, tk := range ticks {
			if tk.Value != float64(int(tk.Value)) || tk.Label != strconv.Itoa(int(tk.Value)) {
				t.Errorf("Ticks(%v, %v): tick %v %q is not a whole number", tt.lo, tt.hi, tk.Value, tk.Label)
			}
		}
		if ticks[0].Value != tt.wantFirst || ticks[len(ticks)-1].Value != tt.wantLast {
			t.Errorf("Ticks(%v, %v) from %v to %v, want %v to %v", tt.lo, tt.hi, ticks[0].Value, ticks[len(ticks)-1].Value, tt.wantFirst, tt.wantLast)
		}
	}
}
