package widget

import (
	"math"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/mlwb/mlwb/stages/live"
)

// Braille line charts: each terminal cell is a 2×4 grid of dots (U+2800…U+28FF), so an 80×20
// chart has 160×80 dots. A cell takes the colour of the last series drawn through it.

// brailleBits is the bit of dot (column, row) in a braille cell.
var brailleBits = [2][4]uint8{{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}

// ChartSeries is one line of a chart: downsampled points and the style to draw them in.
type ChartSeries struct {
	Points []live.Point
	Style  lipgloss.Style
}

// Braille is a reusable braille canvas (its buffers are kept between frames).
type Braille struct {
	w, h   int
	dots   []uint8 // per cell
	colour []int8  // per cell: series index + 1, 0 for none
	sb     strings.Builder
}

// Plot draws the series into a w×h braille chart of the x range [x0, x1] and y range [y0, y1]
// (y up) and returns its w×h text, lines joined by "\n". Points are joined by straight lines;
// values outside the ranges are clipped to the edge, and non-finite ones are skipped.
func (c *Braille) Plot(w, h int, x0, x1, y0, y1 float64, series []ChartSeries) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	if c.w != w || c.h != h {
		c.w, c.h = w, h
		c.dots, c.colour = make([]uint8, w*h), make([]int8, w*h)
	} else {
		clear(c.dots)
		clear(c.colour)
	}
	pw, ph := 2*w, 4*h
	sx := scaler(x0, x1, pw-1)
	sy := scaler(y0, y1, ph-1)
	for si, s := range series {
		px, py, have := 0, 0, false
		for _, p := range s.Points {
			if !Drawable(p.X, p.Y) {
				continue
			}
			x, y := sx(p.X), ph-1-sy(p.Y)
			if have {
				c.line(px, py, x, y, int8(si+1))
			} else {
				c.dot(x, y, int8(si+1))
			}
			px, py, have = x, y, true
		}
	}
	return c.text(series)
}

// scaler maps [lo, hi] to 0…n, clamping (DotOf).
func scaler(lo, hi float64, n int) func(float64) int {
	return func(v float64) int { return DotOf(v, lo, hi, n) }
}

// Drawable reports whether a chart draws point (x, y): NaN anywhere and an infinite y are gaps.
func Drawable(x, y float64) bool { return !math.IsNaN(x) && !math.IsNaN(y) && !math.IsInf(y, 0) }

// DotOf maps v in [lo, hi] to a dot 0…n, clamping, as the canvas places its points; it works in
// halves so that hi − lo never overflows. Marks drawn over a chart use it to land on its line.
func DotOf(v, lo, hi float64, n int) int {
	span := hi/2 - lo/2
	if !(span > 0) {
		return n / 2
	}
	f := (v/2 - lo/2) / span * float64(n)
	switch {
	case f <= 0 || math.IsNaN(f):
		return 0
	case f >= float64(n):
		return n
	}
	return int(f + 0.5)
}

func (c *Braille) dot(x, y int, colour int8) {
	cell := (y/4)*c.w + x/2
	c.dots[cell] |= brailleBits[x%2][y%4]
	c.colour[cell] = colour
}

// line draws from (x0, y0) to (x1, y1) with Bresenham's algorithm.
func (c *Braille) line(x0, y0, x1, y1 int, colour int8) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	e := dx + dy
	for {
		c.dot(x0, y0, colour)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// text renders the cells, styling each run of cells of one colour with a single Render.
func (c *Braille) text(series []ChartSeries) string {
	sb := &c.sb
	sb.Reset()
	var run strings.Builder
	for row := 0; row < c.h; row++ {
		if row > 0 {
			sb.WriteByte('\n')
		}
		cur := int8(-1)
		flush := func() {
			if run.Len() == 0 {
				return
			}
			if cur > 0 {
				sb.WriteString(series[cur-1].Style.Render(run.String()))
			} else {
				sb.WriteString(run.String())
			}
			run.Reset()
		}
		for col := 0; col < c.w; col++ {
			i := row*c.w + col
			if c.colour[i] != cur {
				flush()
				cur = c.colour[i]
			}
			if c.dots[i] == 0 {
				run.WriteByte(' ')
			} else {
				run.WriteRune(rune(0x2800 + int(c.dots[i])))
			}
		}
		flush()
	}
	return sb.String()
}
