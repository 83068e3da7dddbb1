// Package metricstest reads /metrics as Prometheus does, for the tests of
// the metrics package and of the served bot.
package metricstest

import (
	"fmt"
	"io"
	"strings"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Parse reads the Prometheus text format and returns each series' value by
// "name{label=value,...}" (labels in the order exposed, "name{}" without):
// a counter's or gauge's value, a histogram's sample count. Series that
// share a key are summed.
func Parse(r io.Reader) (map[string]float64, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("parse metrics: %w", err)
	}
	out := map[string]float64{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			v := m.GetCounter().GetValue()
			if h := m.GetHistogram(); h != nil {
				v = float64(h.GetSampleCount())
			}
			if g := m.GetGauge(); g != nil {
				v = g.GetValue()
			}
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			out[name+"{"+strings.Join(labels, ",")+"}"] += v
		}
	}
	return out, nil
}
