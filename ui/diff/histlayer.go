package diff

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// historyLimit is how many changes a file's or a key's history lists.
const historyLimit = 500

// histLayer lists, newest first, the commits that changed one file, or the values one params key
// took, each with the runs made on it; enter diffs a row's change.
type histLayer struct {
	job
	file  string // the file; for a key, the params file
	param string // the dotted key; "" for a file's history
	rows  []histRow
	err   error

	cursor        int
	list          common.ListKeys
	open, close   key.Binding
	width, height int
	primary       string           // the primary metric, whose best is shown
	now           func() time.Time // the clock dates are shown against
}

// histRow is one change: the commit, a key's value from it on (and before it), and the runs made
// on it: at the commit for a file, at every commit that held the value for a key.
type histRow struct {
	commit     versions.Commit
	value, old string
	present    bool
	// from is the commit to diff against: the previous value's commit; "" diffs the commit
	// against its parent.
	from string
	runs int
	best float64 // NaN when no run has the primary metric
}

// histMsg carries a loaded history to the layer waiting for job seq.
type histMsg struct {
	seq  int
	rows []histRow
	err  error
}

func newHistLayer(j job, file, param, primary string, now func() time.Time) *histLayer {
	return &histLayer{job: j, file: file, param: param, primary: primary, now: now, list: common.DefaultListKeys(),
		open:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "diff this change")),
		close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))}
}

func (l *histLayer) setSize(w, h int) { l.width, l.height = w, h }
func (l *histLayer) capturing() bool  { return false }
func (l *histLayer) shortHelp() []key.Binding {
	return []key.Binding{l.list.Down, l.open, l.close}
}
func (l *histLayer) fullHelp() [][]key.Binding {
	k := l.list
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {l.open, l.close}}
}

// title names what the history is of.
func (l *histLayer) title() string {
	if l.param != "" {
		return l.file + ":" + l.param
	}
	return l.file
}

func (l *histLayer) key(p *Page, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if key.Matches(msg, l.close) {
		return nil, true
	}
	if l.waiting() != nil {
		return nil, false
	}
	if c, ok := l.list.Move(msg.String(), l.cursor, len(l.rows), l.height/2); ok {
		l.cursor = c
		return nil, false
	}
	if key.Matches(msg, l.open) && l.cursor < len(l.rows) {
		r := l.rows[l.cursor]
		return p.openChange(r.from, r.commit.Hash, l.file), false
	}
	return nil, false
}

func (l *histLayer) view(st *themes.Styles) string {
	w, h := l.width, l.height
	what := "history of " + l.title()
	if l.param != "" {
		what = "values of " + l.title() + " over the commits"
	}
	head := st.Title.Render(what)
	switch {
	case l.waiting() != nil:
		return widget.Lines(head+"\n"+st.Muted.Render("loading… (esc cancels)"), w, h)
	case l.err != nil:
		return widget.Lines(head+"\n"+st.Error.Render(l.err.Error()), w, h)
	case len(l.rows) == 0 && l.param != "":
		return widget.Lines(head+"\n"+st.Muted.Render(fmt.Sprintf("no commit on this branch sets %s in %s", l.param, l.file)), w, h)
	case len(l.rows) == 0:
		return widget.Lines(head+"\n"+st.Muted.Render("no commit on this branch changed "+l.file), w, h)
	}
	primary, now := l.primary, l.now()
	head += st.Muted.Render(fmt.Sprintf("  %d changes  esc back", len(l.rows)))
	cols := []widget.Column{{Title: "commit", Width: 7}, {Title: "when", Width: 9}, {Title: "author", Width: 12}}
	if l.param != "" {
		valueW := 5
		for i, r := range l.rows {
			valueW = max(valueW, len([]rune(r.change(i == len(l.rows)-1))))
		}
		cols = append(cols, widget.Column{Title: "value", Width: min(valueW, max(10, w/4))})
	}
	cols = append(cols, widget.Column{Title: "runs", Width: 4, Right: true},
		widget.Column{Title: "best " + primary, Width: max(9, len(primary)+5), Right: true},
		widget.Column{Title: "message", Width: 10, Flex: true})
	t := widget.Table{Columns: cols}
	t.SetWidth(w)
	lines := []string{head, t.Header(st)}
	body := h - len(lines)
	top := max(0, l.cursor-body+1)
	good, accent := st.Good, st.Accent
	for i := top; i < min(len(l.rows), top+body); i++ {
		r := l.rows[i]
		cells := []widget.Cell{{Text: r.commit.Short()}, {Text: widget.Ago(r.commit.When, now)}, {Text: r.commit.Author}}
		if l.param != "" {
			cells = append(cells, widget.Cell{Text: r.change(i == len(l.rows)-1), Style: &accent})
		}
		runs, best := "", ""
		if r.runs > 0 {
			runs = fmt.Sprint(r.runs)
		}
		if !math.IsNaN(r.best) {
			best = widget.Num(r.best)
		}
		cells = append(cells, widget.Cell{Text: runs}, widget.Cell{Text: best, Style: &good}, widget.Cell{Text: r.commit.Subject})
		lines = append(lines, t.Row(st, cells, i == l.cursor))
	}
	return widget.Lines(strings.Join(lines, "\n"), w, h)
}

// change is a key's change as "old → new"; the oldest row shows only the value it was set to.
func (r histRow) change(oldest bool) string {
	v := r.value
	if !r.present {
		v = "(removed)"
	}
	if oldest && r.old == "" {
		return v
	}
	return r.old + " → " + v
}

// openFileHistory shows the commits that changed path, loaded in the background.
func (p *Page) openFileHistory(path string) tea.Cmd {
	j, ctx := p.newJob()
	l := newHistLayer(j, path, "", p.primary(), p.ctx.Now)
	p.push(l)
	root, st, spec := p.ctx.Project.Root, p.ctx.Store, p.metrics()
	return func() tea.Msg {
		commits, err := versions.FileLogContext(ctx, root, path, historyLimit)
		if err != nil {
			return histMsg{seq: j.seq, err: err}
		}
		hashes := make([]string, len(commits))
		for i, c := range commits {
			hashes[i] = c.Hash
		}
		runs, err := runsAt(ctx, st, hashes, spec.Primary)
		rows := make([]histRow, len(commits))
		for i, c := range commits {
			rows[i] = histRow{commit: c, runs: len(runs[c.Hash]), best: versions.BestAtCommit(spec, runs[c.Hash])}
		}
		return histMsg{seq: j.seq, rows: rows, err: err}
	}
}

// openParamHistory shows the values a params key took over the commits, loaded in the background.
func (p *Page) openParamHistory(file, param string) tea.Cmd {
	j, ctx := p.newJob()
	l := newHistLayer(j, file, param, p.primary(), p.ctx.Now)
	p.push(l)
	root, st, spec := p.ctx.Project.Root, p.ctx.Store, p.metrics()
	return func() tea.Msg {
		hist, err := versions.ParamHistoryContext(ctx, root, file, param, historyLimit)
		if err != nil {
			return histMsg{seq: j.seq, err: err}
		}
		var hashes []string
		for _, h := range hist {
			hashes = append(hashes, h.Commits...)
		}
		runs, err := runsAt(ctx, st, hashes, spec.Primary)
		if err != nil {
			return histMsg{seq: j.seq, err: err}
		}
		var ids []int64
		for _, rs := range runs {
			for _, r := range rs {
				ids = append(ids, r.ID)
			}
		}
		params, err := paramsOf(ctx, st, ids)
		rows := make([]histRow, len(hist))
		for i, h := range hist {
			r := histRow{commit: h.Commit, value: h.Value, old: h.Old, present: h.Present}
			if i+1 < len(hist) {
				r.from = hist[i+1].Commit.Hash
			}
			var on []store.CommitRun
			for _, c := range h.Commits {
				for _, run := range runs[c] {
					if ranWith(params[run.ID], param, h) {
						on = append(on, run)
					}
				}
			}
			r.runs, r.best = len(on), versions.BestAtCommit(spec, on)
			rows[i] = r
		}
		return histMsg{seq: j.seq, rows: rows, err: err}
	}
}

// ranWith reports whether a run made while the file held h ran with h's value: a run that
// overrode the key (-p lr=0.3) ran with its own value and is not on h's. A run that did not
// record the key (made before params_files named the file) is taken at the file's word. Values
// compare as numbers where both are (the file's "0.10" is the run's "0.1").
func ranWith(params map[string]string, key string, h versions.ParamVersion) bool {
	v, ok := params[key]
	switch {
	case !ok:
		return true
	case !h.Present:
		return false
	}
	if a, err := strconv.ParseFloat(v, 64); err == nil {
		if b, err := strconv.ParseFloat(h.Value, 64); err == nil {
			return a == b
		}
	}
	return v == h.Value
}

// paramsOf is store.Params in slices (see runsAt).
func paramsOf(ctx context.Context, st *store.Store, ids []int64) (map[int64]map[string]string, error) {
	out := map[int64]map[string]string{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		part, err := st.Params(ctx, ids[:n])
		if err != nil {
			return nil, err
		}
		for k, v := range part {
			out[k] = v
		}
		ids = ids[n:]
	}
	return out, nil
}

// runsAt is store.RunsAtCommits in slices, so a key that held its value over thousands of commits
// stays under SQLite's limit on bound parameters.
func runsAt(ctx context.Context, st *store.Store, hashes []string, metric string) (map[string][]store.CommitRun, error) {
	out := map[string][]store.CommitRun{}
	for len(hashes) > 0 {
		n := min(len(hashes), 500)
		part, err := st.RunsAtCommits(ctx, hashes[:n], metric)
		if err != nil {
			return nil, err
		}
		for k, v := range part {
			out[k] = v
		}
		hashes = hashes[n:]
	}
	return out, nil
}

// gotHistory fills the history layer waiting for the message's job.
func (p *Page) gotHistory(msg histMsg) {
	i := p.waitingFor(msg.seq)
	if i < 0 {
		return // cancelled
	}
	l := p.stack[i].(*histLayer)
	l.done()
	if errors.Is(msg.err, context.Canceled) {
		return
	}
	l.rows, l.err = msg.rows, msg.err
}

// openChange diffs from → to (from "" diffs to against its parent), showing path first.
func (p *Page) openChange(from, to, path string) tea.Cmd {
	root := p.ctx.Project.Root
	if from == "" {
		return p.open(shortLabel(to), path, func(ctx context.Context) (*versions.VersionDiff, error) {
			return codeOnly(versions.DiffCommit(ctx, root, to, versions.DiffOptions{Hunks: true}))
		})
	}
	return p.open(shortLabel(from)+" → "+shortLabel(to), path, func(ctx context.Context) (*versions.VersionDiff, error) {
		return codeOnly(versions.DiffRevs(ctx, root, from, to, versions.DiffOptions{Hunks: true}))
	})
}

// paramsFile is the params file a key history defaults to: the first of train.params_files;
// "" when there are none.
func paramsFile(cfg *project.Config) string {
	if cfg != nil && len(cfg.Train.ParamsFiles) > 0 {
		return cfg.Train.ParamsFiles[0]
	}
	return ""
}
