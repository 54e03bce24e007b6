package data

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
)

// typeText presses each character of s.
func typeText(t *testing.T, p *Page, s string) {
	t.Helper()
	for _, r := range s {
		press(t, p, string(r))
	}
}

// TestGridSearch: "/" finds the next row containing the text from the cursor, n the one after,
// N the one before, each checked against a plain loop over the rows the file was written with;
// a search that finds nothing says so and leaves the cursor.
func TestGridSearch(t *testing.T) {
	const rows = 5000
	page, _ := gridPage(t, 100, 24, func(path string) { writeRowsCSV(t, path, rows, 0) })
	drive(t, page, page.Init())
	press(t, page, "enter", "/")
	if !page.Capturing() {
		t.Fatal("the search prompt does not take the keys")
	}
	typeText(t, page, "row 12")
	press(t, page, "enter")
	// The reference: rows (0-based) whose text "row N" (N = row+1) contains "row 12", or whose id does.
	var want []int64
	for i := 1; i <= rows; i++ {
		if strings.Contains(fmt.Sprintf("row %d", i), "row 12") {
			want = append(want, int64(i-1))
		}
	}
	if page.grid.cursor != want[0] {
		t.Fatalf("/ went to row %d, want %d", page.grid.cursor+1, want[0]+1)
	}
	press(t, page, "n")
	if page.grid.cursor != want[1] {
		t.Fatalf("n went to row %d, want %d", page.grid.cursor+1, want[1]+1)
	}
	press(t, page, "n", "n", "N")
	if page.grid.cursor != want[2] {
		t.Fatalf("n n N went to row %d, want %d", page.grid.cursor+1, want[2]+1)
	}
	press(t, page, "G", "n")
	if page.grid.cursor != want[0] || !strings.Contains(screen(t, page), "wrapped") {
		t.Fatalf("n at the end did not wrap to row %d (at %d)", want[0]+1, page.grid.cursor+1)
	}
	at := page.grid.cursor
	press(t, page, "/")
	press(t, page, "ctrl+u")
	typeText(t, page, "ROW")
	press(t, page, "enter")
	if v := screen(t, page); page.grid.cursor != at || !strings.Contains(v, `"ROW" not found`) {
		t.Fatalf("a missing text moved the cursor or was not reported:\n%s", v)
	}
}

// TestFindRowCancelled: a cancelled search stops with the context's error.
func TestFindRowCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	writeRowsCSV(t, path, 3000, 0)
	ix, err := engine.BuildRowIndex(context.Background(), path, engine.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := findRow(ctx, ix, 0, false, rowMatcher("nothing"), new(atomic.Int64)); err == nil {
		t.Fatal("a cancelled search went on")
	}
}

// TestGridFilterAndSortViews: f filters the file into a view (the footer says how many rows
// matched), o sorts that view, labelling is refused there, and esc goes back to the whole file and
// removes the view file.
func TestGridFilterAndSortViews(t *testing.T) {
	page, dir := gridPage(t, 100, 24, func(path string) { writeRowsCSV(t, path, 5000, 0) })
	drive(t, page, page.Init())
	press(t, page, "enter", "f")
	typeText(t, page, "id > 4990 && id <= 4995")
	press(t, page, "enter")
	v := screen(t, page)
	if !strings.Contains(v, "filter id > 4990 && id <= 4995 (5 of 5,000 rows)") || !strings.Contains(v, "row 1 of 5") {
		t.Fatalf("filter view not shown:\n%s", v)
	}
	for i := 1; i <= 5; i++ {
		if l := rowLine(v, i); !strings.Contains(l, fmt.Sprintf("row %d", 4990+i)) {
			t.Fatalf("filtered row %d: %q\n%s", i, l, v)
		}
	}
	// The list's periodic refresh keeps the view.
	_, cmd := page.Update(common.TickMsg{})
	drive(t, page, cmd)
	if v := screen(t, page); !strings.Contains(v, "row 1 of 5 ") {
		t.Fatalf("a refresh left the view:\n%s", v)
	}
	press(t, page, "o")
	typeText(t, page, "id:desc")
	press(t, page, "enter")
	v = screen(t, page)
	if !strings.Contains(v, "→ sort id:desc") || !strings.Contains(v, "esc: back a view") {
		t.Fatalf("sort view not shown:\n%s", v)
	}
	for i := 1; i <= 5; i++ {
		if l := rowLine(v, i); !strings.Contains(l, fmt.Sprintf("row %d", 4996-i)) {
			t.Fatalf("sorted row %d: %q\n%s", i, l, v)
		}
	}
	press(t, page, "L")
	if v := screen(t, page); page.lab.on || !strings.Contains(v, "esc back to the whole file") {
		t.Fatalf("labelling allowed in a view:\n%s", v)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".mlwb", "views", "*")); len(m) != 2 {
		t.Fatalf("view files: %v (the filtered one is kept under the sorted one)", m)
	}
	press(t, page, "o")
	typeText(t, page, "nosuch")
	press(t, page, "enter")
	if v := screen(t, page); !strings.Contains(v, "nosuch") {
		t.Fatalf("a sort by a missing column not reported:\n%s", v)
	}
	press(t, page, "esc") // back one view: the filtered rows in file order
	v = screen(t, page)
	if !strings.Contains(v, "filter id > 4990 && id <= 4995 (5 of 5,000 rows)") || strings.Contains(v, "→ sort") ||
		!strings.Contains(rowLine(v, 1), "row 4991") || !page.focusGrid || page.showColumns {
		t.Fatalf("esc did not go back to the filtered view:\n%s", v)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".mlwb", "views", "*")); len(m) != 1 {
		t.Fatalf("view files after one esc: %v", m)
	}
	press(t, page, "esc")
	v = screen(t, page)
	if !strings.Contains(v, "row 1 of 5,000") || !strings.Contains(rowLine(v, 1), "row 1") || !page.focusGrid || page.showColumns {
		t.Fatalf("esc did not go back to the whole file:\n%s", v)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".mlwb", "views", "*")); len(m) != 0 {
		t.Fatalf("view files left: %v", m)
	}
}

// TestGridViewProgress: while a filter or a sort runs, the footer says how far it has gone (the
// share of the file read; a sort's step), from the engine's own progress reports: the view's
// work is run here but its answer held back, so the page still shows it running.
func TestGridViewProgress(t *testing.T) {
	page, _ := gridPage(t, 100, 24, func(path string) { writeRowsCSV(t, path, 5000, 0) })
	drive(t, page, page.Init())
	press(t, page, "enter")
	for _, c := range []struct{ key, arg, want string }{
		{"f", "id > 10", "filter… 100%"},
		{"o", "id:desc", "sort… writing 100%"},
	} {
		press(t, page, c.key)
		typeText(t, page, c.arg)
		_, cmd := page.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		if v := screen(t, page); !strings.Contains(v, strings.Fields(c.want)[0]) {
			t.Fatalf("%s: not shown running:\n%s", c.arg, v)
		}
		var held []tea.Msg
		for _, m := range cmd().(tea.BatchMsg) {
			if m == nil {
				continue
			}
			if msg, ok := m().(viewMsg); ok {
				held = append(held, msg)
			}
		}
		if v := screen(t, page); len(held) != 1 || !strings.Contains(v, c.want) {
			t.Fatalf("%s: %d answers; footer lacks %q:\n%s", c.arg, len(held), c.want, v)
		}
		_, next := page.Update(held[0])
		drive(t, page, next)
	}
}

// TestViewEscKeepsRows: with the dataset profiled (the columns view shown), v then enter browse
// the rows; a filter there and esc come back to the whole file's rows, not to the columns view.
func TestViewEscKeepsRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,v\n")
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&b, "%d,%d\n", i, i%7)
	}
	page, _ := dataProject(t, b.String(), themes.Dark(), 100, 30)
	press(t, page, "p")
	if !page.showColumns {
		t.Fatal("the profile did not show the columns")
	}
	press(t, page, "v", "enter", "f")
	typeText(t, page, "v == 3")
	press(t, page, "enter")
	if page.view.file == "" {
		t.Fatalf("no view: %v", page.view.err)
	}
	press(t, page, "esc")
	v := screen(t, page)
	if page.showColumns || !page.focusGrid || page.view.file != "" || !strings.Contains(v, "row 1 of 300") {
		t.Fatalf("esc left the rows (columns %v, focus %v, view %q):\n%s", page.showColumns, page.focusGrid, page.view.file, v)
	}
}

// TestStaleViewFilesRemoved: view files left by an mlwb that has ended (its pid in the name) are
// removed when the Data tab opens; those of a live process and other names stay.
func TestStaleViewFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("a\n1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "mlwb.yaml"), []byte("name: t\ndatasets:\n  - name: d\n    path: d.csv\n"), 0o644)
	views := filepath.Join(dir, ".mlwb", "views")
	os.MkdirAll(views, 0o755)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(views, fmt.Sprintf("view-p%d-123-d.csv", dead.Process.Pid))
	live := filepath.Join(views, fmt.Sprintf("view-p%d-456-d.csv", os.Getppid()))
	other := filepath.Join(views, "notes.txt")
	for _, f := range []string{stale, live, other} {
		os.WriteFile(f, []byte("a\n1\n"), 0o644)
	}
	openDir(t, dir, themes.Dark(), 100, 24)
	if _, err := os.Stat(stale); err == nil {
		t.Error("a dead process's view file stayed")
	}
	for _, f := range []string{live, other} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s removed: %v", filepath.Base(f), err)
		}
	}
}

// TestGridViewStepsKeepTheLast: on a narrow screen a long filter is cut from the left so the
// sort that followed it stays in sight (the status line read only the filter).
func TestGridViewStepsKeepTheLast(t *testing.T) {
	page, _ := gridPage(t, 80, 24, func(path string) { writeRowsCSV(t, path, 5000, 0) })
	drive(t, page, page.Init())
	press(t, page, "enter", "f")
	typeText(t, page, "id > 10 && id <= 4995 && id != 1234 && id != 2345 && id != 3456")
	press(t, page, "enter", "o")
	typeText(t, page, "id:desc")
	press(t, page, "enter")
	if v := screen(t, page); !strings.Contains(v, "→ sort id:desc · esc: back a view") {
		t.Fatalf("the last step is not in sight:\n%s", v)
	}
}

// TestGridFirstAndLastColumns: $ shows the last columns of a wide file, as many as fit, and ^
// the first again.
func TestGridFirstAndLastColumns(t *testing.T) {
	page, _ := gridPage(t, 100, 24, func(path string) {
		var b strings.Builder
		for c := range 300 {
			if c > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "c%d", c)
		}
		b.WriteByte('\n')
		for r := range 50 {
			for c := range 300 {
				if c > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "%d", r*c)
			}
			b.WriteByte('\n')
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	drive(t, page, page.Init())
	press(t, page, "enter", "$")
	v := screen(t, page)
	m := regexp.MustCompile(`columns (\d+)–300 of 300`).FindStringSubmatch(v)
	if m == nil || m[1] == "300" || !strings.Contains(v, "c299") {
		t.Fatalf("$ did not show the last columns, as many as fit:\n%s", v)
	}
	press(t, page, "^")
	if v := screen(t, page); !strings.Contains(v, "columns 1–") || !strings.Contains(v, "c0") {
		t.Fatalf("^ did not go back to the first column:\n%s", v)
	}
}
