package diff

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/widget"
)

// hscrollPage is a Diff tab on a repository whose one commit changes only the ends of long
// lines: a train command (model_A → model_B), a line of wide CJK runes before its tail, and a
// line with tabs.
func hscrollPage(t *testing.T, w, h int) *Page {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command to build the repository")
	}
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q", "-b", "main")
	write := func(text string) {
		if err := os.WriteFile(filepath.Join(dir, "train.yaml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const cmd = "  command: mlwb demo-train --data {data} --target cultivar --epochs 20 --lr 0.05 --seed 1 --batch 32 --out "
	wide := wideHead + "tail_"
	body := func(v string) string {
		return "train:\n" + cmd + "model_" + v + "\n" + wide + v + "\n\tkey:\t" + strings.Repeat("x", 90) + "\tend_" + v + "\n"
	}
	write(body("A"))
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "first")
	write(body("B"))
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "second")

	c := projectContext(t, dir, themes.Dark())
	p := New(c)
	p.SetSize(w, h)
	drive(t, p, p.Init())
	press(t, p, "enter")
	return p
}

// wideHead starts a line of wide runes at an even cell, so a shift by an odd number of cells
// (the step plus the … marker) cuts through one.
var wideHead = "note: " + strings.Repeat("学習率", 12) + " "

// checkScreen fails unless every line of the page is exactly its width and holds whole,
// valid characters.
func checkScreen(t *testing.T, p *Page, w int) string {
	t.Helper()
	v := screen(p)
	for i, l := range strings.Split(v, "\n") {
		if got := widget.Width(l); got != w || !utf8.ValidString(l) || strings.ContainsRune(l, '\uFFFD') {
			t.Fatalf("line %d is %d cells (want %d) or holds a broken character: %q\n%s", i, got, w, l, v)
		}
	}
	return v
}

// lineWith is the screen line holding s, and the cell it starts at (-1 when not on screen).
func lineWith(v, s string) (string, int) {
	for _, l := range strings.Split(v, "\n") {
		if i := strings.Index(l, s); i >= 0 {
			return l, widget.Width(l[:i])
		}
	}
	return "", -1
}

var shiftShown = regexp.MustCompile(`→ \+(\d+)`)

// TestDiffScrollsSideways: a change at the end of a long line is off screen until → shifts the
// code (the gutter and sign stay); the shift stops where the longest line ends, 0 returns; side by
// side shifts both panes; a wide rune at the cut is never halved; word highlights survive.
func TestDiffScrollsSideways(t *testing.T) {
	for _, size := range [][2]int{{100, 30}, {80, 24}} {
		w, h := size[0], size[1]
		p := hscrollPage(t, w, h)
		v := checkScreen(t, p, w)
		if !strings.Contains(v, "command: mlwb demo-train") || strings.Contains(v, "model_B") || shiftShown.MatchString(v) {
			t.Fatalf("%d cols: before scrolling the line should start on screen and its change not:\n%s", w, v)
		}
		press(t, p, "left") // at column 0 already: nothing
		if v := checkScreen(t, p, w); shiftShown.MatchString(v) {
			t.Fatalf("← at column 0 shifted:\n%s", v)
		}

		// → until the change shows: a step each press (the last one maybe less, at the clamp), and
		// the wide line's tail is where its column less the shift puts it, counted from the cell
		// after the sign (the … of the hidden start is column shift).
		presses, shift, tailSeen := 0, 0, false
		for ; presses < 40 && !strings.Contains(v, "model_B"); presses++ {
			press(t, p, "right")
			v = checkScreen(t, p, w)
			m := shiftShown.FindStringSubmatch(v)
			if m == nil || atoi(t, m[1]) <= shift || atoi(t, m[1]) > shift+hstep {
				t.Fatalf("%d cols: after a shift of %d, → shows %v:\n%s", w, shift, m, v)
			}
			shift = atoi(t, m[1])
			if l, at := lineWith(v, "tail_B"); at >= 0 {
				sign := widget.Width(l[:strings.Index(l, "3 +")]) + 2
				if want := sign + 1 + widget.Width(wideHead) - shift; at != want {
					t.Fatalf("%d cols: at shift %d the wide line's tail is at cell %d, want %d:\n%s", w, shift, at, want, v)
				}
				tailSeen = true
			}
		}
		if !strings.Contains(v, "model_B") || presses == 0 || !tailSeen {
			t.Fatalf("%d cols: %d presses of → never showed the change (or the wide line's tail):\n%s", w, presses, v)
		}
		// The gutter and sign stay; a … marks the hidden start; the old line shifts too.
		if l, _ := lineWith(v, "model_B"); !strings.Contains(l, "       2 +…") {
			t.Errorf("%d cols: the changed line lost its gutter or its … marker: %q", w, l)
		}
		if !strings.Contains(v, "model_A") {
			t.Errorf("%d cols: the deleted line did not shift with the added one:\n%s", w, v)
		}
		// The changed word is still highlighted (reverse video) after the shift.
		if raw := p.View(); !regexp.MustCompile(`\x1b\[([0-9;]*;)?7(;[0-9;]*)?m[^\x1b]*B`).MatchString(raw) {
			t.Errorf("%d cols: the word highlight is gone after the shift", w)
		}

		// Clamped: more presses stop once the longest line's end is in the last cell.
		press(t, p, strings.Split(strings.Repeat("right,", 60), ",")[:60]...)
		v = checkScreen(t, p, w)
		max := shiftShown.FindStringSubmatch(v)
		press(t, p, "right")
		if again := shiftShown.FindStringSubmatch(checkScreen(t, p, w)); max == nil || again == nil || again[1] != max[1] {
			t.Fatalf("%d cols: the shift is not clamped: %v then %v", w, max, again)
		}
		if l, _ := lineWith(v, "model_B"); !strings.HasSuffix(l, "model_B") {
			t.Errorf("%d cols: at the clamp the longest line should end in the last cell: %q", w, l)
		}
		press(t, p, "left")
		if m := shiftShown.FindStringSubmatch(checkScreen(t, p, w)); m == nil || m[1] != strconv.Itoa(atoi(t, max[1])-hstep) {
			t.Errorf("%d cols: ← from %s gave %v", w, max[1], m)
		}
		press(t, p, "0")
		if v := checkScreen(t, p, w); shiftShown.MatchString(v) || strings.Contains(v, "model_B") || !strings.Contains(v, "command: mlwb demo-train") {
			t.Errorf("%d cols: 0 did not return to column 0:\n%s", w, v)
		}

		// Side by side: both panes shift together.
		press(t, p, "s")
		v = checkScreen(t, p, w)
		if strings.Contains(v, "model_A") || strings.Contains(v, "model_B") {
			t.Fatalf("%d cols: side by side shows the change before scrolling:\n%s", w, v)
		}
		for i := 0; i < 40 && !(strings.Contains(v, "model_A") && strings.Contains(v, "model_B")); i++ {
			press(t, p, "l")
			v = checkScreen(t, p, w)
		}
		l, _ := lineWith(v, "model_B")
		if !strings.Contains(l, "model_A") || !regexp.MustCompile(`1 -….*│\s*1 \+…`).MatchString(l) &&
			!regexp.MustCompile(`2 -….*│\s*2 \+…`).MatchString(l) {
			t.Errorf("%d cols: side by side did not shift both panes into view of the change: %q\n%s", w, l, v)
		}
		for i := 0; i < 20; i++ { // every step over the wide line stays whole and page-wide
			press(t, p, "h")
			checkScreen(t, p, w)
		}
	}
}

// TestCutLeft drops cells, never half a wide rune.
func TestCutLeft(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
		left int
	}{
		{"abcdef", 2, "cdef", 0},
		{"ab", 5, "", 3},
		{"学習率", 2, "習率", 0},
		{"学習率", 1, " 習率", 0}, // 学 straddles: its right cell is a space
		{"a学b", 2, " b", 0},
		{"🙂x", 1, " x", 0},
	} {
		got, left := cutLeft(c.in, c.n)
		if got != c.want || left != c.left {
			t.Errorf("cutLeft(%q, %d) = %q, %d; want %q, %d", c.in, c.n, got, left, c.want, c.left)
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
