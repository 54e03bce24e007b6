package versions

import (
	"math/rand/v2"
	"testing"
)

// lcsLen is the textbook dynamic-programming longest common subsequence: the independent check
// that diffLines' script is minimal (deleted = len(a)-LCS, added = len(b)-LCS).
func lcsLen(a, b []int) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] >= cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// checkScript verifies that the unmarked lines of a and b are equal, pairwise and in order.
func checkScript(t *testing.T, a, b []int, delA, addB []bool) (del, add int) {
	t.Helper()
	var keptA, keptB []int
	for i, d := range delA {
		if d {
			del++
		} else {
			keptA = append(keptA, a[i])
		}
	}
	for j, x := range addB {
		if x {
			add++
		} else {
			keptB = append(keptB, b[j])
		}
	}
	if len(keptA) != len(keptB) {
		t.Fatalf("kept %d lines of a but %d of b", len(keptA), len(keptB))
	}
	for i := range keptA {
		if keptA[i] != keptB[i] {
			t.Fatalf("kept line %d differs: %d vs %d", i, keptA[i], keptB[i])
		}
	}
	return del, add
}

func TestDiffLinesMinimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 3000; iter++ {
		alpha := 1 + r.IntN(6)
		a := make([]int, r.IntN(40))
		for i := range a {
			a[i] = r.IntN(alpha)
		}
		// b is a mutation of a most of the time, unrelated otherwise.
		var b []int
		if r.IntN(4) == 0 {
			b = make([]int, r.IntN(40))
			for i := range b {
				b[i] = r.IntN(alpha)
			}
		} else {
			for _, x := range a {
				switch r.IntN(6) {
				case 0: // drop
				case 1:
					b = append(b, r.IntN(alpha+2), x)
				case 2:
					b = append(b, r.IntN(alpha+2))
				default:
					b = append(b, x)
				}
			}
		}
		delA, addB := diffLines(a, b)
		del, add := checkScript(t, a, b, delA, addB)
		l := lcsLen(a, b)
		if del != len(a)-l || add != len(b)-l {
			t.Fatalf("a=%v b=%v: -%d +%d, want -%d +%d", a, b, del, add, len(a)-l, len(b)-l)
		}
	}
}

// TestDiffLinesPastMaxCost: past the cost bound the script is still a valid script (not
// necessarily minimal) and the diff ends.
func TestDiffLinesPastMaxCost(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 3 * maxCost
	a, b := make([]int, n), make([]int, n)
	for i := range a {
		a[i], b[i] = r.IntN(3), r.IntN(3)
	}
	delA, addB := diffLines(a, b)
	checkScript(t, a, b, delA, addB)
}
