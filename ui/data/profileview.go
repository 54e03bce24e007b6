package data

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/widget"
)

// profileState is the Data tab's profile of the selected dataset: the one stored with its newest
// version, or one being computed in the background (with progress, cancellable).
type profileState struct {
	path    string
	profile *engine.Profile
	err     error

	running  bool
	cancel   context.CancelFunc
	progress *atomic.Int64 // permille of the file read
	offset   int           // first column shown
	cursor   int           // the highlighted column (J/K), whose detail enter opens
}

type profileMsg struct {
	path    string
	profile *engine.Profile
	err     error
	stored  bool // decoded from the store rather than computed
}

// storedProfile decodes the profile stored with the entry's newest version, if any.
func storedProfile(e entry, path string) tea.Cmd {
	if e.Summary == nil || e.Summary.Latest == nil || e.Summary.Latest.Profile == "" {
		return nil
	}
	js := e.Summary.Latest.Profile
	return func() tea.Msg {
		var p engine.Profile
		if err := json.Unmarshal([]byte(js), &p); err != nil {
			return profileMsg{path: path, err: fmt.Errorf("stored profile of %s: %w", path, err), stored: true}
		}
		return profileMsg{path: path, profile: &p, stored: true}
	}
}

// startProfile profiles the selected dataset in the background and records it as a version.
func (p *Page) startProfile() tea.Cmd {
	if p.cursor >= len(p.entries) || p.prof.running {
		return nil
	}
	e := p.entries[p.cursor]
	path := p.absPath(e)
	ctx, cancel := context.WithCancel(context.Background())
	prog := new(atomic.Int64)
	p.prof = profileState{path: path, running: true, cancel: cancel, progress: prog, profile: p.prof.profile}
	st, root, inGit := p.ctx.Store, p.ctx.Project.Root, p.ctx.Project.InGit
	ds := store.Dataset{Name: e.Name, Path: e.Path, Target: e.Target}
	return func() tea.Msg {
		defer cancel()
		prof, err := engine.ProfileFile(ctx, path, engine.Options{Target: e.Target, Progress: func(done, total int64) {
			if total > 0 {
				prog.Store(min(1000, done*1000/total))
			}
		}})
		if err != nil {
			return profileMsg{path: path, err: err}
		}
		commit := ""
		if inGit {
			if h, err := versions.ReadHead(root); err == nil {
				commit = h.Commit
			}
		}
		if _, err := engine.RecordProfile(context.Background(), st, ds, path, prof, commit); err != nil {
			return profileMsg{path: path, profile: prof, err: fmt.Errorf("profile not stored: %w", err)}
		}
		return profileMsg{path: path, profile: prof}
	}
}

func (p *Page) absPath(e entry) string { return p.ctx.Project.Abs(e.Path) }

// onProfile takes a finished (or decoded) profile; a stored one never replaces a fresher one.
func (p *Page) onProfile(msg profileMsg) tea.Cmd {
	if msg.stored {
		if p.prof.running || msg.path != p.prof.path || p.prof.profile != nil {
			return nil
		}
		p.prof.profile, p.prof.err = msg.profile, msg.err
		if msg.profile != nil {
			p.showColumns = true
		}
		return nil
	}
	if msg.path != p.prof.path {
		return nil
	}
	p.prof.running = false
	p.prof.err = msg.err
	if msg.profile != nil {
		p.prof.profile = msg.profile
		p.showColumns = true
	}
	if msg.err == nil {
		return p.loadList() // the new version's counts
	}
	return nil
}

// columnsView draws one line per column of the profile in h lines: type (with violations), nulls,
// distinct, min, mean, max and the histogram.
func (p *Page) columnsView(h int) string {
	st := &p.ctx.Styles
	var b strings.Builder
	status := ""
	switch {
	case p.prof.running:
		status = fmt.Sprintf("profiling… %d%%  (esc cancels)", p.prof.progress.Load()/10)
	case p.prof.err != nil && p.prof.profile == nil:
		// Wrapped, not cut: the message names the file and line to fix.
		b.WriteString(st.Error.Width(p.width).Render(p.prof.err.Error()))
		return b.String()
	case p.prof.err != nil:
		status = st.Error.Render(p.prof.err.Error())
	case p.prof.profile == nil:
		status = st.Muted.Render("not profiled yet: press p")
	}
	pr := p.prof.profile
	if pr != nil {
		line := fmt.Sprintf("%d rows × %d columns · %s", pr.Rows, len(pr.Columns), pr.Format)
		if t := pr.Target; t != nil && len(t.Classes) > 0 {
			var cls []string
			for _, c := range t.Classes[:min(4, len(t.Classes))] {
				cls = append(cls, fmt.Sprintf("%s %d (%.0f%%)", c.Value, c.Count, 100*c.Share))
			}
			line += " · " + t.Column + ": " + strings.Join(cls, ", ")
		}
		if pr.WarningCount > 0 {
			line += fmt.Sprintf(" · %d warnings (first: %s)", pr.WarningCount, pr.Warnings[0].String())
		}
		if status != "" {
			line += " · " + status
		}
		status = line
	}
	b.WriteString(widget.Fit(status, p.width))
	if pr == nil || h < 3 {
		return b.String()
	}
	t := widget.Table{Columns: []widget.Column{
		{Title: "column", Width: 10, Flex: true}, {Title: "type", Width: 9},
		{Title: "nulls", Width: 6, Right: true}, {Title: "distinct", Width: 8, Right: true},
		{Title: "min", Width: 8, Right: true, Flex: true}, {Title: "mean", Width: 8, Right: true, Flex: true},
		{Title: "max", Width: 8, Right: true, Flex: true}, {Title: "histogram", Width: 12},
	}}
	t.SetWidth(p.width)
	b.WriteByte('\n')
	b.WriteString(t.Header(st))
	rows := h - 2
	p.prof.cursor = max(0, min(p.prof.cursor, len(pr.Columns)-1))
	p.prof.offset = max(0, min(p.prof.offset, p.prof.cursor), p.prof.cursor-rows+1)
	p.prof.offset = min(p.prof.offset, max(0, len(pr.Columns)-rows))
	for i, c := range pr.Columns[p.prof.offset:min(len(pr.Columns), p.prof.offset+rows)] {
		typ := c.Type
		if c.Violations > 0 {
			typ += fmt.Sprintf(" !%d", c.Violations)
		}
		distinct := engine.DistinctText(c.Distinct, c.DistinctApprox)
		b.WriteByte('\n')
		b.WriteString(t.Row(st, []widget.Cell{{Text: c.Name}, {Text: typ}, {Text: fmt.Sprint(c.Nulls)}, {Text: distinct},
			{Text: cellText(c.Min)}, {Text: cellText(c.Mean)}, {Text: cellText(c.Max)}, {Text: histogramBar(c, 12)}}, p.prof.offset+i == p.prof.cursor))
	}
	return b.String()
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return widget.Num(x)
	case string:
		return engine.OneLine(x)
	}
	return fmt.Sprint(v)
}

// histogramBar draws a numeric column's histogram, or a text column's top values, as blocks.
func histogramBar(c engine.Column, w int) string {
	var vals []float64
	if len(c.Histogram) > 0 {
		per := (len(c.Histogram) + w - 1) / w
		for i := 0; i < len(c.Histogram); i += per {
			var s int64
			for _, bn := range c.Histogram[i:min(len(c.Histogram), i+per)] {
				s += bn.Count
			}
			vals = append(vals, float64(s))
		}
	} else {
		for _, t := range c.Top {
			vals = append(vals, float64(t.Count))
		}
	}
	if len(vals) == 0 {
		return ""
	}
	return widget.CountBars(vals)
}
