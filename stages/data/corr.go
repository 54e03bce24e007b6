package data

import "math"

// corrAcc accumulates the co-moments of every pair of candidate numeric columns over the rows
// where both have a number. Values are shifted by a mean estimated from the sniffed sample, which
// keeps the naive sums numerically sound (the "shifted data" algorithm) at the cost of six adds
// per pair and row.
type corrAcc struct {
	cols  []int // column indices
	shift []float64
	vals  []float64  // this row's values, shifted
	ok    uint64     // bit i: vals[i] holds a number this row (maxCorrColumns ≤ 64)
	all   uint64     // every bit of a row with all its numbers
	pairs []pairSums // upper triangle, row-major
}

type pairSums struct {
	n                     int64
	sx, sy, sxx, syy, sxy float64
}

// maxCorrColumns caps the matrix: beyond it the per-row cost (pairs grow with the square) would
// dominate the profile. The first ones in file order are used, and the profile says so.
const maxCorrColumns = 40

// A row's present numbers are the bits of one uint64: this fails to compile past 64 columns.
const _ = uint(64 - maxCorrColumns)

func newCorrAcc(cols []int, shift []float64) *corrAcc {
	p := len(cols)
	return &corrAcc{cols: cols, shift: shift, vals: make([]float64, p), all: 1<<p - 1, pairs: make([]pairSums, p*(p-1)/2)}
}

// set records the number of the column at position i for this row.
func (c *corrAcc) set(i int, v float64) {
	c.vals[i] = v - c.shift[i]
	c.ok |= 1 << i
}

// row adds the values set for this row, then clears them. A row with every number (the usual
// case) takes a loop without the presence tests.
func (c *corrAcc) row() {
	ok := c.ok
	if ok == 0 {
		return
	}
	c.ok = 0
	p := len(c.cols)
	vals := c.vals[:p]
	if ok == c.all {
		k := 0
		for i := 0; i < p; i++ {
			x := vals[i]
			for _, y := range vals[i+1:] {
				s := &c.pairs[k]
				s.n++
				s.sx += x
				s.sy += y
				s.sxx += x * x
				s.syy += y * y
				s.sxy += x * y
				k++
			}
		}
		return
	}
	k := 0
	for i := 0; i < p; i++ {
		if ok&(1<<i) == 0 {
			k += p - i - 1
			continue
		}
		x := vals[i]
		for j := i + 1; j < p; j++ {
			if ok&(1<<j) != 0 {
				y := vals[j]
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
