// Package diff is the Diff tab: the git history with the runs made at each commit, a side-by-side
// of the params and metrics of the runs marked on the Runs tab, and the diff viewer that opens on
// a commit, two marked commits, the worktree, or two marked runs.
package diff

import (
	"context"
	"errors"
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

	// compare is the marked runs side by side, built with sortBy (a metric; "" keeps the marked
	// order) and allParams (params equal in every run kept too).
	compare   *comparison
	sortBy    string
	allParams bool

	keysDiff pageKeys
	picked   []string // commits marked with m (at most two), to diff against each other

	// stack holds the screens opened over the history (diffs, histories, the runs table); the
	// last is on screen.
	stack []layer
	seq   int // the last job number given to a background load

	// prompt asks for FILE:KEY, the params key whose history to show.
	prompt widget.LineInput
}

// pageKeys open diffs, histories and the runs table from the history.
type pageKeys struct {
	Open, Mark, Worktree, Runs, MarkRuns, Table, ParamHistory key.Binding
}

func defaultPageKeys() pageKeys {
	return pageKeys{
		Open:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "diff")),
		Mark:         key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mark")),
		Worktree:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "diff worktree")),
		Runs:         key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "diff runs")),
		MarkRuns:     key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "mark runs")),
		Table:        key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "runs table")),
		ParamHistory: key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "key history")),
	}
}

// diffMsg carries a computed diff to the layer waiting for job seq; focus is the file to show
// first.
type diffMsg struct {
	seq   int
	d     *versions.VersionDiff
	focus string
	err   error
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

// Capturing implements common.Page: true while the key prompt or the diff's search bar takes
// typing.
func (p *Page) Capturing() bool {
	if p.prompt.Active {
		return true
	}
	l := p.top()
	return l != nil && l.capturing()
}

// ShortHelp implements help.KeyMap.
func (p *Page) ShortHelp() []key.Binding {
	if l := p.top(); l != nil {
		return l.shortHelp()
	}
	k := p.keysDiff
	return []key.Binding{p.keys.Down, k.Open, k.Mark, k.MarkRuns, k.Table, k.ParamHistory}
}

// FullHelp implements help.KeyMap.
func (p *Page) FullHelp() [][]key.Binding {
	if l := p.top(); l != nil {
		return l.fullHelp()
	}
	k := p.keysDiff
	return [][]key.Binding{{p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown, p.keys.Top, p.keys.Bottom},
		{k.Open, k.Mark, k.Worktree, k.Runs, k.MarkRuns, k.Table, k.ParamHistory}} // two groups fit 80 columns
}

// SetSize implements common.Page.
func (p *Page) SetSize(w, h int) {
	p.width, p.height = w, h
	for _, l := range p.stack {
		l.setSize(w, h)
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
	st := p.ctx.Store
	opt := versions.CompareOptions{Metrics: p.metrics(), SortBy: p.sortBy, AllParams: p.allParams}
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
		if c.table, err = versions.CompareRuns(ctx, st, c.runs, opt); err != nil {
			return common.ErrorMsg{Err: fmt.Errorf("compare marked runs: %w", err)}
		}
		return compareMsg{c: c}
	}
}

// table is the marked runs' comparison; nil with fewer than two marked.
func (p *Page) table() *versions.Comparison {
	if p.compare == nil {
		return nil
	}
	return p.compare.table
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
		return p, p.gotDiff(msg)
	case histMsg:
		p.gotHistory(msg)
	case tea.KeyPressMsg:
		if p.prompt.Active {
			return p, p.promptKey(msg)
		}
		if l := p.top(); l != nil {
			cmd, closed := l.key(p, msg)
			if closed {
				p.pop()
			}
			return p, cmd
		}
		if c, ok := p.keys.Move(msg.String(), p.cursor, len(p.commits), p.height/2); ok {
			p.cursor = c
			return p, nil
		}
		return p, p.historyKey(msg)
	}
	return p, nil
}

// gotDiff swaps the layer waiting for the diff for a viewer on it (showing the focus file first),
// or closes it and reports why the diff failed.
func (p *Page) gotDiff(msg diffMsg) tea.Cmd {
	i := p.waitingFor(msg.seq)
	if i < 0 {
		return nil // cancelled
	}
	if l, ok := p.stack[i].(*loadingLayer); ok {
		l.done()
	}
	if msg.err != nil {
		p.stack = slices.Delete(p.stack, i, i+1)
		if errors.Is(msg.err, context.Canceled) {
			return nil
		}
		return func() tea.Msg { return common.ErrorMsg{Err: msg.err} }
	}
	v := newViewer(msg.d)
	v.setSize(p.width, p.height)
	v.focus(msg.focus)
	p.stack[i] = v
	return nil
}

// promptKey edits the FILE:KEY prompt; enter opens that key's history.
func (p *Page) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	if p.prompt.Key(msg) != widget.InputAccepted {
		return nil
	}
	file, k, ok := strings.Cut(strings.TrimSpace(p.prompt.Text), ":")
	if !ok || file == "" || k == "" {
		text := p.prompt.Text
		return func() tea.Msg {
			return common.ErrorMsg{Err: fmt.Errorf("key history: %q is not FILE:KEY, such as params.yaml:train.lr", text)}
		}
	}
	return p.openParamHistory(file, k)
}

// askParam opens the FILE:KEY prompt, filled with where the param lives: the first of
// train.params_files, else mlwb.yaml's train.params (it offered a params.yaml the project did
// not have).
func (p *Page) askParam(key string) {
	text := "mlwb.yaml:train.params." + key
	if f := paramsFile(p.ctx.Project.Config); f != "" {
		text = f + ":" + key
	}
	p.prompt = widget.LineInput{Active: true, Text: text}
}

// historyKey acts on the history's own keys.
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
		return p.open(a[:7]+" → "+b[:7], "", func(ctx context.Context) (*versions.VersionDiff, error) {
			return codeOnly(versions.DiffRevs(ctx, root, a, b, versions.DiffOptions{Hunks: true}))
		})
	case is(p.keysDiff.Open) && p.cursor < len(p.commits):
		return p.openChange("", p.commits[p.cursor].Hash, "")
	case is(p.keysDiff.Worktree) && len(p.commits) > 0:
		return p.open("HEAD → WORKTREE", "", func(ctx context.Context) (*versions.VersionDiff, error) {
			return codeOnly(versions.DiffRevs(ctx, root, "HEAD", versions.WorktreeSpec, versions.DiffOptions{Hunks: true}))
		})
	case is(p.keysDiff.Runs):
		return p.diffMarkedRuns()
	case is(p.keysDiff.MarkRuns) && p.cursor < len(p.commits):
		return p.markCommitRuns(p.commits[p.cursor].Hash)
	case is(p.keysDiff.Table):
		p.push(newRunsTable(p))
	case is(p.keysDiff.ParamHistory):
		k := ""
		if c := p.table(); c != nil && len(c.Params) > 0 {
			k = c.Params[0].Key
		}
		p.askParam(k)
	}
	return nil
}

// markCommitRuns marks the runs made at a commit (its run badge) for the table, Diff and Live;
// when all are marked already it unmarks them.
func (p *Page) markCommitRuns(hash string) tea.Cmd {
	runs := p.runs[hash]
	if len(runs) == 0 {
		return func() tea.Msg { return common.ErrorMsg{Err: fmt.Errorf("no runs were made at %s", shortLabel(hash))} }
	}
	all := true
	for _, r := range runs {
		all = all && p.ctx.Marked[r.ID]
	}
	for _, r := range runs {
		if all {
			delete(p.ctx.Marked, r.ID)
		} else {
			p.ctx.Marked[r.ID] = true
		}
	}
	return func() tea.Msg { return common.MarksChangedMsg{} }
}

// diffMarkedRuns diffs the first two runs of the marked runs' table (in its order: best first
// when sorted).
func (p *Page) diffMarkedRuns() tea.Cmd {
	c := p.table()
	if c == nil || len(c.Runs) < 2 {
		return func() tea.Msg {
			return common.ErrorMsg{Err: fmt.Errorf("mark two runs (space on the Runs tab, or on a commit here) to diff them")}
		}
	}
	byID := map[int64]*store.Run{}
	for _, r := range p.compare.runs {
		byID[r.ID] = r
	}
	a, b := byID[c.Runs[0].ID], byID[c.Runs[1].ID]
	root, st, spec := p.ctx.Project.Root, p.ctx.Store, p.metrics()
	return p.open(fmt.Sprintf("run #%d → run #%d", a.ID, b.ID), "", func(ctx context.Context) (*versions.VersionDiff, error) {
		return versions.DiffRuns(ctx, st, a, b, versions.RunDiffOptions{Root: root, Metrics: spec,
			DiffOptions: versions.DiffOptions{Hunks: true}})
	})
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

// open computes a diff in the background behind a "computing" layer (esc cancels it); the viewer
// replaces that layer when the diff arrives, showing the file focus first.
func (p *Page) open(what, focus string, run func(ctx context.Context) (*versions.VersionDiff, error)) tea.Cmd {
	j, ctx := p.newJob()
	p.push(newLoadingLayer(j, what))
	return func() tea.Msg {
		d, err := run(ctx)
		return diffMsg{seq: j.seq, d: d, focus: focus, err: err}
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
	var out string
	switch {
	case !p.ctx.Project.InGit:
		return widget.Lines(st.Muted.Render(p.ctx.Project.Root+" is not in a git repository: run `git init` and commit, "+
			"and each run will record the exact code it ran."), p.width, p.height)
	case p.err != nil:
		return widget.Lines(st.Error.Render(p.err.Error()), p.width, p.height)
	case p.top() != nil:
		out = p.top().view(st)
	case len(p.commits) == 0 && !p.loading:
		out = widget.Lines(st.Muted.Render("No commits yet: commit your code and runs will be shown on their commits."), p.width, p.height)
	default:
		out = p.historyScreen()
	}
	if p.prompt.Active && p.height > 0 {
		lines := strings.Split(out, "\n")
		lines[len(lines)-1] = st.Accent.Render("history of FILE:KEY (ctrl+u clears) ") + p.prompt.View("", max(0, p.width-36))
		out = widget.Lines(strings.Join(lines, "\n"), p.width, p.height)
	}
	return out
}

// historyScreen is the commit list with the marked runs below it.
func (p *Page) historyScreen() string {
	cmpH := 0
	if c := p.table(); c != nil {
		// Half the page, or all that the commits leave free when there are few.
		room := max(p.height/2, p.height-1-len(p.commits))
		cmpH = min(room, 4+len(c.Params)+len(c.Metrics))
	}
	var b strings.Builder
	b.WriteString(p.historyView(p.height - cmpH))
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
		{Title: "author", Width: 12}, {Title: "runs", Width: 5, Right: true},
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
		bestText := ""
		if best := versions.BestAtCommit(spec, runs); !math.IsNaN(best) {
			bestText = widget.Num(best)
		}
		accent := st.Accent
		good := st.Good
		b.WriteByte('\n')
		b.WriteString(t.Row(st, []widget.Cell{{Text: graph, Style: &accent}, {Text: c.Short()},
			{Text: widget.Ago(c.When, now)}, {Text: c.Author}, {Text: p.runBadge(runs), Style: &accent},
			{Text: bestText, Style: &good}, {Text: c.Subject}}, i == p.cursor))
	}
	return b.String()
}

// runBadge is a commit's run count, with a ✓ when its runs are marked: "✓3", or "✓1/3" when some
// are.
func (p *Page) runBadge(runs []store.CommitRun) string {
	if len(runs) == 0 {
		return ""
	}
	marked := 0
	for _, r := range runs {
		if p.ctx.Marked[r.ID] {
			marked++
		}
	}
	switch marked {
	case 0:
		return fmt.Sprint(len(runs))
	case len(runs):
		return fmt.Sprintf("✓%d", len(runs))
	}
	return fmt.Sprintf("✓%d/%d", marked, len(runs))
}

// compareView draws the marked runs' params and metrics below the history, as many rows as fit,
// with a line saying how to see the rest.
func (p *Page) compareView(h int) string {
	st := &p.ctx.Styles
	c := p.table()
	_, shown, rows := compareLines(st, c, p.sortBy, p.width, 0, -1)
	title := fmt.Sprintf("marked runs (%d)", len(c.Runs))
	if p.sortBy != "" {
		title += " by " + p.sortBy
	}
	note := "  t: the whole table, sort, all params"
	if hidden := len(c.Runs) - shown; hidden > 0 {
		note = fmt.Sprintf("  %d more runs: t shows them", hidden)
	}
	lines := []string{st.Muted.Render(strings.Repeat("─", p.width)),
		widget.Fit(st.Title.Render(title)+st.Muted.Render(note), p.width), rows[0], rows[1]}
	body := rows[2:]
	if room := h - len(lines); len(body) > room {
		body = body[:max(0, room-1)]
		lines = append(lines, body...)
		lines = append(lines, st.Muted.Render(fmt.Sprintf("… %d more rows: t shows the whole table", len(rows)-2-len(body))))
	} else {
		lines = append(lines, body...)
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
}
