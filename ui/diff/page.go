// Package diff is the Diff tab: the git history with the runs made at each commit, a side-by-side
// of the params and metrics of the runs marked on the Runs tab, and the diff viewer that opens on
// a commit, two marked commits, the worktree, or two marked runs.
package diff

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// historyPage is how many commits one load reads.
const historyPage = 200

// Page is the Diff tab.
type Page struct {
	ctx           *common.Context
	keys          common.ListKeys
	width, height int

	commits []versions.Commit
	head    string // HEAD when commits were read
	runs    map[string][]store.CommitRun
	cursor  int
	err     error
	loading bool

	compare *comparison

	keysDiff pageKeys
	picked   []string // commits marked with m (at most two), to diff against each other
	viewer   *viewer  // the open diff; nil shows the history
	opening  string   // what is being diffed while it computes
}

// pageKeys open diffs from the history.
type pageKeys struct {
	Open, Mark, Worktree, Runs key.Binding
}

func defaultPageKeys() pageKeys {
	return pageKeys{
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "diff")),
		Mark:     key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mark")),
		Worktree: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "diff worktree")),
		Runs:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "diff runs")),
	}
}

// diffMsg carries a computed diff to the page.
type diffMsg struct {
	d   *versions.VersionDiff
	err error
}

// comparison is the marked runs (for a run diff) and their params and metrics side by side.
type comparison struct {
	runs  []*store.Run
	table *versions.Comparison
}

// New returns the Diff page.
func New(ctx *common.Context) *Page {
	return &Page{ctx: ctx, keys: common.DefaultListKeys(), keysDiff: defaultPageKeys()}
}

// Title implements common.Page.
func (p *Page) Title() string { return "Diff" }

// Capturing implements common.Page: true while the diff's search bar takes typing.
func (p *Page) Capturing() bool { return p.viewer != nil && p.viewer.capturing() }

// ShortHelp implements help.KeyMap.
func (p *Page) ShortHelp() []key.Binding {
	if v := p.viewer; v != nil {
		return []key.Binding{v.keys.NextFile, v.keys.NextHunk, v.keys.Split, v.keys.Search, v.keys.Close}
	}
	return []key.Binding{p.keys.Down, p.keysDiff.Open, p.keysDiff.Mark, p.keysDiff.Runs}
}

// FullHelp implements help.KeyMap.
func (p *Page) FullHelp() [][]key.Binding {
	if v := p.viewer; v != nil {
		k := v.keys
		return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
			{k.NextFile, k.NextHunk, k.Split, k.Fold, k.Search, k.NextMatch, k.Close}}
	}
	return [][]key.Binding{{p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown, p.keys.Top, p.keys.Bottom},
		{p.keysDiff.Open, p.keysDiff.Mark, p.keysDiff.Worktree, p.keysDiff.Runs}}
}

// SetSize implements common.Page.
func (p *Page) SetSize(w, h int) {
	p.width, p.height = w, h
	if p.viewer != nil {
		p.viewer.width, p.viewer.height = w, h
	}
}

type historyMsg struct {
	head    string // the HEAD commit the commits were read from
	commits []versions.Commit
	runs    map[string][]store.CommitRun
	err     error
}

type compareMsg struct{ c *comparison }

// Init implements common.Page.
func (p *Page) Init() tea.Cmd { return tea.Batch(p.loadHistory(), p.loadCompare()) }

// metrics is the project's metric settings (primary metric and direction); zero without a config.
func (p *Page) metrics() project.MetricsSpec {
	if cfg := p.ctx.Project.Config; cfg != nil {
		return cfg.Metrics
	}
	return project.MetricsSpec{}
}

func (p *Page) primary() string { return p.metrics().Primary }

// loadHistory re-reads the runs at each commit, and the commits themselves only when HEAD moved:
// HEAD is a cheap read of refs, while a log walk opens the pack index, which is slow in a big
// repository and would otherwise run on every refresh.
func (p *Page) loadHistory() tea.Cmd {
	if !p.ctx.Project.InGit {
		return nil
	}
	p.loading = true
	root, st, metric := p.ctx.Project.Root, p.ctx.Store, p.primary()
	known, knownHead := p.commits, p.head
	return func() tea.Msg {
		head, err := versions.ReadHead(root)
		if err != nil {
			return historyMsg{err: err}
		}
		commits := known
		if head.Commit != knownHead || known == nil {
			if commits, err = versions.Log(root, 0, historyPage); err != nil {
				return historyMsg{err: err}
			}
		}
		hashes := make([]string, len(commits))
		for i, c := range commits {
			hashes[i] = c.Hash
		}
		runs, err := st.RunsAtCommits(context.Background(), hashes, metric)
		return historyMsg{commits: commits, runs: runs, head: head.Commit, err: err}
	}
}

func (p *Page) loadCompare() tea.Cmd {
	ids := make([]int64, 0, len(p.ctx.Marked))
	for id := range p.ctx.Marked {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	st, spec := p.ctx.Store, p.metrics()
	return func() tea.Msg {
		if len(ids) < 2 {
			return compareMsg{}
		}
		ctx := context.Background()
		c := &comparison{}
		for _, id := range ids {
			r, err := st.GetRun(ctx, id)
			if err != nil {
				continue // deleted since it was marked
			}
			c.runs = append(c.runs, r)
		}
		var err error
		if c.table, err = versions.CompareRuns(ctx, st, c.runs, versions.CompareOptions{Metrics: spec}); err != nil {
			return common.ErrorMsg{Err: fmt.Errorf("compare marked runs: %w", err)}
		}
		return compareMsg{c: c}
	}
}

// Update implements common.Page.
func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case historyMsg:
		p.loading, p.err = false, msg.err
		if msg.err == nil {
			p.commits, p.runs, p.head = msg.commits, msg.runs, msg.head
			p.cursor = max(0, min(p.cursor, len(p.commits)-1))
		}
	case compareMsg:
		p.compare = msg.c
	case common.MarksChangedMsg:
		return p, p.loadCompare()
	case common.TickMsg:
		if !p.loading {
			return p, tea.Batch(p.loadHistory(), p.loadCompare())
		}
	case diffMsg:
		p.opening = ""
		if msg.err != nil {
			return p, func() tea.Msg { return common.ErrorMsg{Err: msg.err} }
		}
		p.viewer = newViewer(msg.d)
		p.viewer.width, p.viewer.height = p.width, p.height
	case tea.KeyPressMsg:
		if p.viewer != nil {
			if !p.viewer.key(msg) {
				p.viewer = nil
			}
			return p, nil
		}
		if c, ok := p.keys.Move(msg.String(), p.cursor, len(p.commits), p.height/2); ok {
			p.cursor = c
			return p, nil
		}
		return p, p.historyKey(msg)
	}
	return p, nil
}

// historyKey opens diffs from the history: enter, m, w and c.
func (p *Page) historyKey(msg tea.KeyPressMsg) tea.Cmd {
	is := func(b key.Binding) bool { return key.Matches(msg, b) }
	root := p.ctx.Project.Root
	switch {
	case is(p.keysDiff.Mark) && p.cursor < len(p.commits):
		h := p.commits[p.cursor].Hash
		for i, m := range p.picked {
			if m == h {
				p.picked = append(p.picked[:i], p.picked[i+1:]...)
				return nil
			}
		}
		p.picked = append(p.picked, h)
		if len(p.picked) > 2 {
			p.picked = p.picked[1:]
		}
	case is(p.keysDiff.Open) && len(p.picked) == 2:
		a, b := p.olderFirst(p.picked[0], p.picked[1])
		return p.open(a[:7]+" → "+b[:7], func(ctx context.Context) (*versions.VersionDiff, error) {
			return codeOnly(versions.DiffRevs(ctx, root, a, b, versions.DiffOptions{Hunks: true}))
		})
	case is(p.keysDiff.Open) && p.cursor < len(p.commits):
		h := p.commits[p.cursor].Hash
		return p.open(h[:7], func(ctx context.Context) (*versions.VersionDiff, error) {
			return codeOnly(versions.DiffCommit(ctx, root, h, versions.DiffOptions{Hunks: true}))
		})
	case is(p.keysDiff.Worktree) && len(p.commits) > 0:
		return p.open("HEAD → WORKTREE", func(ctx context.Context) (*versions.VersionDiff, error) {
			return codeOnly(versions.DiffRevs(ctx, root, "HEAD", versions.WorktreeSpec, versions.DiffOptions{Hunks: true}))
		})
	case is(p.keysDiff.Runs):
		if p.compare == nil || len(p.compare.runs) < 2 {
			return func() tea.Msg {
				return common.ErrorMsg{Err: fmt.Errorf("mark two runs on the Runs tab (space) to diff them")}
			}
		}
		a, b := p.compare.runs[0], p.compare.runs[1]
		st, spec := p.ctx.Store, p.metrics()
		return p.open(fmt.Sprintf("run #%d → run #%d", a.ID, b.ID), func(ctx context.Context) (*versions.VersionDiff, error) {
			return versions.DiffRuns(ctx, st, a, b, versions.RunDiffOptions{Root: root, Metrics: spec,
				DiffOptions: versions.DiffOptions{Hunks: true}})
		})
	}
	return nil
}

// olderFirst orders two listed commits so the one further down the history (older) comes first.
func (p *Page) olderFirst(a, b string) (string, string) {
	for _, c := range p.commits {
		switch c.Hash {
		case a:
			return b, a // a is newer: it is listed first
		case b:
			return a, b
		}
	}
	return a, b
}

// open computes a diff in the background; the viewer opens when it arrives.
func (p *Page) open(what string, run func(ctx context.Context) (*versions.VersionDiff, error)) tea.Cmd {
	p.opening = what
	return func() tea.Msg {
		d, err := run(context.Background())
		return diffMsg{d: d, err: err}
	}
}

// codeOnly wraps a code diff as a VersionDiff with no params, metrics or data.
func codeOnly(c *versions.CodeDiff, err error) (*versions.VersionDiff, error) {
	if err != nil {
		return nil, err
	}
	return &versions.VersionDiff{From: shortLabel(c.From), To: shortLabel(c.To), Files: c.Files}, nil
}

// shortLabel shortens a full commit hash to 7 characters; other labels are kept.
func shortLabel(s string) string {
	if len(s) == 40 && strings.Trim(s, "0123456789abcdef") == "" {
		return s[:7]
	}
	return s
}

// View implements common.Page.
func (p *Page) View() string {
	st := &p.ctx.Styles
	switch {
	case !p.ctx.Project.InGit:
		return widget.Lines(st.Muted.Render(p.ctx.Project.Root+" is not in a git repository: run `git init` and commit, "+
			"and each run will record the exact code it ran."), p.width, p.height)
	case p.err != nil:
		return widget.Lines(st.Error.Render(p.err.Error()), p.width, p.height)
	case len(p.commits) == 0 && !p.loading:
		return widget.Lines(st.Muted.Render("No commits yet: commit your code and runs will be shown on their commits."), p.width, p.height)
	}
	if p.viewer != nil {
		return p.viewer.view(st)
	}
	cmpH := 0
	if p.compare != nil {
		cmpH = min(p.height/2, 4+p.compareRows())
	}
	histH := p.height - cmpH
	var b strings.Builder
	if p.opening != "" {
		histH--
		b.WriteString(st.Muted.Render("computing the diff of "+p.opening+"…") + "\n")
	}
	b.WriteString(p.historyView(histH))
	if cmpH > 0 {
		b.WriteByte('\n')
		b.WriteString(p.compareView(cmpH))
	}
	return widget.Lines(b.String(), p.width, p.height)
}

func (p *Page) historyView(h int) string {
	st := &p.ctx.Styles
	t := widget.Table{Columns: []widget.Column{
		{Title: " ", Width: 1}, {Title: "commit", Width: 7}, {Title: "when", Width: 9},
		{Title: "author", Width: 12}, {Title: "runs", Width: 4, Right: true},
		{Title: "best " + p.primary(), Width: max(9, len(p.primary())+5), Right: true},
		{Title: "message", Width: 10, Flex: true},
	}}
	t.SetWidth(p.width)
	var b strings.Builder
	b.WriteString(t.Header(st))
	rows := h - 1
	top := max(0, p.cursor-rows+1)
	now, spec := p.ctx.Now(), p.metrics()
	for i := top; i < min(len(p.commits), top+rows); i++ {
		c := p.commits[i]
		graph := "●"
		if c.Parents > 1 {
			graph = "◆"
		}
		for _, m := range p.picked {
			if m == c.Hash {
				graph = "✓"
			}
		}
		runs := p.runs[c.Hash]
		bestText, count := "", ""
		if len(runs) > 0 {
			count = fmt.Sprint(len(runs))
			if best := versions.BestAtCommit(spec, runs); !math.IsNaN(best) {
				bestText = widget.Num(best)
			}
		}
		accent := st.Accent
		good := st.Good
		b.WriteByte('\n')
		b.WriteString(t.Row(st, []widget.Cell{{Text: graph, Style: &accent}, {Text: c.Short()},
			{Text: widget.Ago(c.When, now)}, {Text: c.Author}, {Text: count, Style: &accent},
			{Text: bestText, Style: &good}, {Text: c.Subject}}, i == p.cursor))
	}
	return b.String()
}

func (p *Page) compareRows() int { return len(p.compare.table.Params) + len(p.compare.table.Metrics) }

// compareView draws the differing params and every metric (last value) of the marked runs, the
// best value of each metric in the good colour.
func (p *Page) compareView(h int) string {
	st := &p.ctx.Styles
	c := p.compare.table
	cols := []widget.Column{{Title: fmt.Sprintf("marked runs (%d)", len(c.Runs)), Width: 16, Flex: true}}
	for _, r := range c.Runs {
		cols = append(cols, widget.Column{Title: fmt.Sprintf("#%d %s", r.ID, r.Name), Width: 12, Right: true})
	}
	t := widget.Table{Columns: cols}
	t.SetWidth(p.width)
	lines := []string{st.Muted.Render(strings.Repeat("─", p.width)), t.Header(st)}
	for _, row := range c.Params {
		cells := []widget.Cell{{Text: "param " + row.Key}}
		for _, v := range row.Values {
			cell := widget.Cell{Text: "-"}
			if v != nil {
				cell.Text = *v
			}
			cells = append(cells, cell)
		}
		lines = append(lines, t.Row(st, cells, false))
	}
	good := st.Good
	for _, row := range c.Metrics {
		cells := []widget.Cell{{Text: row.Key}}
		for i, v := range row.Values {
			cell := widget.Cell{Text: "-"}
			if v != nil {
				cell.Text = widget.Num(*v)
			}
			if i == row.Best {
				cell.Style = &good
			}
			cells = append(cells, cell)
		}
		lines = append(lines, t.Row(st, cells, false))
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
}
