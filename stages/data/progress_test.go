package data

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// progressLog records the calls of a Progress callback (called from several workers at once):
// per step, the largest done seen, the total, and whether every call had done ≤ total.
type progressLog struct {
	mu     sync.Mutex
	order  []string
	done   map[string]int64
	total  map[string]int64
	bad    bool
	called int
}

func newProgressLog() *progressLog {
	return &progressLog{done: map[string]int64{}, total: map[string]int64{}}
}

func (l *progressLog) add(step string, done, total int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.called++
	if _, ok := l.total[step]; !ok {
		l.order = append(l.order, step)
	}
	l.done[step], l.total[step] = max(l.done[step], done), total
	l.bad = l.bad || done < 0 || done > total
}

// TestFilterAndSortProgress: a filter reports the bytes read up to the file's size; a sort
// reports reading to the size, then sorting, then every row written — and, when the rows do not
// fit its memory, a second read (spilling) before the writing.
func TestFilterAndSortProgress(t *testing.T) {
	forceSmallChunks(t, 16<<10, 3)
	dir := t.TempDir()
	fx := genSortCSV(t, dir, 16000, 5, false)
	st, err := os.Stat(fx.path)
	if err != nil {
		t.Fatal(err)
	}
	size := st.Size()

	fl := newProgressLog()
	res, err := FilterFile(context.Background(), fx.path, FilterOptions{Expr: "id > 0", Workers: 2,
		Progress: func(done, total int64) { fl.add("filter", done, total) }})
	if err != nil {
		t.Fatal(err)
	}
	if fl.called < 2 || fl.bad || fl.done["filter"] != size || fl.total["filter"] != size || res.Rows != int64(len(fx.raws)) {
		t.Fatalf("filter progress: %d rows, %d calls, done %d of %d (size %d), out of range %v", res.Rows, fl.called, fl.done["filter"], fl.total["filter"], size, fl.bad)
	}

	for _, c := range []struct {
		memory int64
		steps  []string
	}{
		{0, []string{"reading", "sorting", "writing"}},
		{16 << 10, []string{"reading", "spilling", "writing"}},
	} {
		sl := newProgressLog()
		_, res := sortToBytes(t, fx.path, SortOptions{Keys: []SortKey{{Column: "score"}}, Workers: 2, Memory: c.memory, TempDir: t.TempDir(),
			Progress: sl.add})
		if len(sl.order) != len(c.steps) || sl.bad {
			t.Fatalf("memory %d: steps %v, want %v (out of range %v)", c.memory, sl.order, c.steps, sl.bad)
		}
		for i, step := range c.steps {
			if sl.order[i] != step {
				t.Fatalf("memory %d: steps %v, want %v", c.memory, sl.order, c.steps)
			}
			want := size
			switch step {
			case "sorting":
				want = 0
			case "writing":
				want = res.Rows
			}
			if sl.done[step] != want || sl.total[step] != want {
				t.Errorf("memory %d: %s reached %d of %d, want %d of %d", c.memory, step, sl.done[step], sl.total[step], want, want)
			}
		}
	}
}

// TestFilterNotBooleanSaid: an expression whose result is a number or text, not true or false,
// fails on every row with a message in words, not expr-lang's bool(float64).
func TestFilterNotBooleanSaid(t *testing.T) {
	path := writeFile(t, filepath.Join(t.TempDir(), "d.csv"), []byte("a,s\n1.5,x\n2.5,y\n"))
	for expr, want := range map[string]string{"a + 1": "gives a number", "s": "gives text"} {
		r, err := FilterFile(context.Background(), path, FilterOptions{Expr: expr, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Errors != 2 || !strings.Contains(r.FirstError, want) || !strings.Contains(r.FirstError, "not true or false") {
			t.Errorf("%s: %d errors, first %q", expr, r.Errors, r.FirstError)
		}
	}
}
