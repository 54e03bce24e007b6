package live

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func steps(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}

// bruteExtremes is the min and max finite value of each of b equal x buckets, by a plain loop.
func bruteExtremes(x, y []float64, b int) [][2]float64 {
	x0, x1 := x[0], x[len(x)-1]
	out := make([][2]float64, b)
	for i := range out {
		out[i] = [2]float64{math.NaN(), math.NaN()}
	}
	for i := range x {
		k := int((x[i] - x0) / (x1 - x0) * float64(b))
		if k >= b {
			k = b - 1
		}
		// the edge rule of Downsample: x >= edge belongs to the next bucket
		for k+1 < b && x[i] >= x0+(x1-x0)*float64(k+1)/float64(b) {
			k++
		}
		for k > 0 && x[i] < x0+(x1-x0)*float64(k)/float64(b) {
			k--
		}
		if !finite(y[i]) {
			continue
		}
		if math.IsNaN(out[k][0]) || y[i] < out[k][0] {
			out[k][0] = y[i]
		}
		if math.IsNaN(out[k][1]) || y[i] > out[k][1] {
			out[k][1] = y[i]
		}
	}
	return out
}

func TestDownsampleKeepsEveryBucketsExtremes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1000, 4097, 100_000} {
		x := steps(n)
		y := make([]float64, n)
		for i := range y {
			y[i] = math.Sin(float64(i)/500) + r.NormFloat64()*0.1
			if r.IntN(50) == 0 {
				y[i] = math.NaN()
			}
		}
		y[n/3] = 40 // a spike
		s := NewSeries(x, y)
		const b = 160
		got := s.Downsample(x[0], x[n-1], b, nil)
		if len(got) > 2*b+2 {
			t.Fatalf("n=%d: %d points", n, len(got))
		}
		if got[0] != (Point{x[0], y[0]}) || got[len(got)-1] != (Point{x[n-1], y[n-1]}) {
			t.Errorf("n=%d: first/last %v %v", n, got[0], got[len(got)-1])
		}
		if !slices.IsSortedFunc(got, func(a, b Point) int { return int(a.X - b.X) }) {
			t.Errorf("n=%d: not in x order", n)
		}
		have := map[float64]bool{}
		for _, p := range got {
			have[p.Y] = true
		}
		for k, e := range bruteExtremes(x, y, b) {
			if !math.IsNaN(e[0]) && (!have[e[0]] || !have[e[1]]) {
				t.Fatalf("n=%d bucket %d: extremes %v missing", n, k, e)
			}
		}
		if !have[40] {
			t.Errorf("n=%d: spike lost", n)
		}
	}
}

func TestDownsampleAppendMatchesWhole(t *testing.T) {
	x, y := steps(10_000), make([]float64, 10_000)
	for i := range y {
		y[i] = math.Cos(float64(i) / 77)
	}
	whole := NewSeries(x, y)
	parts := NewSeries(nil, nil)
	for i := 0; i < len(x); i += 333 {
		j := min(i+333, len(x))
		parts.Append(x[i:j], y[i:j])
	}
	a, b := whole.Downsample(1, 10_000, 80, nil), parts.Downsample(1, 10_000, 80, nil)
	if !slices.Equal(a, b) {
		t.Fatal("appending in pieces differs from one series")
	}
	// Out of order: a late point re-sorts, and equals the series built sorted.
	late := NewSeries([]float64{1, 2, 4}, []float64{10, 20, 40})
	late.Append([]float64{3}, []float64{30})
	if !slices.Equal(late.Y, []float64{10, 20, 30, 40}) {
		t.Errorf("re-sorted %v", late.Y)
	}
	if p, i, ok := late.At(3.5); !ok || p != (Point{3, 30}) || i != 2 {
		t.Errorf("At(3.5) = %v %d %v", p, i, ok)
	}
}

func TestCursorExactValues(t *testing.T) {
	x, y := steps(1_000_000), make([]float64, 1_000_000)
	for i := range y {
		y[i] = float64(i) * 0.5
	}
	s := NewSeries(x, y)
	for _, c := range []struct{ at, wantX, wantY float64 }{{-5, 1, 0}, {1, 1, 0}, {777_777.9, 777_777, 388_888}, {2e6, 1e6, 499_999.5}} {
		p, _, ok := s.At(c.at)
		if !ok || p.X != c.wantX || p.Y != c.wantY {
			t.Errorf("At(%v) = %v", c.at, p)
		}
	}
	if _, _, ok := NewSeries(nil, nil).At(1); ok {
		t.Error("At on an empty series")
	}
}

func TestDownsampleBadInput(t *testing.T) {
	nan := make([]float64, 5000)
	for i := range nan {
		nan[i] = math.NaN()
	}
	if got := NewSeries(steps(5000), nan).Downsample(1, 5000, 80, nil); len(got) != 0 {
		t.Errorf("always NaN: %v", got[:min(3, len(got))])
	}
	if got := NewSeries([]float64{7}, []float64{0.5}).Downsample(7, 7, 80, nil); !slices.Equal(got, []Point{{7, 0.5}}) {
		t.Errorf("single point: %v", got)
	}
	// ±1e308 values and steps, and infinities: no overflow, no panic, the finite extremes kept.
	n := 10_000
	x, y := steps(n), make([]float64, n)
	for i := range y {
		y[i] = []float64{1e308, -1e308, math.Inf(1), math.Inf(-1), 0}[i%5]
		x[i] = -1e308 + float64(i)*1.5e304
	}
	got := NewSeries(x, y).Downsample(x[0], x[n-1], 80, nil)
	lo, hi, ok := Bounds(got)
	if !ok || lo != -1e308 || hi != 1e308 || len(got) < 80 {
		t.Errorf("±1e308: %d points, bounds %v %v %v", len(got), lo, hi, ok)
	}
	for _, p := range got {
		if !finite(p.X) || !finite(p.Y) {
			t.Fatalf("non-finite point %v", p)
		}
	}
	if got := NewSeries(nil, nil).Downsample(0, 1, 80, nil); len(got) != 0 {
		t.Error("empty series")
	}
}

func TestEMAMatchesTensorBoard(t *testing.T) {
	// By hand, weight 0.5: last = 0.5, 1.25, (NaN skipped), 2.625; debias 0.5, 0.75, 0.875.
	got := EMA([]float64{1, 2, math.NaN(), 4}, 0.5, nil)
	want := []float64{1, 5.0 / 3, math.NaN(), 3}
	for i := range want {
		if !(got[i] == want[i] || math.IsNaN(got[i]) && math.IsNaN(want[i])) && math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("EMA[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	// Against TensorBoard's formula with Math.pow, weight 0.9, over a noisy series.
	ys := make([]float64, 1000)
	for i := range ys {
		ys[i] = math.Sin(float64(i)) + float64(i)/100
	}
	got = EMA(ys, 0.9, nil)
	last := 0.0
	for i, y := range ys {
		last = last*0.9 + 0.1*y
		want := last / (1 - math.Pow(0.9, float64(i+1)))
		if math.Abs(got[i]-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Fatalf("EMA[%d] = %v, want %v", i, got[i], want)
		}
	}
	flat := []float64{0.1, 0.1, 0.1}
	if got := EMA(flat, 0.99, nil); !slices.Equal(got, flat) {
		t.Errorf("constant series changed: %v", got)
	}
	if got := EMA(ys, 0, nil); !slices.Equal(got, ys) {
		t.Error("weight 0 changed the series")
	}
	if got := EMA([]float64{1e308, 1e308, -1e308}, 0.6, nil); !finite(got[2]) {
		t.Errorf("±1e308 smoothed to %v", got)
	}
}

func TestLogY(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want float64
		ok   bool
	}{{100, 2, true}, {1e-3, -3, true}, {0, math.Inf(-1), false}, {-5, math.Inf(-1), false},
		{math.NaN(), math.Inf(-1), false}, {math.Inf(1), math.Inf(-1), false}, {1e308, 308, true}} {
		got, ok := LogY(c.in)
		if ok != c.ok || math.Abs(got-c.want) > 1e-12 && got != c.want {
			t.Errorf("LogY(%v) = %v %v", c.in, got, ok)
		}
	}
}
