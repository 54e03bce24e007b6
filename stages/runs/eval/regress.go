package eval

import (
	"errors"
	"math"
	"math/bits"
)

// regress computes the regression metrics of y_true and y_pred (both numbers). It fails when the
// values are so large that a metric overflows float64.
func regress(yTrue, yPred []float64, notes *[]string) (*Regression, error) {
	n := float64(len(yTrue))
	var absSum, sqSum, maxErr, mean float64
	constant := true
	res := make([]float64, len(yTrue))
	for i, y := range yTrue {
		d := y - yPred[i]
		res[i] = d
		absSum += math.Abs(d)
		sqSum += d * d
		maxErr = max(maxErr, math.Abs(d))
		mean += y
		constant = constant && y == yTrue[0]
	}
	mean /= n
	r := &Regression{MAE: absSum / n, MSE: sqSum / n, MaxError: maxErr}
	r.RMSE = math.Sqrt(r.MSE)
	// r2_score: 1 - SS_res/SS_tot; with a constant y_true (SS_tot = 0) it is 1 for a perfect
	// fit and 0 otherwise (force_finite).
	var ssTot float64
	if !constant {
		for _, y := range yTrue {
			ssTot += (y - mean) * (y - mean)
		}
	}
	switch {
	case sqSum == 0:
		r.R2 = 1
	case ssTot == 0:
		r.R2 = 0
		*notes = append(*notes, "y_true is constant: R² is 0 for any imperfect fit (scikit-learn's convention)")
	default:
		r.R2 = 1 - sqSum/ssTot
	}
	r.Residuals = histogram(res, sturges(len(res)))
	finite := !math.IsInf(ssTot, 0)
	for _, v := range append([]float64{r.MAE, r.MSE, r.RMSE, r.R2, r.MaxError}, r.Residuals.Edges...) {
		finite = finite && !math.IsInf(v, 0) && !math.IsNaN(v)
	}
	if !finite {
		return nil, errors.New("the values are too large: the errors overflow float64")
	}
	return r, nil
}

// sturges is the number of bins of Sturges' rule: ceil(log2 n) + 1.
func sturges(n int) int {
	if n < 1 {
		return 1
	}
	return bits.Len(uint(n-1)) + 1
}

// histogram counts vs in k equal-width bins over their range, exactly as numpy.histogram(vs, k):
// the edges are numpy.linspace(min, max, k+1) (min-0.5 to max+0.5 when all values are equal),
// each bin holds [left, right) and the last one also its right edge.
func histogram(vs []float64, k int) Histogram {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		lo, hi = min(lo, v), max(hi, v)
	}
	if len(vs) == 0 {
		lo, hi = 0, 1
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	h := Histogram{Edges: make([]float64, k+1), Counts: make([]int64, k)}
	step := (hi - lo) / float64(k)
	for i := range k {
		h.Edges[i] = float64(float64(i)*step) + lo // the conversion forbids a fused multiply-add
	}
	h.Edges[k] = hi
	for _, v := range vs {
		i := int((v - lo) / (hi - lo) * float64(k))
		i = min(max(i, 0), k-1)
		for i > 0 && v < h.Edges[i] {
			i--
		}
		for i < k-1 && v >= h.Edges[i+1] {
			i++
		}
		h.Counts[i]++
	}
	return h
}
