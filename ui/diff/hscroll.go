package diff

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/mlwb/mlwb/stages/versions"
)

// hstep is how far one ←/→ shifts the code, in cells: two tab stops, so a 200-column line is
// crossed in a dozen presses.
const hstep = 8

// shift is the sideways shift to draw: what ←/→ asked for, but no further than the longest line
// on screen needs to show its end, so short lines never scroll into emptiness.
func (v *viewer) shift() int {
	if v.xoff == 0 {
		return 0
	}
	return min(v.xoff, v.maxShift(v.xoff))
}

// maxShift is the shift that brings the end of the longest diff line on screen into view,
// counted up to limit (lines are measured no further than that, so a 10 MB line costs what a
// screenful does). Both panes of side by side count; headers and summary rows do not scroll.
func (v *viewer) maxShift(limit int) int {
	_, dw := v.paneWidths()
	half := (dw - 1) / 2
	m := 0
	for r := v.scroll; r < min(len(v.rows), v.scroll+v.bodyHeight()); r++ {
		switch row := &v.rows[r]; row.kind {
		case rowLine:
			m = max(m, overflow(row.line, dw, true, limit))
		case rowPair:
			if row.left != nil {
				m = max(m, overflow(row.left, half, false, limit))
			}
			if row.right != nil {
				m = max(m, overflow(row.right, dw-half-1, false, limit))
			}
		}
	}
	return min(m, limit)
}

// overflow is how many cells of l's text lie past the w cells of its row (less gutter and sign),
// measured up to about limit cells past.
func overflow(l *versions.Line, w int, both bool, limit int) int {
	avail := max(0, w-len(gutterOf(l, both))-1)
	return max(0, ansi.StringWidth(clean(visible(l.Text, avail+limit)))-avail)
}

// cutLeft drops the first n cells of s (plain text, no escapes) and returns the rest with the
// cells still to drop. A wide character (CJK, emoji) that straddles the cut is never halved: it
// is dropped and the cells of it that would show are spaces, so the columns after it stay put.
func cutLeft(s string, n int) (string, int) {
	for n > 0 && s != "" {
		g, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		s = s[len(g):]
		n -= w
	}
	if n < 0 {
		return strings.Repeat(" ", -n) + s, 0
	}
	return s, n
}
