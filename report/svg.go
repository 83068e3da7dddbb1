package report

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// The charts are inline SVG written here rather than drawn by a plotting
// library: the report must open without network or files beside it, and
// SVG text stays sharp in print and is read by screen readers.

// colour is series i's colour; the six stay distinguishable in greyscale print.
func colour(i int) string {
	palette := [...]string{"#1f5f8b", "#e07b39", "#4c9a2a", "#8e5ea2", "#c44e52", "#7f7f7f"}
	return palette[i%len(palette)]
}

func esc(s string) string { return html.EscapeString(s) }

// barGroup is one x position of a grouped bar chart.
type barGroup struct {
	Label string
	Bars  []bar
}

type bar struct {
	Value float64 // 0..max
	Text  string  // shown above the bar and in its tooltip
}

// groupedBars draws groups of vertical bars, one colour per series, with a
// y axis from 0 to max labelled by yLabel(v).
func groupedBars(title string, series []string, groups []barGroup, max float64, ticks []float64, yLabel func(float64) string) template.HTML {
	const (
		w, h                 = 720, 300
		left, right, top, bt = 48, 16, 36, 48
	)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, esc(title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(title))
	plotW, plotH := float64(w-left-right), float64(h-top-bt)
	y := func(v float64) float64 { return float64(top) + plotH - plotH*v/max }
	for _, t := range ticks {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/>`, left, w-right, y(t), y(t))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" class="tick" text-anchor="end">%s</text>`, left-6, y(t)+4, esc(yLabel(t)))
	}
	n := len(groups)
	if n > 0 {
		gw := plotW / float64(n)
		nb := max1(len(series))
		bw := gw * 0.8 / float64(nb)
		for gi, g := range groups {
			x0 := float64(left) + gw*float64(gi) + gw*0.1
			for bi, br := range g.Bars {
				x := x0 + bw*float64(bi)
				yy := y(br.Value)
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`,
					x, yy, bw-2, float64(top)+plotH-yy, colour(bi), esc(series[bi%len(series)]+": "+br.Text))
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="val" text-anchor="middle">%s</text>`, x+(bw-2)/2, yy-3, esc(br.Text))
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="tick" text-anchor="middle">%s</text>`, x0+gw*0.4, h-bt+16, esc(g.Label))
		}
	}
	legend(&b, series, left, 16)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text above is escaped
}

// hbar is one row of a horizontal bar chart.
type hbar struct {
	Label string
	Value float64 // 0..1 of the bar's full width
	Text  string
}

// hbars draws one horizontal bar per row, rows grouped under series colours
// by index (row i uses colour(i % perGroup)).
func hbars(title string, rows []hbar, perGroup int, series []string) template.HTML {
	const (
		w, rowH, labelW, right = 720, 26, 300, 150
	)
	top := 8
	if len(series) > 0 {
		top = 32
	}
	h := top + rowH*len(rows) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, esc(title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(title))
	plotW := float64(w - labelW - right)
	for i, r := range rows {
		y := top + rowH*i
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="tick" text-anchor="end">%s</text>`, labelW-8, y+16, esc(r.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" class="track"/>`, labelW, y+4, plotW, rowH-8)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>`,
			labelW, y+4, plotW*clamp01(r.Value), rowH-8, colour(i%max1(perGroup)), esc(r.Label+": "+r.Text))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="val">%s</text>`, float64(labelW)+plotW+6, y+16, esc(r.Text))
	}
	legend(&b, series, labelW, 16)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text above is escaped
}

func legend(b *strings.Builder, series []string, x, y int) {
	if len(series) < 2 {
		return
	}
	for i, s := range series {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" class="tick">%s</text>`, x, y-10, colour(i), x+16, y, esc(s))
		x += 24 + 8*len(s)
	}
}

func clamp01(v float64) float64 { return min(1, max(0, v)) }

func max1(n int) int { return max(1, n) }

// pair is one outcome of a paired bar chart: two values of 0..1.
type pair struct {
	Label  string
	Values [2]float64
	Texts  [2]string
}

// pairedBars draws, for each pair, its label on a line of its own and two
// bars under it (series[0], series[1]): long outcome names stay readable.
func pairedBars(title string, series [2]string, pairs []pair) template.HTML {
	const (
		w, labelH, barH, gap, right = 720, 18, 16, 12, 120
	)
	top := 32
	h := top + len(pairs)*(labelH+2*barH+gap) + 4
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, esc(title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(title))
	plotW := float64(w - right)
	y := top
	for _, p := range pairs {
		fmt.Fprintf(&b, `<text x="0" y="%d" class="tick">%s</text>`, y+13, esc(p.Label))
		y += labelH
		for i := range 2 {
			fmt.Fprintf(&b, `<rect x="0" y="%d" width="%.1f" height="%d" class="track"/>`, y, plotW, barH-3)
			fmt.Fprintf(&b, `<rect x="0" y="%d" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>`,
				y, plotW*clamp01(p.Values[i]), barH-3, colour(i), esc(p.Label+", "+series[i]+": "+p.Texts[i]))
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="val">%s %s</text>`, plotW+6, y+11, esc(series[i]), esc(p.Texts[i]))
			y += barH
		}
		y += gap
	}
	legend(&b, series[:], 0, 16)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text above is escaped
}
