package data

import (
	"context"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/data"
)

// gridState is the row grid of the selected dataset: the first rows at once (from engine.Head),
// then any row of the file through the row index, which is built in the background.
type gridState struct {
	path    string
	columns []string

	// The rows in memory: a window of the file around the rows on screen.
	win     *engine.RowWindow
	winErr  error
	loading int64 // first row of the window being read; -1 when none is
	seq     int   // id of the latest read, so a late answer to an old one is dropped

	ix       *engine.RowIndex
	ixErr    error
	building bool
	cancel   context.CancelFunc
	progress *atomic.Int64 // permille of the file indexed

	cursor   int64 // selected row (0-based)
	top      int64 // first row on screen
	colOff   int   // first column on screen
	alignEnd bool  // $ was pressed: the next frame shows as many of the last columns as fit
	pending  int64 // row to go to once the index is built (G or :N beyond the first rows); -1 none

	jumping bool   // the ":" bar is open
	jump    string // digits typed into it
}

var (
	browseKey = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "browse rows"))
	backKey   = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to datasets"))
	jumpKey   = key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "jump to row"))
	leftKey   = key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "columns left"))
	rightKey  = key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "columns right"))
	// First and last columns, as in vi: a file of 2,000 columns took 2,000 presses of l.
	firstColKey = key.NewBinding(key.WithKeys("^"), key.WithHelp("^", "first column"))
	lastColKey  = key.NewBinding(key.WithKeys("$"), key.WithHelp("$", "last columns"))
)

// Messages of the grid; each names its file so an answer for a dataset no longer shown is dropped.
type (
	indexMsg struct {
		path string
		ix   *engine.RowIndex
		err  error
	}
	indexTickMsg struct{ path string }
	rowsMsg      struct {
		path string
		seq  int
		win  *engine.RowWindow
		err  error
	}
)

// resetGrid starts the grid over for path: the first rows come from the preview, the index is
// built in the background.
func (p *Page) resetGrid(path string) tea.Cmd {
	if p.grid.cancel != nil {
		p.grid.cancel()
	}
	if p.grid.ix != nil {
		p.grid.ix.Close()
	}
	p.grid = gridState{path: path, loading: -1, pending: -1}
	p.lab.on = false
	p.dropView(path)
	if p.search.running {
		p.search.cancel()
	}
	p.search.running, p.search.note = false, ""
	return p.buildIndex()
}

// indexDir is where row indexes are cached: the project's .mlwb/index (created with the state
// directory's .gitignore, so nothing there is committed).
func (p *Page) indexDir() string {
	if p.ctx.Project == nil || p.ctx.Project.Root == "" {
		return ""
	}
	if err := p.ctx.Project.EnsureStateDir(); err != nil {
		return ""
	}
	return filepath.Join(p.ctx.Project.StateDir(), "index")
}

// buildIndex builds (or loads) the row index of the grid's file in a tea.Cmd, with a progress
// tick while it runs; esc-free: switching datasets cancels it.
func (p *Page) buildIndex() tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	prog := new(atomic.Int64)
	g := &p.grid
	g.building, g.cancel, g.progress = true, cancel, prog
	path, dir := g.path, p.indexDir()
	build := func() tea.Msg {
		ix, err := engine.BuildRowIndex(ctx, path, engine.IndexOptions{CacheDir: dir, Progress: func(done, total int64) {
			if total > 0 {
				prog.Store(min(1000, done*1000/total))
			}
		}})
		return indexMsg{path: path, ix: ix, err: err}
	}
	return tea.Batch(build, indexTick(path))
}

func indexTick(path string) tea.Cmd {
	return tea.Tick(100*time.Millisecond, func(time.Time) tea.Msg { return indexTickMsg{path: path} })
}

// onIndex takes a finished index: the grid now knows the total and can reach any row, so a
// pending G or jump is carried out.
func (p *Page) onIndex(msg indexMsg) tea.Cmd {
	g := &p.grid
	if msg.path != g.path {
		if msg.ix != nil {
			msg.ix.Close()
		}
		return nil
	}
	g.building = false
	g.cancel()
	g.ix, g.ixErr = msg.ix, msg.err
	if g.ix == nil {
		return nil
	}
	if len(g.columns) == 0 {
		g.columns = g.ix.Columns
	}
	progress := p.labelProgress() // labelled/total now that the total is known
	if g.pending >= 0 {
		target := g.pending
		g.pending = -1
		return tea.Batch(p.moveTo(target), progress)
	}
	return tea.Batch(p.ensureRows(), progress)
}

// onPreview takes the first rows read by the preview as the grid's first window.
func (p *Page) onPreview(rows [][]string) {
	g := &p.grid
	if len(rows) == 0 || g.win != nil {
		return
	}
	g.columns = rows[0]
	g.win = &engine.RowWindow{Columns: rows[0], Rows: rows[1:]}
}

// gridRows is how many data rows the grid shows (set by the layout).
func (p *Page) gridRows() int { return max(1, p.gridH) }

// total is the number of rows when known (-1 before the index is built).
func (g *gridState) total() int64 {
	if g.ix != nil {
		return g.ix.Total
	}
	if g.win != nil && !g.building && g.ixErr != nil {
		return int64(len(g.win.Rows)) // no index: the preview's rows are all there is to browse
	}
	return -1
}

// moveTo selects row r (clamped to the file), scrolling it into view and reading its rows if
// they are not in memory; without an index, a row past the rows in memory waits for it.
func (p *Page) moveTo(r int64) tea.Cmd {
	g := &p.grid
	r = max(0, r)
	if t := g.total(); t >= 0 {
		r = min(r, max(0, t-1))
	} else if g.win == nil || r >= g.win.From+int64(len(g.win.Rows)) {
		g.pending = r
		return nil
	}
	g.pending = -1
	g.cursor = r
	h := int64(p.gridRows())
	if g.cursor < g.top {
		g.top = g.cursor
	} else if g.cursor >= g.top+h {
		g.top = g.cursor - h + 1
	}
	return p.ensureRows()
}

// page moves the cursor by delta rows and the screen with it, so the cursor keeps its place on
// the screen (as far as the file's ends allow).
func (p *Page) page(delta int64) tea.Cmd {
	g := &p.grid
	off := g.cursor - g.top
	cmd := p.moveTo(g.cursor + delta)
	if g.pending >= 0 {
		return cmd
	}
	top := max(0, g.cursor-off)
	if t := g.total(); t >= 0 {
		top = min(top, max(0, t-int64(p.gridRows())))
	}
	g.top = min(top, g.cursor)
	return tea.Batch(cmd, p.ensureRows())
}

// ensureRows reads the rows around the screen when the window in memory does not hold them all:
// one screen above and one below as well, so paging is served from memory.
func (p *Page) ensureRows() tea.Cmd {
	g := &p.grid
	if g.ix == nil {
		return nil
	}
	h := int64(p.gridRows())
	end := min(g.top+h, g.ix.Total)
	if w := g.win; w != nil && g.top >= w.From && end <= w.From+int64(len(w.Rows)) {
		return nil
	}
	from := max(0, g.top-h)
	if g.loading == from {
		return nil
	}
	g.loading = from
	g.seq++
	ix, path, seq := g.ix, g.path, g.seq
	return func() tea.Msg {
		win, err := ix.Rows(context.Background(), from, int(3*h))
		return rowsMsg{path: path, seq: seq, win: win, err: err}
	}
}

func (p *Page) onRows(msg rowsMsg) tea.Cmd {
	g := &p.grid
	if msg.path != g.path || msg.seq != g.seq {
		return nil
	}
	g.loading = -1
	g.winErr = msg.err
	if msg.win != nil && msg.err == nil {
		g.win = msg.win
		g.columns = msg.win.Columns
	}
	return p.ensureRows()
}

// gridKey handles a key while the grid has the focus; ok is false for keys it does not use.
func (p *Page) gridKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	g := &p.grid
	if g.jumping {
		switch s := msg.String(); {
		case s == "enter":
			g.jumping = false
			n, err := strconv.ParseInt(g.jump, 10, 64)
			if err != nil || n < 1 {
				return nil, true
			}
			return p.moveTo(n - 1), true
		case s == "esc":
			g.jumping = false
		case s == "backspace":
			if len(g.jump) > 0 {
				g.jump = g.jump[:len(g.jump)-1]
			}
		case len(s) == 1 && s[0] >= '0' && s[0] <= '9' && len(g.jump) < 18:
			g.jump += s
		}
		return nil, true
	}
	if p.search.input.Active {
		return p.searchKeyPress(msg)
	}
	if p.view.input.Active {
		return p.viewKeyPress(msg)
	}
	if p.detail.back && key.Matches(msg, backKey) && p.view.running == "" {
		return p.backToDetail(), true
	}
	if p.lab.on {
		if cmd, ok := p.labelKey(msg); ok {
			return cmd, true
		}
	}
	if cmd, ok := p.searchKeyPress(msg); ok {
		return cmd, true
	}
	if cmd, ok := p.viewKeyPress(msg); ok {
		return cmd, true
	}
	h := int64(p.gridRows())
	switch {
	case key.Matches(msg, labelModeKey):
		return p.toggleLabelling(), true
	case key.Matches(msg, jumpKey):
		g.jumping, g.jump = true, ""
		return nil, true
	case key.Matches(msg, backKey):
		p.focusGrid = false
		g.pending = -1
		return nil, true
	case key.Matches(msg, p.keys.Up):
		return p.moveTo(g.cursor - 1), true
	case key.Matches(msg, p.keys.Down):
		return p.moveTo(g.cursor + 1), true
	case key.Matches(msg, p.keys.PageUp):
		return p.page(-h), true
	case key.Matches(msg, p.keys.PageDown):
		return p.page(h), true
	case key.Matches(msg, p.keys.Top):
		return p.moveTo(0), true
	case key.Matches(msg, p.keys.Bottom):
		if g.total() < 0 {
			g.pending = 1<<62 - 1 // the last row, once the index says which that is
			return nil, true
		}
		return p.moveTo(g.total() - 1), true
	case key.Matches(msg, leftKey):
		g.colOff = max(0, g.colOff-1)
		return nil, true
	case key.Matches(msg, rightKey):
		g.colOff = min(g.colOff+1, max(0, len(g.columns)-1))
		return nil, true
	case key.Matches(msg, firstColKey):
		g.colOff = 0
		return nil, true
	case key.Matches(msg, lastColKey):
		// The view knows the widths: it steps back from the last column as far as they fit.
		g.colOff, g.alignEnd = max(0, len(g.columns)-1), true
		return nil, true
	}
	return nil, false
}
