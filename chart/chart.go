// Package chart draws a set's figures as a PNG with gonum.org/v1/plot:
// attendance per session beside commitments made and done per session.
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/alsbot/alsbot/bot"
)

// Size of the picture: readable in a chat client's preview.
const (
	Width  = 8 * vg.Inch
	Height = 4 * vg.Inch
)

// PNG draws st: for each session held, bars of attendance, commitments made
// and commitments done. It is a pure function of st.
func PNG(st bot.Stats) ([]byte, error) {
	p := plot.New()
	p.Title.Text = "Sessions of " + st.SetName
	p.Y.Label.Text = "people / commitments"
	p.X.Label.Text = "session"
	p.Y.Min = 0

	n := len(st.Sessions)
	attendance := make(plotter.Values, n)
	made := make(plotter.Values, n)
	done := make(plotter.Values, n)
	names := make([]string, n)
	top := 1.0
	for i, s := range st.Sessions {
		attendance[i] = float64(s.Attendance)
		made[i] = float64(s.CommitmentsMade)
		done[i] = float64(s.CommitmentsDone)
		names[i] = strconv.Itoa(s.Number)
		top = max(top, attendance[i], made[i])
	}
	p.Y.Max = top + 1
	p.Y.Tick.Marker = countTicks{}
	if n == 0 {
		// An empty chart still says what it would show.
		p.Title.Text += " (no session held yet)"
		p.X.Min, p.X.Max = 0, 1
	} else {
		w := vg.Points(min(20, 360/float64(3*n)))
		series := []struct {
			label string
			vs    plotter.Values
			c     color.RGBA
		}{
			{"attended", attendance, color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}},
			{"commitments made", made, color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}},
			{"commitments done", done, color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}},
		}
		for i, s := range series {
			b, err := plotter.NewBarChart(s.vs, w)
			if err != nil {
				return nil, fmt.Errorf("chart %s: %w", s.label, err)
			}
			b.Color = s.c
			b.LineStyle.Width = 0
			b.Offset = w * vg.Length(i-1)
			p.Add(b)
			p.Legend.Add(s.label, b)
		}
		p.Legend.Top = true
		p.NominalX(names...)
	}
	wt, err := p.WriterTo(Width, Height, "png")
	if err != nil {
		return nil, fmt.Errorf("render chart: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("render chart: %w", err)
	}
	return buf.Bytes(), nil
}

// countTicks marks whole numbers only: the chart counts people and
// commitments, and "2.50 people" reads wrong.
type countTicks struct{}

func (countTicks) Ticks(lo, hi float64) []plot.Tick {
	step := max(1, int(hi-lo)/8)
	var ticks []plot.Tick
	for v := int(lo); float64(v) <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: float64(v), Label: strconv.Itoa(v)})
	}
	return ticks
}
