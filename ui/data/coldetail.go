package data

import (
	"fmt"
	"math"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/ui/widget"
)

// detailState is the column detail opened by enter in the columns view: VisiData's frequency
// table, read from the profile already computed (stored with the version or just made), so
// opening it costs nothing whatever the file's size. The cursor moves over the histogram's bins,
// the top values and the nulls; enter filters the grid to the one highlighted.
type detailState struct {
	open   bool
	name   string // the column shown (looked up by name: a new profile may reorder columns)
	cursor int    // the highlighted item
	top    int    // the first list line on screen

	back   bool  // the grid shows a filter made here: esc comes back to the detail
	expect int64 // rows the profile counts for that filter, to check the filter's count against
	expr   string
	what   string // the item as the footer names it: "in [0, 16)", "= AA", "is null"
	note   string // what the check found, when the counts differ
	err    error

	// items are the list of the column and rows window they were made from: the view asks each
	// frame, and a datetime column's expressions read the rows in memory to spell their dates.
	items    []detailItem
	itemsCol *engine.Column
	itemsWin *engine.RowWindow
}

var (
	colDetailKey  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "column detail"))
	detailFilter  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "filter rows to it"))
	detailClose   = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close"))
	detailBackKey = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the column"))
)

// detailItem is one line the cursor can stand on: a histogram bin, a top value, or the nulls.
type detailItem struct {
	bin   bool
	null  bool
	label string
	count int64
	share float64 // of the column's non-null values (of the rows, for the nulls)
	expr  string  // the filter keeping exactly these rows; "" when none can be written
}

// detailColumn is the profile's column the detail shows, or nil.
func (p *Page) detailColumn() *engine.Column {
	pr := p.prof.profile
	if pr == nil {
		return nil
	}
	for i := range pr.Columns {
		if pr.Columns[i].Name == p.detail.name {
			return &pr.Columns[i]
		}
	}
	return nil
}

// openDetail opens the detail of the column under the columns view's cursor.
func (p *Page) openDetail() {
	pr := p.prof.profile
	if pr == nil || len(pr.Columns) == 0 {
		return
	}
	c := max(0, min(p.prof.cursor, len(pr.Columns)-1))
	p.detail = detailState{open: true, name: pr.Columns[c].Name}
}

// detailItems lists the bins (edges in the column's own terms), then the top values, then the
// nulls, each with the expression that keeps exactly its rows.
func (p *Page) detailItems(c *engine.Column) []detailItem {
	d := &p.detail
	if d.itemsCol != c || d.itemsWin != p.grid.win || d.items == nil {
		d.items, d.itemsCol, d.itemsWin = p.makeDetailItems(c), c, p.grid.win
	}
	return d.items
}

// makeDetailItems is detailItems made anew.
func (p *Page) makeDetailItems(c *engine.Column) []detailItem {
	var out []detailItem
	sample := ""
	if c.Type == "datetime" { // only datetimes are spelled from a value in the rows
		sample = p.sampleValue(c.Name)
	}
	day := true // datetime bins on whole days are written as dates
	for _, b := range c.Histogram {
		day = day && math.Mod(b.Lo, 86400) == 0 && math.Mod(b.Hi, 86400) == 0
	}
	for i, b := range c.Histogram {
		last := i == len(c.Histogram)-1
		closing := ")"
		if last {
			closing = "]"
		}
		lo, hi := edgeText(b.Lo), edgeText(b.Hi)
		if c.Type == "datetime" {
			lo, hi = dateText(b.Lo, day), dateText(b.Hi, day)
		}
		out = append(out, detailItem{bin: true, label: "[" + lo + ", " + hi + closing, count: b.Count,
			share: ratio(b.Count, c.Count), expr: binExpr(c.Name, c.Type, b.Lo, b.Hi, last, sample)})
	}
	for _, t := range c.Top {
		var e string
		if c.Type == "datetime" {
			e, _ = dateValueExpr(c.Name, t.Value, sample)
		} else {
			e, _ = valueExpr(c.Name, t.Value)
		}
		out = append(out, detailItem{label: cellText(t.Value), count: t.Count, share: t.Share, expr: e})
	}
	if c.Nulls > 0 {
		rows := c.Nulls + c.Count + c.Violations
		if pr := p.prof.profile; pr != nil && pr.Rows > 0 {
			rows = pr.Rows
		}
		out = append(out, detailItem{null: true, label: "(null)", count: c.Nulls, share: ratio(c.Nulls, rows), expr: nullExpr(c.Name)})
	}
	return out
}

func ratio(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// edgeText is a bin edge exactly when that is short (the edges are sums of powers of two), else
// to six significant digits.
func edgeText(v float64) string {
	if s := exprNumber(v); len(s) <= 10 {
		return s
	}
	return fmt.Sprintf("%.6g", v)
}

// dateText is a datetime bin edge (Unix seconds): a date when every edge is a whole day.
func dateText(sec float64, day bool) string {
	t := time.Unix(int64(math.Floor(sec)), 0).UTC()
	if day {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

// sampleValue is a value of the column from the rows in memory, to shape datetime edges like the
// file's own (a date alone, or a date and a time separated by T or a space, Z or not). Every
// value there must share that shape, else "" (no expression): a column mixing spellings does not
// sort as its instants (a space sorts before T, a date alone before its own noon).
func (p *Page) sampleValue(name string) string {
	g := &p.grid
	if g.win == nil {
		return ""
	}
	ci := -1
	for i, n := range g.win.Columns {
		if n == name {
			ci = i
		}
	}
	if ci < 0 {
		return ""
	}
	first := ""
	var shape isoShape
	for _, r := range g.win.Rows {
		if ci >= len(r) || engine.IsNull([]byte(r[ci])) {
			continue
		}
		v := string(engine.TrimValue([]byte(r[ci])))
		sh, ok := shapeOf(v)
		switch {
		case !ok:
			return ""
		case first == "":
			first, shape = v, sh
		case sh != shape:
			return ""
		}
	}
	return first
}

// detailKeyPress handles keys while the detail is open; it takes every key.
func (p *Page) detailKeyPress(msg tea.KeyPressMsg) tea.Cmd {
	d := &p.detail
	c := p.detailColumn()
	if c == nil {
		d.open = false
		return nil
	}
	items := p.detailItems(c)
	d.err = nil
	switch {
	case key.Matches(msg, detailClose):
		d.open = false
	case key.Matches(msg, detailFilter) && d.cursor < len(items):
		it := items[d.cursor]
		if it.expr == "" {
			d.err = fmt.Errorf("no filter expression can name %s (an infinite number, text not UTF-8 or shortened by the profile, or dates not spelled as ISO 2024-01-02[T15:04:05[Z]] in the file)", it.label)
			return nil
		}
		return p.filterFromDetail(it)
	default:
		if n, ok := p.keys.Move(msg.String(), d.cursor, len(items), 5); ok {
			d.cursor = n
		}
	}
	return nil
}

// filterFromDetail filters the dataset's own file (the one the profile describes, whatever view
// the grid was on) to the item's rows and browses the result; esc there comes back here.
func (p *Page) filterFromDetail(it detailItem) tea.Cmd {
	base := p.prof.path
	var cmds []tea.Cmd
	if p.grid.path != base {
		p.dropView("")
		cmds = append(cmds, p.resetGrid(base), p.headCmd(base))
	}
	p.view.steps = nil
	cmds = append(cmds, p.startView("filter", it.expr))
	p.detail.back, p.detail.expect, p.detail.expr, p.detail.note = true, it.count, it.expr, ""
	switch {
	case it.bin:
		p.detail.what = "in " + it.label
	case it.null:
		p.detail.what = "is null"
	default:
		p.detail.what = "= " + it.label
	}
	p.focusGrid, p.showColumns = true, false
	return tea.Batch(cmds...)
}

// headCmd reads the first rows of path for the grid.
func (p *Page) headCmd(path string) tea.Cmd {
	p.previewFor, p.previewErr = path, nil
	return func() tea.Msg {
		rows, err := readHead(path, previewRows+1)
		return previewMsg{path: path, rows: rows, err: err}
	}
}

// backToDetail leaves the filtered view for the dataset's file and shows the detail again.
func (p *Page) backToDetail() tea.Cmd {
	p.detail.back = false
	base := p.prof.path
	p.focusGrid, p.showColumns = false, true
	p.dropView("")
	if p.grid.path == base {
		return nil
	}
	return tea.Batch(p.resetGrid(base), p.headCmd(base))
}

// detailCheck is the footer's note on a filter made from the detail: whether the rows it kept
// are as many as the profile counted.
func (p *Page) detailCheck(matched int64) string {
	if matched == p.detail.expect {
		return ""
	}
	return fmt.Sprintf("(the profile counted %s: the file changed since, or values spelled differently compare equal)", groupDigits(p.detail.expect))
}

// detailView draws the column's statistics, then the histogram and the top values as bars with
// their counts and shares, in h lines.
func (p *Page) detailView(h int) string {
	st := &p.ctx.Styles
	c := p.detailColumn()
	if c == nil {
		return widget.Fit(st.Muted.Render("the column is not in the profile any more · esc closes"), p.width)
	}
	d := &p.detail
	var head []string
	approx := func(b bool) string {
		if b {
			return "≈"
		}
		return ""
	}
	typ := c.Type
	title := st.Title.Render(c.Name) + st.Muted.Render(" · ") + typ +
		st.Muted.Render(fmt.Sprintf(" · %s values · %s nulls · %s%s distinct", groupDigits(c.Count), groupDigits(c.Nulls), approx(c.DistinctApprox), groupDigits(c.Distinct)))
	head = append(head, title)
	var stats []string
	for _, kv := range []struct {
		k string
		v any
	}{{"min", c.Min}, {"max", c.Max}, {"mean", c.Mean}, {"std", c.Std}} {
		if kv.v != nil {
			text := cellText(kv.v)
			if kv.k == "std" {
				text = engine.StdText(c.Type, kv.v)
			}
			stats = append(stats, st.Muted.Render(kv.k+" ")+text)
		}
	}
	if c.Type == "int" || c.Type == "float" {
		for _, kv := range []struct {
			k string
			n int64
		}{{"zeros", c.Zeros}, {"negatives", c.Negatives}, {"infinite", c.Infinite}, {"outliers", c.Outliers}} {
			if kv.n > 0 {
				n := groupDigits(kv.n)
				if kv.k == "outliers" && c.QuantilesApprox {
					n = "≈" + n // counted against the sketch's quartiles
				}
				stats = append(stats, st.Muted.Render(kv.k+" ")+n)
			}
		}
	}
	head = append(head, widget.WrapJoin(stats, st.Muted.Render(" · "), p.width)...)
	if len(c.Quantiles) > 0 {
		var qs []string
		for _, q := range []string{"p1", "p5", "p25", "p50", "p75", "p95", "p99"} {
			if v, ok := c.Quantiles[q]; ok && v != nil {
				qs = append(qs, st.Muted.Render(q+" ")+approx(c.QuantilesApprox)+cellText(v))
			}
		}
		// Wrapped: datetime quantiles are long, and one line cut them off after p75.
		head = append(head, widget.WrapJoin(qs, " ", p.width)...)
	}
	if l := c.Length; l != nil {
		head = append(head, st.Muted.Render("length ")+fmt.Sprintf("%d–%d", l.Min, l.Max)+st.Muted.Render(" chars, mean ")+widget.Num(l.Mean))
	}
	if c.Violations > 0 {
		s := st.Warn.Render(fmt.Sprintf("%s values are not %s", groupDigits(c.Violations), c.Type))
		for _, e := range c.ViolationLines {
			s += st.Muted.Render(fmt.Sprintf(" · line %d ", e.Line)) + fmt.Sprintf("%q", e.Value)
		}
		head = append(head, s)
	}
	if c.InvalidUTF8 > 0 {
		head = append(head, st.Warn.Render(fmt.Sprintf("%s values are not UTF-8", groupDigits(c.InvalidUTF8))))
	}
	// At most a third of the pane for the statistics: the list is what the keys move over.
	head = head[:min(len(head), max(1, h/3))]

	items := p.detailItems(c)
	d.cursor = max(0, min(d.cursor, len(items)-1))
	labelW := 6
	for _, it := range items {
		labelW = max(labelW, widget.Width(it.label))
	}
	labelW = min(labelW, max(10, p.width/3))
	const countW, pctW = 9, 6
	barW := max(1, min(50, p.width-2-labelW-1-countW-1-pctW-1)) // a wide screen keeps counts near their labels
	var maxCount int64 = 1
	for _, it := range items {
		maxCount = max(maxCount, it.count)
	}
	// The list: section headings, then one line per item; the line of each item is kept so the
	// cursor's line can be scrolled into view.
	type line struct {
		text string
		item int // -1 for a heading
	}
	var lines []line
	heading := func(s string) {
		lines = append(lines, line{text: st.Header.Render(widget.Fit(s, 2+labelW+1+barW)) + st.Header.Render(" "+widget.FitRight("count", countW)+" "+widget.FitRight("%", pctW)), item: -1})
	}
	section := -1
	for i, it := range items {
		s := 1
		switch {
		case it.bin:
			s = 0
		case it.null && section == 1:
			s = 1 // listed under the top values
		case it.null:
			s = 2
		}
		if s != section {
			section = s
			switch s {
			case 0:
				heading(fmt.Sprintf("histogram · %d bins · lo ≤ x < hi", len(c.Histogram)))
			case 2:
				heading("nulls")
			default:
				t := fmt.Sprintf("top values · %d of %s%s distinct", len(c.Top), approx(c.DistinctApprox), groupDigits(c.Distinct))
				if c.TopApprox {
					t += " · ≈ past the exact limit: some counts are estimates"
				}
				heading(t)
			}
		}
		lines = append(lines, line{item: i})
	}
	if len(items) == 0 {
		lines = append(lines, line{text: st.Muted.Render("no histogram and no top values in the profile for this column"), item: -1})
	}
	listH := max(1, h-len(head)-1)
	cur := 0
	for i, l := range lines {
		if l.item == d.cursor {
			cur = i
		}
	}
	if d.cursor == 0 {
		cur = 0 // the first heading stays on screen at the top
	}
	d.top = max(0, min(d.top, cur), cur-listH+1)
	d.top = min(d.top, max(0, len(lines)-listH))

	var b strings.Builder
	for i, s := range head {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(widget.Fit(s, p.width))
	}
	for _, l := range lines[d.top:min(len(lines), d.top+listH)] {
		b.WriteByte('\n')
		if l.item < 0 {
			b.WriteString(widget.Fit(l.text, p.width))
			continue
		}
		it := items[l.item]
		sel := l.item == d.cursor
		mark := "  "
		if sel {
			mark = "▸ "
		}
		bar := barText(it.count, maxCount, barW)
		row := mark + widget.Fit(it.label, labelW) + " " + st.Accent.Render(widget.Fit(bar, barW)) + " " +
			widget.FitRight(groupDigits(it.count), countW) + " " + widget.FitRight(fmt.Sprintf("%.1f%%", 100*it.share), pctW)
		if sel {
			row = st.Selected.Render(widget.Fit(mark+widget.Fit(it.label, labelW)+" "+widget.Fit(bar, barW)+" "+
				widget.FitRight(groupDigits(it.count), countW)+" "+widget.FitRight(fmt.Sprintf("%.1f%%", 100*it.share), pctW), p.width))
		}
		b.WriteString(widget.Fit(row, p.width))
	}
	for i := len(lines) - d.top; i < listH; i++ {
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	foot := st.Muted.Render("↑↓ move · enter filters the rows to it · esc closes")
	if d.cursor < len(items) {
		if e := items[d.cursor].expr; e != "" {
			foot = st.Muted.Render("enter: ") + st.Info.Render(e) + st.Muted.Render(" · esc closes")
		}
	}
	if d.err != nil {
		foot = st.Error.Render(d.err.Error())
	}
	b.WriteString(widget.Fit(foot, p.width))
	return b.String()
}

// barText is a horizontal bar of n out of most in w cells, in eighths of a cell; a count above
// zero shows at least a sliver.
func barText(n, most int64, w int) string {
	if most <= 0 || w <= 0 || n <= 0 {
		return ""
	}
	eighths := int(math.Round(float64(n) / float64(most) * float64(w*8)))
	eighths = max(1, min(eighths, w*8))
	s := strings.Repeat("█", eighths/8)
	if r := eighths % 8; r > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[r-1])
	}
	return s
}
