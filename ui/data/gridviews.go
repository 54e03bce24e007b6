package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/ui/widget"
)

// viewState is a derived view of the dataset browsed in the grid: the file filtered (f) or sorted
// (o) by the data stage's streaming FilterFile and SortFile into a file under .mlwb/views, which
// the grid then browses like any file (the row index included). Views stack: sorting a filtered
// view sorts the filtered rows, and esc goes back one view (removing its file), to the dataset's
// own file last.
type viewState struct {
	input   widget.LineInput
	prompt  string // "filter" or "sort": which prompt is open
	running string // "filter" or "sort" while one runs
	cancel  context.CancelFunc
	started time.Time
	seq     int
	prog    *widget.Progress // how far the running one has gone, written by its workers

	file  string      // the view file browsed; "" for the dataset itself
	stack []viewFrame // the views this one was made from, oldest first: esc goes back to the last
	name  string      // the dataset file's name, which view files end with (so the format is known)
	base  string      // the dataset file the views were made from (the list's refresh keeps the view)
	steps []string    // what made it, in order: `filter delay > 30 (12 of 40 rows)`, `sort delay:desc`
	err   error
}

// viewFrame is an earlier view kept while a view made from it is browsed: its file stays on disk
// until esc comes back past it or the grid leaves the views.
type viewFrame struct {
	file  string
	steps []string
}

var (
	filterKey = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter rows"))
	sortKey   = key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "sort rows"))
)

type (
	viewMsg struct {
		src, dst string
		seq      int
		step     string
		expr     string // the filter's expression ("" for a sort)
		matched  int64  // the rows the filter kept
		rows     int64  // of the rows it read
		err      error
	}
	viewTickMsg struct{ seq int }
)

// viewDir is where view files are written: .mlwb/views in a project, else the system temp dir.
func (p *Page) viewDir() string {
	if p.ctx.Project != nil && p.ctx.Project.Root != "" && p.ctx.Project.EnsureStateDir() == nil {
		dir := filepath.Join(p.ctx.Project.StateDir(), "views")
		if os.MkdirAll(dir, 0o755) == nil {
			return dir
		}
	}
	return os.TempDir()
}

// viewName is the view file for src: its name without a compression suffix (the views are plain
// text in src's format), so the readers recognise the format by the name as they did src's.
func viewName(src string) string {
	base := filepath.Base(src)
	for _, ext := range []string{".gz", ".zst"} {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// startView runs a filter or sort of the grid's file into a new view file.
func (p *Page) startView(kind, arg string) tea.Cmd {
	v := &p.view
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return nil
	}
	var keys []engine.SortKey
	if kind == "sort" {
		var err error
		if keys, err = engine.ParseSortKeys(arg); err != nil {
			v.err = fmt.Errorf("sort keys %q: %w", arg, err)
			return nil
		}
	}
	if v.running != "" {
		v.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.seq++
	v.running, v.cancel, v.started, v.err = kind, cancel, time.Now(), nil
	prog := &widget.Progress{}
	v.prog = prog
	src, seq, dir := p.grid.path, v.seq, p.viewDir()
	name := viewName(src)
	base := src
	if v.file != "" {
		name, base = v.name, v.base // a view of a view keeps the dataset's file
	}
	v.name, v.base = name, base
	run := func() tea.Msg {
		defer cancel()
		// The pid in the name tells a later session which view files are left from a dead one.
		f, err := os.CreateTemp(dir, fmt.Sprintf("view-p%d-*-%s", os.Getpid(), name))
		if err != nil {
			return viewMsg{src: src, seq: seq, err: err}
		}
		step, matched, rows := "", int64(0), int64(0)
		if kind == "sort" {
			_, err = engine.SortFile(ctx, src, engine.SortOptions{Keys: keys, Out: f, TempDir: dir, Progress: prog.Set})
			step = "sort " + arg
		} else {
			var r *engine.FilterResult
			if r, err = engine.FilterFile(ctx, src, engine.FilterOptions{Expr: arg, Out: f,
				Progress: prog.Bytes}); err == nil {
				matched, rows = r.Matched, r.Rows
				step = fmt.Sprintf("filter %s (%s of %s rows)", arg, groupDigits(r.Matched), groupDigits(r.Rows))
				if r.Errors > 0 {
					step += fmt.Sprintf("; %s rows not evaluated, first: %s", groupDigits(r.Errors), r.FirstError)
				}
			}
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil && strings.HasPrefix(filepath.Base(src), "view-") {
			// The view file's own name says nothing to the user; the steps that made it do.
			err = errors.New(strings.ReplaceAll(err.Error(), src, "the view"))
		}
		if err != nil {
			os.Remove(f.Name())
			return viewMsg{src: src, seq: seq, err: err}
		}
		msg := viewMsg{src: src, dst: f.Name(), seq: seq, step: step, matched: matched, rows: rows}
		if kind == "filter" {
			msg.expr = arg
		}
		return msg
	}
	return tea.Batch(run, viewTick(seq))
}

func viewTick(seq int) tea.Cmd {
	return tea.Tick(200*time.Millisecond, func(time.Time) tea.Msg { return viewTickMsg{seq: seq} })
}

// onView browses a finished view file (or shows why there is none).
func (p *Page) onView(msg viewMsg) tea.Cmd {
	v := &p.view
	if msg.seq != v.seq || msg.src != p.grid.path {
		if msg.dst != "" {
			os.Remove(msg.dst)
		}
		return nil
	}
	v.running = ""
	if msg.err != nil {
		if errors.Is(msg.err, context.Canceled) {
			msg.err = errors.New("cancelled")
		}
		v.err = msg.err
		return nil
	}
	if d := &p.detail; d.back && msg.expr == d.expr {
		// Named as the detail showed it (the expression is in the detail's footer), so the counts
		// fit the footer even at 80 columns.
		_, errs, _ := strings.Cut(msg.step, "; ")
		msg.step = fmt.Sprintf("%s %s: %s of %s rows", d.name, d.what, groupDigits(msg.matched), groupDigits(msg.rows))
		if errs != "" {
			msg.step += "; " + errs
		}
		d.note = p.detailCheck(msg.matched)
	}
	steps, seq, name, base, stack := append(slices.Clip(v.steps), msg.step), v.seq, v.name, v.base, v.stack
	if v.file != "" && !p.detail.back {
		// Views stack: the one this was made from is kept for esc to come back to.
		stack = append(stack, viewFrame{file: v.file, steps: v.steps})
		v.file = "" // so resetGrid does not remove it
	}
	cmd := p.resetGrid(msg.dst) // drops (and removes) a view it replaces
	p.view.file, p.view.steps, p.view.seq, p.view.name, p.view.base, p.view.stack = msg.dst, steps, seq, name, base, stack
	return tea.Batch(cmd, p.headCmd(msg.dst))
}

// dropView removes the view file when the grid moves to another file.
func (p *Page) dropView(next string) {
	if p.view.file != "" && p.view.file != next {
		os.Remove(p.view.file)
		for _, f := range p.view.stack {
			if f.file != next {
				os.Remove(f.file)
			}
		}
		if p.view.running != "" {
			p.view.cancel()
		}
		p.view = viewState{seq: p.view.seq}
	}
}

// leaveView goes back one view: to the view this one was made from, or to the dataset's own
// file, still browsing rows (the profile and the columns view are left as they are).
func (p *Page) leaveView() tea.Cmd {
	v := &p.view
	if n := len(v.stack); n > 0 {
		prev := v.stack[n-1]
		os.Remove(v.file)
		name, base, seq, stack := v.name, v.base, v.seq, v.stack[:n-1]
		v.file = "" // already removed; the earlier view is browsed again
		cmd := p.resetGrid(prev.file)
		p.view = viewState{file: prev.file, steps: prev.steps, stack: stack, name: name, base: base, seq: seq}
		return tea.Batch(cmd, p.headCmd(prev.file))
	}
	base := v.base
	p.dropView("")
	if base == "" {
		p.previewFor = ""
		return p.loadPreview()
	}
	return tea.Batch(p.resetGrid(base), p.headCmd(base))
}

// viewKeyPress handles the filter and sort keys; ok is false for keys it leaves to the grid.
func (p *Page) viewKeyPress(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	v := &p.view
	if v.input.Active {
		if v.input.Key(msg) == widget.InputAccepted {
			return p.startView(v.prompt, v.input.Text), true
		}
		return nil, true
	}
	switch {
	case v.running != "" && key.Matches(msg, backKey):
		v.cancel()
		return nil, true
	case v.file != "" && key.Matches(msg, backKey):
		return p.leaveView(), true
	case key.Matches(msg, filterKey):
		v.prompt, v.input, v.err = "filter", widget.LineInput{Active: true}, nil
		return nil, true
	case key.Matches(msg, sortKey):
		v.prompt, v.input, v.err = "sort", widget.LineInput{Active: true}, nil
		return nil, true
	}
	return nil, false
}

// viewStatus is the footer's word on views: the prompt being typed, the one running, what the
// browsed view is, or the last error.
func (p *Page) viewStatus() (string, bool) {
	st := &p.ctx.Styles
	v := &p.view
	switch {
	case v.input.Active && v.prompt == "sort":
		return v.input.View(st.Accent.Render("sort by (col[:desc],…): "), p.width), true
	case v.input.Active:
		return v.input.View(st.Accent.Render(`filter (delay > 30 && origin == "ORD"): `), p.width), true
	case v.running != "":
		where := ""
		if v.prog != nil {
			if t := v.prog.Text(); t != "" {
				where = " " + t
			}
		}
		return st.Warn.Render(fmt.Sprintf("%s…%s · %s · esc cancels", v.running, where, time.Since(v.started).Round(100*time.Millisecond))), false
	case v.err != nil:
		return st.Error.Render(v.err.Error()), false
	case v.file != "" && p.detail.back:
		s := st.Info.Render(strings.Join(v.steps, " → "))
		if p.detail.note != "" {
			s += " " + st.Warn.Render(p.detail.note)
		}
		return s, false
	case v.file != "":
		back := " · esc: whole file"
		if len(v.stack) > 0 {
			back = " · esc: back a view"
		}
		// Cut from the left when too wide: the last step is what the rows on screen are now
		// (a long filter hid the sort that followed it). The footer puts "row N of M · " and
		// maybe the columns shown before it: about 34 cells.
		steps := strings.TrimRight(widget.FitTail(strings.Join(v.steps, " → "), max(12, p.width-widget.Width(back)-34)), " ")
		return st.Info.Render(steps) + st.Muted.Render(back), false
	}
	return "", false
}

// removeStaleViews deletes the view files in dir left by mlwb processes that have ended (quit
// while browsing a view, or killed): their names carry the pid that made them. Files of a live
// process, and names not made by this scheme, are left alone.
func removeStaleViews(dir string) {
	paths, _ := filepath.Glob(filepath.Join(dir, "view-p*-*"))
	for _, path := range paths {
		rest := strings.TrimPrefix(filepath.Base(path), "view-p")
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 || pid > 1<<22 || pid == os.Getpid() {
			continue // not a pid (Linux's are at most 2^22): not ours to judge
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.Remove(path)
		}
	}
}
