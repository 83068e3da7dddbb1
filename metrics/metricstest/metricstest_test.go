package metricstest_test

import (
	"strings"
	"testing"

	"github.com/alsbot/alsbot/metrics/metricstest"
)

func TestParse(t *testing.T) {
	text := `# TYPE c counter
c{a="1",b="x"} 2
c{a="2",b="x"} 3
# TYPE g gauge
g 7
# TYPE h histogram
h_bucket{le="+Inf"} 4
h_sum 1.5
h_count 4
`
	got, err := metricstest.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"c{a=1,b=x}": 2, "c{a=2,b=x}": 3, "g{}": 7, "h{}": 4}
	if len(got) != len(want) {
		t.Errorf("Parse = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if _, err := metricstest.Parse(strings.NewReader("not metrics {")); err == nil {
		t.Error("Parse accepted text that is not the exposition format")
	}
}
