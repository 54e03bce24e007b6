package data

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
)

// pearson is the reference: the textbook formula over two slices.
func pearson(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	return sab / math.Sqrt(saa*sbb)
}

// dataProject writes csv as the dataset "d" of a project and opens a Data tab on it.
func dataProject(t *testing.T, csv string, pal themes.Palette, w, h int) (*Page, string) {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte(csv), 0o644)
	os.WriteFile(filepath.Join(dir, "mlwb.yaml"), []byte("name: t\ndatasets:\n  - name: d\n    path: d.csv\n"), 0o644)
	return openDir(t, dir, pal, w, h), dir
}

// openDir opens the Data page on the project in dir (its store in dir/state.db), sized w×h, with
// its first load done.
func openDir(t *testing.T, dir string, pal themes.Palette, w, h int) *Page {
	t.Helper()
	proj, err := project.Discover(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	page := New(&common.Context{Store: s, Project: proj, Styles: themes.New(pal), Now: time.Now, Marked: map[int64]bool{}})
	page.SetSize(w, h)
	drive(t, page, page.Init())
	return page
}

// TestCorrelationHeatmap: c shows the profile's Pearson matrix with the column names; the value
// under the cursor matches the textbook formula over the rows written; the cursor moves with
// h/j/k/l; mono draws shade glyphs; the page is exactly its size at 80×24 and 120×40.
func TestCorrelationHeatmap(t *testing.T) {
	var b strings.Builder
	b.WriteString("alpha,beta,gamma,name\n")
	var xs, ys, zs []float64
	for i := 0; i < 60; i++ {
		x := float64(i)
		y := float64((i * 37) % 11)
		z := -2*x + float64(i%7)
		xs, ys, zs = append(xs, x), append(ys, y), append(zs, z)
		fmt.Fprintf(&b, "%g,%g,%g,n%d\n", x, y, z, i)
	}
	for _, pal := range []themes.Palette{themes.Dark(), themes.Mono()} {
		page, _ := dataProject(t, b.String(), pal, 80, 24)
		press(t, page, "p", "c")
		v := screen(t, page)
		for _, w := range []string{"Pearson correlations", "3 numeric columns", "alpha", "beta", "gamma", "alpha × alpha: r = +1.0000"} {
			if !strings.Contains(v, w) {
				t.Fatalf("%s: heatmap lacks %q:\n%s", pal.Name, w, v)
			}
		}
		press(t, page, "l", "l")
		want := fmt.Sprintf("alpha × gamma: r = %+.4f", pearson(xs, zs))
		if v := screen(t, page); !strings.Contains(v, want) {
			t.Fatalf("%s: want %q:\n%s", pal.Name, want, v)
		}
		press(t, page, "j", "h")
		want = "beta × beta: r = +1.0000"
		if v := screen(t, page); !strings.Contains(v, want) {
			t.Fatalf("%s: want %q:\n%s", pal.Name, want, v)
		}
		press(t, page, "h")
		want = fmt.Sprintf("beta × alpha: r = %+.4f", pearson(ys, xs))
		if v := screen(t, page); !strings.Contains(v, want) {
			t.Fatalf("%s: want %q:\n%s", pal.Name, want, v)
		}
		if v := screen(t, page); pal.Mono && !strings.Contains(v, "█1.00") {
			t.Fatalf("mono heatmap has no shade glyphs:\n%s", v)
		}
		page.SetSize(120, 40)
		screen(t, page)
		press(t, page, "esc")
		if page.showCorr {
			t.Fatal("esc did not close the heatmap")
		}
	}
}

// TestVersionHistoryAndDiff: two profiled contents of the file are two versions in H's list
// (newest first); enter diffs the one before against the highlighted one, and a marked baseline
// against another, from the stored profiles.
func TestVersionHistoryAndDiff(t *testing.T) {
	page, dir := dataProject(t, "a,b\n1,x\n2,y\n3,x\n4,y\n", themes.Dark(), 100, 30)
	press(t, page, "p")
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("a,b,c\n10,x,1\n20,y,2\n30,x,3\n40,y,4\n50,z,5\n"), 0o644)
	press(t, page, "p")
	press(t, page, "H")
	v := screen(t, page)
	if !strings.Contains(v, "Versions of d") || strings.Count(v, " yes ") != 2 {
		t.Fatalf("history lacks two profiled versions:\n%s", v)
	}
	press(t, page, "enter")
	v = screen(t, page)
	for _, w := range []string{"rows: 4 → 5 (+1)", "added columns: c"} {
		if !strings.Contains(v, w) {
			t.Fatalf("diff lacks %q:\n%s", w, v)
		}
	}
	press(t, page, "esc", "j", "space", "k", "enter")
	if v := screen(t, page); !strings.Contains(v, "rows: 4 → 5") {
		t.Fatalf("marked diff:\n%s", v)
	}
	press(t, page, "esc", "space", "enter")
	if v := screen(t, page); !strings.Contains(v, "rows: 4 → 5") {
		t.Fatalf("diff of the newest against the one before:\n%s", v)
	}
	press(t, page, "esc", "j", "enter") // the newest (still marked) against the oldest: a diff backwards
	if v := screen(t, page); !strings.Contains(v, "rows: 5 → 4") {
		t.Fatalf("diff against the marked newest:\n%s", v)
	}
	press(t, page, "esc", "k", "space", "j", "enter") // unmarked: the oldest has nothing before it
	if v := screen(t, page); !strings.Contains(v, "nothing before it") {
		t.Fatalf("the oldest version's diff not explained:\n%s", v)
	}
	press(t, page, "esc", "esc")
	if page.showHistory {
		t.Fatal("esc did not close the history")
	}
}
