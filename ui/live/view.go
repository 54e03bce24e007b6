package live

import (
	"fmt"
	"math"
	"strings"

	engine "github.com/mlwb/mlwb/stages/live"
	"github.com/mlwb/mlwb/ui/widget"
)

// header is the runs' legend on the left and the chart settings on the right.
func (p *Page) header(w int) string {
	st := &p.ctx.Styles
	var right []string
	if p.leftOut > 0 { // first, so a narrow screen still says runs are missing
		right = append(right, st.Warn.Render(fmt.Sprintf("+%d marked not shown (%d at most)", p.leftOut, maxRuns)))
	}
	if xc, ok := p.cursorX(); ok {
		right = append(right, st.Accent.Render("cursor "+p.mode.String()+" "+xLabel(p.mode, xc)))
	}
	right = append(right, "x "+p.mode.String())
	if p.smoothOn {
		right = append(right, fmt.Sprintf("ema %.2g", weights[p.weight]))
	}
	if p.logY {
		right = append(right, "log y")
	}
	if n := zooms[p.mode][p.zoom]; n > 0 {
		right = append(right, zoomLabel(p.mode, n))
	}
	if f := p.filter.Text; f != "" && !p.filter.Active {
		right = append(right, fmt.Sprintf("filter %q", f))
	}
	if n := len(p.shown); n > 0 {
		first := p.scroll * p.lay.cols
		last := min(n, (p.scroll+p.lay.rows)*p.lay.cols)
		right = append(right, fmt.Sprintf("keys %d-%d of %d", first+1, last, n))
	}
	r := st.Muted.Render(strings.Join(right, " · "))
	rw := widget.Width(r)
	if len(p.runs) == 0 {
		if rw >= w {
			return widget.Fit(r, w)
		}
		return widget.Fit(st.Muted.Render("no runs"), w-rw-1) + " " + r
	}
	left, rw := p.legend(w, rw)
	if rw == 0 {
		return widget.Fit(left, w)
	}
	return widget.Fit(left, w-rw-1) + " " + widget.Fit(r, rw)
}

// alertStrip is the followed runs' active alerts, newest first, on one line.
func (p *Page) alertStrip(w int) string {
	st := &p.ctx.Styles
	if p.checkErr != nil {
		return widget.Fit(st.Error.Render("alert rules not checked: "+p.checkErr.Error()), w)
	}
	if len(p.alerts) == 0 {
		// Of the runs shown: the status line counts every run's (a lost run not followed here).
		return widget.Fit(st.Muted.Render("no active alerts on these runs"), w)
	}
	parts := make([]string, 0, len(p.alerts))
	for _, a := range p.alerts {
		style := st.Warn
		switch a.Severity {
		case "error":
			style = st.Error
		case "info":
			style = st.Info
		}
		parts = append(parts, style.Render(fmt.Sprintf("⚠ #%d %s: %s", a.RunID, a.Rule, a.Message)))
	}
	lead := ""
	if len(parts) > 1 {
		lead = fmt.Sprintf("%d alerts: ", len(parts))
	}
	return widget.Fit(lead+strings.Join(parts, st.Muted.Render(" · ")), w)
}

// visibleKeys are the keys of the charts on screen.
func (p *Page) visibleKeys() []string {
	first := min(p.scroll*p.lay.cols, len(p.shown))
	return p.shown[first:min(len(p.shown), first+p.lay.rows*p.lay.cols)]
}

// dataRange is the x extent of the data on screen, shared by the charts (so one cursor reads one
// x everywhere).
func (p *Page) dataRange() (x0, x1 float64, ok bool) {
	x0, x1 = math.Inf(1), math.Inf(-1)
	for _, k := range p.visibleKeys() {
		for _, f := range p.runs {
			if t := p.traces[traceID{f.id, k}]; t != nil && t.ser.Len() > 0 {
				a, b := t.ser.Range()
				x0, x1, ok = min(x0, a), max(x1, b), true
			}
		}
	}
	return x0, x1, ok
}

// xRange is the x domain the charts draw: the data's, rounded out to stay still (viewX), cut to
// the zoom window.
func (p *Page) xRange() (x0, x1 float64, ok bool) {
	x0, x1, ok = p.dataRange()
	if !ok {
		return x0, x1, ok
	}
	x0, x1 = viewX(x0, x1, zooms[p.mode][p.zoom])
	return x0, x1, ok
}

// grid draws the charts on screen, row by row.
func (p *Page) grid() string {
	l := p.lay
	keys := p.visibleKeys()
	x0, x1, _ := p.xRange()
	blank := strings.Repeat(" ", l.cellW)
	var lines []string
	for r := 0; r < l.rows; r++ {
		cells := make([][]string, l.cols)
		for c := range cells {
			if i := r*l.cols + c; i < len(keys) {
				cells[c] = strings.Split(p.chart(keys[i], x0, x1), "\n")
			}
		}
		for y := 0; y < l.cellH; y++ {
			parts := make([]string, l.cols)
			for c, cell := range cells {
				parts[c] = blank
				if y < len(cell) {
					parts[c] = cell[y]
				}
			}
			lines = append(lines, strings.Join(parts, " "))
		}
	}
	return widget.Lines(strings.Join(lines, "\n"), p.width, l.gridH)
}

// chart draws one key's chart: a title line with each run's value (the last one, or the one at
// the cursor), the braille plot with y labels, and the x axis.
func (p *Page) chart(key string, x0, x1 float64) string {
	st := &p.ctx.Styles
	l := p.lay
	xc := x0*(1-p.cursor) + x1*p.cursor
	weight := 0.0
	if p.smoothOn {
		weight = weights[p.weight]
	}
	series := p.chartBuf[:0]
	p.slots = p.slots[:0] // the run slot of each series after the cursor's
	if p.cursorOn {
		series = append(series, widget.ChartSeries{Style: st.Muted}) // points set below, once y is known
	}
	var title []string
	logSkipped := 0
	for i, f := range p.runs {
		t := p.traces[traceID{f.id, key}]
		if t == nil || t.ser.Len() == 0 {
			continue
		}
		v := t.last()
		if p.cursorOn {
			v = p.valueAt(t, xc).Y
		}
		title = append(title, p.runStyle(i).Render(marker(i)+" "+widget.Num(v)))
		pts := t.drawn(weight).Downsample(x0, x1, 2*l.plotW, p.pointBuf(i))
		if p.logY {
			for j := range pts {
				var ok bool
				if pts[j].Y, ok = engine.LogY(pts[j].Y); !ok {
					logSkipped++
				}
			}
		}
		p.bufs[i] = pts
		series = append(series, widget.ChartSeries{Points: pts, Style: p.runStyle(i)})
		p.slots = append(p.slots, i)
	}
	p.chartBuf = series
	var all [][]engine.Point
	for _, s := range series {
		all = append(all, s.Points)
	}
	lo, hi, ok := engine.Bounds(all...)
	if !ok {
		lo, hi = 0, 1
	}
	lo, hi = niceRange(pad(lo, hi))
	if p.cursorOn {
		series[0].Points = []engine.Point{{X: xc, Y: lo}, {X: xc, Y: hi}}
	}
	lines := make([]string, 0, l.cellH)
	lines = append(lines, widget.Fit(titleLine(st.Bold.Render(key), title, l.cellW), l.cellW))
	if l.cellH < 3 {
		return strings.Join(lines, "\n")
	}
	plot := strings.Split(p.canvas.Plot(l.plotW, l.plotH, x0, x1, lo, hi, series), "\n")
	p.markEnds(plot, series[len(series)-len(p.slots):], x0, x1, lo, hi)
	yl := func(v float64) string {
		if p.logY {
			v = math.Pow(10, v)
		}
		return st.Muted.Render(widget.FitRight(widget.Num(v), labW))
	}
	for r, row := range plot {
		lab := strings.Repeat(" ", labW)
		switch {
		case r == 0:
			lab = yl(hi)
		case r == len(plot)-1:
			lab = yl(lo)
		case r == 1 && !ok:
			lab = st.Muted.Render(widget.FitRight("no data", labW))
		case r == 1 && logSkipped > 0:
			lab = st.Warn.Render(widget.FitRight("≤0 hid", labW))
		}
		lines = append(lines, lab+" "+row)
	}
	a, b := "", ""
	if x1 >= x0 && !math.IsInf(x0, 0) {
		a, b = xLabel(p.mode, x0), xLabel(p.mode, x1)
	}
	axis := widget.Fit(a, max(l.plotW-widget.Width(b), 0)) + b
	lines = append(lines, strings.Repeat(" ", labW+1)+st.Muted.Render(widget.Fit(axis, l.plotW)))
	return strings.Join(lines, "\n")
}

// valueAt is the exact logged point a cursor at x reads from a trace: the last at or before x
// (never a smoothed or downsampled value).
func (p *Page) valueAt(t *trace, x float64) engine.Point {
	pt, _, _ := t.ser.At(x)
	return pt
}

// cursorX is the cursor's x on the shared range (ok false when it is hidden or nothing is drawn).
func (p *Page) cursorX() (float64, bool) {
	x0, x1, ok := p.xRange()
	if !p.cursorOn || !ok {
		return 0, false
	}
	x := x0*(1-p.cursor) + x1*p.cursor
	if p.mode == xStep && x1-x0 >= 1 {
		x = math.Round(x) // steps are whole: the header says step 40, not 40.4
	}
	return x, true
}

// pointBuf is run slot i's reusable downsampling buffer.
func (p *Page) pointBuf(i int) []engine.Point {
	for len(p.bufs) <= i {
		p.bufs = append(p.bufs, nil)
	}
	return p.bufs[i]
}

// pad widens a y range by 5% each way (a flat series gets ±5% of its value, ±1 at zero) so lines do
// not run along the frame, without overflowing near ±MaxFloat64.
func pad(lo, hi float64) (float64, float64) {
	d := (hi/2 - lo/2) / 10
	if !(d > 0) { // one value: 5% either side of it (a loss stuck at 0.98 is drawn at 0.93–1.03, not -0.2–2)
		if d = math.Abs(lo) / 20; !(d > 0) {
			d = 1
		}
	}
	a, b := max(lo-d, -math.MaxFloat64), min(hi+d, math.MaxFloat64)
	// The padding does not cross zero: a positive series (epochs 1–400) starts its axis at 0,
	// not at -50.
	if lo > 0 {
		a = max(a, 0)
	}
	if hi < 0 {
		b = min(b, 0)
	}
	return a, b
}
