package data

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	engine "github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/widget"
)

// corrState is the correlation heatmap of the profile's numeric columns: a cursor on one cell
// (its value and column names in the footer), scrolled so the cursor stays on screen.
type corrState struct {
	row, col int
	top, lft int
}

var corrKey = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "correlations"))

// corrCellW is a cell's width: "+.82" and a space (in mono a shade glyph takes the space).
const corrCellW = 5

// corrRamp is the heatmap's colours from r = −1 (the palette's Bad) through the border colour at 0
// to r = +1 (Good), in 11 steps; nil in mono.
func corrRamp(p themes.Palette) []color.Color {
	if p.Mono || p.Bad == nil || p.Good == nil {
		return nil
	}
	mid := p.Border
	if mid == nil {
		mid = p.Muted
	}
	return lipgloss.Blend1D(11, p.Bad, mid, p.Good)
}

// corrText is r in four cells: "+.82", "-.05", "1.00"; "  · " where undefined.
func corrText(r *float64) string {
	if r == nil || math.IsNaN(*r) {
		return "  · "
	}
	v := *r
	if v >= 0.995 {
		return "1.00"
	}
	if v <= -0.995 {
		return "-1.0"
	}
	s := fmt.Sprintf("%+.2f", v) // +0.82
	return s[:1] + s[2:]
}

// corrGlyph is the mono theme's shade for |r|: none, light, medium, dark, full.
func corrGlyph(r *float64) string {
	if r == nil || math.IsNaN(*r) {
		return " "
	}
	return []string{" ", "░", "▒", "▓", "█"}[min(4, int(math.Abs(*r)*5))]
}

// corrKeyPress moves the heatmap's cursor; esc or c closes it.
func (p *Page) corrKeyPress(msg tea.KeyPressMsg) bool {
	c := &p.corr
	n := 0
	if pr := p.prof.profile; pr != nil && pr.Correlations != nil {
		n = len(pr.Correlations.Columns)
	}
	switch {
	case key.Matches(msg, corrKey), key.Matches(msg, backKey):
		p.showCorr = false
	case key.Matches(msg, p.keys.Up):
		c.row--
	case key.Matches(msg, p.keys.Down):
		c.row++
	case key.Matches(msg, leftKey):
		c.col--
	case key.Matches(msg, rightKey):
		c.col++
	case key.Matches(msg, p.keys.Top):
		c.row, c.col = 0, 0
	default:
		return false
	}
	c.row, c.col = max(0, min(c.row, n-1)), max(0, min(c.col, n-1))
	return true
}

// corrView draws the heatmap in h lines: a title, the column numbers, one row per column (its
// number and name, then a cell per column), and the value under the cursor.
func (p *Page) corrView(h int) string {
	st := &p.ctx.Styles
	pr := p.prof.profile
	switch {
	case p.prof.running:
		return widget.Fit(st.Muted.Render(fmt.Sprintf("profiling… %d%%  (esc cancels)", p.prof.progress.Load()/10)), p.width)
	case pr == nil:
		return widget.Fit(st.Muted.Render("not profiled yet: press p, then c for the correlations"), p.width)
	case pr.Correlations == nil || len(pr.Correlations.Columns) < 2:
		return widget.Fit(st.Muted.Render("no correlations: the profile has fewer than two numeric columns · c or esc closes"), p.width)
	}
	cm := pr.Correlations
	n := len(cm.Columns)
	c := &p.corr
	c.row, c.col = max(0, min(c.row, n-1)), max(0, min(c.col, n-1))
	nameW := 4
	for _, name := range cm.Columns {
		nameW = max(nameW, widget.Width(name))
	}
	num := len(fmt.Sprint(n))
	nameW = min(nameW, 18, max(6, p.width/4))
	labelW := num + 1 + nameW + 1
	cols := max(1, (p.width-labelW)/corrCellW)
	rows := max(1, h-3)
	c.top = max(0, min(c.top, c.row), c.row-rows+1)
	c.lft = max(0, min(c.lft, c.col), c.col-cols+1)
	ramp := corrRamp(st.Palette)

	var b strings.Builder
	b.WriteString(widget.Fit(st.Title.Render("Pearson correlations")+st.Muted.Render(fmt.Sprintf(" · %d numeric columns · ←→↑↓ move · c/esc close", n)), p.width))
	b.WriteByte('\n')
	head := strings.Repeat(" ", labelW)
	for j := c.lft; j < min(n, c.lft+cols); j++ {
		s := fmt.Sprintf("%*d ", corrCellW-1, j+1)
		if j == c.col {
			s = st.Accent.Render(s)
		} else {
			s = st.Muted.Render(s)
		}
		head += s
	}
	b.WriteString(widget.Fit(head, p.width))
	for i := c.top; i < min(n, c.top+rows); i++ {
		b.WriteByte('\n')
		label := fmt.Sprintf("%*d %s ", num, i+1, widget.Fit(cm.Columns[i], nameW))
		if i == c.row {
			label = st.Accent.Render(label)
		}
		line := label
		for j := c.lft; j < min(n, c.lft+cols); j++ {
			r := cm.Matrix[i][j]
			txt := corrText(r)
			cell := lipgloss.NewStyle()
			if ramp != nil {
				if r != nil && !math.IsNaN(*r) {
					cell = cell.Background(ramp[int(math.Round((*r+1)*5))]).Foreground(st.Palette.AccentFg)
				}
				txt += " "
			} else {
				txt = corrGlyph(r) + txt
			}
			if i == c.row && j == c.col {
				cell = cell.Reverse(true).Bold(true)
			}
			line += cell.Render(txt)
		}
		b.WriteString(widget.Fit(line, p.width))
	}
	for i := min(n, c.top+rows) - c.top; i < rows; i++ {
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	r := cm.Matrix[c.row][c.col]
	val := "undefined (fewer than two rows with both values, or a constant column)"
	if r != nil && !math.IsNaN(*r) {
		val = fmt.Sprintf("r = %+.4f", *r)
	}
	b.WriteString(widget.Fit(st.Bold.Render(cm.Columns[c.row]+" × "+cm.Columns[c.col])+": "+val, p.width))
	return b.String()
}

// corrOf returns the matrix entry for two named columns, for tests and the footer.
func corrOf(cm *engine.Correlations, a, b string) *float64 {
	ia, ib := -1, -1
	for i, n := range cm.Columns {
		if n == a {
			ia = i
		}
		if n == b {
			ib = i
		}
	}
	if ia < 0 || ib < 0 {
		return nil
	}
	return cm.Matrix[ia][ib]
}
