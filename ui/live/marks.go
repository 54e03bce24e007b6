package live

import (
	"slices"

	"github.com/charmbracelet/x/ansi"

	"github.com/mlwb/mlwb/ui/widget"
)

// markEnds draws each run's glyph over the cell of its line's last point, so that lines can be
// told apart without colour (NO_COLOR, the mono theme), where two braille lines look the same.
// plot is the braille chart's rows for the x range [x0, x1] and y range [lo, hi]; series[k] is
// run slot p.slots[k]'s line. Runs that end in one cell (runs logging the same steps often do)
// put their glyphs side by side to its left, so none is hidden.
func (p *Page) markEnds(plot []string, series []widget.ChartSeries, x0, x1, lo, hi float64) {
	h := len(plot)
	w := p.lay.plotW
	var taken [maxRuns][2]int
	n := 0
	for k, s := range series {
		j := len(s.Points) - 1
		for j >= 0 && !widget.Drawable(s.Points[j].X, s.Points[j].Y) {
			j--
		}
		if j < 0 {
			continue
		}
		col, row := cellOf(s.Points[j].X, s.Points[j].Y, w, h, x0, x1, lo, hi)
		for col > 0 && slices.Contains(taken[:n], [2]int{col, row}) {
			col--
		}
		if n < len(taken) {
			taken[n], n = [2]int{col, row}, n+1
		}
		plot[row] = ansi.Cut(plot[row], 0, col) + s.Style.Render(marker(p.slots[k])) + ansi.Cut(plot[row], col+1, w)
	}
}

// cellOf is the cell (column, row) of point (x, y) in a w×h braille chart of [x0, x1]×[lo, hi],
// mapped as widget.Braille maps it (2×4 dots a cell, y up, clamped to the edges).
func cellOf(x, y float64, w, h int, x0, x1, lo, hi float64) (int, int) {
	dx := widget.DotOf(x, x0, x1, 2*w-1)
	dy := 4*h - 1 - widget.DotOf(y, lo, hi, 4*h-1)
	return dx / 2, dy / 4
}
