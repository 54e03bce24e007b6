package data

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mlwb/mlwb/ui/widget"
)

// specView draws the editor in h lines: a title, the columns with their transforms, the preview
// of the output's first rows (the highlighted column's raw values, then its outputs and the ones
// after), and a footer with the prompt, a problem, or the keys.
func (p *Page) specView(h int) string {
	st := &p.ctx.Styles
	s := &p.spec
	state := "new file"
	switch {
	case s.dirty:
		state = "modified"
	case s.loaded:
		state = "saved"
	}
	var b strings.Builder
	b.WriteString(widget.Fit(st.Title.Render("Feature spec ")+st.Bold.Render(filepath.Base(s.path))+st.Muted.Render(fmt.Sprintf(" · %s · %d columns · other columns: %s · preview fitted to the stored profile", state, len(s.cols), s.rest)), p.width))
	rest := max(2, h-2)
	colsH := max(2, min(len(s.cols)+1, rest*2/5))
	prevH := rest - colsH

	t := widget.Table{Columns: []widget.Column{
		{Title: "column", Width: 12, Flex: true}, {Title: "type", Width: 8}, {Title: "transform", Width: 24, Flex: true},
	}}
	t.SetWidth(p.width)
	b.WriteByte('\n')
	b.WriteString(t.Header(st))
	rows := colsH - 1
	s.cursor = max(0, min(s.cursor, len(s.cols)-1))
	s.top = max(0, min(s.top, s.cursor), s.cursor-rows+1)
	for i := s.top; i < s.top+rows; i++ {
		b.WriteByte('\n')
		if i >= len(s.cols) {
			continue
		}
		c := &s.cols[i]
		typ, ok := s.types[c.Name]
		if !ok {
			typ = "?"
		}
		desc := describe(c)
		style := &st.Text
		switch {
		case !ok && len(s.types) > 0:
			desc += " (not in the data)"
			style = &st.Warn
		case desc == "keep":
			style = &st.Muted
		}
		b.WriteString(t.Row(st, []widget.Cell{{Text: c.Name}, {Text: typ}, {Text: desc, Style: style}}, i == s.cursor))
	}
	b.WriteByte('\n')
	b.WriteString(p.specPreviewView(prevH))
	b.WriteByte('\n')
	b.WriteString(p.specFooter())
	return b.String()
}

// specPreviewView is the preview's heading and table in h lines.
func (p *Page) specPreviewView(h int) string {
	st := &p.ctx.Styles
	s := &p.spec
	pv := &s.prev
	var b strings.Builder
	head := ""
	switch {
	case pv.err != nil:
		// Wrapped: the message says which column and what to change.
		msg := st.Error.Width(p.width).Render(pv.err.Error())
		return widget.Lines(msg, p.width, h)
	case pv.names == nil && s.running:
		head = st.Muted.Render("fitting the spec to the profile and reading the first rows…")
	case pv.names == nil:
		head = st.Muted.Render("no preview yet")
	default:
		head = st.Title.Render("preview") + st.Muted.Render(fmt.Sprintf(" · first %d rows → %d columns", len(pv.rows), len(pv.names)))
		if s.running {
			head += st.Muted.Render(" · updating…")
		}
		if len(pv.warnings) > 0 {
			head += " " + st.Warn.Render("· "+pv.warnings[0])
			if len(pv.warnings) > 1 {
				head += st.Warn.Render(fmt.Sprintf(" (+%d more)", len(pv.warnings)-1))
			}
		}
	}
	b.WriteString(widget.Fit(head, p.width))
	if pv.names == nil || h < 3 {
		return widget.Lines(b.String(), p.width, h)
	}
	from, n := p.specOutputsOf(s.cursor)
	// The highlighted column's raw values first, then its outputs and those after it.
	type col struct {
		title string
		vals  []string
		style bool // one of the highlighted column's outputs
		raw   bool
	}
	var cols []col
	if s.cursor < len(s.cols) {
		name := s.cols[s.cursor].Name
		for i, in := range pv.inNames {
			if in == name {
				raw := col{title: "raw " + name, raw: true}
				for _, r := range pv.inRows {
					v := ""
					if i < len(r) {
						v = r[i]
					}
					raw.vals = append(raw.vals, v)
				}
				cols = append(cols, raw)
				break
			}
		}
	}
	for j := from; j < len(pv.names); j++ {
		c := col{title: pv.names[j], style: j < from+n}
		for _, r := range pv.rows {
			v := ""
			if j < len(r) {
				v = shortFloat(r[j])
			}
			c.vals = append(c.vals, v)
		}
		cols = append(cols, c)
	}
	var tc []widget.Column
	used := 0
	for _, c := range cols {
		w := widget.Width(c.title)
		for _, v := range c.vals[:min(len(c.vals), h-2)] {
			w = max(w, widget.Width(shownCell(v)))
		}
		w = max(3, min(w, 18))
		if used > 0 && used+1+w > p.width {
			break
		}
		used += 1 + w
		tc = append(tc, widget.Column{Title: c.title, Width: w, Right: !c.raw})
	}
	t := widget.Table{Columns: tc}
	t.SetWidth(p.width)
	b.WriteByte('\n')
	b.WriteString(t.Header(st))
	for r := 0; r < min(len(pv.rows), h-2); r++ {
		cells := make([]widget.Cell, len(tc))
		for j := range tc {
			v := "" // the raw rows are read apart from the outputs: a file rewritten between reads can have fewer
			if r < len(cols[j].vals) {
				v = cols[j].vals[r]
			}
			cells[j] = widget.Cell{Text: shownCell(v)}
			switch {
			case cols[j].raw:
				cells[j].Style = &st.Muted
			case cols[j].style:
				cells[j].Style = &st.Accent
			}
		}
		b.WriteByte('\n')
		b.WriteString(t.Row(st, cells, false))
	}
	return widget.Lines(b.String(), p.width, h)
}

// shortFloat shows a float of the output to 6 significant digits (the file gets them all), so a
// scaled column does not fill the screen with 0.160804020100502.
func shortFloat(s string) string {
	if len(s) <= 9 || !strings.ContainsAny(s, ".e") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(f, 'g', 6, 64)
}

// specOutputsOf finds the preview's outputs of editor column i: the first one's index and how
// many there are. Outputs come in the input's column order (the editor lists the profile's
// columns in that order): none for a drop, a dateparts column one per part, a onehot column the
// ones named col=value, any other one.
func (p *Page) specOutputsOf(i int) (int, int) {
	s := &p.spec
	names := s.prev.names
	at := 0
	for k := range s.cols {
		if at > len(names) {
			break
		}
		c := &s.cols[k]
		n := 1
		switch mainOf(c) {
		case "drop":
			n = 0
		case "dateparts":
			n = len(c.DateParts)
		case "onehot":
			n = 0
			for at+n < len(names) && strings.HasPrefix(names[at+n], c.Name+"=") {
				n++
			}
		}
		if k == i {
			return min(at, len(names)), n
		}
		at += n
	}
	return 0, 0
}

// specFooter is the open prompt, the last problem or note, or the keys.
func (p *Page) specFooter() string {
	st := &p.ctx.Styles
	s := &p.spec
	switch {
	case s.input.Active:
		prompt := map[string]string{
			"constant": "impute with the constant: ",
			"clip":     "clip min, max (a side may be empty; empty removes): ",
		}[s.prompt]
		if s.prompt == "args" && s.cursor < len(s.cols) {
			prompt = map[string]string{
				"onehot":    "onehot: columns for the top K values, K = ",
				"bucketize": "bucketize: edges (0, 15, 60) or q2 / q4 (the profile's median / quartiles): ",
				"dateparts": "dateparts (year month day weekday hour): ",
			}[mainOf(&s.cols[s.cursor])]
		}
		return s.input.View(st.Accent.Render(prompt), p.width)
	case s.err != nil:
		return widget.Fit(st.Error.Render(s.err.Error()), p.width)
	case s.leave:
		return widget.Fit(st.Warn.Render("unsaved changes: w writes them, q again quits mlwb without them"), p.width)
	case s.quit:
		return widget.Fit(st.Warn.Render("unsaved changes: w writes them, esc again discards them"), p.width)
	case s.note != "":
		return widget.Fit(st.Good.Render(s.note), p.width)
	}
	return widget.Fit(st.Muted.Render("↑↓ column · ←→ transform · i impute · c clip · e arguments · w write "+filepath.Base(s.path)), p.width)
}
