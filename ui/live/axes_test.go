package live

import (
	"math"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/store"
)

func TestNiceAxes(t *testing.T) {
	for _, c := range []struct{ v, want float64 }{
		{1000, 1000}, {1001, 1200}, {1201, 1500}, {0.07, 0.08}, {9.5, 10}, {11, 12}, {3, 3}, {0, 0}, {-2, -2},
	} {
		if got := niceCeil(c.v); math.Abs(got-c.want) > 1e-12*math.Abs(c.want) {
			t.Errorf("niceCeil(%v) = %v, want %v", c.v, got, c.want)
		}
	}
	if got := niceCeil(math.Inf(1)); !math.IsInf(got, 1) {
		t.Errorf("niceCeil(+Inf) = %v", got)
	}
	// [0.1, 2.1]: span/10 = 0.2 → step 0.2: [0, 2.2]; [0.195, 0.305]: 0.011 → 0.02: [0.18, 0.32].
	if lo, hi := niceRange(0.195, 0.305); math.Abs(lo-0.18) > 1e-12 || math.Abs(hi-0.32) > 1e-12 {
		t.Errorf("niceRange(0.195, 0.305) = %v, %v", lo, hi)
	}
	if lo, hi := niceRange(0.1, 2.1); lo != 0 || math.Abs(hi-2.2) > 1e-12 {
		t.Errorf("niceRange(0.1, 2.1) = %v, %v", lo, hi)
	}
	// A flat series (one value, or a metric logged once) is drawn 5% either side of its value:
	// 0.98 → [0.931, 1.029] → step 0.01: [0.93, 1.03]; at zero, ±1.
	for _, c := range []struct{ v, lo, hi float64 }{{0.98, 0.93, 1.03}, {-40, -42, -38}, {0, -1, 1}} {
		if lo, hi := niceRange(pad(c.v, c.v)); math.Abs(lo-c.lo) > 1e-9 || math.Abs(hi-c.hi) > 1e-9 {
			t.Errorf("flat %v drawn over [%v, %v], want [%v, %v]", c.v, lo, hi, c.lo, c.hi)
		}
	}
	// The padding does not cross zero: epochs 1–400 are drawn from 0, not from -50.
	if lo, _ := niceRange(pad(1, 400)); lo != 0 {
		t.Errorf("1–400 drawn from %v, want 0", lo)
	}
	if _, hi := niceRange(pad(-400, -1)); hi != 0 {
		t.Errorf("-400–-1 drawn to %v, want 0", hi)
	}
	// Near the float limits the range is left as it is rather than made infinite.
	if lo, hi := niceRange(-math.MaxFloat64, math.MaxFloat64); lo != -math.MaxFloat64 || hi != math.MaxFloat64 {
		t.Errorf("niceRange(±max) = %v, %v", lo, hi)
	}
	for _, c := range []struct{ x0, x1, n, a, b float64 }{
		{0, 1001, 0, 0, 1200},         // span 1001 → 1200
		{5, 1005, 0, 5, 1005},         // span 1000 is nice already
		{0, 1001, 100, 912.5, 1012.5}, // the last 100, the end on a multiple of 12.5
		{0, 50, 100, 0, 50},           // zoom wider than the data: the data's span
		{7, 7, 0, 7, 7},               // one point
	} {
		if a, b := viewX(c.x0, c.x1, c.n); a != c.a || b != c.b {
			t.Errorf("viewX(%v, %v, %v) = %v, %v; want %v, %v", c.x0, c.x1, c.n, a, b, c.a, c.b)
		}
	}
}

// TestNewPointRedrawsLittle: once the axes have settled, two new points (a frame's worth at 10
// points a second) change a few cells of a 120×40 page, not the curve: the terminal is sent the
// title's new value and the dots the points land in.
func TestNewPointRedrawsLittle(t *testing.T) {
	s, p := newStore(t)
	r := addRun(t, s, "decay", store.StatusRunning)
	f := func(i int) float64 { return 0.1 + 2*math.Exp(-float64(i)/300) }
	vals := make([]float64, 1010)
	for i := range vals {
		vals[i] = f(i)
	}
	steps(t, s, r, "loss", 0, vals...)
	pg := newPage(t, s, p, 120, 40)
	prev := strings.Split(screen(t, pg), "\n")
	for fr := 0; fr < 10; fr++ {
		at := 1010 + 2*fr
		steps(t, s, r, "loss", at, f(at), f(at+1))
		tick(t, pg)
		cur := strings.Split(screen(t, pg), "\n")
		cells := 0
		for i := range cur {
			a, b := []rune(prev[i]), []rune(cur[i])
			for j := range b {
				if j >= len(a) || a[j] != b[j] {
					cells++
				}
			}
		}
		// The title's value (up to 6 characters) and a dot or two at the curve's end.
		if cells > 10 {
			t.Fatalf("frame %d: %d cells changed:\n%s", fr, cells, strings.Join(cur, "\n"))
		}
		prev = cur
	}
}
