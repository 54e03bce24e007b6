package live

import "math"

// EMA returns ys smoothed as TensorBoard's scalar charts smooth them (weight in [0, 1), 0 = none):
// an exponential moving average debiased by 1 − weightⁿ so the start is not pulled to zero.
// Non-finite values pass through unsmoothed and do not feed the average, and a constant series is
// returned as it is (TensorBoard's rule, so rounding never wobbles a flat line).
func EMA(ys []float64, weight float64, dst []float64) []float64 {
	dst = append(dst[:0], ys...)
	if weight <= 0 || len(ys) == 0 {
		return dst
	}
	weight = min(weight, 0.999)
	constant := true
	for _, y := range ys[1:] {
		if y != ys[0] {
			constant = false
			break
		}
	}
	if constant {
		return dst
	}
	var last float64
	wn := 1.0 // weightⁿ, kept as a running product: math.Pow per point would be most of the cost
	for i, y := range ys {
		if !finite(y) {
			continue
		}
		last = last*weight + (1-weight)*y
		wn *= weight
		dst[i] = last / (1 - wn)
	}
	return dst
}

// LogY maps y to log10(y) for a log-scale axis. Zero and negative values have no logarithm: they
// come back as −Inf, which a chart draws as a gap, and ok is false so the caller can count them.
func LogY(y float64) (v float64, ok bool) {
	if !(y > 0) || math.IsInf(y, 1) {
		return math.Inf(-1), false
	}
	return math.Log10(y), true
}
