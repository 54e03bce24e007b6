package data

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExtremeIntegers profiles integers at the ends of int64, where the dense counting window's
// arithmetic (value − base, the widened span) would overflow: they must be counted in the map,
// with exact extremes and distinct count, not crash or loop.
func TestExtremeIntegers(t *testing.T) {
	vals := []string{"5", "-9223372036854775808", "9223372036854775807", "-5", "9223372036854775807",
		"4611686018427387904", "-4611686018427387904", "0", "5"}
	for _, first := range []int{0, 1, 2} { // the window opened by a small value, or by an extreme one
		text := "v\n"
		for i := range vals {
			text += vals[(first+i)%len(vals)] + "\n"
		}
		path := filepath.Join(t.TempDir(), "x.csv")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := ProfileFile(context.Background(), path, Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		c := p.Columns[0]
		if c.Type != "int" || c.Count != 9 || c.Distinct != 7 {
			t.Fatalf("first %d: type %s count %d distinct %d, want int 9 7", first, c.Type, c.Count, c.Distinct)
		}
		if c.Min != int64(math.MinInt64) || c.Max != int64(math.MaxInt64) {
			t.Errorf("first %d: min %v max %v", first, c.Min, c.Max)
		}
		if len(c.Top) == 0 || c.Top[0].Count != 2 {
			t.Errorf("first %d: top %+v", first, c.Top)
		}
	}
}

// TestShortStringCounts counts short values (the packed-word table's keys: lengths 0 to 8, with
// zero bytes that padding must not confuse, "a" vs "a\x00") and longer ones against a plain map.
func TestShortStringCounts(t *testing.T) {
	var vc valueCounts
	vc.init(1 << 20)
	want := map[string]int64{}
	r := uint64(1)
	for i := 0; i < 200_000; i++ {
		r ^= r << 13
		r ^= r >> 7
		r ^= r << 17
		n := int(r % 11)
		b := make([]byte, n)
		for j := range b {
			b[j] = "a\x00b"[(r>>(8+2*j))%3]
		}
		want[string(b)]++
		vc.addString(b)
	}
	if vc.distinct != len(want) {
		t.Fatalf("distinct %d, want %d", vc.distinct, len(want))
	}
	for s, i := range vc.strIdx {
		if vc.strCounts[i] != want[s] {
			t.Fatalf("%q: count %d, want %d", s, vc.strCounts[i], want[s])
		}
	}
}

// TestDistinctEstimateCapped: the HyperLogLog estimate of a column of unique values is never
// more than its non-null count (200,000 unique integers came out ≈201,101).
func TestDistinctEstimateCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("id\n")
	for i := range 200_000 {
		fmt.Fprintf(&b, "%d\n", i)
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "ids.csv"), []byte(b.String()))
	p, err := ProfileFile(context.Background(), path, Options{Workers: 1, DistinctLimit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Columns[0]; !c.DistinctApprox || c.Distinct > 200_000 || c.Distinct < 199_000 {
		t.Fatalf("distinct %d (approx %v) of 200,000 unique values", c.Distinct, c.DistinctApprox)
	}
}
