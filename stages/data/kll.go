package data

import (
	"math"
	"slices"
	"sort"
)

// kll is a KLL quantile sketch (Karnin, Lang and Liberty, 2016) over float64: a stack of
// compactors where level h holds items of weight 2^h; a full level is sorted and every other item
// promoted. With kllK = 512 the normalised rank error stays well under the 1% the profile
// promises (checked by TestKLLRankError on a million values). Written by hand: it is the
// profiler's inner loop, and the sketch must merge across the parallel workers. The coin that
// picks odd or even items is a fixed-seed xorshift, so a profile is reproducible.
type kll struct {
	levels [][]float64
	size   int // items held, all levels
	max    int // sum of capacities; compress when reached
	n      int64
	rng    uint64
}

const kllK = 512

func newKLL() *kll {
	s := &kll{levels: [][]float64{make([]float64, 0, kllK)}, rng: 0x9E3779B97F4A7C15}
	s.max = s.capacitySum()
	return s
}

// capacity of level h among H levels: k·(2/3)^(H-h-1), at least 2.
func (s *kll) capacity(h int) int {
	depth := len(s.levels) - h - 1
	c := int(math.Ceil(float64(kllK)*math.Pow(2.0/3.0, float64(depth)))) + 1
	if c < 2 {
		c = 2
	}
	return c
}

func (s *kll) capacitySum() int {
	t := 0
	for h := range s.levels {
		t += s.capacity(h)
	}
	return t
}

// add inserts one value. NaN is never added (callers count it as missing).
func (s *kll) add(v float64) {
	s.levels[0] = append(s.levels[0], v)
	s.size++
	s.n++
	if s.size >= s.max {
		s.compress()
	}
}

func (s *kll) coin() int {
	s.rng ^= s.rng << 13
	s.rng ^= s.rng >> 7
	s.rng ^= s.rng << 17
	return int(s.rng & 1)
}

// compress compacts the lowest level that is over its capacity.
func (s *kll) compress() {
	for h := 0; h < len(s.levels); h++ {
		if len(s.levels[h]) < s.capacity(h) {
			continue
		}
		if h+1 == len(s.levels) {
			s.levels = append(s.levels, nil)
			s.max = s.capacitySum()
		}
		lv := s.levels[h]
		slices.Sort(lv)
		keep := lv[:0:0]
		if len(lv)%2 == 1 { // the odd one out stays at this level
			keep = append(keep, lv[len(lv)-1])
			lv = lv[:len(lv)-1]
		}
		for i := s.coin(); i < len(lv); i += 2 {
			s.levels[h+1] = append(s.levels[h+1], lv[i])
		}
		s.levels[h] = append(s.levels[h][:0], keep...)
		s.size = 0
		for _, l := range s.levels {
			s.size += len(l)
		}
		if s.size < s.max {
			return
		}
	}
}

// merge folds o into s.
func (s *kll) merge(o *kll) {
	if o == nil {
		return
	}
	for len(s.levels) < len(o.levels) {
		s.levels = append(s.levels, nil)
	}
	for h, l := range o.levels {
		s.levels[h] = append(s.levels[h], l...)
	}
	s.n += o.n
	s.max = s.capacitySum()
	s.size = 0
	for _, l := range s.levels {
		s.size += len(l)
	}
	for s.size >= s.max {
		before := s.size
		s.compress()
		if s.size >= before {
			break
		}
	}
}

type weighted struct {
	v float64
	w int64
}

// sorted returns the held items with their weights, by value, and the total weight.
func (s *kll) sorted() ([]weighted, int64) {
	var out []weighted
	var total int64
	for h, l := range s.levels {
		w := int64(1) << h
		for _, v := range l {
			out = append(out, weighted{v, w})
			total += w
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].v < out[j].v })
	return out, total
}

// quantiles returns the value at each rank fraction in qs (the smallest held value whose
// cumulative weight reaches q of the total).
func (s *kll) quantiles(qs []float64) []float64 {
	items, total := s.sorted()
	out := make([]float64, len(qs))
	if total == 0 {
		for i := range out {
			out[i] = math.NaN()
		}
		return out
	}
	for i, q := range qs {
		target := q * float64(total)
		var cum int64
		out[i] = items[len(items)-1].v
		for _, it := range items {
			cum += it.w
			if float64(cum) >= target {
				out[i] = it.v
				break
			}
		}
	}
	return out
}

// rankBelow estimates the fraction of values < x (and <= x when inclusive).
func (s *kll) rankBelow(x float64, inclusive bool) float64 {
	var below, total int64
	for h, l := range s.levels {
		w := int64(1) << h
		for _, v := range l {
			total += w
			if v < x || (inclusive && v == x) {
				below += w
			}
		}
	}
	if total == 0 {
		return 0
	}
	return float64(below) / float64(total)
}
