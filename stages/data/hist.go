package data

import "math"

// histBins is how many bins the adaptive histogram holds while counting.
const histBins = 64

// hist is an exact histogram built in one pass without knowing the range in advance: bins have a
// power-of-two width 2^exp and edges at multiples of it; when a value falls outside the 64 bins,
// the width doubles and neighbouring bins merge. Because edges are always aligned to powers of
// two, histograms from parallel workers merge exactly. Counts are exact; only the bin width is
// chosen by the data. Non-finite values are not binned (the caller counts them).
type hist struct {
	exp    int   // bin width is 2^exp
	origin int64 // the first bin covers [origin·w, (origin+1)·w)
	bins   [histBins]int64
	used   bool
}

func (h *hist) add(v float64) { h.addN(v, 1) }

func (h *hist) addN(v float64, c int64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	if !h.used {
		h.used = true
		h.exp = -30
		if a := math.Abs(v); a > 0 {
			_, e := math.Frexp(a)
			h.exp = e - 40
		}
		h.origin = int64(math.Floor(math.Ldexp(v, -h.exp))) - histBins/2
	}
	for {
		q := math.Floor(math.Ldexp(v, -h.exp))
		if q >= float64(h.origin) && q < float64(h.origin+histBins) {
			h.bins[int(int64(q)-h.origin)] += c
			return
		}
		h.widen()
	}
}

// widen doubles the bin width, keeping counts.
func (h *hist) widen() {
	newOrigin := floorDiv2(h.origin)
	var nb [histBins]int64
	for i, c := range h.bins {
		if c != 0 {
			nb[floorDiv2(h.origin+int64(i))-newOrigin] += c
		}
	}
	// Re-centre so the new window extends on both sides of the counted range.
	lo, hi := -1, -1
	for i, c := range nb {
		if c != 0 {
			if lo < 0 {
				lo = i
			}
			hi = i
		}
	}
	shift := 0
	if lo >= 0 {
		shift = lo - (histBins-(hi-lo+1))/2
	}
	h.bins = [histBins]int64{}
	for i, c := range nb {
		if c != 0 {
			h.bins[i-shift] = c
		}
	}
	h.origin = newOrigin + int64(shift)
	h.exp++
}

func floorDiv2(x int64) int64 { return x >> 1 } // arithmetic shift floors for negatives too

// merge folds o into h exactly.
func (h *hist) merge(o *hist) {
	if !o.used {
		return
	}
	if !h.used {
		*h = *o
		return
	}
	for h.exp < o.exp {
		h.widen()
	}
	w := math.Ldexp(1, o.exp)
	for i, c := range o.bins {
		if c != 0 {
			h.addN(float64(o.origin+int64(i))*w, c)
		}
	}
}

// Bin is one histogram bar: the count of values in [Lo, Hi).
type Bin struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Count int64   `json:"count"`
}

// result returns the occupied span as at most maxBins bins; minExp keeps integer columns from
// getting bins narrower than 1.
func (h *hist) result(maxBins, minExp int) []Bin {
	if !h.used {
		return nil
	}
	c := *h
	for c.exp < minExp {
		c.widen()
	}
	for {
		lo, hi := c.span()
		if hi-lo+1 <= maxBins {
			break
		}
		c.widen()
	}
	lo, hi := c.span()
	w := math.Ldexp(1, c.exp)
	out := make([]Bin, 0, hi-lo+1)
	for i := lo; i <= hi; i++ {
		e := float64(c.origin+int64(i)) * w
		out = append(out, Bin{Lo: e, Hi: e + w, Count: c.bins[i]})
	}
	return out
}

func (h *hist) span() (lo, hi int) {
	lo, hi = -1, -1
	for i, c := range h.bins {
		if c != 0 {
			if lo < 0 {
				lo = i
			}
			hi = i
		}
	}
	return lo, hi
}
