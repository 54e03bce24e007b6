package live

import (
	"math"
	"slices"
	"sort"
)

// blockSize is how many points one precomputed min/max block covers. A frame then reads a bucket
// of a million-point series as ~100 blocks plus two ragged ends, instead of every point: drawing
// stays a few thousand reads per series whatever its length.
const blockSize = 64

// block is the extremes of blockSize consecutive points (finite values only; NaN/±Inf are gaps).
type block struct {
	min, max       float64
	minIdx, maxIdx int32 // offsets within the block; -1 when the block has no finite value
}

// Series is one metric's points in x order (x is a step or a time), with the min/max blocks that
// make downsampling cheap. Appending keeps the blocks current; an out-of-order point re-sorts once.
type Series struct {
	X, Y   []float64
	blocks []block
}

// NewSeries returns a series of the given points (x need not be sorted; equal x keep their order).
func NewSeries(x, y []float64) *Series {
	s := &Series{}
	s.Append(x, y)
	return s
}

// Len is the number of points.
func (s *Series) Len() int { return len(s.X) }

// Append adds points. Points at or after the last x are the common case and cost O(1) each.
func (s *Series) Append(x, y []float64) {
	sorted := len(s.X) == 0 || len(x) == 0 || x[0] >= s.X[len(s.X)-1]
	for i := 1; sorted && i < len(x); i++ {
		sorted = x[i] >= x[i-1]
	}
	s.X, s.Y = append(s.X, x...), append(s.Y, y...)
	if !sorted {
		s.resort()
		return
	}
	s.index(len(s.X) - len(x))
}

// resort puts the points in x order (stable, so equal steps keep their logged order) and rebuilds
// every block.
func (s *Series) resort() {
	idx := make([]int, len(s.X))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.X[idx[a]] < s.X[idx[b]] })
	x, y := make([]float64, len(idx)), make([]float64, len(idx))
	for i, j := range idx {
		x[i], y[i] = s.X[j], s.Y[j]
	}
	s.X, s.Y, s.blocks = x, y, s.blocks[:0]
	s.index(0)
}

// index folds the points from index from onward into the blocks.
func (s *Series) index(from int) {
	for i := from; i < len(s.Y); i++ {
		b := i / blockSize
		if b == len(s.blocks) {
			s.blocks = append(s.blocks, block{minIdx: -1, maxIdx: -1})
		}
		v := s.Y[i]
		if !finite(v) {
			continue
		}
		bl := &s.blocks[b]
		off := int32(i % blockSize)
		if bl.minIdx < 0 || v < bl.min {
			bl.min, bl.minIdx = v, off
		}
		if bl.maxIdx < 0 || v > bl.max {
			bl.max, bl.maxIdx = v, off
		}
	}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Point is one (x, y) of a downsampled series.
type Point struct{ X, Y float64 }

// Downsample returns at most 2·buckets+2 points that keep the series' shape between x0 and x1:
// the x range is cut into equal buckets and each keeps its minimum and maximum, in x order; the
// first and last points of the range are always kept (even non-finite ones are skipped for a
// point of the same bucket). A bucket with no finite value adds nothing (a gap). Exact values for
// a cursor come from At, not from here.
func (s *Series) Downsample(x0, x1 float64, buckets int, dst []Point) []Point {
	dst = dst[:0]
	lo := sort.SearchFloat64s(s.X, x0)
	hi := sort.Search(len(s.X), func(i int) bool { return s.X[i] > x1 })
	if lo >= hi || buckets <= 0 {
		return dst
	}
	if hi-lo <= 2*buckets+2 { // fewer points than the frame could show: all of them
		for i := lo; i < hi; i++ {
			if finite(s.Y[i]) {
				dst = append(dst, Point{s.X[i], s.Y[i]})
			}
		}
		return dst
	}
	first, last := s.firstFinite(lo, hi), s.lastFinite(lo, hi)
	if first < 0 {
		return dst
	}
	dst = append(dst, Point{s.X[first], s.Y[first]})
	start := lo
	for b := 0; b < buckets && start < hi; b++ {
		end := hi
		if b < buckets-1 {
			t := float64(b+1) / float64(buckets)
			edge := x0*(1-t) + x1*t // not x0 + (x1−x0)·t: x1 − x0 overflows for x near ±1e308
			end = start + sort.Search(hi-start, func(i int) bool { return s.X[start+i] >= edge })
		}
		if mn, mx := s.extremes(start, end); mn >= 0 {
			if mn > mx {
				mn, mx = mx, mn
			}
			if mn != first && mn != last {
				dst = append(dst, Point{s.X[mn], s.Y[mn]})
			}
			if mx != mn && mx != first && mx != last {
				dst = append(dst, Point{s.X[mx], s.Y[mx]})
			}
		}
		start = end
	}
	if last != first {
		dst = append(dst, Point{s.X[last], s.Y[last]})
	}
	return dst
}

func (s *Series) firstFinite(lo, hi int) int {
	for i := lo; i < hi; i++ {
		if finite(s.Y[i]) {
			return i
		}
	}
	return -1
}

func (s *Series) lastFinite(lo, hi int) int {
	for i := hi - 1; i >= lo; i-- {
		if finite(s.Y[i]) {
			return i
		}
	}
	return -1
}

// extremes returns the indices of the minimum and maximum finite values in [lo, hi) (-1, -1 when
// there are none), reading whole blocks where it can.
func (s *Series) extremes(lo, hi int) (mn, mx int) {
	mn, mx = -1, -1
	take := func(i int) {
		v := s.Y[i]
		if !finite(v) {
			return
		}
		if mn < 0 || v < s.Y[mn] {
			mn = i
		}
		if mx < 0 || v > s.Y[mx] {
			mx = i
		}
	}
	i := lo
	for ; i < hi && i%blockSize != 0; i++ {
		take(i)
	}
	for ; i+blockSize <= hi; i += blockSize {
		bl := s.blocks[i/blockSize]
		if bl.minIdx < 0 {
			continue
		}
		if j := i + int(bl.minIdx); mn < 0 || bl.min < s.Y[mn] {
			mn = j
		}
		if j := i + int(bl.maxIdx); mx < 0 || bl.max > s.Y[mx] {
			mx = j
		}
	}
	for ; i < hi; i++ {
		take(i)
	}
	return mn, mx
}

// At returns the exact point a cursor at x shows: the last point at or before x (the first point
// when x is before the series), and false for an empty series.
func (s *Series) At(x float64) (Point, int, bool) {
	if len(s.X) == 0 {
		return Point{}, -1, false
	}
	i := sort.Search(len(s.X), func(i int) bool { return s.X[i] > x }) - 1
	if i < 0 {
		i = 0
	}
	return Point{s.X[i], s.Y[i]}, i, true
}

// Range is the x extent of the series (0, 0 when empty).
func (s *Series) Range() (x0, x1 float64) {
	if len(s.X) == 0 {
		return 0, 0
	}
	return s.X[0], s.X[len(s.X)-1]
}

// Tail returns the x range of the last n steps (x values) of the series: zoom to the last N.
func (s *Series) Tail(n float64) (x0, x1 float64) {
	x0, x1 = s.Range()
	if n > 0 && x1-n > x0 {
		x0 = x1 - n
	}
	return x0, x1
}

// Bounds returns the min and max finite y of points (ok false when none is finite).
func Bounds(pts ...[]Point) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, ps := range pts {
		for _, p := range ps {
			if finite(p.Y) {
				lo, hi, ok = min(lo, p.Y), max(hi, p.Y), true
			}
		}
	}
	return lo, hi, ok
}

// Clone returns a copy that shares nothing with s.
func (s *Series) Clone() *Series {
	return &Series{X: slices.Clone(s.X), Y: slices.Clone(s.Y), blocks: slices.Clone(s.blocks)}
}
