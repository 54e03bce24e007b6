// Package live is the Live tab: a grid of braille line charts, one per metric key, of the running
// runs plus the marked ones (the newest run when there are none), one colour per run; a cursor
// that reads exact values along x; smoothing, log y, x as step or time, zoom; a system pane per
// running run and a strip of active alerts. It follows the store through the live engine's
// streams (only new chunks are read) and redraws only when something changed.
package live

import (
	"slices"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	engine "github.com/mlwb/mlwb/stages/live"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// sysPrefix starts the keys of the system metrics the supervisor samples (stages/runs): they go
// to the system pane, not the grid.
const sysPrefix = "sys/"

// weights are the EMA weights S cycles through (TensorBoard's default is 0.6).
var weights = []float64{0.6, 0.8, 0.9, 0.95, 0.99, 0.3}

type traceID struct {
	run int64
	key string
}

// Page is the Live tab.
type Page struct {
	ctx           *common.Context
	keys          keyMap
	width, height int

	runs    []*followed
	why     string
	leftOut int // marked runs past maxRuns, not followed
	traces  map[traceID]*trace
	keySet  map[string]bool
	allKeys []string // sorted chart keys (sys/ keys left out)
	shown   []string // allKeys matching the filter
	alerts  []store.Alert
	err     error

	// watched are the runs this page has followed while they were running or queued. The rule
	// for runs that end: a watched run stays on the page after it ends (its end status in the
	// legend), for as long as the page lives, until the user leaves it out — c drops the ended
	// runs, and unmarking a run on the Runs tab drops it too. They come after the running and
	// marked runs in the maxRuns slots, newest first, and a watched run that gets no slot is
	// forgotten.
	watched    map[int64]bool
	prevMarked map[int64]bool // the marks at the last poll, to see which were taken off

	// chart settings
	mode     xMode
	smoothOn bool
	weight   int // index into weights
	logY     bool
	zoom     int // index into zooms[mode]
	cols     int // 0: chosen from the width
	scroll   int // first grid row shown
	cursorOn bool
	cursor   float64 // 0…1 across the x range

	filter widget.LineInput // the / prompt; its text filters the keys (also once closed)

	checker   *engine.Checker // the project's alert rules, checked every engine.CheckEvery
	lastCheck time.Time
	checkErr  error

	polling, resolveWanted bool
	ticking                bool
	tickGen                int
	tick                   func(d time.Duration, gen int) tea.Cmd // liveTick; tests drive ticks by hand

	lay    layout
	frame  string // the last rendered frame: returned as it is while nothing changed
	dirty  bool
	theme  string // the theme frame was drawn in
	xs, ys []float64
	// drawing buffers, kept between frames
	canvas   widget.Braille
	chartBuf []widget.ChartSeries
	slots    []int // run slot of each chart series
	bufs     [][]engine.Point
}

// New returns the Live page.
func New(ctx *common.Context) *Page {
	rules := engine.DefaultRules()
	if ctx.Project != nil && ctx.Project.Config != nil {
		rules = ctx.Project.Config.Alerts
	}
	return &Page{ctx: ctx, keys: defaultKeys(), checker: engine.NewChecker(ctx.Store, rules), traces: map[traceID]*trace{}, keySet: map[string]bool{}, dirty: true,
		watched: map[int64]bool{}, prevMarked: map[int64]bool{},
		tick: liveTick}
}

// Title implements common.Page.
func (p *Page) Title() string { return "Live" }

// Capturing implements common.Page: the filter bar takes typed letters.
func (p *Page) Capturing() bool { return p.filter.Active }

// ShortHelp implements help.KeyMap.
func (p *Page) ShortHelp() []key.Binding {
	if p.filter.Active {
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear"))}
	}
	return []key.Binding{p.keys.Left, p.keys.Filter, p.keys.Smooth, p.keys.LogY, p.keys.XMode, p.keys.Zoom, p.keys.MoreCols}
}

// FullHelp implements help.KeyMap.
func (p *Page) FullHelp() [][]key.Binding {
	k := p.keys
	return [][]key.Binding{
		{k.Left, k.FarLeft, k.CursorOff, k.Filter, k.DropEnded},
		{k.Smooth, k.Weight, k.LogY, k.XMode, k.Zoom, k.MoreCols},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
	}
}

// SetSize implements common.Page.
func (p *Page) SetSize(w, h int) {
	if w != p.width || h != p.height {
		p.width, p.height, p.dirty = w, h, true
	}
	p.relayout()
}

// Init implements common.Page.
func (p *Page) Init() tea.Cmd { return p.startPoll(true) }

// startPoll starts a poll unless one is in flight (then a resolve waits for it to end).
func (p *Page) startPoll(resolve bool) tea.Cmd {
	if p.polling {
		p.resolveWanted = p.resolveWanted || resolve
		return nil
	}
	p.polling = true
	marked := make([]int64, 0, len(p.ctx.Marked))
	for id, on := range p.ctx.Marked {
		if on {
			marked = append(marked, id)
		}
	}
	for id := range p.prevMarked {
		if !p.ctx.Marked[id] { // unmarked: the user left it out
			delete(p.watched, id)
		}
	}
	clear(p.prevMarked)
	for _, id := range marked {
		p.prevMarked[id] = true
	}
	slices.SortFunc(marked, func(a, b int64) int { return int(b - a) }) // newest first, as the README says
	kept := make([]int64, 0, len(p.watched))
	for id := range p.watched {
		kept = append(kept, id)
	}
	slices.SortFunc(kept, func(a, b int64) int { return int(b - a) }) // newest first
	var check *engine.Checker
	if now := p.ctx.Now(); resolve && now.Sub(p.lastCheck) >= engine.CheckEvery {
		check, p.lastCheck = p.checker, now
	}
	return poll(p.ctx.Store, slices.Clone(p.runs), marked, kept, resolve, check, p.ctx.Now)
}

// anyLive reports whether a followed run may still log.
func (p *Page) anyLive() bool {
	return slices.ContainsFunc(p.runs, (*followed).live)
}

// Update implements common.Page.
func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case pollMsg:
		return p, p.onPoll(msg)
	case liveTickMsg:
		if msg.gen != p.tickGen {
			return p, nil
		}
		p.ticking = false
		if !p.anyLive() {
			return p, nil
		}
		p.ticking = true
		return p, tea.Batch(p.startPoll(false), p.tick(tickEvery(p.ctx.Refresh), p.tickGen))
	case common.TickMsg, common.MarksChangedMsg:
		return p, p.startPoll(true)
	case tea.KeyPressMsg:
		return p, p.onKey(msg)
	}
	return p, nil
}

// onPoll folds a poll's findings into the traces.
func (p *Page) onPoll(msg pollMsg) tea.Cmd {
	p.polling = false
	if (msg.err == nil) != (p.err == nil) {
		p.dirty = true
	}
	p.err = msg.err
	if msg.resolved && msg.err == nil {
		p.follow(msg.runs, msg.why)
		p.dirty = p.dirty || p.leftOut != msg.leftOut
		p.leftOut = msg.leftOut
	}
	if len(msg.points) > 0 {
		p.addPoints(msg.points)
	}
	if msg.states != nil {
		p.applyStates(msg.states)
	}
	if msg.checked && (msg.checkErr == nil) != (p.checkErr == nil) {
		p.checkErr, p.dirty = msg.checkErr, true
	}
	if !slices.Equal(msg.alerts, p.alerts) {
		p.alerts, p.dirty = msg.alerts, true
	}
	var cmds []tea.Cmd
	if p.resolveWanted {
		p.resolveWanted = false
		cmds = append(cmds, p.startPoll(true))
	}
	if p.anyLive() && !p.ticking && p.ctx.Refresh >= 0 { // a negative Refresh turns refreshing off
		p.ticking = true
		p.tickGen++
		cmds = append(cmds, p.tick(tickEvery(p.ctx.Refresh), p.tickGen))
	}
	return tea.Batch(cmds...)
}

// follow switches to a new list of runs, dropping the traces of runs no longer followed, and
// keeps the watched set to the live runs and the ended ones that kept their place.
func (p *Page) follow(runs []*followed, why string) {
	in := map[int64]bool{}
	for _, f := range runs {
		in[f.id] = true
		if f.live() {
			p.watched[f.id] = true
		}
	}
	for id := range p.watched {
		if !in[id] {
			delete(p.watched, id)
		}
	}
	same := len(runs) == len(p.runs) && why == p.why
	for i := 0; same && i < len(runs); i++ {
		same = runs[i].id == p.runs[i].id && runs[i].status == p.runs[i].status && runs[i].name == p.runs[i].name
	}
	if same {
		p.runs = runs
		return
	}
	p.runs, p.why, p.dirty = runs, why, true
	p.dropTraces(func(id traceID) bool { return !in[id.run] })
}

// dropTraces removes the traces drop picks and rebuilds the key list.
func (p *Page) dropTraces(drop func(traceID) bool) {
	n := len(p.traces)
	for id := range p.traces {
		if drop(id) {
			delete(p.traces, id)
		}
	}
	if len(p.traces) == n {
		return
	}
	p.keySet = map[string]bool{}
	for id := range p.traces {
		if !strings.HasPrefix(id.key, sysPrefix) {
			p.keySet[id.key] = true
		}
	}
	p.rebuildKeys()
}

// applyStates records status changes and forgets runs that were deleted.
func (p *Page) applyStates(states map[int64]store.RunState) {
	gone := map[int64]bool{}
	kept := p.runs[:0:0]
	for _, f := range p.runs {
		st, ok := states[f.id]
		if !ok {
			gone[f.id], p.dirty = true, true
			continue
		}
		if st.Status != f.status || st.Name != f.name {
			f.status, f.name, p.dirty = st.Status, st.Name, true
		}
		if f.live() {
			p.watched[f.id] = true
		}
		kept = append(kept, f)
	}
	if len(gone) > 0 {
		p.runs = kept
		p.dropTraces(func(id traceID) bool { return gone[id.run] })
	}
}

// addPoints appends new points to their traces, a batch per trace.
func (p *Page) addPoints(pts []store.Point) {
	started := map[int64]float64{}
	for _, f := range p.runs {
		started[f.id] = f.started
	}
	newKeys := false
	for i := 0; i < len(pts); {
		j := i + 1
		for j < len(pts) && pts[j].RunID == pts[i].RunID && pts[j].Key == pts[i].Key {
			j++
		}
		id := traceID{pts[i].RunID, pts[i].Key}
		if s, ok := started[id.run]; ok {
			t := p.traces[id]
			if t == nil {
				t = &trace{run: id.run, key: id.key}
				p.traces[id] = t
				if !strings.HasPrefix(id.key, sysPrefix) && !p.keySet[id.key] {
					p.keySet[id.key], newKeys = true, true
				}
			}
			p.xs, p.ys = t.add(pts[i:j], p.mode, s, p.xs, p.ys)
		}
		i = j
	}
	if newKeys {
		p.rebuildKeys()
	}
	p.dirty = true
}

// rebuildKeys sorts the chart keys and applies the filter.
func (p *Page) rebuildKeys() {
	p.allKeys = p.allKeys[:0]
	for k := range p.keySet {
		p.allKeys = append(p.allKeys, k)
	}
	sort.Strings(p.allKeys)
	p.applyFilter()
}

// applyFilter keeps the keys containing the filter text (case-insensitive).
func (p *Page) applyFilter() {
	f := strings.ToLower(strings.TrimSpace(p.filter.Text))
	p.shown = p.shown[:0]
	for _, k := range p.allKeys {
		if f == "" || strings.Contains(strings.ToLower(k), f) {
			p.shown = append(p.shown, k)
		}
	}
	p.relayout()
}

// onKey applies a key press.
func (p *Page) onKey(msg tea.KeyPressMsg) tea.Cmd {
	p.dirty = true
	if p.filter.Active {
		switch p.filter.Key(msg) {
		case widget.InputCancelled:
			p.filter.Text = ""
		case widget.InputEdited:
			p.scroll = 0
		}
		p.applyFilter()
		return nil
	}
	k := p.keys
	switch {
	case key.Matches(msg, k.DropEnded):
		return p.dropEnded()
	case key.Matches(msg, k.Filter):
		p.filter.Active = true
		p.relayout()
	case key.Matches(msg, k.CursorOff):
		if p.cursorOn {
			p.cursorOn = false
		} else if p.filter.Text != "" {
			p.filter.Text = ""
			p.applyFilter()
		}
	case key.Matches(msg, k.Left), key.Matches(msg, k.Right), key.Matches(msg, k.FarLeft), key.Matches(msg, k.FarRight):
		p.moveCursor(msg)
	case key.Matches(msg, k.Smooth):
		p.smoothOn = !p.smoothOn
	case key.Matches(msg, k.Weight):
		p.weight = (p.weight + 1) % len(weights)
		p.smoothOn = true
	case key.Matches(msg, k.LogY):
		p.logY = !p.logY
	case key.Matches(msg, k.XMode):
		p.setMode((p.mode + 1) % xModes)
	case key.Matches(msg, k.Zoom):
		p.zoom = (p.zoom + 1) % len(zooms[p.mode])
	case key.Matches(msg, k.MoreCols):
		p.cols = min(p.lay.cols+1, p.lay.maxCols)
		p.relayout()
	case key.Matches(msg, k.FewerCols):
		p.cols = max(p.lay.cols-1, 1)
		p.relayout()
	default:
		rows := p.lay.totalRows
		if c, ok := p.keys.Move(msg.String(), p.scroll, max(rows-p.lay.rows+1, 1), p.lay.rows); ok {
			p.scroll = c
		} else {
			p.dirty = false
		}
	}
	return nil
}

// dropEnded leaves out the ended runs kept on the page (marked runs stay: unmark them on the
// Runs tab) and chooses the runs again.
func (p *Page) dropEnded() tea.Cmd {
	n := len(p.watched)
	for _, f := range p.runs {
		if !f.live() {
			delete(p.watched, f.id)
		}
	}
	if len(p.watched) == n {
		p.dirty = false
		return nil
	}
	return p.startPoll(true)
}

// moveCursor shows the cursor (at the newest x) or moves it by one braille column, or ten.
func (p *Page) moveCursor(msg tea.KeyPressMsg) {
	if !p.cursorOn { // at the newest point, which the rounded-out x domain may leave short of the end
		p.cursorOn, p.cursor = true, 1
		if _, last, ok := p.dataRange(); ok {
			if x0, x1, _ := p.xRange(); x1 > x0 {
				p.cursor = min(max((last-x0)/(x1-x0), 0), 1)
			}
		}
		return
	}
	step := 1 / float64(max(2*p.lay.plotW-1, 1))
	if key.Matches(msg, p.keys.FarLeft) || key.Matches(msg, p.keys.FarRight) {
		step *= 10
	}
	if key.Matches(msg, p.keys.Left) || key.Matches(msg, p.keys.FarLeft) {
		step = -step
	}
	p.cursor = min(max(p.cursor+step, 0), 1)
}

// setMode switches the x axis and rebuilds every series over it.
func (p *Page) setMode(m xMode) {
	p.mode, p.zoom = m, 0
	started := map[int64]float64{}
	for _, f := range p.runs {
		started[f.id] = f.started
	}
	for _, t := range p.traces {
		t.rebuild(m, started[t.run])
	}
}

// View implements common.Page: the frame drawn last while nothing has changed.
func (p *Page) View() string {
	if !p.dirty && p.theme == p.ctx.Theme && p.frame != "" {
		return p.frame
	}
	p.frame, p.dirty, p.theme = p.render(), false, p.ctx.Theme
	return p.frame
}

// render draws the page at its size.
func (p *Page) render() string {
	p.relayout() // the system pane's height follows the runs
	st := &p.ctx.Styles
	w, h := p.width, p.height
	if w < minW || h < minH {
		return widget.Lines(widget.Fit(st.Warn.Render("too small: need 40×8"), w), w, h)
	}
	var out []string
	out = append(out, p.header(w))
	out = append(out, p.alertStrip(w))
	body := p.lay.gridH
	switch {
	case p.err != nil && len(p.runs) == 0:
		out = append(out, widget.Lines(st.Error.Render("cannot read metrics: "+p.err.Error()), w, body))
	case len(p.runs) == 0:
		out = append(out, widget.Lines(st.Muted.Render("No runs yet: start one with `mlwb run` or the Runs tab (r); it shows here live."), w, body))
	case len(p.allKeys) == 0:
		out = append(out, widget.Lines(st.Muted.Render("No metrics yet: runs that print lines like `epoch=1 loss=0.5` show up here live."), w, body))
	case len(p.shown) == 0:
		out = append(out, widget.Lines(st.Muted.Render("No key matches the filter "+`"`+p.filter.Text+`"`+" (esc clears it)."), w, body))
	default:
		out = append(out, p.grid())
	}
	if p.lay.sysH > 0 {
		out = append(out, p.sysPane(w, p.lay.sysH))
	}
	if p.filter.Active {
		out = append(out, p.filter.View(p.ctx.Styles.Accent.Render("/ "), w))
	}
	return widget.Lines(strings.Join(out, "\n"), w, h)
}

// marker is run slot i's legend glyph: colours tell runs apart, and the glyph does too in mono.
func marker(i int) string {
	return [...]string{"●", "▲", "■", "◆", "★", "▼", "✚", "◉"}[i%maxRuns]
}

// runStyle is run slot i's colour.
func (p *Page) runStyle(i int) lipgloss.Style { return p.ctx.Styles.Series(i) }
