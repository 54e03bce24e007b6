package data

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
)

// typeKeys clears the prompt (ctrl+u), sends text to the page one key at a time, then enter.
func typeKeys(t *testing.T, p *Page, text string) {
	t.Helper()
	_, clear := p.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	drive(t, p, clear)
	for _, r := range text {
		_, cmd := p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		drive(t, p, cmd)
	}
	_, cmd := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	drive(t, p, cmd)
}

// TestFoundAndOpenedFiles: besides the declared dataset, the list shows the data files found
// under the project (not those in hidden folders or environments), scrolls to keep the cursor in
// sight, and O opens a file outside the project by path (its rows shown), while a missing path
// or a folder is a visible error and the page stays usable.
func TestFoundAndOpenedFiles(t *testing.T) {
	dir := t.TempDir()
	put := func(rel, body string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, rel), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("mlwb.yaml", "name: t\ndatasets:\n  - name: pets\n    path: data/d.csv\n")
	put("data/d.csv", "a,b\n1,2\n")
	for i := 0; i < 12; i++ {
		put(fmt.Sprintf("data/raw/part%02d.csv", i), fmt.Sprintf("k,v\n%d,part%02d\n", i, i))
	}
	put(".venv/lib/site.csv", "x\n1\n")
	outside := filepath.Join(t.TempDir(), "elsewhere.tsv")
	os.WriteFile(outside, []byte("city\tpop\nOslo\t709000\n"), 0o644)

	page := openDir(t, dir, themes.Dark(), 100, 24)
	if len(page.entries) != 13 || page.entries[0].Name != "pets" || page.entries[1].Path != "data/raw/part00.csv" {
		var got []string
		for _, e := range page.entries {
			got = append(got, e.Path)
		}
		t.Fatalf("entries: %v", got)
	}
	view := func() string { return ansi.ReplaceAllString(page.View(), "") }
	if v := view(); strings.Contains(v, "site.csv") || strings.Contains(v, "d.csv") && strings.Count(v, "data/d.csv") != 1 {
		t.Fatalf("hidden folder listed or declared file twice:\n%s", v)
	}
	// A declared or found file not profiled yet shows its size on disk (it showed "-").
	if r := regexp.MustCompile(`pets\s+data/d\.csv\s+-\s+-\s+(\S+)`).FindStringSubmatch(view()); r == nil || r[1] != "8B" {
		t.Fatalf("declared file's size: %q\n%s", r, view())
	}
	if r := regexp.MustCompile(`data/raw/part00\.csv\s+-\s+-\s+(\S+)`).FindStringSubmatch(view()); r == nil || r[1] != "13B" {
		t.Fatalf("found file's size: %q\n%s", r, view())
	}
	// Down to the last found file: the list scrolls, and its rows are shown.
	for i := 0; i < 12; i++ {
		_, cmd := page.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
		drive(t, page, cmd)
	}
	if v := view(); !strings.Contains(v, "data/raw/part11.csv") || !strings.Contains(v, "part11") || strings.Contains(v, "pets ") {
		t.Fatalf("list did not scroll to the last file:\n%s", v)
	}
	// O with a missing path, then a folder: errors on screen, keys still work.
	_, cmd := page.Update(tea.KeyPressMsg{Code: 'O', Text: "O"})
	drive(t, page, cmd)
	if !page.Capturing() {
		t.Fatal("the open prompt does not take the keys")
	}
	typeKeys(t, page, "/no/such/file.csv")
	if v := view(); !strings.Contains(v, "cannot open /no/such/file.csv") {
		t.Fatalf("missing file not reported:\n%s", v)
	}
	_, cmd = page.Update(tea.KeyPressMsg{Code: 'O', Text: "O"})
	drive(t, page, cmd)
	typeKeys(t, page, filepath.Dir(outside))
	if v := view(); !strings.Contains(v, "is a folder") {
		t.Fatalf("folder not refused:\n%s", v)
	}
	// O with a real file outside the project: listed by its path, selected, its rows shown.
	_, cmd = page.Update(tea.KeyPressMsg{Code: 'O', Text: "O"})
	drive(t, page, cmd)
	typeKeys(t, page, outside)
	if v := view(); !strings.Contains(v, "Oslo") || !strings.Contains(v, "elsewhere.tsv") {
		t.Fatalf("opened file not shown:\n%s", v)
	}
	if e := page.entries[page.cursor]; e.Path != outside {
		t.Fatalf("cursor on %q, want the opened file", e.Path)
	}
	// A refresh keeps it.
	_, cmd = page.Update(common.TickMsg{})
	drive(t, page, cmd)
	if e := page.entries[page.cursor]; e.Path != outside || len(page.entries) != 14 {
		t.Fatalf("after a refresh: cursor on %q, %d entries", e.Path, len(page.entries))
	}
}

// TestProfiledFoundFileKeepsCursor: profiling a found file stores it as a dataset, which moves it
// up the list on the next refresh; the cursor follows the file, so the profile stays on screen and
// an open spec editor keeps its unsaved edits.
func TestProfiledFoundFileKeepsCursor(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mlwb.yaml"), []byte("name: t\ndatasets:\n  - name: pets\n    path: d.csv\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("a,b\n1,2\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "raw"), 0o755)
	for _, n := range []string{"a", "b", "c"} {
		os.WriteFile(filepath.Join(dir, "raw", n+".csv"), []byte("k,v\n1,2.5\n3,4.5\n"), 0o644)
	}
	page := openDir(t, dir, themes.Dark(), 100, 30)
	press := func(r rune) {
		_, cmd := page.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		drive(t, page, cmd)
	}
	press('G') // the last found file, raw/c.csv
	if e := page.entries[page.cursor]; e.Path != "raw/c.csv" {
		t.Fatalf("G went to %q", e.Path)
	}
	press('p')
	if page.prof.profile == nil || page.prof.err != nil {
		t.Fatalf("profile not shown: %v", page.prof.err)
	}
	press('F')
	if !page.showSpec {
		t.Fatal("spec editor not open")
	}
	_, cmd := page.Update(common.TickMsg{})
	drive(t, page, cmd)
	if e := page.entries[page.cursor]; filepath.Base(e.Path) != "c.csv" {
		t.Fatalf("after the refresh the cursor is on %q", e.Path)
	}
	if page.prof.profile == nil || !page.showSpec {
		t.Fatalf("refresh dropped the profile (%v) or closed the editor (%v)", page.prof.profile != nil, page.showSpec)
	}
}

// TestRefreshKeepsCursorOnSharedFile: two datasets declared on one file; a refresh keeps the
// cursor on the second, not the first entry with that path.
func TestRefreshKeepsCursorOnSharedFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mlwb.yaml"), []byte("name: t\ndatasets:\n  - name: first\n    path: d.csv\n  - name: second\n    path: d.csv\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("a,b\n1,2\n"), 0o644)
	page := openDir(t, dir, themes.Dark(), 100, 24)
	_, cmd := page.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	drive(t, page, cmd)
	if page.entries[page.cursor].Name != "second" {
		t.Fatalf("j went to %q", page.entries[page.cursor].Name)
	}
	_, cmd = page.Update(common.TickMsg{})
	drive(t, page, cmd)
	if page.entries[page.cursor].Name != "second" {
		t.Fatalf("after a refresh the cursor is on %q", page.entries[page.cursor].Name)
	}
}
