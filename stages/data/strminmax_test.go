package data

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestStringMinMaxPastDistinctLimit: a column of six-digit codes, some with a leading zero (text)
// and most without (integers), is a text column whose min and max are over every value's text —
// also once it has more distinct values than are counted exactly, and whatever the worker count.
// The expected extremes are those of the written strings, found by sorting them.
func TestStringMinMaxPastDistinctLimit(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	var sb strings.Builder
	sb.WriteString("z,w\n")
	var vals, mixed []string
	for i := range 30000 {
		v := fmt.Sprintf("%06d", r.IntN(1000000))
		// w mixes text, integers, floats and dates (text in the middle of the order), spelled as the file spells them.
		w := []string{"5x" + v, v, v[:3] + "." + v[3:], "2020-01-" + fmt.Sprintf("%02d", 1+i%28)}[i%4]
		vals, mixed = append(vals, v), append(mixed, w)
		fmt.Fprintf(&sb, "%s,%s\n", v, w)
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "codes.csv"), []byte(sb.String()))
	for _, limit := range []int{1000, 1 << 20} {
		for _, workers := range []int{1, 3, 4} {
			p, err := ProfileFile(context.Background(), path, Options{Workers: workers, DistinctLimit: limit})
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range [][]string{vals, mixed} {
				c := p.Columns[i]
				if c.Type != "string" {
					t.Fatalf("limit %d workers %d: %s is %s", limit, workers, c.Name, c.Type)
				}
				if c.Min != slices.Min(want) || c.Max != slices.Max(want) {
					t.Errorf("limit %d workers %d: %s min %v max %v, want %s and %s (approx %v)",
						limit, workers, c.Name, c.Min, c.Max, slices.Min(want), slices.Max(want), c.DistinctApprox)
				}
			}
		}
	}
}

// TestRankTextPrefixSkip: the 8-byte prefix shortcut never keeps a wrong extreme — random texts
// of 0–12 bytes over a small alphabet with zero bytes (so prefixes tie and pad) against a sort.
func TestRankTextPrefixSkip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	alpha := []byte{0, 1, '0', '9', 'a', 'z', 0xff}
	for trial := 0; trial < 2000; trial++ {
		var c colAcc
		var all []string
		for i := 0; i < 1+r.IntN(40); i++ {
			b := make([]byte, r.IntN(13))
			for j := range b {
				b[j] = alpha[r.IntN(len(alpha))]
			}
			all = append(all, string(b))
			c.rankText(b)
		}
		slices.Sort(all)
		if string(c.minStr) != all[0] || string(c.maxStr) != all[len(all)-1] {
			t.Fatalf("min %q max %q, want %q %q of %q", c.minStr, c.maxStr, all[0], all[len(all)-1], all)
		}
	}
}
