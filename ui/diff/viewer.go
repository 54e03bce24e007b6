package diff

import (
	"fmt"
	"image/color"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// viewerKeys are the keys of the open diff: the shared list movement (scrolling the view; space
// also pages down, as in a pager) and the diff's own.
type viewerKeys struct {
	common.ListKeys
	NextFile, PrevFile, NextHunk, PrevHunk    key.Binding
	Split, Fold, Search, NextMatch, PrevMatch key.Binding
	History, ParamHistory, Close              key.Binding
	Left, Right, Column0                      key.Binding
}

func defaultViewerKeys() viewerKeys {
	list := common.DefaultListKeys()
	list.PageDown.SetKeys("pgdown", "ctrl+d", "space")
	return viewerKeys{
		ListKeys:     list,
		NextFile:     key.NewBinding(key.WithKeys("]"), key.WithHelp("]/[", "next/prev file")),
		PrevFile:     key.NewBinding(key.WithKeys("[")),
		NextHunk:     key.NewBinding(key.WithKeys("}"), key.WithHelp("}/{", "next/prev hunk")),
		PrevHunk:     key.NewBinding(key.WithKeys("{")),
		Split:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "side by side")),
		Fold:         key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "fold unchanged")),
		Search:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		NextMatch:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/prev match")),
		PrevMatch:    key.NewBinding(key.WithKeys("N")),
		History:      key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "file history")),
		ParamHistory: key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "key history")),
		Close:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to history")),
		Left:         key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/→", "scroll sideways")),
		Right:        key.NewBinding(key.WithKeys("right", "l")),
		// home stays the shared list's "top"; 0 is the column key, as in vim and less.
		Column0: key.NewBinding(key.WithKeys("0"), key.WithHelp("0", "column 0")),
	}
}

// viewer shows one VersionDiff: a file list beside the diff, with the run summary on top.
type viewer struct {
	diff   *versions.VersionDiff
	keys   viewerKeys
	split  bool
	fold   bool // unchanged lines folded to one row per run
	rows   []row
	starts []int // first row of each file
	hunks  []int // first row of each hunk
	scroll int
	// sel is the file picked with ]/[ (its header may not reach the top near the end); -1 follows
	// the top row.
	sel int

	search  widget.LineInput // the / prompt; its text is the query (also once accepted)
	matches []int
	// target is the row the last jump aimed at and targetScroll the scroll it left: a row on
	// the last screen cannot be scrolled to the top, so while the view has not moved since, the
	// next file, hunk or match is looked for from target, not from the top of the view.
	target, targetScroll int
	pathW                int    // the widest file path, for the file list's width
	status               string // a one-line message: "no match", "3/12"

	hl *highlighter // syntax tokens of the lines drawn so far

	// xoff is the sideways shift of the code text in cells, as asked with ←/→; the view draws
	// min(xoff, the longest visible line's overflow) (see shift), so the shift survives a move
	// past short lines and comes back with the long ones.
	xoff int

	width, height int
}

func newViewer(d *versions.VersionDiff) *viewer {
	v := &viewer{diff: d, keys: defaultViewerKeys(), sel: -1, hl: newHighlighter()}
	for _, f := range d.Files { // measured once: a 50,000-file diff is not measured every frame
		v.pathW = max(v.pathW, widget.Width(f.Path))
	}
	v.layout()
	return v
}

// layout rebuilds the rows for the current mode, keeping the file in view.
func (v *viewer) layout() {
	file := v.currentFile()
	v.rows, v.starts, v.hunks = buildRows(v.diff, v.split, v.fold)
	if file >= 0 && file < len(v.starts) {
		v.jump(v.starts[file])
	}
	v.findMatches()
}

// bodyHeight is the number of diff rows on screen.
func (v *viewer) bodyHeight() int {
	h := v.height - 1 // title line
	if v.search.Active || v.status != "" {
		h--
	}
	return max(1, h)
}

// currentFile is the file whose rows are at the top of the view (-1 in the summary).
func (v *viewer) currentFile() int {
	if v.sel >= 0 {
		return v.sel
	}
	if v.scroll < len(v.rows) && len(v.rows) > 0 {
		return v.rows[v.scroll].file
	}
	return -1
}

// jump moves the top of the view to row r, never past the last screenful.
func (v *viewer) jump(r int) {
	v.sel = -1
	v.scroll = max(0, min(r, len(v.rows)-v.bodyHeight()))
	v.target, v.targetScroll = r, v.scroll
}

// next returns the first of rows after the current row (forward) or before it: the row the
// last jump went to while the view is where it left it, else the top of the view.
func (v *viewer) next(rows []int, forward bool) (int, bool) {
	from := v.scroll
	if v.scroll == v.targetScroll {
		from = v.target
	}
	if forward {
		i := sort.SearchInts(rows, from+1)
		if i < len(rows) {
			return rows[i], true
		}
		return 0, false
	}
	i := sort.SearchInts(rows, from) - 1
	if i >= 0 {
		return rows[i], true
	}
	return 0, false
}

// capturing reports whether typed keys go to the search bar.
func (v *viewer) capturing() bool { return v.search.Active }

func (v *viewer) setSize(w, h int) { v.width, v.height = w, h }

func (v *viewer) shortHelp() []key.Binding {
	k := v.keys
	return []key.Binding{k.NextFile, k.NextHunk, k.Left, k.Split, k.Search, k.History, k.Close}
}

func (v *viewer) fullHelp() [][]key.Binding {
	k := v.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Left, k.Column0},
		{k.NextFile, k.NextHunk, k.Split, k.Fold, k.Search, k.NextMatch, k.History, k.ParamHistory, k.Close}}
}

// key is the viewer as a layer: H opens the history of the file in view (the first file while
// the summary is in view), P asks for a params key's history (filled with the first param that
// differs); the rest moves in the diff.
func (v *viewer) key(p *Page, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if !v.search.Active {
		switch {
		case key.Matches(msg, v.keys.History):
			if len(v.diff.Files) == 0 {
				return func() tea.Msg { return common.ErrorMsg{Err: fmt.Errorf("no changed file here to show the history of")} }, false
			}
			return p.openFileHistory(v.diff.Files[max(0, v.currentFile())].Path), false
		case key.Matches(msg, v.keys.ParamHistory):
			k := ""
			if len(v.diff.Params) > 0 {
				k = v.diff.Params[0].Key
			}
			p.askParam(k)
			return nil, false
		}
	}
	return nil, !v.handle(msg)
}

// focus shows the file at path first (nothing when the diff does not have it).
func (v *viewer) focus(path string) {
	for i, f := range v.diff.Files {
		if path != "" && (f.Path == path || f.OldPath == path) && i < len(v.starts) {
			v.jump(v.starts[i])
			v.sel = i
			return
		}
	}
}

// handle handles one key press in the diff; it returns false for esc outside a search (the page
// closes the viewer).
func (v *viewer) handle(msg tea.KeyPressMsg) bool {
	if v.search.Active {
		switch v.search.Key(msg) {
		case widget.InputAccepted:
			v.findMatches()
			v.gotoMatch(true)
		case widget.InputCancelled:
			v.search.Text = ""
			v.findMatches()
		}
		return true
	}
	k := msg.String()
	v.status = ""
	page := v.bodyHeight()
	if top, ok := v.keys.Move(k, v.scroll, len(v.rows), page); ok {
		v.jump(top) // jump keeps the last screenful full
		return true
	}
	is := func(b key.Binding) bool { return key.Matches(msg, b) }
	switch {
	case is(v.keys.Close):
		return false
	case is(v.keys.NextFile), is(v.keys.PrevFile):
		if r, ok := v.next(v.starts, is(v.keys.NextFile)); ok {
			v.jump(r)
			v.sel = v.rows[r].file
		}
	case is(v.keys.NextHunk), is(v.keys.PrevHunk):
		if r, ok := v.next(v.hunks, is(v.keys.NextHunk)); ok {
			v.jump(r)
		}
	case is(v.keys.Split):
		v.split = !v.split
		v.layout()
	case is(v.keys.Fold):
		v.fold = !v.fold
		v.layout()
	case is(v.keys.Search):
		v.search = widget.LineInput{Active: true}
	case is(v.keys.NextMatch), is(v.keys.PrevMatch):
		v.gotoMatch(is(v.keys.NextMatch))
	case is(v.keys.Left):
		v.xoff = max(0, v.shift()-hstep)
	case is(v.keys.Right):
		want := v.shift() + hstep
		v.xoff = min(want, v.maxShift(want))
	case is(v.keys.Column0):
		v.xoff = 0
	}
	return true
}

// findMatches lists the rows whose text contains the query (case-insensitive).
func (v *viewer) findMatches() {
	v.matches = nil
	if v.search.Text == "" {
		return
	}
	q := strings.ToLower(v.search.Text)
	for i, r := range v.rows {
		if strings.Contains(strings.ToLower(searchText(r)), q) {
			v.matches = append(v.matches, i)
		}
	}
}

// gotoMatch moves to the next (or previous) match, wrapping around.
func (v *viewer) gotoMatch(forward bool) {
	if v.search.Text == "" {
		return
	}
	if len(v.matches) == 0 {
		v.status = fmt.Sprintf("no match for %q", v.search.Text)
		return
	}
	r, ok := v.next(v.matches, forward)
	if !ok { // wrap around
		r = v.matches[0]
		if !forward {
			r = v.matches[len(v.matches)-1]
		}
	}
	v.jump(r)
	i := sort.SearchInts(v.matches, r)
	v.status = fmt.Sprintf("%q: match %d of %d", v.search.Text, i+1, len(v.matches))
}

// searchText is what search looks in.
func searchText(r row) string {
	switch r.kind {
	case rowLine:
		return r.line.Text
	case rowPair:
		s := ""
		if r.left != nil {
			s += r.left.Text
		}
		if r.right != nil {
			s += "\x00" + r.right.Text
		}
		return s
	}
	return r.text
}

// view draws the title line, the file list beside the diff, and the search bar or status.
func (v *viewer) view(st *themes.Styles) string {
	w, h := v.width, v.height
	if w < 40 || h < 6 {
		return widget.Lines(st.Warn.Render("too small for the diff: enlarge the terminal"), w, h)
	}
	add, del := 0, 0
	for _, f := range v.diff.Files {
		add += f.Added
		del += f.Deleted
	}
	mode := "unified"
	if v.split {
		mode = "side by side"
	}
	if v.fold {
		mode += ", unchanged folded"
	}
	shift := v.shift()
	if shift > 0 {
		mode += fmt.Sprintf("  → +%d", shift)
	}
	title := st.Title.Render(v.diff.From+" → "+v.diff.To) + st.Muted.Render(fmt.Sprintf("  %d files ", len(v.diff.Files))) +
		st.Good.Render(fmt.Sprintf("+%d ", add)) + st.Bad.Render(fmt.Sprintf("−%d", del)) + st.Muted.Render("  "+mode+"  esc back")
	body := v.bodyHeight()
	listW, diffW := v.paneWidths()
	var list []string
	if listW > 0 {
		list = v.fileList(st, listW, body)
	}
	lines := make([]string, 0, h)
	lines = append(lines, widget.Fit(title, w))
	rule := st.Muted.Render("│")
	for i := 0; i < body; i++ {
		var b strings.Builder
		if listW > 0 {
			b.WriteString(list[i])
			b.WriteString(rule)
		}
		if r := v.scroll + i; r < len(v.rows) {
			b.WriteString(v.renderRow(st, &v.rows[r], diffW, shift))
		} else {
			b.WriteString(strings.Repeat(" ", diffW))
		}
		lines = append(lines, b.String())
	}
	switch {
	case v.search.Active:
		lines = append(lines, widget.Fit(st.Accent.Render("/")+v.search.Text+"▏", w))
	case v.status != "":
		lines = append(lines, widget.Fit(st.Muted.Render(v.status), w))
	}
	return widget.Lines(strings.Join(lines, "\n"), w, h)
}

// fileList draws the changed files, the one in view highlighted, scrolled to keep it visible.
func (v *viewer) fileList(st *themes.Styles, w, h int) []string {
	files := v.diff.Files
	cur := v.currentFile()
	top := 0
	if cur >= h {
		top = cur - h + 1
	}
	out := make([]string, h)
	for i := range out {
		fi := top + i
		if fi >= len(files) {
			out[i] = strings.Repeat(" ", w)
			continue
		}
		f := &files[fi]
		mark, style := "M", st.Warn
		switch f.Status {
		case "added":
			mark, style = "A", st.Good
		case "deleted":
			mark, style = "D", st.Bad
		case "renamed":
			mark, style = "R", st.Info
		}
		counts := fmt.Sprintf(" +%d−%d", f.Added, f.Deleted)
		if f.Binary {
			counts = " bin"
		}
		pathW := w - 2 - len([]rune(counts))
		path := f.Path
		if r := []rune(path); len(r) > pathW && pathW > 1 {
			path = "…" + string(r[len(r)-pathW+1:])
		}
		line := style.Render(mark) + " " + widget.Fit(path, max(0, pathW)) + st.Muted.Render(counts)
		if fi == cur {
			line = st.Selected.Render(widget.Fit(mark+" "+widget.Fit(path, max(0, pathW))+counts, w))
		}
		out[i] = widget.Fit(line, w)
	}
	return out
}

// paneWidths are the widths of the file list (0 when there is no room for it) and of the diff.
func (v *viewer) paneWidths() (listW, diffW int) {
	// The list takes what its paths need, up to a third of the width — a fifth side by side on a
	// narrow screen, where each side needs the room — and none for one file, whose name heads the
	// diff anyway.
	if len(v.diff.Files) > 1 && v.width >= 60 {
		listW = min(36, v.width/3, max(16, v.pathW+10)) // + status letter and counts
		if v.split && v.width < 140 {
			listW = min(listW, max(14, v.width/5))
		}
	}
	diffW = v.width - listW
	if listW > 0 {
		diffW-- // the rule between the panes
	}
	return listW, diffW
}

// renderRow styles one row to exactly w cells; the text of diff lines is shifted left by shift
// cells (the gutter stays).
func (v *viewer) renderRow(st *themes.Styles, r *row, w, shift int) string {
	switch r.kind {
	case rowTitle:
		return widget.Fit(st.Title.Render(r.text), w)
	case rowText:
		return widget.Fit(roleStyle(st, r.role).Render(r.text), w)
	case rowFile:
		return widget.Fit(st.Bold.Render("▌"+r.text), w)
	case rowHunk:
		return widget.Fit(st.Info.Render(r.text), w)
	case rowLine:
		return widget.Fit(v.lineText(st, r.file, r.line, r.spans, w, true, shift), w)
	case rowPair:
		half := (w - 1) / 2
		left, right := strings.Repeat(" ", half), strings.Repeat(" ", w-half-1)
		if r.left != nil {
			left = widget.Fit(v.lineText(st, r.file, r.left, r.lspan, half, false, shift), half)
		}
		if r.right != nil {
			right = widget.Fit(v.lineText(st, r.file, r.right, r.rspans, w-half-1, false, shift), w-half-1)
		}
		return left + st.Muted.Render("│") + right
	}
	return strings.Repeat(" ", w)
}

func roleStyle(st *themes.Styles, role string) lipgloss.Style {
	switch role {
	case "good":
		return st.Good
	case "bad":
		return st.Bad
	case "warn":
		return st.Warn
	case "muted":
		return st.Muted
	}
	return st.Text
}

// lineText draws a diff line in w cells: line numbers, sign, and the text with its changed words
// reversed. both shows old and new numbers (unified); otherwise the side's own number. With a
// lexer for the file (and colour), the text takes syntax colours on a tinted background for added
// and deleted lines; without, the whole line takes the sign's colour. shift > 0 scrolls the text
// (not the gutter or sign) left by that many cells, with a … in its first cell for what is hidden;
// tokens and word spans are still found on the whole line, so colours do not change with it.
func (v *viewer) lineText(st *themes.Styles, file int, l *versions.Line, spans []versions.Span, w int, both bool, shift int) string {
	style := st.Text
	sign := " "
	var tint color.Color
	switch l.Kind {
	case '+':
		style, sign, tint = st.Good, "+", st.Palette.DiffAdd
	case '-':
		style, sign, tint = st.Bad, "-", st.Palette.DiffDel
	}
	gutter := gutterOf(l, both)
	avail := max(0, w-len(gutter)-1)
	text := visible(l.Text, shift+avail)
	var toks []token
	if !st.Palette.Mono && file >= 0 && file < len(v.diff.Files) {
		toks = v.hl.lineTokens(v.diff.Files[file].Path, l, text)
	}
	base := style
	mark := st.Muted
	if toks != nil {
		base = st.Text
		if tint != nil {
			base = base.Background(tint)
			style = style.Background(tint)
			mark = mark.Background(tint)
		}
	}
	var b strings.Builder
	b.WriteString(st.Muted.Render(gutter))
	b.WriteString(style.Render(sign))
	drawn, skip := 0, 0
	if shift > 0 && text != "" {
		b.WriteString(mark.Render("…"))
		drawn, skip = 1, shift+1
	}
	hl := style.UnsetBackground().Reverse(true)
	at, ti, si := 0, 0, 0
	for at < len(text) {
		for ti < len(toks) && toks[ti].end <= at {
			ti++
		}
		for si < len(spans) && spans[si].End <= at {
			si++
		}
		end := len(text)
		if ti < len(toks) {
			end = min(end, toks[ti].end)
		}
		inSpan := si < len(spans) && spans[si].Start <= at
		switch {
		case inSpan:
			end = min(end, spans[si].End)
		case si < len(spans):
			end = min(end, spans[si].Start)
		}
		for end < len(text) && text[end]&0xC0 == 0x80 {
			end++ // never cut a character in two
		}
		seg := clean(text[at:end])
		at = end
		if skip > 0 {
			seg, skip = cutLeft(seg, skip)
		}
		if seg == "" {
			continue
		}
		drawn += ansi.StringWidth(seg)
		switch segStyle := base; {
		case inSpan:
			b.WriteString(hl.Render(seg))
		case ti < len(toks):
			if c := syntaxColour(st.Palette.Syntax, toks[ti].kind); c != nil {
				segStyle = segStyle.Foreground(c)
			}
			b.WriteString(segStyle.Render(seg))
		default:
			b.WriteString(segStyle.Render(seg))
		}
	}
	if l.NoEOL {
		b.WriteString(st.Muted.Render(" ⏎̸"))
		drawn += 2
	}
	if toks != nil && tint != nil && drawn < avail {
		b.WriteString(base.Render(strings.Repeat(" ", avail-drawn))) // the tint runs to the edge
	}
	return b.String()
}

// gutterOf is a line's numbers before its sign: old and new (both, unified) or the side's own.
func gutterOf(l *versions.Line, both bool) string {
	numText := func(n int) string {
		if n == 0 {
			return "    "
		}
		return fmt.Sprintf("%4d", n)
	}
	switch {
	case both:
		return numText(l.Old) + " " + numText(l.New) + " "
	case l.Kind == '+':
		return numText(l.New) + " "
	}
	return numText(l.Old) + " "
}

// visible cuts a (possibly 10 MB) line to what can show in w cells, at a rune boundary, before
// any styling work.
func visible(s string, w int) string {
	limit := 4 * (w + 1)
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && cut < len(s) && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut]
}

// clean makes text safe to draw: tabs as four spaces, control bytes and invalid UTF-8 replaced.
func clean(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\t", "    ")
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f:
			return '·'
		}
		return r
	}, s)
}
