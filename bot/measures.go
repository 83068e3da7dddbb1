package bot

// Rate, Mean and Count: the measures programme figures are made of.

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Rate is "N of Of": how many of a group did something.
type Rate struct{ N, Of int }

// Percent is the rate as a whole percentage, rounded half up; 0 of 0 is 0.
func (r Rate) Percent() int {
	if r.Of == 0 {
		return 0
	}
	return (200*r.N + r.Of) / (2 * r.Of)
}

// String is the report's wording: "16 of 23 (70 %)"; "0 of 0" when nobody
// could have.
func (r Rate) String() string {
	if r.Of == 0 {
		return "0 of 0"
	}
	return fmt.Sprintf("%d of %d (%d %%)", r.N, r.Of, r.Percent())
}

// Mean is a running mean; its String is "3.4 (n=12)", or "–" when empty.
type Mean struct {
	Sum float64
	N   int
}

func (m *Mean) add(x float64) { m.Sum += x; m.N++ }

// Value is the mean, 0 when nothing was added.
func (m Mean) Value() float64 {
	if m.N == 0 {
		return 0
	}
	return m.Sum / float64(m.N)
}

func (m Mean) String() string {
	if m.N == 0 {
		return "–"
	}
	return fmt.Sprintf("%s (n=%d)", OneDecimal(m.Value()), m.N)
}

// OneDecimal shows x with one decimal, halves rounded away from zero as
// people round them (a mean of 4, 5, 5 and 3 is 4.3, where "%.1f" gives
// 4.2; a change of -0.25 is -0.3).
func OneDecimal(x float64) string {
	r := math.Round(x*10) / 10
	if r == 0 {
		r = 0 // not "-0.0"
	}
	return strconv.FormatFloat(r, 'f', 1, 64)
}

// Signed is the mean with a sign: "+0.8 (n=9)".
func (m Mean) Signed() string {
	if m.N == 0 {
		return "–"
	}
	v := OneDecimal(m.Value())
	if !strings.HasPrefix(v, "-") {
		v = "+" + v
	}
	return fmt.Sprintf("%s (n=%d)", v, m.N)
}

// Count is one bar of a distribution: how many members had Value.
type Count struct{ Value, Members int }

// counts turns value -> members into bars, highest value first.
func counts(m map[int]int) []Count {
	out := make([]Count, 0, len(m))
	for v, n := range m {
		out = append(out, Count{Value: v, Members: n})
	}
	slices.SortFunc(out, func(a, b Count) int { return b.Value - a.Value })
	return out
}
