package diff

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/themes"
)

// TestSearchStepsThroughMatches: n and N step through every match in order, wrapping, even when
// the matches sit on the last screen (where the view cannot scroll a match to its top, so the
// top of the view did not say which match was current: n stayed on the first, N on the last).
func TestSearchStepsThroughMatches(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command to build the repository")
	}
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q", "-b", "main")
	var a, b strings.Builder
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&a, "line %d\n", i)
		fmt.Fprintf(&b, "line %d default\n", i) // every line changes: 12 matches, all on few screens
	}
	os.WriteFile(filepath.Join(dir, "f.txt"), []byte(a.String()), 0o644)
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "first")
	os.WriteFile(filepath.Join(dir, "f.txt"), []byte(b.String()), 0o644)
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "second")
	p := New(projectContext(t, dir, themes.Dark()))
	p.SetSize(100, 30)
	drive(t, p, p.Init())
	press(t, p, "enter", "/")
	for _, r := range "default" {
		press(t, p, string(r))
	}
	press(t, p, "enter")
	status := func() int {
		t.Helper()
		v := screen(p)
		var k, n int
		if i := strings.Index(v, `"default": match `); i < 0 {
			t.Fatalf("no match status:\n%s", v)
		} else if _, err := fmt.Sscanf(v[i:], `"default": match %d of %d`, &k, &n); err != nil || n != 12 {
			t.Fatalf("status %q: %v", v[i:i+40], err)
		}
		return k
	}
	want := status()
	for step := 0; step < 14; step++ {
		press(t, p, "n")
		want = want%12 + 1
		if got := status(); got != want {
			t.Fatalf("n #%d: match %d, want %d", step+1, got, want)
		}
	}
	for step := 0; step < 14; step++ {
		press(t, p, "N")
		want = (want+10)%12 + 1
		if got := status(); got != want {
			t.Fatalf("N #%d: match %d, want %d", step+1, got, want)
		}
	}
}

// TestFileListWidth: a diff of one file shows no file list (its name heads the diff, and the
// code gets the width); the list takes what its paths need, at most a fifth of a narrow screen
// side by side.
func TestFileListWidth(t *testing.T) {
	p := hscrollPage(t, 100, 30)
	v, ok := p.stack[len(p.stack)-1].(*viewer)
	if !ok {
		t.Fatalf("no diff open: %T", p.stack[len(p.stack)-1])
	}
	if lw, dw := v.paneWidths(); lw != 0 || dw != 100 {
		t.Fatalf("one file: list %d, diff %d", lw, dw)
	}
	v.diff.Files = append(v.diff.Files, v.diff.Files[0]) // as a two-file diff
	if lw, _ := v.paneWidths(); lw < 16 || lw > 33 {
		t.Fatalf("two short paths: list %d", lw)
	}
	v.split, v.width = true, 80
	if lw, _ := v.paneWidths(); lw > 16 {
		t.Fatalf("side by side at 80: list %d", lw)
	}
}
