package diff

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// runsTable is the marked runs side by side on the whole page, as `dvc exp show`: a row per
// param (those that differ, unless all are asked for) and per metric (last values, the best of
// each marked), a column per run, the runs ordered by a metric. It draws the page's comparison,
// which reloads when the marks, the sort or the params filter change.
type runsTable struct {
	p             *Page
	list          common.ListKeys
	keys          tableKeys
	cursor        int // the row under the cursor
	col           int // the first run column shown (h/l scroll runs that do not fit)
	width, height int
}

// tableKeys are the run table's own keys.
type tableKeys struct {
	Sort, All, Left, Right, Diff, Close key.Binding
}

func newRunsTable(p *Page) *runsTable {
	return &runsTable{p: p, list: common.DefaultListKeys(), keys: tableKeys{
		Sort:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort by next metric")),
		All:   key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all/differing params")),
		Left:  key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h →/l", "scroll runs")),
		Right: key.NewBinding(key.WithKeys("right", "l")),
		Diff:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "diff first two runs")),
		Close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}}
}

func (t *runsTable) setSize(w, h int) { t.width, t.height = w, h }
func (t *runsTable) capturing() bool  { return false }
func (t *runsTable) shortHelp() []key.Binding {
	return []key.Binding{t.keys.Sort, t.keys.All, t.keys.Left, t.keys.Diff, t.keys.Close}
}
func (t *runsTable) fullHelp() [][]key.Binding {
	k := t.list
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{t.keys.Sort, t.keys.All, t.keys.Left, t.keys.Diff, t.keys.Close}}
}

func (t *runsTable) key(p *Page, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	is := func(b key.Binding) bool { return key.Matches(msg, b) }
	c := p.table()
	rows, runs := 0, 0
	if c != nil {
		rows, runs = len(c.Params)+len(c.Metrics), len(c.Runs)
	}
	if cur, ok := t.list.Move(msg.String(), t.cursor, rows, t.height/2); ok {
		t.cursor = cur
		return nil, false
	}
	switch {
	case is(t.keys.Close):
		return nil, true
	case is(t.keys.Left):
		t.col = max(0, t.col-1)
	case is(t.keys.Right):
		t.col = max(0, min(t.col+1, runs-1))
	case is(t.keys.Sort):
		p.sortBy = nextSort(c, p.sortBy)
		return p.loadCompare(), false
	case is(t.keys.All):
		p.allParams = !p.allParams
		return p.loadCompare(), false
	case is(t.keys.Diff):
		return p.diffMarkedRuns(), false
	}
	return nil, false
}

// nextSort is the metric after cur in the table's order among those with a direction (the ones a
// run can be best at), then "" (the order the runs were marked in).
func nextSort(c *versions.Comparison, cur string) string {
	if c == nil {
		return ""
	}
	var keys []string
	for _, m := range c.Metrics {
		if m.Direction != "" {
			keys = append(keys, m.Key)
		}
	}
	for i, k := range keys {
		if k == cur {
			if i+1 < len(keys) {
				return keys[i+1]
			}
			return ""
		}
	}
	if len(keys) > 0 && cur == "" {
		return keys[0]
	}
	return ""
}

func (t *runsTable) view(st *themes.Styles) string {
	p := t.p
	c := p.table()
	if c == nil {
		return widget.Lines(st.Title.Render("marked runs")+"\n"+
			st.Muted.Render("Mark runs to compare: space on the Runs tab, or space on a commit here marks the runs made at it."),
			t.width, t.height)
	}
	t.cursor = min(t.cursor, max(0, len(c.Params)+len(c.Metrics)-1))
	col, shown, lines := compareLines(st, c, p.sortBy, t.width, t.col, t.cursor)
	t.col = col // keeps →/← from scrolling past the last screenful
	title := st.Title.Render(fmt.Sprintf("marked runs (%d)", len(c.Runs)))
	order := "by run number"
	if p.sortBy != "" {
		order = "sorted by " + p.sortBy + ", best first"
	}
	params := "differing params"
	if p.allParams {
		params = "all params"
	}
	more := ""
	if t.col > 0 || t.col+shown < len(c.Runs) {
		more = fmt.Sprintf(" · runs %d–%d of %d (←/→)", t.col+1, t.col+shown, len(c.Runs))
	}
	title += st.Muted.Render("  " + order + " · " + params + more + " · * best  esc back")
	body := t.height - 3
	head, rows := lines[:2], lines[2:]
	top := max(0, t.cursor-body+1)
	rows = rows[min(top, len(rows)):]
	return widget.Lines(strings.Join(append(append([]string{title}, head...), rows...), "\n"), t.width, t.height)
}

// compareLines draws a comparison: the header (a column per run from run col on, as many as fit
// in w), each run's commit (and status unless finished), and a row per param and metric, each
// metric's best value starred (and in the good colour), the sort metric's row marked; cursor (-1
// for none) is the selected param or metric row. It returns the first run it shows (col, kept
// from scrolling past the last screenful) and how many.
func compareLines(st *themes.Styles, c *versions.Comparison, sortBy string, w, col, cursor int) (int, int, []string) {
	labelW := 16
	for _, r := range c.Params {
		labelW = max(labelW, len([]rune(r.Key))+6)
	}
	for _, r := range c.Metrics {
		labelW = max(labelW, len([]rune(r.Key))+2)
	}
	labelW = min(labelW, max(16, w/3))
	runW := 12
	for _, r := range c.Runs {
		runW = max(runW, min(18, len([]rune(r.Label()))), len([]rune(commitCell(r))))
	}
	shown := max(1, (w-labelW)/(runW+1))
	col = max(0, min(col, len(c.Runs)-shown)) // never scroll past the last run
	runs := c.Runs[col:min(len(c.Runs), col+shown)]
	shown = len(runs)
	cols := []widget.Column{{Title: "", Width: labelW}}
	for _, r := range runs {
		cols = append(cols, widget.Column{Title: r.Label(), Width: runW, Right: true})
	}
	t := widget.Table{Columns: cols}
	t.SetWidth(w)
	lines := []string{t.Header(st)}
	muted := st.Muted
	cells := []widget.Cell{{Text: "commit", Style: &muted}}
	for _, r := range runs {
		cells = append(cells, widget.Cell{Text: commitCell(r), Style: &muted})
	}
	lines = append(lines, t.Row(st, cells, false))
	row := 0
	for _, pr := range c.Params {
		cells := []widget.Cell{{Text: "param " + pr.Key}}
		for _, v := range pr.Values[col : col+shown] {
			cell := widget.Cell{Text: "-"}
			if v != nil {
				cell.Text = *v
			}
			cells = append(cells, cell)
		}
		lines = append(lines, t.Row(st, cells, row == cursor))
		row++
	}
	good, accent := st.Good, st.Accent
	for _, m := range c.Metrics {
		label := widget.Cell{Text: "  " + m.Key}
		if m.Key == sortBy {
			label = widget.Cell{Text: "› " + m.Key, Style: &accent}
		}
		cells := []widget.Cell{label}
		for j, v := range m.Values[col : col+shown] {
			cell := widget.Cell{Text: "- "}
			if v != nil {
				cell.Text = widget.Num(*v) + " "
			}
			if m.IsBest(col + j) { // ties are all best
				cell.Text = cell.Text[:len(cell.Text)-1] + "*"
				cell.Style = &good
			}
			cells = append(cells, cell)
		}
		lines = append(lines, t.Row(st, cells, row == cursor))
		row++
	}
	return col, shown, lines
}

// commitCell is a run's commit in the table, with its status when it did not finish.
func commitCell(r versions.RunRef) string {
	text := shortLabel(r.Commit)
	if r.Status != "finished" {
		text = r.Status + " " + text
	}
	return text
}
