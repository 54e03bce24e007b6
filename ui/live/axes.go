package live

import "math"

// Stable axes. A chart that fits its axes to the data exactly moves every dot of its curve when a
// point arrives (the x range grows by a step, the y range by a hair), so each frame rewrites most
// of the plot: over SSH that is most of the bytes, and on screen a shiver. Rounding the axes out
// to nice numbers keeps them still until the data crosses one, so a new point changes only the
// cells it lands in (and the title's value).

// niceSteps are the mantissas of the nice numbers, from 1 up to 10.
var niceSteps = [...]float64{1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}

// labelSteps are the coarser mantissas of a y step, so the labels at the ends read as round
// numbers (0.18, not 0.195).
var labelSteps = [...]float64{1, 2, 2.5, 5, 10}

// niceCeil is the least nice number (a niceSteps mantissa times a power of ten) at or above v > 0;
// v itself when it is not positive and finite. Consecutive nice numbers are 20–50% apart.
func niceCeil(v float64) float64 { return ceilTo(v, niceSteps[:]) }

// ceilTo is the least of mantissas times a power of ten at or above v > 0.
func ceilTo(v float64, mantissas []float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return v
	}
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range mantissas {
		if n := m * e; n >= v*(1-1e-12) {
			return n
		}
	}
	return 10 * e
}

// niceRange rounds [lo, hi] out to multiples of a round step of a tenth to a fifth of its span,
// so the range stays put while the data moves inside it. It returns lo, hi as they are where
// rounding would not be finite (spans near ±MaxFloat64).
func niceRange(lo, hi float64) (float64, float64) {
	step := ceilTo((hi-lo)/10, labelSteps[:])
	if !(step > 0) || math.IsInf(step, 0) {
		return lo, hi
	}
	a, b := math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	if math.IsInf(a, 0) || math.IsInf(b, 0) || math.IsNaN(a) || math.IsNaN(b) {
		return lo, hi
	}
	return a, b
}

// viewX is the x domain drawn for data spanning [x0, x1]: from x0 to x0 plus the nice ceiling of
// the span; zoomed to the last n, a window of n whose end moves in steps of n/8.
func viewX(x0, x1, n float64) (float64, float64) {
	if n > 0 && x1-n > x0 {
		g := n / 8
		end := math.Ceil(x1/g) * g
		if math.IsInf(end, 0) || math.IsNaN(end) {
			return x1 - n, x1
		}
		return end - n, end
	}
	if span := niceCeil(x1 - x0); x0+span > x1 && !math.IsInf(x0+span, 0) {
		return x0, x0 + span
	}
	return x0, x1
}
