package data

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/ui/widget"
)

// The dataset list holds, in order: the datasets declared in mlwb.yaml, those recorded in the
// store (profiled before), the data files found under the project by name, and any file the user
// opened by path (O). The same file appears once, as the first of these that names it.

// openState is the list's "open a file by path" prompt and the files opened so far this session.
type openState struct {
	input  widget.LineInput
	err    error
	opened []entry
}

// listState is the list's scroll position and the last search for data files under the project.
type listState struct {
	top     int                // first entry shown
	found   []engine.FoundFile // the last search's files
	foundAt time.Time          // when it ran; the zero time before the first
}

// findEvery is how often the periodic list refresh searches the project for data files again: a
// walk of the project costs more than the store query the refresh otherwise makes.
const findEvery = 30 * time.Second

// findTimeout bounds one search, so a huge tree never holds up the list.
const findTimeout = 2 * time.Second

var openKey = key.NewBinding(key.WithKeys("O"), key.WithHelp("O", "open a file"))

// findFiles searches root for data files (FindFiles), within findTimeout: what was found by then
// is kept.
func findFiles(root string) []engine.FoundFile {
	if root == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), findTimeout)
	defer cancel()
	found, _ := engine.FindFiles(ctx, root, engine.FindOptions{MaxFiles: 300})
	return found
}

// mergeEntries appends to known the found and opened files that no earlier entry names (paths
// compared after making them absolute against root).
func mergeEntries(root string, known []entry, found []engine.FoundFile, opened []entry) []entry {
	abs := func(p string) string {
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		return filepath.Clean(p)
	}
	seen := map[string]bool{}
	out := make([]entry, 0, len(known)+len(found)+len(opened))
	for _, e := range known {
		seen[abs(e.Path)] = true
		out = append(out, e)
	}
	for _, f := range found {
		if a := abs(f.Path); !seen[a] {
			seen[a] = true
			out = append(out, entry{Name: f.Path, Path: f.Path, Found: true, Size: f.Size})
		}
	}
	for _, e := range opened {
		if a := abs(e.Path); !seen[a] {
			seen[a] = true
			out = append(out, e)
		}
	}
	return out
}

// resolveOpen turns the typed path into an entry: ~ is the home folder, a relative path is
// relative to the working directory (where mlwb was started), else to the project root. It must
// name a readable file, not a folder.
func resolveOpen(text, root string) (entry, error) {
	p := strings.TrimSpace(text)
	if p == "" {
		return entry{}, fmt.Errorf("no path given")
	}
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	candidates := []string{p}
	if !filepath.IsAbs(p) {
		candidates = nil
		if wd, err := os.Getwd(); err == nil {
			candidates = append(candidates, filepath.Join(wd, p))
		}
		if root != "" {
			candidates = append(candidates, filepath.Join(root, p))
		}
	}
	var firstErr error
	for _, c := range candidates {
		e, err := openable(c, text, root)
		if err == nil {
			return e, nil
		}
		firstErr = cmpErr(firstErr, err)
	}
	return entry{}, firstErr
}

// openable checks that path (typed as text) is a readable file and makes its entry, named by its
// project path when it is inside root.
func openable(path, text, root string) (entry, error) {
	info, err := os.Stat(path)
	if err == nil && info.IsDir() {
		return entry{}, fmt.Errorf("%s is a folder: open a data file in it", text)
	}
	if err == nil {
		var f *os.File
		if f, err = os.Open(path); err == nil {
			f.Close()
		}
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is said once, as typed
		}
		return entry{}, fmt.Errorf("cannot open %s: %w", text, err)
	}
	name := path
	if rel, err := filepath.Rel(root, path); err == nil && root != "" && !strings.HasPrefix(rel, "..") {
		name = filepath.ToSlash(rel) // inside the project: shown and stored by its project path
		path = rel
	}
	return entry{Name: name, Path: path, Found: true, Size: info.Size()}, nil
}

// cmpErr keeps the first error.
func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// openKeyPress handles keys while the open prompt is active.
func (p *Page) openKeyPress(msg tea.KeyPressMsg) tea.Cmd {
	o := &p.open
	if o.input.Key(msg) != widget.InputAccepted {
		return nil
	}
	root := ""
	if p.ctx.Project != nil {
		root = p.ctx.Project.Root
	}
	e, err := resolveOpen(o.input.Text, root)
	if err != nil {
		o.err = err
		return nil
	}
	o.err, o.input.Text = nil, ""
	o.opened = append(o.opened, e)
	p.entries = mergeEntries(root, p.entries, nil, []entry{e})
	if i := p.indexOf(e); i >= 0 {
		p.cursor = i
	}
	p.layout()
	p.scrollList()
	return p.loadPreview()
}

// scrollList keeps the cursor inside the shown part of the list.
func (p *Page) scrollList() {
	l := &p.list
	l.top = min(l.top, max(0, len(p.entries)-p.listH))
	if p.cursor < l.top {
		l.top = p.cursor
	}
	if p.cursor >= l.top+p.listH {
		l.top = p.cursor - p.listH + 1
	}
	l.top = max(0, l.top)
}

// openLine is the open prompt or its error, for the line under the list; "" when neither shows.
func (p *Page) openLine() string {
	st := &p.ctx.Styles
	switch {
	case p.open.input.Active:
		return p.open.input.View(st.Accent.Render("open file (path, ~/…): "), p.width)
	case p.open.err != nil:
		return widget.Fit(st.Error.Render(p.open.err.Error()), p.width)
	}
	return ""
}
