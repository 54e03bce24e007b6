package widget

import (
	"math"
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/mlwb/mlwb/stages/live"
)

// pts pairs up x, y, x, y, … into points.
func pts(xy ...float64) []live.Point {
	out := make([]live.Point, 0, len(xy)/2)
	for i := 0; i+1 < len(xy); i += 2 {
		out = append(out, live.Point{X: xy[i], Y: xy[i+1]})
	}
	return out
}

func TestBrailleDiagonalAndBounds(t *testing.T) {
	var c Braille
	// A rising diagonal across 2×1 cells (4×4 dots) lights (0,3) (1,2) (2,1) (3,0).
	got := c.Plot(2, 1, 0, 3, 0, 3, []ChartSeries{{Points: pts(0, 0, 3, 3)}})
	// (0,3)=0x40 and (1,2)=0x20 in the left cell; (2,1)=0x02 and (3,0)=0x08 in the right one.
	want := string([]rune{rune(0x2800 | 0x40 | 0x20), rune(0x2800 | 0x02 | 0x08)})
	if got != want {
		t.Errorf("diagonal %q, want %q", got, want)
	}
	// Out-of-range, NaN, ±Inf and ±1e308 points never panic and stay inside the frame.
	bad := pts(0, 1e308, 1, math.NaN(), 2, -1e308, 3, math.Inf(1), math.NaN(), 0, 1e308, 5)
	out := c.Plot(10, 3, 0, 3, -1e308, 1e308, []ChartSeries{{Points: bad}})
	lines := strings.Split(out, "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if n := len([]rune(l)); n != 10 {
			t.Errorf("line %q has %d cells", l, n)
		}
	}
	if c.Plot(0, 5, 0, 1, 0, 1, nil) != "" {
		t.Error("zero width")
	}
	// A single point, and a flat range (y0 == y1), draw one dot mid-height.
	if out := c.Plot(1, 1, 5, 5, 2, 2, []ChartSeries{{Points: pts(5, 2)}}); out == " " {
		t.Error("single point not drawn")
	}
}

// BenchmarkChartFrame is one Live chart frame: 4 series of 1,000,000 points each downsampled to
// an 80×20 braille chart (160 dot columns) and rendered with a colour per series.
func BenchmarkChartFrame(b *testing.B) {
	const n = 1_000_000
	var series [4]*live.Series
	for s := range series {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = float64(i)
			y[i] = math.Exp(-float64(i)/3e5)*float64(s+1) + 0.05*math.Sin(float64(i*(s+3)))
		}
		series[s] = live.NewSeries(x, y)
	}
	styles := []lipgloss.Style{lipgloss.NewStyle().Foreground(lipgloss.Color("1")), lipgloss.NewStyle().Foreground(lipgloss.Color("2")),
		lipgloss.NewStyle().Foreground(lipgloss.Color("3")), lipgloss.NewStyle().Foreground(lipgloss.Color("4"))}
	var c Braille
	bufs := make([][]live.Point, 4)
	lines := make([]ChartSeries, 4)
	// The mean is at the mercy of a busy machine; the fastest frame is reported too.
	best := time.Duration(math.MaxInt64)
	for b.Loop() {
		t0 := time.Now()
		for s, sr := range series {
			bufs[s] = sr.Downsample(0, n-1, 160, bufs[s])
			lines[s] = ChartSeries{Points: bufs[s], Style: styles[s]}
		}
		lo, hi, _ := live.Bounds(bufs...)
		if out := c.Plot(80, 20, 0, n-1, lo, hi, lines); len(out) == 0 {
			b.Fatal("empty frame")
		}
		best = min(best, time.Since(t0))
	}
	b.ReportMetric(float64(best.Microseconds())/1000, "best-ms/frame")
}
