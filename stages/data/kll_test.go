package data

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestKLLRankError checks the promise the profile makes for approximate quantiles: the rank of
// the returned value is within 1% of the asked rank, here on a million values split over four
// merged sketches (as the parallel workers do) and in three shapes of data.
func TestKLLRankError(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := map[string]func() float64{
		"uniform":      func() float64 { return r.Float64() },
		"lognormal":    func() float64 { return r.ExpFloat64() * r.ExpFloat64() },
		"few-distinct": func() float64 { return float64(r.IntN(7)) },
	}
	qs := []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}
	for name, gen := range shapes {
		const n = 1_000_000
		all := make([]float64, n)
		parts := []*kll{newKLL(), newKLL(), newKLL(), newKLL()}
		for i := range all {
			all[i] = gen()
			parts[i%4].add(all[i])
		}
		s := parts[0]
		for _, p := range parts[1:] {
			s.merge(p)
		}
		slices.Sort(all)
		got := s.quantiles(qs)
		for i, q := range qs {
			lo, _ := slices.BinarySearch(all, got[i])
			hi := lo
			for hi < n && all[hi] == got[i] {
				hi++
			}
			// The value's ranks span [lo, hi]; the error is the distance from q to that span.
			rlo, rhi := float64(lo)/n, float64(hi)/n
			err := 0.0
			if q < rlo {
				err = rlo - q
			} else if q > rhi {
				err = q - rhi
			}
			if err > 0.01 {
				t.Errorf("%s: p%g = %g has rank [%.4f, %.4f], error %.4f > 0.01", name, q*100, got[i], rlo, rhi, err)
			}
		}
		if s.n != n {
			t.Errorf("%s: n = %d", name, s.n)
		}
	}
}
