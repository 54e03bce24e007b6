package live

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// The runs' legend and the charts' titles must name every run: when they do not fit they give
// up, in turn, the status words, the length of the names, the names, the settings on the right,
// and only then runs, counted in a "+N more" so none goes missing silently.

// legendEntry is one run in the header: its glyph, #id, name (cut to nameW cells, none at 0) and
// status mark, with the status word when word is set.
func (p *Page) legendEntry(i, nameW int, word bool) string {
	f := p.runs[i]
	st := &p.ctx.Styles
	s := p.runStyle(i).Render(marker(i)) + " #" + strconv.FormatInt(f.id, 10)
	if nameW > 0 && f.name != "" {
		s += " " + ansi.Truncate(f.name, nameW, "…")
	}
	mark := common.StatusGlyph(f.status)
	if word {
		mark += " " + f.status
	}
	return s + " " + st.Status(f.status).Render(mark)
}

// legendWidth is the width of the header's legend with names cut to nameW (see legendEntry),
// computed without rendering.
func (p *Page) legendWidth(nameW int, word bool) int {
	n := 0
	for i, f := range p.runs {
		if i > 0 {
			n += 2
		}
		n += 1 + 2 + len(strconv.FormatInt(f.id, 10)) + 2 // glyph, " #", id, " " and the mark
		if nameW > 0 && f.name != "" {
			n += 1 + min(widget.Width(f.name), nameW)
		}
		if word {
			n += 1 + len(f.status)
		}
	}
	return n
}

// legend is the runs' legend in at most w cells, giving room to the settings (right, rw cells
// wide) when it can: it returns the legend and the width left for the settings.
func (p *Page) legend(w, rw int) (string, int) {
	longest := 0
	for _, f := range p.runs {
		longest = max(longest, widget.Width(f.name))
	}
	join := func(nameW int, word bool) string {
		parts := make([]string, len(p.runs))
		for i := range p.runs {
			parts[i] = p.legendEntry(i, nameW, word)
		}
		return strings.Join(parts, "  ")
	}
	fits := func(n int) bool { return n+1+rw <= w }
	if fits(p.legendWidth(longest, true)) {
		return join(longest, true), rw
	}
	for nameW := longest; nameW >= 4; nameW-- { // a name cut shorter than "abc…" says nothing
		if fits(p.legendWidth(nameW, false)) {
			return join(nameW, false), rw
		}
	}
	if n := p.legendWidth(0, false); n <= w {
		left := w - n - 1
		if left < 12 { // a stub of the settings is noise
			left = 0
		}
		return join(0, false), left
	}
	// Not even the bare entries fit: as many as do, and how many are left out.
	var parts []string
	used := 0
	for i := range p.runs {
		e := p.legendEntry(i, 0, false)
		more := "  +" + strconv.Itoa(len(p.runs)-i-1) + " more"
		if i == len(p.runs)-1 {
			more = ""
		}
		if used+widget.Width(e)+len(more) > w {
			parts = append(parts, "+"+strconv.Itoa(len(p.runs)-i)+" more")
			break
		}
		parts = append(parts, e)
		used += widget.Width(e) + 2
	}
	return strings.Join(parts, "  "), 0
}

// titleLine is a chart's title in w cells: the key, then each run's glyph and value. It gives up
// the wide separators, then the end of the key, then runs (as "+N").
func titleLine(key string, entries []string, w int) string {
	width := func(sep int) int {
		n := widget.Width(key)
		for _, e := range entries {
			n += sep + widget.Width(e)
		}
		return n
	}
	if width(2) <= w {
		return key + "  " + strings.Join(entries, "  ")
	}
	if width(1) <= w {
		return key + " " + strings.Join(entries, " ")
	}
	rest := width(1) - widget.Width(key)
	if kw := w - rest; kw >= 4 {
		return ansi.Truncate(key, kw, "…") + " " + strings.Join(entries, " ")
	}
	out := ansi.Truncate(key, 4, "…")
	used := widget.Width(out)
	for i, e := range entries {
		more := ""
		if i < len(entries)-1 {
			more = " +" + strconv.Itoa(len(entries)-i-1)
		}
		if used+1+widget.Width(e)+len(more) > w {
			return out + " +" + strconv.Itoa(len(entries)-i)
		}
		out += " " + e
		used += 1 + widget.Width(e)
	}
	return out
}
