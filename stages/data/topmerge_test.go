package data

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestTopValuesAcrossWorkers: a file of one chunk is read by one worker while the others stay
// idle; past the distinct limit its top values must survive the merge into an idle worker (they
// came out empty with 4 workers, and right with 1).
func TestTopValuesAcrossWorkers(t *testing.T) {
	var b strings.Builder
	b.WriteString("code\n")
	for i := 0; i < 9; i++ {
		// The most frequent, early: past the limit, the counts are those of the values held
		// when the column went approximate (marked so).
		b.WriteString("000042\n")
	}
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "%06d\n", (i*7919)%3000) // 3,000 distinct, each 1–2 times
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "codes.csv"), []byte(b.String()))
	var tops [][]TopValue
	for _, w := range []int{1, 4} {
		p, err := ProfileFile(context.Background(), path, Options{Workers: w, DistinctLimit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		c := p.Columns[0]
		if !c.DistinctApprox || len(c.Top) == 0 || c.Top[0].Value != "000042" {
			t.Fatalf("%d workers: approx %v, top %v", w, c.DistinctApprox, c.Top)
		}
		tops = append(tops, c.Top)
	}
	if !reflect.DeepEqual(tops[0], tops[1]) {
		t.Fatalf("top values differ by workers:\n1: %v\n4: %v", tops[0], tops[1])
	}
}

// TestTopCountsPastLimit: once a column has more distinct values than the limit, the values it
// already held go on being counted, so a frequent value's count is over the whole file (it was
// frozen at the moment the column went approximate) — for text, integers, floats and dates.
func TestTopCountsPastLimit(t *testing.T) {
	forceSmallChunks(t, 16<<10, 3) // many chunks, so several workers each go approximate
	var b strings.Builder
	b.WriteString("s,i,f,d\n")
	for r := 0; r < 20000; r++ {
		if r%10 == 0 { // 2,000 rows of the frequent values, spread over the file
			// The integer far from the others: outside the dense window, in the map.
			b.WriteString("HOT,-7000000,2.5,2020-01-01\n")
			continue
		}
		fmt.Fprintf(&b, "v%d,%d,%d.25,2021-%02d-%02d %02d:%02d:%02d\n", r, r*100003, r, 1+r%12, 1+r%28, r%24, r%60, (r/60)%60)
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "hot.csv"), []byte(b.String()))
	for _, w := range []int{1, 3} {
		p, err := ProfileFile(context.Background(), path, Options{Workers: w, DistinctLimit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Columns {
			if !c.DistinctApprox || len(c.Top) == 0 || c.Top[0].Count != 2000 {
				t.Errorf("%d workers, %s: approx %v, top %v", w, c.Name, c.DistinctApprox, c.Top[:min(2, len(c.Top))])
			}
		}
	}
}
