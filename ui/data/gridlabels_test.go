package data

import (
	"context"
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

// labelPage opens a Data tab on a project whose mlwb.yaml declares the labels cat, dog and bird
// and whose one dataset is a 50-row CSV; it returns the page, the store and the project dir.
func labelPage(t *testing.T, dir string, s *store.Store) *Page {
	t.Helper()
	proj, err := project.Discover(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := &common.Context{Store: s, Project: proj, Styles: themes.New(themes.Mono()), Now: time.Now, Marked: map[int64]bool{}}
	page := New(c)
	page.SetSize(100, 24)
	drive(t, page, page.Init())
	return page
}

// storedLabels reads the labels of the only labelled version straight from the store.
func storedLabels(t *testing.T, s *store.Store) map[int64]string {
	t.Helper()
	ctx := context.Background()
	sums, err := s.ListDatasets(ctx)
	if err != nil || len(sums) != 1 {
		t.Fatalf("datasets %+v %v", sums, err)
	}
	vs, err := s.LabelledVersions(ctx, sums[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, v := range vs {
		ls, _ := s.Labels(ctx, v.Version.ID)
		for _, l := range ls {
			out[l.Row] = l.Label
		}
	}
	return out
}

// TestGridLabellingByKeys: L turns labelling on, 1–3 label the row and move down, u undoes (and
// goes back to that row), 0 clears, a key past the set says so; the store holds what the keys
// did, the footer counts per class, the grid shows a label column, and a new page shows the
// labels again.
func TestGridLabellingByKeys(t *testing.T) {
	dir := t.TempDir()
	writeRowsCSV(t, filepath.Join(dir, "rows.csv"), 50, 0)
	os.WriteFile(filepath.Join(dir, "mlwb.yaml"), []byte("name: t\ndatasets:\n  - name: rows\n    path: rows.csv\nlabels: [cat, dog, bird]\n"), 0o644)
	s, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	page := labelPage(t, dir, s)
	press(t, page, "enter", "L")
	if !page.Capturing() {
		t.Fatal("labelling mode does not take the digit keys")
	}
	press(t, page, "1", "2", "3", "1")
	want := map[int64]string{0: "cat", 1: "dog", 2: "bird", 3: "cat"}
	if got := storedLabels(t, s); !mapsEqual(got, want) {
		t.Fatalf("stored %v, want %v", got, want)
	}
	if page.grid.cursor != 4 {
		t.Fatalf("cursor at row %d, want 4 (moved down after each label)", page.grid.cursor+1)
	}
	v := screen(t, page)
	for _, w := range []string{"1 cat 2", "2 dog 1", "3 bird 1", "4/50 labelled", " label "} {
		if !strings.Contains(v, w) {
			t.Fatalf("screen lacks %q:\n%s", w, v)
		}
	}
	if l := rowLine(v, 2); !strings.Contains(l, "dog") || !strings.Contains(l, "row 2") {
		t.Fatalf("row 2 does not show its label: %q", l)
	}
	press(t, page, "u")
	delete(want, 3)
	if got := storedLabels(t, s); !mapsEqual(got, want) || page.grid.cursor != 3 {
		t.Fatalf("after undo: %v at row %d", got, page.grid.cursor+1)
	}
	press(t, page, "k", "0")
	delete(want, 2)
	if got := storedLabels(t, s); !mapsEqual(got, want) {
		t.Fatalf("after clear: %v", got)
	}
	press(t, page, "9")
	if v := screen(t, page); !strings.Contains(v, "mlwb.yaml declares 3 labels") {
		t.Fatalf("key past the set not explained:\n%s", v)
	}
	press(t, page, "q") // q is no quit while labelling: the page takes every key
	press(t, page, "esc")
	if page.lab.on || page.Capturing() {
		t.Fatal("esc did not end labelling")
	}
	// A fresh page (the TUI reopened) shows the stored labels once labelling is entered.
	again := labelPage(t, dir, s)
	press(t, again, "enter", "L")
	if v := screen(t, again); !strings.Contains(rowLine(v, 1), "cat") || !strings.Contains(v, "2/50 labelled") {
		t.Fatalf("labels not shown after reopening:\n%s", v)
	}
}

func mapsEqual(a, b map[int64]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
