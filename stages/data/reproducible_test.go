package data

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestApproximateQuantilesReproducible: a column past the exact-distinct limit (20,000, so the
// seeding itself compacts the sketch) gets sketch
// quantiles; profiling the same file again with one worker gives the same ones (the sketch is
// seeded from the exact counts in value order, not in map order, which changes between runs).
func TestApproximateQuantilesReproducible(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var b strings.Builder
	b.WriteString("i,f,d\n")
	for n := 0; n < 60_000; n++ {
		fmt.Fprintf(&b, "%d,%g,2024-%02d-%02d %02d:%02d:00\n", r.IntN(1_000_000), r.NormFloat64(), 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60))
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "q.csv"), []byte(b.String()))
	var first []map[string]any
	for run := 0; run < 4; run++ {
		p, err := ProfileFile(context.Background(), path, Options{Workers: 1, DistinctLimit: 20_000})
		if err != nil {
			t.Fatal(err)
		}
		var qs []map[string]any
		for _, c := range p.Columns {
			if !c.QuantilesApprox {
				t.Fatalf("column %s: quantiles not approximate past the limit", c.Name)
			}
			qs = append(qs, c.Quantiles)
		}
		if run == 0 {
			first = qs
		} else if !reflect.DeepEqual(qs, first) {
			t.Fatalf("run %d quantiles %v, first run %v", run, qs, first)
		}
	}
}
