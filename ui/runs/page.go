// Package runs is the Runs tab: the runs the store knows, paged so that 10,000 runs open as fast
// as ten, with status, timing, commit, params and the primary metric, and marks for Diff and Live.
package runs

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	runsengine "github.com/mlwb/mlwb/stages/runs"
	"github.com/mlwb/mlwb/stages/runs/mlflow"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// keyMap is the Runs page's own keys.
type keyMap struct {
	common.ListKeys
	Mark, Sort, Reverse, Status, Filter, Open, Log, Stop, Rerun, Launch, Tag, Note key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		ListKeys: common.DefaultListKeys(),
		Mark:     key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "mark for diff/live")),
		Sort:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort column")),
		Reverse:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reverse sort")),
		Status:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter status")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run detail")),
		Log:      key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "log")),
		Stop:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "stop run")),
		Rerun:    key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "rerun with changes")),
		Launch:   key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "launch a new run")),
		Tag:      key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "tag")),
		Note:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "note")),
	}
}

// sortOrders are the store orders the s key cycles through.
var sortOrders = []string{"created", "name", "status", "duration", sortPrimary}

// sortPrimary orders by the primary metric of mlwb.yaml (best first), when there is one.
const sortPrimary = "primary metric"

// statusFilters are the filters the f key cycles through (nil = all).
var statusFilters = [][]string{nil, {store.StatusRunning}, {store.StatusFinished},
	{store.StatusFailed, store.StatusKilled, store.StatusLost}}

// Page is the Runs tab.
type Page struct {
	ctx    *common.Context
	keys   keyMap
	table  widget.Table
	width  int
	height int

	total   int // runs matching the filter
	offset  int // index of rows[0] among all matching runs
	rows    []*store.Run
	params  map[int64]map[string]string
	sums    map[int64][]store.Summary
	cursor  int // index among all matching runs
	order   int
	asc     bool
	filter  int
	loading bool
	err     error
	gen     int // load generation: a stale load's result is dropped

	filterIn   widget.LineInput // the / prompt while it is open
	filterText string           // the filter in force ("" none)
	filters    []store.Filter   // filterText parsed
	notice     string           // a one-line message over the table (a filter error, a stop)
	confirm    *store.Run       // the run a stop awaits confirmation for
	runView    *detailView      // the open run detail, nil on the table
	logv       *logView         // the open log viewer, nil otherwise
	form       *form            // the one-line form open over the table, nil otherwise
}

// New returns the Runs page.
func New(ctx *common.Context) *Page {
	return &Page{ctx: ctx, keys: defaultKeys()}
}

// Title implements common.Page.
func (p *Page) Title() string { return "Runs" }

// Capturing implements common.Page: typing a filter or a log search, letters are text.
func (p *Page) Capturing() bool {
	return p.filterIn.Active || p.confirm != nil || p.form != nil || (p.logv != nil && p.logv.search.Active)
}

// ShortHelp implements help.KeyMap.
func (p *Page) ShortHelp() []key.Binding {
	if p.logv != nil {
		return p.logv.help()
	}
	if p.runView != nil {
		return []key.Binding{back, p.keys.Log, p.keys.Stop}
	}
	return []key.Binding{p.keys.Open, p.keys.Mark, p.keys.Filter, p.keys.Sort, p.keys.Log}
}

var back = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))

// FullHelp implements help.KeyMap.
func (p *Page) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown, p.keys.Top, p.keys.Bottom},
		{p.keys.Mark, p.keys.Sort, p.keys.Reverse, p.keys.Status, p.keys.Filter},
		{p.keys.Open, p.keys.Log, p.keys.Stop, back},
		{p.keys.Launch, p.keys.Rerun, p.keys.Tag, p.keys.Note},
	}
}

// listRows is how many table rows fit: the page minus header and the detail panel.
func (p *Page) listRows() int {
	return max(1, p.height-1-p.detailHeight()-p.barHeight())
}

// barHeight is the line over the table for the filter prompt or a notice.
func (p *Page) barHeight() int {
	if p.filterIn.Active || p.filterText != "" || p.notice != "" || p.confirm != nil || p.form != nil {
		return 1
	}
	return 0
}

func (p *Page) detailHeight() int {
	if p.height < 14 {
		return 0
	}
	return min(8, p.height/3)
}

// SetSize implements common.Page.
func (p *Page) SetSize(w, h int) {
	p.width, p.height = w, h
	p.layoutColumns()
}

// Init implements common.Page.
func (p *Page) Init() tea.Cmd { return p.load() }

// loadedMsg carries one page of runs.
type loadedMsg struct {
	gen    int
	total  int
	offset int
	rows   []*store.Run
	params map[int64]map[string]string
	sums   map[int64][]store.Summary
	err    error
}

// window is how many runs a load fetches around the cursor: a few screens, never all.
func (p *Page) window() int { return max(3*p.listRows(), 60) }

// load fetches the page of runs around the cursor in the background.
func (p *Page) load() tea.Cmd {
	p.gen++
	gen, st := p.gen, p.ctx.Store
	q := p.query()
	q.Limit, q.Offset = p.window(), max(0, p.cursor-p.window()/3)
	p.loading = true
	return func() tea.Msg { return fetch(st, gen, q) }
}

// query is the store query of the page's sort, status filter and filter.
func (p *Page) query() store.RunQuery {
	q := store.RunQuery{Statuses: statusFilters[p.filter], OrderBy: sortOrders[p.order], Asc: p.asc, Filters: p.filters}
	if q.OrderBy == sortPrimary {
		q.OrderBy = ""
		if m := p.primary(); m != "" {
			q.OrderKey = &store.Order{Kind: store.FilterMetric, Key: m}
		}
	}
	return q
}

func fetch(st *store.Store, gen int, q store.RunQuery) tea.Msg {
	ctx := context.Background()
	m := loadedMsg{gen: gen, offset: q.Offset}
	var err error
	if m.total, err = st.CountMatching(ctx, q); err != nil {
		return loadedMsg{gen: gen, err: err}
	}
	if m.rows, err = st.ListRuns(ctx, q); err != nil {
		return loadedMsg{gen: gen, err: err}
	}
	ids := make([]int64, len(m.rows))
	for i, r := range m.rows {
		ids[i] = r.ID
	}
	if m.params, err = st.Params(ctx, ids); err != nil {
		return loadedMsg{gen: gen, err: err}
	}
	if m.sums, err = st.Summaries(ctx, ids); err != nil {
		return loadedMsg{gen: gen, err: err}
	}
	return m
}

// Update implements common.Page.
func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.gen != p.gen {
			return p, nil
		}
		p.loading, p.err = false, msg.err
		if msg.err == nil {
			p.total, p.offset, p.rows, p.params, p.sums = msg.total, msg.offset, msg.rows, msg.params, msg.sums
			p.cursor = max(0, min(p.cursor, p.total-1))
			p.layoutColumns()
		}
	case common.TickMsg:
		var cmds []tea.Cmd
		if !p.loading {
			cmds = append(cmds, p.load())
		}
		if p.runView != nil {
			cmds = append(cmds, p.runView.reload(p.ctx.Store))
		}
		if p.logv != nil {
			cmds = append(cmds, p.logv.reload())
		}
		return p, tea.Batch(cmds...)
	case detailMsg:
		if p.runView != nil && p.runView.runID == msg.runID {
			p.runView.set(msg)
		}
	case logMsg:
		if p.logv != nil && p.logv.path == msg.path {
			p.logv.set(msg)
		}
	case stoppedMsg:
		p.notice = msg.text
		return p, p.load()
	case formDoneMsg:
		p.notice = msg.text
		return p, p.load()
	case tea.KeyPressMsg:
		return p, p.onKey(msg)
	}
	return p, nil
}

// stoppedMsg reports how a stop asked from the page ended.
type stoppedMsg struct{ text string }

// onOverlayKey handles the keys of whatever is open over the table; ok is false when nothing is.
func (p *Page) onOverlayKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case p.confirm != nil:
		r := p.confirm
		p.confirm = nil
		if msg.String() != "y" {
			p.notice = "stop cancelled"
			return nil, true
		}
		p.notice = fmt.Sprintf("stopping run %d…", r.ID)
		st := p.ctx.Store
		return func() tea.Msg {
			got, err := runsengine.Stop(context.Background(), st, r, 20*time.Second)
			if err != nil {
				return stoppedMsg{fmt.Sprintf("run %d: %v", r.ID, err)}
			}
			return stoppedMsg{fmt.Sprintf("run %d %s", got.ID, got.Status)}
		}, true
	case p.form != nil:
		f := p.form
		switch f.in.Key(msg) {
		case widget.InputAccepted:
			p.form = nil
			return p.submitForm(f), true
		case widget.InputCancelled:
			p.form = nil
		}
		return nil, true
	case p.filterIn.Active:
		switch p.filterIn.Key(msg) {
		case widget.InputAccepted:
			return p.applyFilter(p.filterIn.Text), true
		case widget.InputCancelled:
			p.filterIn.Text = p.filterText
		}
		return nil, true
	case p.logv != nil:
		if p.logv.key(msg, p.height) {
			p.logv = nil
		}
		return nil, true
	case p.runView != nil:
		switch {
		case msg.String() == "esc" || msg.String() == "backspace":
			p.runView = nil
		case key.Matches(msg, p.keys.Log):
			return p.openLog(p.runView.run), true
		case key.Matches(msg, p.keys.Stop):
			p.askStop(p.runView.run)
		default:
			p.runView.key(msg)
		}
		return nil, true
	}
	return nil, false
}

// applyFilter puts a typed filter in force, or says what is wrong with it.
func (p *Page) applyFilter(text string) tea.Cmd {
	text = strings.TrimSpace(text)
	if text == "" {
		p.filterText, p.filters, p.notice = "", nil, ""
	} else {
		fs, err := mlflow.RunFilters(text)
		if err != nil {
			p.notice = "filter: " + err.Error()
			p.filterIn.Text = text
			return nil
		}
		p.filterText, p.filters, p.notice = text, fs, ""
	}
	p.cursor = 0
	return p.load()
}

func (p *Page) askStop(r *store.Run) {
	if r == nil {
		return
	}
	if r.Status != store.StatusRunning && r.Status != store.StatusQueued {
		p.notice = fmt.Sprintf("run %d has ended (%s)", r.ID, r.Status)
		return
	}
	p.confirm = r
}

func (p *Page) openLog(r *store.Run) tea.Cmd {
	if r == nil {
		return nil
	}
	p.logv = newLogView(r)
	return p.logv.reload()
}

func (p *Page) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := p.onOverlayKey(msg); ok {
		return cmd
	}
	k := msg.String()
	if c, ok := p.keys.Move(k, p.cursor, p.total, p.listRows()); ok {
		p.cursor = c
		if p.cursor < p.offset || p.cursor >= p.offset+len(p.rows) {
			return p.load()
		}
		return nil
	}
	switch {
	case key.Matches(msg, p.keys.Mark):
		if r := p.selected(); r != nil {
			if p.ctx.Marked[r.ID] {
				delete(p.ctx.Marked, r.ID)
			} else {
				p.ctx.Marked[r.ID] = true
			}
			p.cursor = min(p.cursor+1, p.total-1)
			return func() tea.Msg { return common.MarksChangedMsg{} }
		}
	case key.Matches(msg, p.keys.Sort):
		p.order = (p.order + 1) % len(sortOrders)
		if sortOrders[p.order] == sortPrimary && p.primary() == "" {
			p.order = 0
		}
		p.asc = sortOrders[p.order] == "name"
		if sortOrders[p.order] == sortPrimary { // best first
			p.asc = p.ctx.Project.Config != nil && p.ctx.Project.Config.Metrics.Direction == "min"
		}
		p.notice = "sorted by " + sortOrders[p.order]
		p.cursor = 0
		return p.load()
	case key.Matches(msg, p.keys.Reverse):
		p.asc = !p.asc
		p.cursor = 0
		return p.load()
	case key.Matches(msg, p.keys.Status):
		p.filter = (p.filter + 1) % len(statusFilters)
		p.cursor = 0
		return p.load()
	case key.Matches(msg, p.keys.Filter):
		p.filterIn = widget.LineInput{Active: true, Text: p.filterText}
	case msg.String() == "esc" && p.filterText != "":
		return p.applyFilter("")
	case key.Matches(msg, p.keys.Open):
		if r := p.selected(); r != nil {
			p.runView = newDetailView(r)
			return p.runView.reload(p.ctx.Store)
		}
	case key.Matches(msg, p.keys.Log):
		return p.openLog(p.selected())
	case key.Matches(msg, p.keys.Stop):
		p.askStop(p.selected())
	case key.Matches(msg, p.keys.Rerun):
		if r := p.selected(); r != nil {
			p.launchForm(r)
		}
	case key.Matches(msg, p.keys.Launch):
		p.launchForm(nil)
	case key.Matches(msg, p.keys.Tag):
		if r := p.selected(); r != nil {
			p.form = &form{kind: formTag, run: r, in: widget.LineInput{Active: true}}
		}
	case key.Matches(msg, p.keys.Note):
		if r := p.selected(); r != nil {
			p.form = &form{kind: formNote, run: r, in: widget.LineInput{Active: true, Text: r.Note}}
		}
	}
	return nil
}

// selected is the run under the cursor, when it is loaded.
func (p *Page) selected() *store.Run {
	i := p.cursor - p.offset
	if i < 0 || i >= len(p.rows) {
		return nil
	}
	return p.rows[i]
}

// paramKeys are the params shown as columns: the config's params in their order, then any other
// param that differs between loaded runs.
func (p *Page) paramKeys() []string {
	var keys []string
	seen := map[string]bool{}
	if cfg := p.ctx.Project.Config; cfg != nil {
		for _, k := range cfg.Train.ParamOrder {
			keys, seen[k] = append(keys, k), true
		}
	}
	var extra []string
	for _, ps := range p.params {
		for k := range ps {
			if !seen[k] {
				seen[k] = true
				extra = append(extra, k)
			}
		}
	}
	sort.Strings(extra)
	return append(keys, extra...)
}

func (p *Page) primary() string {
	if cfg := p.ctx.Project.Config; cfg != nil && cfg.Metrics.Primary != "" {
		return cfg.Metrics.Primary
	}
	return ""
}

func (p *Page) layoutColumns() {
	cols := []widget.Column{
		{Title: " ", Width: 1},
		{Title: "#", Width: 4, Right: true},
		{Title: "status", Width: 8},
		{Title: "name", Width: 10, Flex: true},
		{Title: "started", Width: 9},
		{Title: "took", Width: 6, Right: true},
		{Title: "commit", Width: 8},
	}
	if m := p.primary(); m != "" {
		cols = append(cols, widget.Column{Title: m, Width: max(8, min(len(m), 14)), Right: true},
			widget.Column{Title: "best", Width: 7, Right: true})
	}
	for _, k := range p.paramKeys() {
		cols = append(cols, widget.Column{Title: k, Width: max(6, min(len(k), 10)), Right: true})
	}
	p.table.Columns = cols
	p.table.SetWidth(p.width)
}

// View implements common.Page.
func (p *Page) View() string {
	st := &p.ctx.Styles
	if p.err != nil {
		return widget.Lines(st.Error.Render("cannot read runs: "+p.err.Error()), p.width, p.height)
	}
	if p.total == 0 && !p.loading && p.filterText == "" && !p.filterIn.Active && p.filter == 0 {
		msg := st.Muted.Render("No runs yet. Start one with `mlwb run -- python train.py`, or try `mlwb demo`.")
		return widget.Lines(msg, p.width, p.height)
	}
	if p.logv != nil {
		return p.logv.view(st, p.width, p.height)
	}
	if p.runView != nil {
		return p.runView.view(p.ctx, p.width, p.height)
	}
	var b strings.Builder
	if p.barHeight() > 0 {
		b.WriteString(p.bar())
		b.WriteByte('\n')
	}
	b.WriteString(p.table.Header(st))
	n := p.listRows()
	top := p.scrollTop(n)
	keys := p.paramKeys()
	for i := top; i < top+n; i++ {
		b.WriteByte('\n')
		j := i - p.offset
		if i >= p.total || j < 0 || j >= len(p.rows) {
			b.WriteString(widget.Fit("", p.width))
			continue
		}
		b.WriteString(p.table.Row(st, p.cells(p.rows[j], keys), i == p.cursor))
	}
	if h := p.detailHeight(); h > 0 {
		b.WriteByte('\n')
		b.WriteString(p.detail(h, keys))
	}
	return widget.Lines(b.String(), p.width, p.height)
}

// bar is the line over the table: the filter prompt, a stop to confirm, or a notice.
func (p *Page) bar() string {
	st := &p.ctx.Styles
	switch {
	case p.confirm != nil:
		return widget.Fit(st.Bad.Render(fmt.Sprintf("stop run %d %s? y to stop, any other key to keep it", p.confirm.ID, p.confirm.Name)), p.width)
	case p.form != nil:
		return widget.Fit(st.Title.Render(p.form.prompt())+p.form.in.Text+"█"+st.Muted.Render("  enter ok · esc cancel"), p.width)
	case p.filterIn.Active:
		return widget.Fit(st.Title.Render("filter: ")+p.filterIn.Text+"█"+st.Muted.Render("  enter apply · esc cancel"), p.width)
	case p.notice != "":
		return widget.Fit(st.Muted.Render(p.notice), p.width)
	}
	return widget.Fit(st.Muted.Render("filter: ")+p.filterText+st.Muted.Render(fmt.Sprintf("  (%d runs · / edit · esc clear)", p.total)), p.width)
}

// scrollTop keeps the cursor on screen, a third of the way down when it jumps.
func (p *Page) scrollTop(n int) int {
	top := max(0, p.cursor-n+1)
	if p.cursor < top+n && p.cursor >= top {
		return max(0, min(top, p.total-n))
	}
	return max(0, p.cursor-n/3)
}

func (p *Page) cells(r *store.Run, keys []string) []widget.Cell {
	st := &p.ctx.Styles
	now := p.ctx.Now()
	mark := " "
	if p.ctx.Marked[r.ID] {
		mark = "●"
	}
	status := st.Status(r.Status)
	marked := st.Marked
	commit := "-"
	if r.GitCommit != "" {
		commit = r.GitCommit[:min(7, len(r.GitCommit))]
		if r.GitDirty {
			commit += "*"
		}
	}
	statusText := r.Status
	if r.Status == store.StatusFailed && r.ExitCode != nil {
		statusText = fmt.Sprintf("failed %d", *r.ExitCode)
	}
	cells := []widget.Cell{
		{Text: mark, Style: &marked},
		{Text: fmt.Sprint(r.ID)},
		{Text: statusText, Style: &status},
		{Text: r.Name},
		{Text: widget.Ago(r.Started, now)},
		{Text: widget.Duration(r.Duration(now))},
		{Text: commit},
	}
	if m := p.primary(); m != "" {
		last, best := "-", "-"
		for _, s := range p.sums[r.ID] {
			if s.Key == m {
				last = widget.Num(s.Last)
				b := s.Max
				if cfg := p.ctx.Project.Config; cfg != nil && cfg.Metrics.Direction == "min" {
					b = s.Min
				}
				if !math.IsNaN(b) {
					best = widget.Num(b)
				}
			}
		}
		cells = append(cells, widget.Cell{Text: last}, widget.Cell{Text: best})
	}
	for _, k := range keys {
		v, ok := p.params[r.ID][k]
		if !ok {
			v = "-"
		}
		cells = append(cells, widget.Cell{Text: v})
	}
	return cells
}

// detail is the panel under the table: the selected run's command, params and every metric.
func (p *Page) detail(h int, keys []string) string {
	st := &p.ctx.Styles
	r := p.selected()
	if r == nil {
		return ""
	}
	rule := st.Muted.Render(strings.Repeat("─", p.width))
	lines := []string{rule}
	title := st.Title.Render(fmt.Sprintf("run %d %s", r.ID, r.Name)) + st.Muted.Render("  "+r.UUID[:min(8, len(r.UUID))]+"  $ "+strings.Join(r.Command, " "))
	lines = append(lines, title)
	if r.ExitCode != nil && *r.ExitCode != 0 {
		lines = append(lines, st.Bad.Render(fmt.Sprintf("exited with code %d", *r.ExitCode))+st.Muted.Render("  log: "+r.LogPath))
	}
	// Params whose columns did not fit the width are given here, for the selected run.
	base := len(p.table.Columns) - len(keys) // keys: paramKeys, as View has them
	var hidden []string
	for i, k := range keys {
		if v, ok := p.params[r.ID][k]; ok && p.table.Width(base+i) == 0 { // only the run's own params
			hidden = append(hidden, k+"="+v)
		}
	}
	if len(hidden) > 0 {
		what := fmt.Sprintf("%d params not in the table: ", len(hidden))
		if len(hidden) == 1 {
			what = "1 param not in the table: "
		}
		lines = append(lines, widget.Fit(st.Muted.Render(what)+strings.Join(hidden, " "), p.width))
	}
	sums := p.sums[r.ID]
	var parts []string
	for _, s := range sums {
		parts = append(parts, st.Muted.Render(s.Key+" ")+widget.Num(s.Last)+
			st.Muted.Render(fmt.Sprintf(" [%s…%s] ×%d", widget.Num(s.Min), widget.Num(s.Max), s.Count)))
	}
	lines = append(lines, widget.WrapJoin(parts, "  ", p.width)...)
	return widget.Lines(strings.Join(lines, "\n"), p.width, h)
}
