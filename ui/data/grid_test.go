package data

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// writeRowsCSV writes a CSV of rows records whose id column is the row's number (1-based) and
// whose text column says it again, so a screen can be checked against the row it claims to show.
// extra adds that many more columns, to make the file wider than the screen.
func writeRowsCSV(t *testing.T, path string, rows, extra int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("id,text")
	for c := 0; c < extra; c++ {
		w.WriteString(",column_" + strconv.Itoa(c))
	}
	w.WriteByte('\n')
	var b []byte
	for i := 1; i <= rows; i++ {
		b = strconv.AppendInt(b[:0], int64(i), 10)
		b = append(b, ",\"row "...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, '"')
		for c := 0; c < extra; c++ {
			b = append(b, ",c"...)
			b = strconv.AppendInt(b, int64(c), 10)
		}
		b = append(b, '\n')
		w.Write(b)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// gridPage opens a Data tab on a project whose one dataset is the file written by write.
func gridPage(t *testing.T, w, h int, write func(path string)) (*Page, string) {
	t.Helper()
	dir := t.TempDir()
	write(filepath.Join(dir, "rows.csv"))
	os.WriteFile(filepath.Join(dir, "mlwb.yaml"), []byte("name: t\ndatasets:\n  - name: rows\n    path: rows.csv\n"), 0o644)
	proj, err := project.Discover(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := &common.Context{Store: s, Project: proj, Styles: themes.New(themes.Dark()), Now: time.Now, Marked: map[int64]bool{}}
	page := New(c)
	page.SetSize(w, h)
	return page, dir
}

// press sends keys to the page and runs what they lead to.
func press(t *testing.T, p *Page, keys ...string) {
	t.Helper()
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "pgdown":
			msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
		default:
			msg = tea.KeyPressMsg{Code: rune(k[0]), Text: k}
		}
		_, cmd := p.Update(msg)
		drive(t, p, cmd)
	}
}

// screen is the page's view without colour, after checking it is exactly w×h cells.
func screen(t *testing.T, p *Page) string {
	t.Helper()
	v := p.View()
	lines := strings.Split(v, "\n")
	if len(lines) != p.height {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), p.height, v)
	}
	for i, l := range lines {
		if got := widget.Width(l); got != p.width {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, got, p.width, l)
		}
	}
	return ansi.ReplaceAllString(v, "")
}

// rowLine returns the screen line of the grid row numbered n (1-based, as the gutter shows it).
func rowLine(v string, n int) string {
	label := groupDigits(int64(n))
	for _, l := range strings.Split(v, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == label {
			return l
		}
	}
	return ""
}

// TestGridJumpToRowMillion: ":" 1000000 enter on a 1.2-million-row file shows that row, read
// through the row index, and the footer says where the cursor is; the index is cached under
// .mlwb/index.
func TestGridJumpToRowMillion(t *testing.T) {
	page, dir := gridPage(t, 80, 24, func(path string) { writeRowsCSV(t, path, 1_200_000, 0) })
	drive(t, page, page.Init())
	v := screen(t, page)
	if l := rowLine(v, 1); !strings.Contains(l, "row 1") {
		t.Fatalf("first row not shown:\n%s", v)
	}
	press(t, page, "enter", ":", "1", "0", "0", "0", "0", "0", "0")
	if v := screen(t, page); !strings.Contains(v, "jump to row: 1000000") {
		t.Fatalf("jump bar not shown:\n%s", v)
	}
	press(t, page, "enter")
	v = screen(t, page)
	if l := rowLine(v, 1_000_000); !strings.Contains(l, "1000000") || !strings.Contains(l, "row 1000000") {
		t.Fatalf("row 1,000,000 not shown (line %q):\n%s", l, v)
	}
	if !strings.Contains(v, "row 1,000,000 of 1,200,000") {
		t.Fatalf("footer does not say where the cursor is:\n%s", v)
	}
	// Paging and moving go on from there, and G reaches the last row.
	press(t, page, "pgdown", "j")
	next := 1_000_000 + page.gridRows() + 1
	if v := screen(t, page); !strings.Contains(rowLine(v, next), "row "+strconv.Itoa(next)) || !strings.Contains(v, "row "+groupDigits(int64(next))+" of") {
		t.Fatalf("page down and j did not move on to row %d:\n%s", next, v)
	}
	press(t, page, "G")
	if v := screen(t, page); !strings.Contains(rowLine(v, 1_200_000), "row 1200000") || !strings.Contains(v, "row 1,200,000 of 1,200,000") {
		t.Fatalf("G did not reach the last row:\n%s", v)
	}
	press(t, page, "g")
	if v := screen(t, page); !strings.Contains(rowLine(v, 1), "row 1") || !strings.Contains(v, "row 1 of 1,200,000") {
		t.Fatalf("g did not go back to the top:\n%s", v)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".mlwb", "index", "*.idx")); len(m) != 1 {
		t.Fatalf("index not cached: %v", m)
	}
}

// TestGridBottomWaitsForIndex: G pressed before the index exists shows the indexing progress and
// waits; when the index arrives the grid goes to the last row.
func TestGridBottomWaitsForIndex(t *testing.T) {
	page, _ := gridPage(t, 100, 30, func(path string) { writeRowsCSV(t, path, 5000, 2) })
	var held []tea.Msg
	driveHolding(t, page, page.Init(), &held)
	if len(held) != 1 {
		t.Fatalf("held %d index messages", len(held))
	}
	press(t, page, "enter", "G")
	v := screen(t, page)
	if !strings.Contains(v, "indexing") || !strings.Contains(v, "waiting to jump") || !strings.Contains(v, "row 1 of ?") {
		t.Fatalf("no progress while waiting for the index:\n%s", v)
	}
	_, cmd := page.Update(held[0])
	drive(t, page, cmd)
	v = screen(t, page)
	if !strings.Contains(rowLine(v, 5000), "row 5000") || !strings.Contains(v, "row 5,000 of 5,000") {
		t.Fatalf("G not carried out once indexed:\n%s", v)
	}
}

// driveHolding is drive, except that the row index's messages are kept in held instead of
// delivered, to look at the page while the index is still being built.
func driveHolding(t *testing.T, p *Page, cmd tea.Cmd, held *[]tea.Msg) {
	t.Helper()
	if cmd == nil {
		return
	}
	msg := cmd()
	switch m := msg.(type) {
	case tea.BatchMsg:
		for _, c := range m {
			driveHolding(t, p, c, held)
		}
		return
	case indexMsg:
		*held = append(*held, m)
		return
	case indexTickMsg, nil: // the progress tick would re-arm for as long as the index is held
		return
	}
	_, next := p.Update(msg)
	driveHolding(t, p, next, held)
}

// TestGridWideFileAndSizes: a file wider than the screen scrolls its columns with l/h, and the
// page is exactly its size at 80×24, 120×40 and when too small.
func TestGridWideFileAndSizes(t *testing.T) {
	page, _ := gridPage(t, 80, 24, func(path string) { writeRowsCSV(t, path, 300, 40) })
	drive(t, page, page.Init())
	press(t, page, "enter")
	v := screen(t, page)
	if !strings.Contains(v, "columns 1–") || !strings.Contains(v, "of 42") || strings.Contains(v, "column_39") {
		t.Fatalf("wide file not cut to the screen:\n%s", v)
	}
	press(t, page, "l", "l", "l")
	v = screen(t, page)
	if !strings.Contains(v, "columns 4–") || strings.Contains(v, " text ") || !strings.Contains(v, "column_1") {
		t.Fatalf("l did not scroll the columns:\n%s", v)
	}
	press(t, page, "h")
	if v := screen(t, page); !strings.Contains(v, "columns 3–") {
		t.Fatalf("h did not scroll back:\n%s", v)
	}
	page.SetSize(120, 40)
	screen(t, page)
	page.SetSize(20, 5)
	if v := screen(t, page); !strings.Contains(v, "too small") {
		t.Fatalf("no too-small line:\n%s", v)
	}
	page.SetSize(80, 24)
	press(t, page, "esc", "j")
	if v := screen(t, page); strings.Contains(v, "jump") || page.focusGrid {
		t.Fatalf("esc did not give the keys back to the list:\n%s", v)
	}
}
