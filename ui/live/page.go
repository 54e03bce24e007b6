// Package live is the Live tab: the metrics of running and marked runs (or the newest run when
// there are none), one sparkline per run and key, re-read only when the store says they changed.
package live

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// maxRuns bounds how many runs the page follows at once.
const maxRuns = 6

// series is one run's history of one key.
type series struct {
	run    *store.Run
	sum    store.Summary
	values []float64
}

// Page is the Live tab.
type Page struct {
	ctx           *common.Context
	keys          common.ListKeys
	width, height int

	series  []series // sorted by key, then run
	version string   // fingerprint of the summaries the series were read at
	why     string   // which runs are shown
	scroll  int
	err     error
	loading bool
}

// New returns the Live page.
func New(ctx *common.Context) *Page { return &Page{ctx: ctx, keys: common.DefaultListKeys()} }

// Title implements common.Page.
func (p *Page) Title() string { return "Live" }

// Capturing implements common.Page.
func (p *Page) Capturing() bool { return false }

// ShortHelp implements help.KeyMap.
func (p *Page) ShortHelp() []key.Binding { return []key.Binding{p.keys.Down} }

// FullHelp implements help.KeyMap.
func (p *Page) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.keys.Up, p.keys.Down, p.keys.Top, p.keys.Bottom}}
}

// SetSize implements common.Page.
func (p *Page) SetSize(w, h int) { p.width, p.height = w, h }

type loadedMsg struct {
	series  []series
	version string
	why     string
	err     error
	same    bool // nothing changed since version
}

// Init implements common.Page.
func (p *Page) Init() tea.Cmd { return p.load() }

func (p *Page) load() tea.Cmd {
	p.loading = true
	st, have := p.ctx.Store, p.version
	marked := make([]int64, 0, len(p.ctx.Marked))
	for id := range p.ctx.Marked {
		marked = append(marked, id)
	}
	return func() tea.Msg { return fetch(st, marked, have) }
}

// fetch picks the runs to follow, and reads their histories only when their summaries changed.
func fetch(st *store.Store, marked []int64, have string) tea.Msg {
	ctx := context.Background()
	running, err := st.ListRuns(ctx, store.RunQuery{Statuses: []string{store.StatusRunning}, Limit: maxRuns})
	if err != nil {
		return loadedMsg{err: err}
	}
	runs, why := running, "running runs"
	seen := map[int64]bool{}
	for _, r := range running {
		seen[r.ID] = true
	}
	sort.Slice(marked, func(i, j int) bool { return marked[i] < marked[j] })
	for _, id := range marked {
		if len(runs) >= maxRuns || seen[id] {
			continue
		}
		if r, err := st.GetRun(ctx, id); err == nil {
			runs, why = append(runs, r), "running and marked runs"
		}
	}
	if len(runs) == 0 {
		latest, err := st.ListRuns(ctx, store.RunQuery{Limit: 1})
		if err != nil {
			return loadedMsg{err: err}
		}
		runs, why = latest, "the newest run (mark runs with space on the Runs tab to follow them)"
	}
	ids := make([]int64, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	sums, err := st.Summaries(ctx, ids)
	if err != nil {
		return loadedMsg{err: err}
	}
	var fp strings.Builder
	for _, id := range ids {
		for _, s := range sums[id] {
			fmt.Fprintf(&fp, "%d/%s/%d/%d;", id, s.Key, s.Count, s.LastStep)
		}
	}
	if fp.String() == have {
		return loadedMsg{same: true, why: why}
	}
	var out []series
	for _, r := range runs {
		for _, s := range sums[r.ID] {
			pts, err := st.History(ctx, r.ID, s.Key)
			if err != nil {
				return loadedMsg{err: err}
			}
			vals := make([]float64, len(pts))
			for i, pt := range pts {
				vals[i] = pt.Value
			}
			out = append(out, series{run: r, sum: s, values: vals})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].sum.Key < out[j].sum.Key })
	return loadedMsg{series: out, version: fp.String(), why: why}
}

// Update implements common.Page.
func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		p.loading, p.err = false, msg.err
		if msg.err == nil {
			p.why = msg.why
			if !msg.same {
				p.series, p.version = msg.series, msg.version
			}
		}
	case common.TickMsg:
		if !p.loading {
			return p, p.load()
		}
	case common.MarksChangedMsg:
		p.version = ""
		return p, p.load()
	case tea.KeyPressMsg:
		if c, ok := p.keys.Move(msg.String(), p.scroll, len(p.series), p.height); ok {
			p.scroll = c
		}
	}
	return p, nil
}

// View implements common.Page.
func (p *Page) View() string {
	st := &p.ctx.Styles
	if p.err != nil {
		return widget.Lines(st.Error.Render("cannot read metrics: "+p.err.Error()), p.width, p.height)
	}
	if len(p.series) == 0 {
		if p.loading {
			return widget.Lines("", p.width, p.height)
		}
		return widget.Lines(st.Muted.Render("No metrics yet: runs that print lines like `epoch=1 loss=0.5` show up here live."), p.width, p.height)
	}
	lines := []string{st.Muted.Render("showing " + p.why)}
	nameW := 0
	for _, s := range p.series {
		nameW = max(nameW, len(s.sum.Key))
	}
	nameW = min(nameW, 20)
	runW := 14
	valW := 10
	sparkW := max(8, p.width-nameW-runW-valW-3)
	prevKey := ""
	for i := p.scroll; i < len(p.series) && len(lines) < p.height; i++ {
		s := p.series[i]
		name := ""
		if s.sum.Key != prevKey {
			name = s.sum.Key
			prevKey = s.sum.Key
		}
		style := st.Series(int(s.run.ID))
		run := fmt.Sprintf("#%d %s", s.run.ID, s.run.Name)
		lines = append(lines, widget.Fit(st.Bold.Render(name), nameW)+" "+
			widget.Fit(st.Muted.Render(run), runW)+" "+
			style.Render(widget.Sparkline(s.values, sparkW))+" "+
			widget.FitRight(widget.Num(s.sum.Last), valW))
	}
	return widget.Lines(strings.Join(lines, "\n"), p.width, p.height)
}
