package data

import "math"

// corrAcc accumulates the co-moments of every pair of candidate numeric columns over the rows
// where both have a number. Values are shifted by a mean estimated from the sniffed sample, which
// keeps the naive sums numerically sound (the "shifted data" algorithm) at the cost of six adds
// per pair and row.
type corrAcc struct {
	cols  []int // column indices
	shift []float64
	vals  []float64
	ok    []bool
	pairs []pairSums // upper triangle, row-major
}

type pairSums struct {
	n                     int64
	sx, sy, sxx, syy, sxy float64
}

// maxCorrColumns caps the matrix: beyond it the per-row cost (pairs grow with the square) would
// dominate the profile. The first ones in file order are used, and the profile says so.
const maxCorrColumns = 40

func newCorrAcc(cols []int, shift []float64) *corrAcc {
	p := len(cols)
	return &corrAcc{cols: cols, shift: shift, vals: make([]float64, p), ok: make([]bool, p), pairs: make([]pairSums, p*(p-1)/2)}
}

// row adds the values collected in vals/ok, then clears ok.
func (c *corrAcc) row() {
	p := len(c.cols)
	k := 0
	for i := 0; i < p; i++ {
		if !c.ok[i] {
			k += p - i - 1
			continue
		}
		x := c.vals[i] - c.shift[i]
		for j := i + 1; j < p; j++ {
			if c.ok[j] {
				y := c.vals[j] - c.shift[j]
				s := &c.pairs[k]
				s.n++
				s.sx += x
				s.sy += y
				s.sxx += x * x
				s.syy += y * y
				s.sxy += x * y
			}
			k++
		}
	}
	clear(c.ok)
}

func (c *corrAcc) merge(o *corrAcc) {
	for i := range c.pairs {
		a, b := &c.pairs[i], &o.pairs[i]
		a.n += b.n
		a.sx += b.sx
		a.sy += b.sy
		a.sxx += b.sxx
		a.syy += b.syy
		a.sxy += b.sxy
	}
}

// r returns the Pearson correlation of the pair, or nil when undefined.
func (s pairSums) r() *float64 {
	if s.n < 2 {
		return nil
	}
	n := float64(s.n)
	cov := s.sxy - s.sx*s.sy/n
	vx := s.sxx - s.sx*s.sx/n
	vy := s.syy - s.sy*s.sy/n
	if vx <= 0 || vy <= 0 || math.IsNaN(cov) || math.IsInf(cov, 0) {
		return nil
	}
	r := cov / math.Sqrt(vx*vy)
	r = math.Max(-1, math.Min(1, r))
	return &r
}
