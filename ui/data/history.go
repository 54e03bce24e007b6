package data

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/widget"
)

// historyState is the version history of the highlighted dataset: every content version the
// store has seen (newest first) with its git commit, and the diff of two of them, computed by the
// data stage's DiffProfiles from their stored profiles (so an old version's file need not exist).
type historyState struct {
	name     string // the dataset shown
	versions []*store.DatasetVersion
	labels   map[int64]int64 // version id → labels on it
	err      error
	cursor   int
	mark     int // the version marked as the diff's baseline (A); -1 none

	diff    []string // the diff's lines, when one is open
	diffErr error
	offset  int
}

var (
	historyKey  = key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "version history"))
	markKey     = key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "mark baseline"))
	diffKey     = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "diff marked → this"))
	historyDone = key.NewBinding(key.WithKeys("esc", "H"), key.WithHelp("esc", "close"))
)

type historyMsg struct {
	name     string
	versions []*store.DatasetVersion
	labels   map[int64]int64
	err      error
}

// openHistory loads the versions of the dataset under the list's cursor.
func (p *Page) openHistory() tea.Cmd {
	if p.cursor >= len(p.entries) {
		return nil
	}
	e := p.entries[p.cursor]
	p.showHistory, p.showCorr = true, false
	p.hist = historyState{name: e.Name, mark: -1}
	if e.Summary == nil {
		p.hist.err = fmt.Errorf("no versions of %s recorded yet: press p to profile it", e.Name)
		return nil
	}
	st, id, name := p.ctx.Store, e.Summary.ID, e.Name
	return func() tea.Msg {
		ctx := context.Background()
		vs, err := st.DatasetVersions(ctx, id)
		if err != nil {
			return historyMsg{name: name, err: err}
		}
		lv, err := st.LabelledVersions(ctx, id)
		m := map[int64]int64{}
		for _, v := range lv {
			m[v.Version.ID] = v.Count
		}
		return historyMsg{name: name, versions: vs, labels: m, err: err}
	}
}

func (p *Page) onHistory(msg historyMsg) {
	h := &p.hist
	if msg.name != h.name {
		return
	}
	h.versions, h.labels, h.err = msg.versions, msg.labels, msg.err
}

// diffVersions diffs the stored profiles of versions a (baseline) and b.
func diffVersions(name string, a, b *store.DatasetVersion) ([]string, error) {
	var profs [2]*engine.Profile
	for i, v := range []*store.DatasetVersion{a, b} {
		if v.Profile == "" {
			return nil, fmt.Errorf("version %s of %s was not profiled (it was recorded by a run or by labelling): profile that content to compare it", shortID(v.ContentHash), name)
		}
		var pr engine.Profile
		if err := json.Unmarshal([]byte(v.Profile), &pr); err != nil {
			return nil, fmt.Errorf("stored profile of version %s: %w", shortID(v.ContentHash), err)
		}
		pr.Path = name + "@" + shortID(v.ContentHash)
		profs[i] = &pr
	}
	var out strings.Builder
	if err := engine.DiffProfiles(profs[0], profs[1]).Write(&out, false); err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimRight(out.String(), "\n"), "\n"), nil
}

func shortID(h string) string { return h[:min(8, len(h))] }

// historyKeyPress handles keys while the history is shown; it takes every key.
func (p *Page) historyKeyPress(msg tea.KeyPressMsg) tea.Cmd {
	h := &p.hist
	if h.diff != nil || h.diffErr != nil {
		switch {
		case key.Matches(msg, historyDone):
			h.diff, h.diffErr = nil, nil
		case key.Matches(msg, p.keys.Down):
			h.offset++
		case key.Matches(msg, p.keys.Up):
			h.offset = max(0, h.offset-1)
		case key.Matches(msg, p.keys.Top):
			h.offset = 0
		}
		return nil
	}
	switch {
	case key.Matches(msg, historyDone):
		p.showHistory = false
	case key.Matches(msg, markKey):
		if h.mark == h.cursor {
			h.mark = -1
		} else {
			h.mark = h.cursor
		}
	case key.Matches(msg, diffKey) && len(h.versions) > 0:
		a, b := h.mark, h.cursor
		if a < 0 || a == b { // nothing marked: this version against the one before it
			a, b = h.cursor+1, h.cursor
		}
		if a >= len(h.versions) {
			h.diffErr = fmt.Errorf("the oldest version has nothing before it: mark a baseline with space")
			return nil
		}
		h.offset = 0
		h.diff, h.diffErr = diffVersions(h.name, h.versions[a], h.versions[b])
	default:
		if c, ok := p.keys.Move(msg.String(), h.cursor, len(h.versions), 5); ok {
			h.cursor = c
		}
	}
	return nil
}

// historyView draws the versions (or the open diff) in hgt lines.
func (p *Page) historyView(hgt int) string {
	st := &p.ctx.Styles
	h := &p.hist
	var b strings.Builder
	title := st.Title.Render("Versions of "+h.name) + st.Muted.Render(" · space marks the baseline · enter diffs it → this · esc closes")
	if h.diff != nil || h.diffErr != nil {
		title = st.Title.Render("Diff") + st.Muted.Render(" · j/k scroll · esc back to the versions")
	}
	b.WriteString(widget.Fit(title, p.width))
	switch {
	case h.diffErr != nil:
		b.WriteByte('\n')
		b.WriteString(st.Error.Width(p.width).Render(h.diffErr.Error()))
		return b.String()
	case h.diff != nil:
		h.offset = max(0, min(h.offset, len(h.diff)-(hgt-1)))
		for _, l := range h.diff[h.offset:min(len(h.diff), h.offset+hgt-1)] {
			b.WriteByte('\n')
			if strings.Contains(l, "SHIFT") || strings.Contains(l, "shifted") {
				l = st.Warn.Render(l)
			}
			b.WriteString(widget.Fit(l, p.width))
		}
		return b.String()
	case h.err != nil:
		b.WriteByte('\n')
		b.WriteString(st.Error.Width(p.width).Render(h.err.Error()))
		return b.String()
	case h.versions == nil:
		b.WriteByte('\n')
		b.WriteString(st.Muted.Render("reading versions…"))
		return b.String()
	}
	t := widget.Table{Columns: []widget.Column{
		{Title: " ", Width: 1}, {Title: "hash", Width: 8}, {Title: "seen", Width: 16}, {Title: "commit", Width: 8},
		{Title: "rows", Width: 9, Right: true}, {Title: "cols", Width: 4, Right: true}, {Title: "size", Width: 7, Right: true},
		{Title: "profile", Width: 7}, {Title: "labels", Width: 6, Right: true, Flex: true},
	}}
	t.SetWidth(p.width)
	b.WriteByte('\n')
	b.WriteString(t.Header(st))
	rows := max(1, hgt-2)
	top := max(0, h.cursor-rows+1)
	for i := top; i < min(len(h.versions), top+rows); i++ {
		v := h.versions[i]
		mark, nrows, ncols, prof, commit := "", "-", "-", "no", "-"
		if i == h.mark {
			mark = "A"
		}
		if v.Rows >= 0 {
			nrows = groupDigits(v.Rows)
		}
		if v.Columns >= 0 {
			ncols = fmt.Sprint(v.Columns)
		}
		if v.Profile != "" {
			prof = "yes"
		}
		if v.GitCommit != "" {
			commit = shortID(v.GitCommit)
		}
		labels := ""
		if n := h.labels[v.ID]; n > 0 {
			labels = groupDigits(n)
		}
		b.WriteByte('\n')
		b.WriteString(t.Row(st, []widget.Cell{{Text: mark, Style: &st.Marked}, {Text: shortID(v.ContentHash)},
			{Text: v.Seen.Format("2006-01-02 15:04")}, {Text: commit}, {Text: nrows}, {Text: ncols},
			{Text: bytesText(v.Size)}, {Text: prof}, {Text: labels}}, i == h.cursor))
	}
	return b.String()
}
