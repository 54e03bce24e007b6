package data

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestLateHeavyValues: past the exact-distinct limit a value that first appears late and then
// makes up half of the rest of the column must still lead the top values, with a count no more
// than the count made while writing the file and short of it only by what each worker saw before
// promoting it — in a text, an integer, a float and a date column, with one worker and with
// several on many chunks (the value promoted on some workers only). A column of unique values
// gets no false heavy value.
func TestLateHeavyValues(t *testing.T) {
	defer func(n int) { chunkSize = n }(chunkSize)
	chunkSize = 64 << 10 // about 30 chunks, so 4 workers each see part of the late rows

	const rows = 60_000
	var b strings.Builder
	b.WriteString("txt,int,flt,day,uniq\n")
	hot := 0
	for i := range rows {
		u := i * 7919 % rows // unique, in no order
		if i >= rows/3 && i%2 == 1 {
			b.WriteString("hot,9000000000000,0.125,1999-07-04,")
			hot++
		} else {
			fmt.Fprintf(&b, "u%d,%d,%d.5,%s,", u, int64(u)*1_000_003, u, dayText(u))
		}
		fmt.Fprintf(&b, "id%d\n", u)
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "late.csv"), []byte(b.String()))
	want := map[string]string{"txt": "hot", "int": "9000000000000", "flt": "0.125", "day": "1999-07-04"}
	for _, workers := range []int{1, 4} {
		p, err := ProfileFile(context.Background(), path, Options{Workers: workers, DistinctLimit: 2000})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Columns {
			if !c.TopApprox {
				t.Fatalf("%d workers, column %s: top values not marked approximate past the limit", workers, c.Name)
			}
			if c.Name == "uniq" {
				for _, tv := range c.Top {
					if tv.Count != 1 {
						t.Fatalf("%d workers: unique column has top value %v", workers, tv)
					}
				}
				continue
			}
			if len(c.Top) == 0 || c.Top[0].Value != want[c.Name] {
				t.Fatalf("%d workers, column %s: top %v, want %s first", workers, c.Name, c.Top, want[c.Name])
			}
			// A lower bound: short by the occurrences before each worker promoted it (about
			// latePromote·latePeriod each), never above.
			if got := c.Top[0].Count; got > int64(hot) || got < int64(hot-workers*3*latePromote*latePeriod) {
				t.Fatalf("%d workers, column %s: %s counted %d, written %d times", workers, c.Name, want[c.Name], got, hot)
			}
		}
	}
}

// dayText is a distinct date for each u (days from 2000-01-01, by hand so the test does not lean
// on the profiler's own date code).
func dayText(u int) string {
	y, d := 2000+u/336, u%336
	return fmt.Sprintf("%04d-%02d-%02d", y, 1+d/28, 1+d%28)
}

// TestLateHeavyNoFalseValues: in a file sorted by session, every session 20 rows long, no
// value's count is above 20 (promoting after a few samples with an estimate of samples × period
// read 140 for sessions whose rows happened to be sampled).
func TestLateHeavyNoFalseValues(t *testing.T) {
	var b strings.Builder
	b.WriteString("session\n")
	for i := range 300_000 {
		fmt.Fprintf(&b, "s%06d\n", i/20)
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "sessions.csv"), []byte(b.String()))
	p, err := ProfileFile(context.Background(), path, Options{Workers: 1, DistinctLimit: 2000})
	if err != nil {
		t.Fatal(err)
	}
	for _, tv := range p.Columns[0].Top {
		if tv.Count > 20 {
			t.Fatalf("top value %v: every session has 20 rows", tv)
		}
	}
}

// TestLateHeavyMergeKeepsPromoted: a value promoted on one worker only reaches the merged top
// values, whichever side the merge folds into (a merge dropped the values the other side did not
// hold).
func TestLateHeavyMergeKeepsPromoted(t *testing.T) {
	fill := func(withHot bool) *valueCounts {
		vc := &valueCounts{}
		vc.init(100)
		for i := range 200 { // past the limit, none repeated: nothing hot
			vc.addString(fmt.Appendf(nil, "u%d", i))
			vc.addInt(int64(i) * 1_000_003)
			vc.addFloat(float64(i) + 0.5)
		}
		for i := range 20_000 {
			if withHot {
				vc.addString([]byte("hot"))
				vc.addInt(9e12)
				vc.addFloat(0.125)
			} else {
				vc.addString(fmt.Appendf(nil, "v%d", i))
			}
		}
		return vc
	}
	for _, hotInto := range []bool{false, true} {
		a, b := fill(false), fill(true)
		if hotInto {
			a, b = b, a
		}
		a.merge(b)
		got := map[string]int64{}
		a.each(false, func(s string, _ Kind, _ float64, n int64) {
			if n > 100 { // the held values are counted twice, once on each side
				got[s] = n
			}
		})
		for _, v := range []string{"hot", "9000000000000", "0.125"} {
			if got[v] > 20_000 || got[v] < 20_000-3*latePromote*latePeriod || len(got) != 3 {
				t.Fatalf("merged into the side that promoted=%v: values counted over 100 times %v, want hot, 9000000000000 and 0.125 about 20,000 times", hotInto, got)
			}
		}
	}
}
