// Package data is the Data tab: the project's datasets (declared in mlwb.yaml or recorded in the
// store) with their versions, and a grid that browses any row of the selected one (the first rows
// at once, the rest through a row index built in the background), or its profile's columns.
package data

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// entry is one dataset in the list: from the config, the store, or both.
type entry struct {
	Name, Path, Target string
	Features           string // the declared feature spec (mlwb.yaml features:); "" for the default
	Declared           bool
	Found              bool  // found under the project by its name, or opened by path (O)
	Size               int64 // a found file's size on disk, shown until it has a version; 0 unknown
	Summary            *store.DatasetSummary
}

// Page is the Data tab.
type Page struct {
	ctx           *common.Context
	keys          common.ListKeys
	width, height int

	entries []entry
	cursor  int
	err     error
	list    listState // the list's scroll and the search for data files under the project
	open    openState // the O prompt and the files opened by path

	previewFor  string // the dataset whose first rows were asked for
	previewErr  error
	loadingList bool

	prof        profileState
	showColumns bool // the lower pane shows the profile's columns instead of the rows

	grid      gridState
	focusGrid bool // keys move through the rows instead of the dataset list
	listH     int  // dataset rows shown (set by layout)
	gridH     int  // data rows the grid shows (set by layout)

	lab    labelState  // labelling mode of the grid
	search searchState // the grid's / search
	view   viewState   // the grid's filtered or sorted view of the file

	corr        corrState    // the correlation heatmap's cursor
	showCorr    bool         // the lower pane shows the correlation heatmap
	hist        historyState // the version history of the highlighted dataset
	showHistory bool         // the lower pane shows the version history (it takes the keys)

	detail detailState // the column detail (frequency table) opened from the columns view

	spec     specState // the feature-spec editor of the highlighted dataset
	showSpec bool      // the lower pane shows the editor (it takes the keys)
}

var (
	profileKey = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "profile"))
	viewKey    = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "rows/columns"))
	cancelKey  = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel profile"))
	colDownKey = key.NewBinding(key.WithKeys("J"), key.WithHelp("J/K", "move over columns"))
	colUpKey   = key.NewBinding(key.WithKeys("K"))
)

// New returns the Data page.
func New(ctx *common.Context) *Page { return &Page{ctx: ctx, keys: common.DefaultListKeys()} }

// Title implements common.Page.
func (p *Page) Title() string { return "Data" }

// Capturing implements common.Page: digits typed into the jump bar are not tab keys.
func (p *Page) Capturing() bool {
	return p.grid.jumping || p.search.input.Active || p.view.input.Active || p.showSpec && p.spec.input.Active || p.open.input.Active ||
		p.focusGrid && p.lab.on // 1–9 are labels there, not tabs
}

// Unsaved implements common.Guarded: the spec editor's changes are not written yet, so quitting
// asks first.
func (p *Page) Unsaved() bool { return p.showSpec && p.spec.dirty }

// ShortHelp implements help.KeyMap.
func (p *Page) ShortHelp() []key.Binding {
	switch {
	case p.showSpec && p.spec.input.Active, p.open.input.Active:
		return []key.Binding{promptAccept, promptCancel}
	case p.showSpec:
		return []key.Binding{p.keys.Down, specCycle, specImpute, specClip, specArgs, specWrite, specClose}
	case p.showHistory:
		return []key.Binding{p.keys.Down, markKey, diffKey, historyDone}
	case p.showCorr:
		return []key.Binding{leftKey, rightKey, p.keys.Down, corrKey}
	case p.detailShown():
		return []key.Binding{p.keys.Up, p.keys.Down, detailFilter, detailClose}
	case p.showColumns && p.prof.profile != nil:
		return []key.Binding{p.keys.Down, colDownKey, colDetailKey, profileKey, viewKey}
	}
	if p.focusGrid && !p.showColumns && p.lab.on {
		return []key.Binding{labelKeys, labelUndo, labelClear, labelDone}
	}
	if p.focusGrid && !p.showColumns {
		back := backKey
		if p.detail.back {
			back = detailBackKey
		}
		return []key.Binding{searchKey, filterKey, sortKey, jumpKey, labelModeKey, back}
	}
	return []key.Binding{p.keys.Down, browseKey, profileKey, viewKey, openKey}
}

// FullHelp implements help.KeyMap.
func (p *Page) FullHelp() [][]key.Binding {
	if p.showSpec {
		return [][]key.Binding{{p.keys.Up, p.keys.Down, p.keys.Top, p.keys.Bottom}, {specCycle, specImpute, specClip, specArgs}, {specRest, specWrite, specClose}}
	}
	if p.detailShown() {
		return [][]key.Binding{{p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown, p.keys.Top, p.keys.Bottom}, {detailFilter, detailClose}}
	}
	if p.focusGrid && !p.showColumns {
		return [][]key.Binding{{p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown, p.keys.Top, p.keys.Bottom},
			{jumpKey, leftKey, rightKey, firstColKey, lastColKey, backKey}, {searchKey, searchNextKey, filterKey, sortKey}, {labelModeKey, labelKeys, labelUndo, labelClear}, {profileKey, viewKey}}
	}
	return [][]key.Binding{{p.keys.Up, p.keys.Down, p.keys.Top, p.keys.Bottom}, {browseKey, profileKey, viewKey, cancelKey, colDownKey, colDetailKey},
		{corrKey, historyKey, markKey, diffKey, specKey, openKey}}
}

// SetSize implements common.Page.
func (p *Page) SetSize(w, h int) {
	p.width, p.height = w, h
	p.layout()
}

// layout splits the height: the dataset list (a third at most), its header and a rule, then the
// lower pane: the grid's header, rows and footer.
func (p *Page) layout() {
	p.listH = min(len(p.entries), max(1, p.height/3))
	p.gridH = max(1, p.height-p.listH-4)
}

type listMsg struct {
	entries []entry
	err     error
	found   []engine.FoundFile // the project's data files, when this load searched for them
	foundAt time.Time          // when it searched; zero when it reused the last search
}

type previewMsg struct {
	path string
	rows [][]string
	err  error
}

// Init implements common.Page.
func (p *Page) Init() tea.Cmd {
	var clean tea.Cmd
	if p.ctx.Project != nil && p.ctx.Project.Root != "" {
		dir := filepath.Join(p.ctx.Project.StateDir(), "views")
		clean = func() tea.Msg { removeStaleViews(dir); return nil }
	}
	return tea.Batch(p.loadList(), clean)
}

func (p *Page) loadList() tea.Cmd {
	p.loadingList = true
	st, proj := p.ctx.Store, p.ctx.Project
	root := ""
	if proj != nil {
		root = proj.Root
	}
	rescan := p.list.foundAt.IsZero() || time.Since(p.list.foundAt) > findEvery
	found, opened := p.list.found, p.open.opened
	return func() tea.Msg {
		sums, err := st.ListDatasets(context.Background())
		if err != nil {
			return listMsg{err: err}
		}
		byName := map[string]*store.DatasetSummary{}
		for i := range sums {
			byName[sums[i].Name] = &sums[i]
		}
		var out []entry
		if proj.Config != nil {
			for _, d := range proj.Config.Datasets {
				e := entry{Name: d.Name, Path: d.Path, Target: d.Target, Features: d.Features, Declared: true, Summary: byName[d.Name]}
				if e.Summary == nil || e.Summary.Latest == nil { // no version yet: the size on disk
					if info, err := os.Stat(proj.DatasetPath(d)); err == nil && info.Mode().IsRegular() {
						e.Size = info.Size()
					}
				}
				out = append(out, e)
				delete(byName, d.Name)
			}
		}
		for i := range sums {
			if s, ok := byName[sums[i].Name]; ok {
				out = append(out, entry{Name: s.Name, Path: s.Path, Target: s.Target, Summary: s})
			}
		}
		var at time.Time
		if rescan {
			found, at = findFiles(root), time.Now()
		}
		return listMsg{entries: mergeEntries(root, out, found, opened), found: found, foundAt: at}
	}
}

// minW and minH are the smallest page the Data tab lays out in; smaller shows a "too small" line.
const minW, minH = 30, 8

// previewRows is how many data rows the preview reads.
const previewRows = 200

func (p *Page) loadPreview() tea.Cmd {
	if p.cursor >= len(p.entries) {
		return nil
	}
	e := p.entries[p.cursor]
	path := p.absPath(e)
	if path == p.previewFor || p.view.file != "" && path == p.view.base {
		return nil // already shown, or shown through a filtered or sorted view
	}
	p.previewFor = path
	p.previewErr = nil
	p.detail = detailState{}
	p.showSpec = false
	grid := p.resetGrid(path)
	var stored tea.Cmd
	if !p.prof.running {
		p.prof = profileState{path: path}
		p.showColumns = false
		stored = storedProfile(e, path)
	}
	return tea.Batch(func() tea.Msg {
		rows, err := readHead(path, previewRows+1)
		return previewMsg{path: path, rows: rows, err: err}
	}, stored, grid)
}

// readHead reads the header and the first n-1 records with the data stage's reader (sniffed
// delimiter and header, quoted newlines, JSON Lines), as the preview's rows.
func readHead(path string, n int) ([][]string, error) {
	names, rows, err := engine.Head(path, n-1)
	if err != nil {
		return nil, err
	}
	return append([][]string{names}, rows...), nil
}

// Update implements common.Page.
func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case listMsg:
		p.loadingList = false
		p.err = msg.err
		if !msg.foundAt.IsZero() {
			p.list.found, p.list.foundAt = msg.found, msg.foundAt
		}
		if msg.err == nil {
			// The cursor stays on the same file: profiling a found file stores it as a dataset,
			// which moves it up the list, and a jump would reset the profile and the spec editor.
			// Two datasets may share a file, so the name is matched first, then the file alone
			// (a found file is named by its path, and takes a dataset's name once profiled).
			var cur entry
			if p.cursor < len(p.entries) {
				cur = p.entries[p.cursor]
			}
			p.entries = msg.entries
			p.cursor = max(0, min(p.cursor, len(p.entries)-1))
			if i := p.indexOf(cur); i >= 0 {
				p.cursor = i
			}
			p.layout()
			p.scrollList()
			return p, p.loadPreview()
		}
	case previewMsg:
		if msg.path == p.previewFor {
			p.previewErr = msg.err
			if msg.path == p.grid.path {
				p.onPreview(msg.rows)
			}
		}
	case indexMsg:
		return p, p.onIndex(msg)
	case indexTickMsg:
		if msg.path == p.grid.path && p.grid.building {
			return p, indexTick(msg.path)
		}
	case rowsMsg:
		return p, p.onRows(msg)
	case profileMsg:
		return p, p.onProfile(msg)
	case searchMsg:
		return p, p.onSearch(msg)
	case searchTickMsg:
		if msg.path == p.grid.path && msg.seq == p.search.seq && p.search.running {
			return p, searchTick(msg.path, msg.seq)
		}
	case viewMsg:
		return p, p.onView(msg)
	case viewTickMsg:
		if msg.seq == p.view.seq && p.view.running != "" {
			return p, viewTick(msg.seq)
		}
	case historyMsg:
		p.onHistory(msg)
	case specPreviewMsg:
		p.onSpecPreview(msg)
	case labelsOpenMsg:
		return p, p.onLabelsOpen(msg)
	case labelEditMsg:
		return p, p.onLabelEdit(msg)
	case common.TickMsg:
		if !p.loadingList {
			return p, p.loadList()
		}
	case tea.KeyPressMsg:
		if p.open.input.Active {
			return p, p.openKeyPress(msg)
		}
		if p.showSpec {
			return p, p.specKeyPress(msg)
		}
		if p.showHistory {
			return p, p.historyKeyPress(msg)
		}
		if p.showCorr && p.corrKeyPress(msg) {
			return p, nil
		}
		if p.detailShown() {
			return p, p.detailKeyPress(msg)
		}
		if p.showColumns && p.prof.profile != nil && key.Matches(msg, colDetailKey) {
			p.openDetail()
			return p, nil
		}
		if p.focusGrid && !p.showColumns && !(p.prof.running && key.Matches(msg, cancelKey)) {
			if cmd, ok := p.gridKey(msg); ok {
				return p, cmd
			}
		}
		switch {
		case key.Matches(msg, browseKey) && len(p.entries) > 0:
			p.focusGrid, p.showColumns = true, false
			return p, nil
		case key.Matches(msg, profileKey):
			p.showColumns = true
			return p, p.startProfile()
		case key.Matches(msg, viewKey):
			p.showColumns = !p.showColumns
			if p.showColumns {
				p.focusGrid = false // the keys move over the list and the columns, as the help bar says
			}
			return p, nil
		case key.Matches(msg, corrKey):
			p.showCorr, p.showHistory = true, false
			return p, nil
		case key.Matches(msg, historyKey):
			return p, p.openHistory()
		case key.Matches(msg, specKey):
			return p, p.openSpec()
		case key.Matches(msg, openKey) && !p.focusGrid:
			p.open.input.Active, p.open.err = true, nil
			return p, nil
		case key.Matches(msg, colDownKey):
			p.prof.cursor++
			return p, nil
		case key.Matches(msg, colUpKey):
			p.prof.cursor = max(0, p.prof.cursor-1)
			return p, nil
		case key.Matches(msg, cancelKey) && p.prof.running:
			p.prof.cancel()
			return p, nil
		}
		if p.prof.running {
			return p, nil // the selection stays on the dataset being profiled
		}
		if c, ok := p.keys.Move(msg.String(), p.cursor, len(p.entries), 5); ok && c != p.cursor {
			p.cursor = c
			p.scrollList()
			return p, p.loadPreview()
		}
	}
	return p, nil
}

// View implements common.Page.
func (p *Page) View() string {
	st := &p.ctx.Styles
	if p.err != nil {
		return widget.Lines(st.Error.Render("cannot read datasets: "+p.err.Error()), p.width, p.height)
	}
	if len(p.entries) == 0 {
		msg := st.Muted.Render("No datasets found: declare one under datasets: in mlwb.yaml, or press O to open a file.")
		if l := p.openLine(); l != "" {
			msg += "\n" + l
		}
		return widget.Lines(msg, p.width, p.height)
	}
	t := widget.Table{Columns: []widget.Column{
		{Title: "dataset", Width: 10, Flex: true}, {Title: "path", Width: 16, Flex: true},
		{Title: "rows", Width: 8, Right: true}, {Title: "cols", Width: 4, Right: true},
		{Title: "size", Width: 7, Right: true}, {Title: "versions", Width: 8, Right: true},
		{Title: "hash", Width: 8}, {Title: "target", Width: 10},
	}}
	t.SetWidth(p.width)
	var b strings.Builder
	b.WriteString(t.Header(st))
	if p.width < minW || p.height < minH {
		return widget.Lines(widget.Fit(st.Warn.Render(fmt.Sprintf("too small: the Data tab needs %d×%d", minW, minH)), p.width), p.width, p.height)
	}
	listH := p.listH
	for i := p.list.top; i < min(p.list.top+listH, len(p.entries)); i++ {
		e := p.entries[i]
		rows, cols, size, versions, hash := "-", "-", "-", "0", "-"
		if s := e.Summary; s != nil {
			versions = fmt.Sprint(s.Versions)
			if v := s.Latest; v != nil {
				if v.Rows >= 0 {
					rows = fmt.Sprint(v.Rows)
				}
				if v.Columns >= 0 {
					cols = fmt.Sprint(v.Columns)
				}
				size, hash = bytesText(v.Size), v.ContentHash[:min(8, len(v.ContentHash))]
			}
		}
		if size == "-" && e.Size > 0 {
			size = bytesText(e.Size)
		}
		b.WriteByte('\n')
		name := e.Name
		if e.Found { // named by its path: its end says most
			name = strings.TrimRight(widget.FitTail(name, t.Width(0)), " ")
		}
		path := strings.TrimRight(widget.FitTail(e.Path, t.Width(1)), " ")
		b.WriteString(t.Row(st, []widget.Cell{{Text: name}, {Text: path}, {Text: rows}, {Text: cols},
			{Text: size}, {Text: versions}, {Text: hash}, {Text: e.Target}}, i == p.cursor))
	}
	b.WriteByte('\n')
	if l := p.openLine(); l != "" {
		b.WriteString(l)
	} else {
		b.WriteString(st.Muted.Render(strings.Repeat("─", p.width)))
	}
	b.WriteByte('\n')
	switch {
	case p.showSpec:
		b.WriteString(p.specView(p.height - listH - 2))
	case p.showHistory:
		b.WriteString(p.historyView(p.height - listH - 2))
	case p.showCorr:
		b.WriteString(p.corrView(p.height - listH - 2))
	case p.detailShown():
		b.WriteString(p.detailView(p.height - listH - 2))
	case p.showColumns:
		b.WriteString(p.columnsView(p.height - listH - 2))
	default:
		b.WriteString(p.gridView(p.height - listH - 2))
	}
	return widget.Lines(b.String(), p.width, p.height)
}

// indexOf is the entry for the file of e (the one of its name first, as two datasets may share a
// file), or -1.
func (p *Page) indexOf(e entry) int {
	if e.Path == "" {
		return -1
	}
	want, byPath := p.absPath(e), -1
	for i, x := range p.entries {
		if p.absPath(x) != want {
			continue
		}
		if x.Name == e.Name {
			return i
		}
		if byPath < 0 {
			byPath = i
		}
	}
	return byPath
}

// bytesText formats a size: 11.2K, 3.4M, 1.2G.
func bytesText(n int64) string {
	f := float64(n)
	for _, u := range []string{"B", "K", "M", "G", "T"} {
		if f < 1024 || u == "T" {
			if u == "B" {
				return fmt.Sprintf("%d%s", n, u)
			}
			return fmt.Sprintf("%.1f%s", f, u)
		}
		f /= 1024
	}
	return fmt.Sprint(n)
}

// detailShown reports whether the lower pane shows the column detail (which then takes the keys).
func (p *Page) detailShown() bool {
	return p.detail.open && p.showColumns && !p.showHistory && !p.showCorr && p.prof.profile != nil
}
