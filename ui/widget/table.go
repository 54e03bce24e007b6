package widget

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/mlwb/mlwb/themes"
)

// Column describes one table column. Width is the minimum (and, unless Flex, the exact) width.
type Column struct {
	Title string
	Width int
	Right bool // right-aligned (numbers)
	Flex  bool // shares the width left over after fixed columns
}

// Cell is one table cell: plain text and an optional style (colour) for it.
type Cell struct {
	Text  string
	Style *lipgloss.Style
}

// Table renders a header and a window of rows. It holds no data of its own: a page gives it the
// rows on screen, so a table over 10,000 runs costs what its visible rows cost.
type Table struct {
	Columns []Column
	widths  []int
	width   int
}

// SetWidth lays the columns out for a total width: fixed columns get their Width, flex columns
// share what is left; columns that do not fit are dropped from the right.
func (t *Table) SetWidth(w int) {
	t.width = w
	t.widths = make([]int, len(t.Columns))
	used, flex := 0, 0
	for i, c := range t.Columns {
		gap := 1
		if i == 0 {
			gap = 0
		}
		if used+gap+c.Width > w {
			for j := i; j < len(t.Columns); j++ {
				t.widths[j] = 0
			}
			break
		}
		used += gap + c.Width
		t.widths[i] = c.Width
		if c.Flex {
			flex++
		}
	}
	if extra := w - used; extra > 0 && flex > 0 {
		for i, c := range t.Columns {
			if c.Flex && t.widths[i] > 0 {
				add := extra / flex
				t.widths[i] += add
				extra -= add
				flex--
			}
		}
	}
}

// Width is the cells column i gets after SetWidth (0 when it was dropped).
func (t *Table) Width(i int) int {
	if i < 0 || i >= len(t.widths) {
		return 0
	}
	return t.widths[i]
}

// Header renders the header line.
func (t *Table) Header(st *themes.Styles) string {
	cells := make([]Cell, len(t.Columns))
	for i, c := range t.Columns {
		cells[i] = Cell{Text: c.Title}
	}
	return t.row(cells, st.Header, false)
}

// Row renders one row; selected rows get the selection style across the whole width.
func (t *Table) Row(st *themes.Styles, cells []Cell, selected bool) string {
	base := st.Text
	if selected {
		base = st.Selected
	}
	return t.row(cells, base, selected)
}

func (t *Table) row(cells []Cell, base lipgloss.Style, selected bool) string {
	var b strings.Builder
	used := 0
	for i, c := range t.Columns {
		w := t.widths[i]
		if w == 0 {
			continue
		}
		if used > 0 {
			b.WriteString(base.Render(" "))
			used++
		}
		text := ""
		var style lipgloss.Style
		if i < len(cells) {
			text = cells[i].Text
			style = base
			if cells[i].Style != nil {
				style = cells[i].Style.Inherit(base)
				if selected {
					style = style.Background(base.GetBackground()).Reverse(base.GetReverse())
				}
			}
		}
		if c.Right {
			text = FitRight(text, w)
		} else {
			text = Fit(text, w)
		}
		b.WriteString(style.Render(text))
		used += w
	}
	if used < t.width {
		b.WriteString(base.Render(strings.Repeat(" ", t.width-used)))
	}
	return b.String()
}
