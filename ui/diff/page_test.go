package diff

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
)

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// drive runs a command and feeds what it produces back into the page, as the runtime would.
func drive(t *testing.T, p *Page, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			drive(t, p, c)
		}
		return
	}
	if msg == nil {
		return
	}
	if e, ok := msg.(common.ErrorMsg); ok {
		t.Fatalf("page error: %v", e.Err)
	}
	_, next := p.Update(msg)
	drive(t, p, next)
}

func press(t *testing.T, p *Page, keys ...string) {
	t.Helper()
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "space":
			msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		case "left":
			msg = tea.KeyPressMsg{Code: tea.KeyLeft}
		case "right":
			msg = tea.KeyPressMsg{Code: tea.KeyRight}
		default:
			r := []rune(k)[0]
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		_, cmd := p.Update(msg)
		drive(t, p, cmd)
	}
}

func screen(p *Page) string { return sgr.ReplaceAllString(p.View(), "") }

func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=Ann", "-c", "user.email=a@x"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// TestDiffViewer opens a commit's diff from the history and walks it by keys: intra-line
// changes, side by side, next file, search, a 1 MB line and bytes that are not UTF-8 drawn
// safely, and a terminal too small.
func TestDiffViewer(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command to build the repository")
	}
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q", "-b", "main")
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a_train.py", "import torch\nlr = 0.1\n\tepochs = 5\nprint(lr)\n")
	write("b_big.txt", strings.Repeat("x", 1<<20)+"\n")
	write("c_latin1.txt", "caf\xe9\n")
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "first")
	write("a_train.py", "import torch\nlr = 0.3\n\tepochs = 5\nprint(lr)\nprint('done')\n")
	write("b_big.txt", strings.Repeat("x", 1<<20)+"y\n")
	write("c_latin1.txt", "caf\xe9!\n")
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "second")

	c := projectContext(t, dir, themes.Dark())
	p := New(c)
	p.SetSize(100, 30)
	drive(t, p, p.Init())
	if v := screen(p); !strings.Contains(v, "second") || !strings.Contains(v, "first") {
		t.Fatalf("history not shown:\n%s", v)
	}

	press(t, p, "enter")
	v := screen(p)
	for _, want := range []string{"→", "3 files +4 −3", "a_train.py  modified  +2 −1", "@@ -1,4 +1,5 @@",
		"   2      -lr = 0.1", "        2 +lr = 0.3", "   3    3      epochs = 5", "c_latin1.txt"} {
		if !strings.Contains(v, want) {
			t.Errorf("diff view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(p.View(), "\t") || strings.Contains(p.View(), "\xe9") {
		t.Error("a tab or a non-UTF-8 byte reached the terminal")
	}
	for _, l := range strings.Split(v, "\n") {
		if w := len([]rune(l)); w > 100 {
			t.Errorf("a line is %d cells wide, wider than the terminal", w)
			break
		}
	}
	// Intra-line: only "1" and "3" of the lr line are highlighted (reverse video).
	if raw := p.View(); !regexp.MustCompile(`\x1b\[([0-9;]*;)?7(;[0-9;]*)?m`).MatchString(raw) {
		t.Error("no intra-line highlight drawn")
	}

	press(t, p, "z") // fold unchanged lines
	if v := screen(p); !strings.Contains(v, "⋯ 1 unchanged") || !strings.Contains(v, "⋯ 2 unchanged") ||
		strings.Contains(v, "epochs = 5") || !strings.Contains(v, "+lr = 0.3") {
		t.Errorf("folded:\n%s", v)
	}
	press(t, p, "z")
	press(t, p, "s")
	if v := screen(p); !strings.Contains(v, "side by side") || !strings.Contains(v, "-lr = 0.1") || !regexp.MustCompile(`-lr = 0\.1\s*│\s*2 \+lr = 0\.3`).MatchString(v) {
		t.Errorf("side by side:\n%s", v)
	}
	press(t, p, "s", "]", "]")
	if v := screen(p); !strings.Contains(v, "▌c_latin1.txt") || !strings.Contains(v, "caf\uFFFD!") {
		t.Errorf("next file (c_latin1.txt) not at the top, or its byte not replaced:\n%s", v)
	}
	press(t, p, "/", "d", "o", "n", "e", "enter")
	if v := screen(p); !strings.Contains(v, `"done": match 1 of 1`) || !strings.Contains(v, "print('done')") {
		t.Errorf("search:\n%s", v)
	}
	p.SetSize(20, 5)
	if v := screen(p); !strings.Contains(v, "too small") {
		t.Errorf("20×5:\n%s", v)
	}
	p.SetSize(100, 30)
	press(t, p, "esc")
	if v := screen(p); !strings.Contains(v, "second") || strings.Contains(v, "esc back") {
		t.Errorf("esc did not return to the history:\n%s", v)
	}
	// Two marked commits diff against each other, older first.
	press(t, p, "m", "j", "m", "enter")
	if v := screen(p); !regexp.MustCompile(`[0-9a-f]{7} → [0-9a-f]{7}  3 files`).MatchString(v) {
		t.Errorf("marked pair:\n%s", v)
	}
}
