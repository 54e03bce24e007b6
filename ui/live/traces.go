package live

import (
	"fmt"
	"math"
	"time"

	engine "github.com/mlwb/mlwb/stages/live"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/widget"
)

// xMode is what the x axis measures.
type xMode int

const (
	xStep     xMode = iota // the logged step
	xWall                  // wall-clock time, seconds since the epoch
	xRelative              // seconds since the run started
	xModes
)

func (m xMode) String() string { return [...]string{"step", "time", "relative"}[m] }

// zooms are the "last N" windows z cycles through, in x units of each mode (0 = everything).
var zooms = [xModes][]float64{
	xStep:     {0, 100, 1000, 10000},
	xWall:     {0, 60, 600, 3600},
	xRelative: {0, 60, 600, 3600},
}

// zoomLabel names a zoom window for the header.
func zoomLabel(m xMode, n float64) string {
	if m == xStep {
		return "last " + widget.Num(n) + " steps"
	}
	return "last " + widget.Duration(time.Duration(n)*time.Second)
}

// xLabel formats an x value of mode m for an axis or the cursor.
func xLabel(m xMode, x float64) string {
	switch m {
	case xWall:
		if math.IsNaN(x) || math.Abs(x) > 1e12 {
			return widget.Num(x)
		}
		return time.UnixMilli(int64(x * 1000)).Format("15:04:05")
	case xRelative:
		if x <= 0 || math.IsNaN(x) || x > 1e12 {
			return widget.Num(x) + "s"
		}
		if x < 60 {
			return fmt.Sprintf("%.3gs", x)
		}
		return widget.Duration(time.Duration(x * float64(time.Second)))
	}
	return widget.Num(x)
}

// trace is one run's history of one key: the points as logged (what the cursor's exact values
// and a change of x mode are read from), the engine's Series over the current x, and the
// smoothed copy, rebuilt only when the points or the weight change.
type trace struct {
	run              int64
	key              string
	step, time, vals []float64 // as logged
	ser              *engine.Series
	smooth           *engine.Series // nil when stale
	smoothW          float64
}

// x is the x of logged point i in mode m; started is the run's start (Unix ms, 0 = unknown).
func (t *trace) x(m xMode, i int, started float64) float64 {
	switch m {
	case xWall:
		return t.time[i] / 1000
	case xRelative:
		return (t.time[i] - started) / 1000
	}
	return t.step[i]
}

// add appends logged points (all of this trace) and keeps the series current.
func (t *trace) add(pts []store.Point, m xMode, started float64, xs, ys []float64) ([]float64, []float64) {
	from := len(t.vals)
	for _, p := range pts {
		t.step = append(t.step, float64(p.Step))
		t.time = append(t.time, float64(p.Time))
		t.vals = append(t.vals, p.Value)
	}
	xs, ys = xs[:0], ys[:0]
	for i := from; i < len(t.vals); i++ {
		xs, ys = append(xs, t.x(m, i, started)), append(ys, t.vals[i])
	}
	if t.ser == nil {
		t.ser = engine.NewSeries(xs, ys)
	} else {
		t.ser.Append(xs, ys)
	}
	t.smooth = nil
	return xs, ys
}

// rebuild makes the series over mode m's x (after the x mode changed).
func (t *trace) rebuild(m xMode, started float64) {
	xs, ys := make([]float64, len(t.vals)), make([]float64, len(t.vals))
	for i := range t.vals {
		xs[i], ys[i] = t.x(m, i, started), t.vals[i]
	}
	t.ser, t.smooth = engine.NewSeries(xs, ys), nil
}

// drawn is the series a chart draws: the smoothed one when weight > 0, built on demand.
func (t *trace) drawn(weight float64) *engine.Series {
	if weight <= 0 || t.ser.Len() == 0 {
		return t.ser
	}
	if t.smooth == nil || t.smoothW != weight {
		t.smooth, t.smoothW = engine.NewSeries(t.ser.X, engine.EMA(t.ser.Y, weight, nil)), weight
	}
	return t.smooth
}

// last is the value logged last (NaN when there is none).
func (t *trace) last() float64 {
	if len(t.vals) == 0 {
		return math.NaN()
	}
	return t.vals[len(t.vals)-1]
}
