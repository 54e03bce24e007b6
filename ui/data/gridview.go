package data

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mlwb/mlwb/ui/widget"
)

// maxCellWidth caps a column's width, so one long text column does not push the others off.
const maxCellWidth = 30

// gridView draws the row grid in h lines: the header (frozen), the rows on screen, and a footer
// with the row position, the columns shown and the index's progress.
func (p *Page) gridView(h int) string {
	st := &p.ctx.Styles
	g := &p.grid
	if g.win == nil && p.previewErr != nil {
		// Wrapped, not cut: the message names the file and line to fix.
		return st.Error.Width(p.width).Render(p.previewErr.Error())
	}
	if g.win == nil || h < 3 {
		return ""
	}
	rows := h - 2
	visible := make([][]string, 0, rows)
	for r := g.top; r < g.top+int64(rows); r++ {
		if i := r - g.win.From; i >= 0 && i < int64(len(g.win.Rows)) {
			visible = append(visible, g.win.Rows[i])
		} else {
			visible = append(visible, nil)
		}
	}
	gutter := len(groupDigits(g.top + int64(rows)))
	if t := g.total(); t >= 0 {
		gutter = len(groupDigits(max(t, 1)))
	}
	lead := []widget.Column{{Title: "#", Width: gutter, Right: true}}
	labW := 0
	if p.labelColumn() {
		labW = 5
		for _, n := range p.labelSet().Names {
			labW = max(labW, widget.Width(n))
		}
		labW = min(labW, 16)
		lead = append(lead, widget.Column{Title: "label", Width: labW})
		labW++
	}
	width := p.width - gutter - 1 - labW
	if g.alignEnd {
		g.alignEnd = false
		for g.colOff > 0 {
			g.colOff--
			if _, n := p.gridColumns(visible, width); g.colOff+n < len(g.columns) {
				g.colOff++ // one more does not fit
				break
			}
		}
	}
	cols, shown := p.gridColumns(visible, width)
	t := widget.Table{Columns: append(lead, cols...)}
	t.SetWidth(p.width)
	var b strings.Builder
	b.WriteString(t.Header(st))
	for k, rec := range visible {
		b.WriteByte('\n')
		r := g.top + int64(k)
		if rec == nil {
			b.WriteString(strings.Repeat(" ", p.width))
			continue
		}
		cells := []widget.Cell{{Text: groupDigits(r + 1), Style: &st.Muted}}
		if labW > 0 {
			cells = append(cells, widget.Cell{Text: p.lab.labels[r], Style: &st.Accent})
		}
		for c := g.colOff; c < g.colOff+shown; c++ {
			v := ""
			if c < len(rec) {
				v = shownCell(rec[c])
			}
			cells = append(cells, widget.Cell{Text: v})
		}
		b.WriteString(t.Row(st, cells, p.focusGrid && r == g.cursor))
	}
	b.WriteByte('\n')
	b.WriteString(p.gridFooter(shown))
	return b.String()
}

// gridColumns lays out the columns from colOff that fit in width: each as wide as its name and
// the values on screen (at most maxCellWidth, at least 3). It returns them and how many there are.
func (p *Page) gridColumns(visible [][]string, width int) ([]widget.Column, int) {
	g := &p.grid
	var cols []widget.Column
	used := 0
	for c := g.colOff; c < len(g.columns); c++ {
		w := widget.Width(g.columns[c])
		for _, rec := range visible {
			if c < len(rec) {
				w = max(w, widget.Width(shownCell(rec[c])))
			}
		}
		w = max(3, min(w, maxCellWidth))
		if used+1+w > width {
			if len(cols) == 0 { // one column wider than the screen: shown cut
				cols = append(cols, widget.Column{Title: g.columns[c], Width: max(1, width-1)})
			}
			break
		}
		used += 1 + w
		cols = append(cols, widget.Column{Title: g.columns[c], Width: w})
	}
	return cols, len(cols)
}

// gridFooter is the line under the grid: where the cursor is, which columns are shown, and what
// is still being worked on (or the jump bar while one is typed).
func (p *Page) gridFooter(shown int) string {
	st := &p.ctx.Styles
	g := &p.grid
	search, full := p.searchStatus()
	if full {
		return search
	}
	view, full := p.viewStatus()
	if full {
		return view
	}
	if p.lab.on && p.focusGrid {
		if search != "" { // a search while labelling: its progress or outcome first
			return widget.Fit(search, p.width)
		}
		return p.labelFooter()
	}
	if g.jumping {
		return widget.Fit(st.Accent.Render("jump to row: "+g.jump+"█")+st.Muted.Render("  (enter go · esc cancel)"), p.width)
	}
	total := "?"
	if t := g.total(); t >= 0 {
		total = groupDigits(t)
	}
	parts := []string{fmt.Sprintf("row %s of %s", groupDigits(g.cursor+1), total)}
	if g.total() == 0 {
		parts[0] = "no rows"
	}
	if n := len(g.columns); n > 0 && shown < n {
		parts = append(parts, fmt.Sprintf("columns %d–%d of %d", g.colOff+1, g.colOff+shown, n))
	}
	var status []string
	for _, s := range []string{view, search} {
		if s != "" {
			status = append(status, s)
		}
	}
	switch {
	case g.building:
		pct := int64(0)
		if g.progress != nil {
			pct = g.progress.Load() / 10
		}
		s := fmt.Sprintf("indexing %d%%", pct)
		if g.pending >= 0 {
			s += " (waiting to jump)"
		}
		status = append(status, st.Warn.Render(s))
	case g.ixErr != nil:
		status = append(status, st.Error.Render("no index: "+g.ixErr.Error()))
	case g.ix != nil && !g.ix.Indexed:
		status = append(status, st.Muted.Render("no index: "+g.ix.Unavailable))
	}
	if g.loading >= 0 {
		status = append(status, st.Muted.Render("reading rows…"))
	}
	if g.winErr != nil {
		status = append(status, st.Error.Render(g.winErr.Error()))
	}
	if !p.focusGrid {
		status = append(status, st.Muted.Render("enter browses rows"))
	}
	line := strings.Join(parts, " · ")
	if len(status) > 0 {
		line += " · " + strings.Join(status, " · ")
	}
	return widget.Fit(line, p.width)
}

// groupDigits writes n with thousands separators: 1,000,000.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
