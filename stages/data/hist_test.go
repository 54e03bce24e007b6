package data

import (
	"math/rand/v2"
	"testing"
)

// TestHistExact checks every value lands in the bin whose edges contain it, with counts that add
// up, after parallel-style merging, for ranges from tiny to huge and negative.
func TestHistExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, scale := range []float64{1e-9, 1, 1000, 1.7e9, 1e300} {
		vals := make([]float64, 20000)
		var a, b hist
		for i := range vals {
			vals[i] = (r.Float64() - 0.3) * scale
			if i%2 == 0 {
				a.add(vals[i])
			} else {
				b.add(vals[i])
			}
		}
		a.merge(&b)
		bins := a.result(30, -2000)
		if len(bins) == 0 || len(bins) > 30 {
			t.Fatalf("scale %g: %d bins", scale, len(bins))
		}
		var total int64
		for _, bn := range bins {
			total += bn.Count
			var want int64
			for _, v := range vals {
				if v >= bn.Lo && v < bn.Hi {
					want++
				}
			}
			if want != bn.Count {
				t.Errorf("scale %g: bin [%g,%g) has %d, want %d", scale, bn.Lo, bn.Hi, bn.Count, want)
			}
		}
		if total != int64(len(vals)) {
			t.Errorf("scale %g: total %d", scale, total)
		}
	}
}
