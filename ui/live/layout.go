package live

// The page's rectangles, computed from the size and the counts (keys, running runs), never by
// measuring rendered text.
const (
	minW, minH = 40, 8 // smaller shows the "too small" line
	minCellW   = 24    // a chart narrower than this is unreadable: + stops adding columns
	minCellH   = 6     // title, 4 plot rows, x axis
	labW       = 8     // y-axis labels
)

// layout is where everything goes at the current size.
type layout struct {
	cols, maxCols   int // grid columns now and at most
	rows, totalRows int // grid rows on screen and in all
	cellW, cellH    int // one chart
	plotW, plotH    int // its braille area, in cells
	gridH, sysH     int // heights of the grid and the system pane
}

// relayout recomputes the layout and keeps the scroll in range.
func (p *Page) relayout() {
	w, h := p.width, p.height
	l := layout{}
	if w < minW || h < minH {
		p.lay = l
		return
	}
	avail := h - 2 // header and alerts strip
	if p.filter.Active {
		avail--
	}
	if n := len(p.sysRows()); n > 0 {
		l.sysH = min(n, max(1, avail/3))
	}
	l.gridH = avail - l.sysH
	l.maxCols = max(1, (w+1)/(minCellW+1))
	l.cols = p.cols
	if l.cols <= 0 { // auto: one chart per ~60 cells, no more columns than keys
		l.cols = max(1, min(w/60, len(p.shown)))
	}
	l.cols = min(max(l.cols, 1), l.maxCols)
	l.totalRows = (len(p.shown) + l.cols - 1) / l.cols
	l.rows = max(1, min(l.totalRows, l.gridH/minCellH))
	l.cellH = max(1, l.gridH/l.rows)
	l.cellW = (w - (l.cols - 1)) / l.cols
	l.plotW, l.plotH = max(1, l.cellW-labW-1), max(1, l.cellH-2)
	p.lay = l
	p.scroll = min(max(p.scroll, 0), max(l.totalRows-l.rows, 0))
}
