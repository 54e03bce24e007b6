package eval

import (
	"cmp"
	"slices"
)

// scored is one row seen by a binary curve: its score and whether it is of the positive class.
type scored struct {
	score float64
	pos   bool
}

// clfCurve holds cumulative counts at each distinct score, from the highest score down, as
// scikit-learn's _binary_clf_curve computes them.
type clfCurve struct {
	tps, fps   []float64 // positives and negatives scoring at least thresholds[i]
	thresholds []float64
}

func newClfCurve(rows []scored) clfCurve {
	slices.SortFunc(rows, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	var c clfCurve
	var tp, fp float64
	for i, r := range rows {
		if r.pos {
			tp++
		} else {
			fp++
		}
		if i == len(rows)-1 || rows[i+1].score != r.score {
			c.tps = append(c.tps, tp)
			c.fps = append(c.fps, fp)
			c.thresholds = append(c.thresholds, r.score)
		}
	}
	return c
}

// positives and negatives are the totals.
func (c clfCurve) positives() float64 { return c.tps[len(c.tps)-1] }
func (c clfCurve) negatives() float64 { return c.fps[len(c.fps)-1] }

// roc is scikit-learn's roc_curve with drop_intermediate=True: the corners of the ROC curve,
// starting at (0, 0). It needs at least one positive and one negative.
func (c clfCurve) roc() []ROCPoint {
	m := len(c.tps)
	keep := func(i int) bool {
		if m <= 2 || i == 0 || i == m-1 {
			return true
		}
		return c.fps[i+1]-2*c.fps[i]+c.fps[i-1] != 0 || c.tps[i+1]-2*c.tps[i]+c.tps[i-1] != 0
	}
	P, N := c.positives(), c.negatives()
	pts := []ROCPoint{{}}
	for i := range m {
		if keep(i) {
			t := c.thresholds[i]
			pts = append(pts, ROCPoint{FPR: c.fps[i] / N, TPR: c.tps[i] / P, Threshold: &t})
		}
	}
	return pts
}

// rocAUC is the trapezoidal area under the ROC curve, as sklearn.metrics.auc computes it.
func rocAUC(pts []ROCPoint) float64 {
	var area float64
	for i := 1; i < len(pts); i++ {
		area += (pts[i].FPR - pts[i-1].FPR) * (pts[i].TPR + pts[i-1].TPR) / 2.0
	}
	return area
}

// averagePrecision is scikit-learn's average_precision_score: the sum over thresholds of the
// precision times the recall gained, a step function (no interpolation). It needs a positive.
func (c clfCurve) averagePrecision() float64 {
	P := c.positives()
	var ap, prev float64
	for i := range c.tps {
		recall := c.tps[i] / P
		ap += (recall - prev) * (c.tps[i] / (c.tps[i] + c.fps[i]))
		prev = recall
		if c.tps[i] == P {
			break
		}
	}
	return ap
}

// thin keeps a drawable number of points of a long curve: each kept point is at least 2/max
// (in |Δfpr|+|Δtpr|) from the one kept before it, and the last point is kept. As the curve is
// monotone its length is at most 2, so at most about max points remain; the shape's corners
// stay within that distance.
func thin(pts []ROCPoint, max int) ([]ROCPoint, bool) {
	if len(pts) <= max {
		return pts, false
	}
	step := 2 / float64(max-2)
	out := []ROCPoint{pts[0]}
	for i := 1; i < len(pts)-1; i++ {
		last := out[len(out)-1]
		if (pts[i].FPR-last.FPR)+(pts[i].TPR-last.TPR) >= step {
			out = append(out, pts[i])
		}
	}
	return append(out, pts[len(pts)-1]), true
}
