package data

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/widget"
)

// labelState is the grid's labelling mode: the labels of the shown file's version (opened when
// the mode is first entered), the keys 1–9 assign the label set's n-th label to the cursor's row.
type labelState struct {
	on       bool
	opening  bool
	path     string // the file whose labels these are
	lb       *engine.Labeller
	labels   map[int64]string
	progress *engine.LabelProgress
	note     string // labels that belong to an earlier version of the file
	err      error
}

var (
	labelModeKey = key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "label rows"))
	labelKeys    = key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "label & down"))
	labelClear   = key.NewBinding(key.WithKeys("0", "x"), key.WithHelp("0/x", "clear label"))
	labelUndo    = key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo"))
	labelDone    = key.NewBinding(key.WithKeys("esc", "L"), key.WithHelp("esc", "stop labelling"))
)

type (
	labelsOpenMsg struct {
		path     string
		lb       *engine.Labeller
		labels   map[int64]string
		progress *engine.LabelProgress
		note     string
		err      error
	}
	labelEditMsg struct {
		path     string
		edits    []store.LabelEdit // the rows as they are now (Label "" for none)
		progress *engine.LabelProgress
		undo     bool
		none     bool // undo found nothing to undo
		err      error
	}
)

// labelSet is the project's label set from mlwb.yaml.
func (p *Page) labelSet() engine.LabelSet {
	pr := p.ctx.Project
	if pr == nil || pr.Config == nil {
		return engine.LabelSet{}
	}
	return engine.LabelSet{Names: pr.Config.Labels, ConfigPath: pr.ConfigPath, Line: pr.Config.LabelsLine}
}

// toggleLabelling turns labelling mode on (opening the file version's labels the first time) or off.
func (p *Page) toggleLabelling() tea.Cmd {
	l := &p.lab
	if l.on {
		l.on = false
		return nil
	}
	if p.view.file != "" {
		p.view.err = fmt.Errorf("labels go on the dataset's own rows: esc back to the whole file first")
		return nil
	}
	l.on, l.err = true, nil
	if l.path == p.grid.path && (l.lb != nil || l.opening) {
		return nil
	}
	*l = labelState{on: true, opening: true, path: p.grid.path}
	e := p.entries[p.cursor]
	ds := store.Dataset{Name: e.Name, Path: e.Path, Target: e.Target}
	st, set, path := p.ctx.Store, p.labelSet(), p.grid.path
	root, inGit := p.ctx.Project.Root, p.ctx.Project.InGit
	return func() tea.Msg {
		ctx := context.Background()
		commit := ""
		if inGit {
			if h, err := versions.ReadHead(root); err == nil {
				commit = h.Commit
			}
		}
		lb, err := engine.OpenLabels(ctx, st, ds, path, set, commit)
		if err != nil {
			return labelsOpenMsg{path: path, err: err}
		}
		all, err := lb.All(ctx)
		if err != nil {
			return labelsOpenMsg{path: path, err: err}
		}
		m := make(map[int64]string, len(all))
		for r, x := range all {
			m[r] = x.Label
		}
		others, err := lb.Elsewhere(ctx)
		if err != nil {
			return labelsOpenMsg{path: path, err: err}
		}
		return labelsOpenMsg{path: path, lb: lb, labels: m, note: engine.StaleNote(others)}
	}
}

func (p *Page) onLabelsOpen(msg labelsOpenMsg) tea.Cmd {
	l := &p.lab
	if msg.path != l.path {
		return nil
	}
	l.opening = false
	l.lb, l.labels, l.note, l.err = msg.lb, msg.labels, msg.note, msg.err
	if l.lb == nil {
		return nil
	}
	return p.labelProgress()
}

// labelProgress recounts the classes (once the index says how many rows there are).
func (p *Page) labelProgress() tea.Cmd {
	lb, path, total := p.lab.lb, p.lab.path, p.grid.total()
	if lb == nil {
		return nil
	}
	return func() tea.Msg {
		pr, err := lb.Progress(context.Background(), total)
		return labelEditMsg{path: path, progress: pr, err: err}
	}
}

// labelKey handles a key in labelling mode; ok is false for keys it leaves to the grid (movement).
func (p *Page) labelKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	l, g := &p.lab, &p.grid
	switch {
	case key.Matches(msg, labelDone):
		l.on = false
		return nil, true
	case key.Matches(msg, labelKeys), key.Matches(msg, labelClear):
		label := ""
		if n := int(msg.String()[0] - '0'); n >= 1 && n <= 9 {
			set := p.labelSet()
			if n > len(set.Names) {
				l.err = fmt.Errorf("key %d: mlwb.yaml declares %d labels", n, len(set.Names))
				return nil, true
			}
			label = set.Names[n-1]
		}
		if l.lb == nil || g.ix == nil {
			l.err = fmt.Errorf("wait: the row index and the labels are still being read")
			return nil, true
		}
		l.err = nil
		lb, ix, row, path, total := l.lb, g.ix, g.cursor, l.path, g.total()
		set := func() tea.Msg {
			ctx := context.Background()
			if err := lb.SetRow(ctx, ix, row, label); err != nil {
				return labelEditMsg{path: path, err: err}
			}
			pr, err := lb.Progress(ctx, total)
			return labelEditMsg{path: path, edits: []store.LabelEdit{{Row: row, Label: label}}, progress: pr, err: err}
		}
		if label == "" {
			return set, true
		}
		return tea.Batch(set, p.moveTo(g.cursor+1)), true
	case key.Matches(msg, labelUndo):
		if l.lb == nil {
			return nil, true
		}
		lb, path, total := l.lb, l.path, g.total()
		return func() tea.Msg {
			ctx := context.Background()
			restored, ok, err := lb.Undo(ctx)
			if err != nil || !ok {
				return labelEditMsg{path: path, err: err, undo: true, none: !ok}
			}
			pr, err := lb.Progress(ctx, total)
			return labelEditMsg{path: path, edits: restored, progress: pr, err: err, undo: true}
		}, true
	}
	return nil, false
}

func (p *Page) onLabelEdit(msg labelEditMsg) tea.Cmd {
	l := &p.lab
	if msg.path != l.path || l.labels == nil {
		return nil
	}
	l.err = msg.err
	if msg.none {
		l.err = fmt.Errorf("nothing to undo")
	}
	for _, e := range msg.edits {
		if e.Label == "" {
			delete(l.labels, e.Row)
		} else {
			l.labels[e.Row] = e.Label
		}
	}
	if msg.progress != nil {
		l.progress = msg.progress
	}
	if msg.undo && len(msg.edits) > 0 {
		return p.moveTo(msg.edits[len(msg.edits)-1].Row) // back to the row whose label came back
	}
	return nil
}

// labelColumn reports whether the grid shows the label column: once the labels of its file are open.
func (p *Page) labelColumn() bool { return p.lab.labels != nil && p.lab.path == p.grid.path }

// labelFooter is the footer in labelling mode: each key with its class and count, labelled/total,
// and what went wrong last.
func (p *Page) labelFooter() string {
	st := &p.ctx.Styles
	l := &p.lab
	var parts []string
	switch {
	case l.opening:
		parts = append(parts, st.Muted.Render("opening labels…"))
	case len(p.labelSet().Names) == 0:
		parts = append(parts, st.Warn.Render("no labels: declare a list under labels: in mlwb.yaml"))
	default:
		counts := map[string]int64{}
		var done int64
		if l.progress != nil {
			for _, c := range l.progress.Classes {
				counts[c.Label] = c.Count
			}
			done = l.progress.Labelled
		}
		for i, n := range p.labelSet().Names[:min(9, len(p.labelSet().Names))] {
			parts = append(parts, st.Accent.Render(fmt.Sprint(i+1))+" "+n+" "+groupDigits(counts[n]))
		}
		total := "?"
		if t := p.grid.total(); t >= 0 {
			total = groupDigits(t)
		}
		parts = append(parts, fmt.Sprintf("%s/%s labelled", groupDigits(done), total))
	}
	if l.err != nil {
		parts = append(parts, st.Error.Render(l.err.Error()))
	} else if l.note != "" {
		parts = append(parts, st.Warn.Render(l.note))
	}
	parts = append(parts, st.Muted.Render("u undo · 0 clear · esc done"))
	return widget.Fit(st.Bold.Render("LABEL ")+strings.Join(parts, " · "), p.width)
}
