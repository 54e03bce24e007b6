package runs

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	runsengine "github.com/mlwb/mlwb/stages/runs"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/widget"
)

// logTailBytes is how much of the end of a log the viewer reads: a run that printed gigabytes
// opens as fast as one that printed a page (the whole log is `mlwb runs log`).
const logTailBytes = 4 << 20

// maxLogLine bounds one shown line; longer ones are cut with a mark (the file keeps them whole).
const maxLogLine = 2000

// logView shows the end of a run's output log, follows it while the run runs (re-read on every
// tick), scrolls, and searches.
type logView struct {
	run    *store.Run
	path   string
	lines  []string
	cut    bool // the file is longer than what was read
	size   int64
	err    error
	follow bool // stay at the end as lines arrive
	top    int

	search  widget.LineInput
	query   string
	matches []int // indexes of lines matching query
	match   int   // current match
}

// logMsg carries a fresh read of the log.
type logMsg struct {
	path  string
	lines []string
	cut   bool
	size  int64
	err   error
}

func newLogView(r *store.Run) *logView {
	return &logView{run: r, path: r.LogPath, follow: true}
}

// reload reads the log's tail in the background.
func (l *logView) reload() tea.Cmd {
	path, size, read := l.path, l.size, l.lines != nil || l.err != nil
	return func() tea.Msg {
		if read {
			if st, err := os.Stat(path); err == nil && st.Size() == size {
				return nil // unchanged since the last read: a finished run's log is read once
			}
		}
		return readLogTail(path)
	}
}

func readLogTail(path string) logMsg {
	m := logMsg{path: path, lines: []string{}}
	f, err := os.Open(path)
	if err != nil {
		m.err = err
		return m
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		m.err = err
		return m
	}
	m.size = st.Size()
	from := max(0, m.size-logTailBytes)
	buf := make([]byte, m.size-from)
	if _, err := f.ReadAt(buf, from); err != nil && err != io.EOF {
		m.err = err
		return m
	}
	if from > 0 {
		m.cut = true
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			buf = buf[i+1:] // start at a whole line
		}
	}
	buf = bytes.TrimSuffix(buf, []byte("\n"))
	if len(buf) == 0 {
		return m
	}
	for _, ln := range bytes.Split(buf, []byte("\n")) {
		m.lines = append(m.lines, printable(ln))
	}
	return m
}

// printable makes a log line safe to draw: its colours and other escape sequences are taken
// out (rich, Keras and loguru colour their output: `·[32mepoch=1·[0m` was unreadable), and
// invalid UTF-8, the other control characters and tabs become visible stand-ins, and a huge
// line is cut.
func printable(b []byte) string {
	cut := len(b) > maxLogLine
	if cut {
		b = b[:maxLogLine]
	}
	if bytes.IndexByte(b, 0x1b) >= 0 {
		b = runsengine.StripANSI(nil, b)
	}
	s := strings.ToValidUTF8(string(b), "�")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r == '\r':
			return -1
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return '·'
		}
		return r
	}, s)
	if cut {
		s += " …"
	}
	return s
}

func (l *logView) set(m logMsg) {
	l.lines, l.cut, l.size, l.err = m.lines, m.cut, m.size, m.err
	if l.query != "" {
		l.findAll()
	}
}

func (l *logView) help() []key.Binding {
	return []key.Binding{back,
		key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/prev match")),
		key.NewBinding(key.WithKeys("G"), key.WithHelp("G", "follow")),
	}
}

// key handles a key press; it reports whether the viewer closes.
func (l *logView) key(msg tea.KeyPressMsg, h int) bool {
	if l.search.Active {
		switch l.search.Key(msg) {
		case widget.InputAccepted:
			l.query = l.search.Text
			l.findAll()
			l.jump(0)
		case widget.InputCancelled:
			l.search.Text = l.query
		}
		return false
	}
	page := max(1, h-2)
	switch msg.String() {
	case "esc":
		return true
	case "/":
		l.search = widget.LineInput{Active: true} // a new search; n/N repeat the last one
	case "n":
		l.jump(1)
	case "N":
		l.jump(-1)
	case "down", "j":
		l.scroll(1, page)
	case "up", "k":
		l.scroll(-1, page)
	case "pgdown", "ctrl+d", "space":
		l.scroll(page, page)
	case "pgup", "ctrl+u":
		l.scroll(-page, page)
	case "home", "g":
		l.follow, l.top = false, 0
	case "end", "G":
		l.follow = true
	}
	return false
}

func (l *logView) scroll(by, page int) {
	if l.follow {
		l.top = max(0, len(l.lines)-page)
	}
	l.top = max(0, min(l.top+by, len(l.lines)-page))
	l.follow = l.top >= len(l.lines)-page
}

func (l *logView) findAll() {
	l.matches = l.matches[:0]
	q := strings.ToLower(l.query)
	if q == "" {
		return
	}
	for i, ln := range l.lines {
		if strings.Contains(strings.ToLower(ln), q) {
			l.matches = append(l.matches, i)
		}
	}
}

// jump moves to the next (1), previous (-1) or, after a new search, the last (0) match.
func (l *logView) jump(dir int) {
	if len(l.matches) == 0 {
		return
	}
	switch dir {
	case 0:
		l.match = len(l.matches) - 1
	default:
		l.match = (l.match + dir + len(l.matches)) % len(l.matches)
	}
	l.follow = false
	l.top = max(0, l.matches[l.match]-3)
}

// view draws the log in w×h: the lines, then a status line.
func (l *logView) view(st *themes.Styles, w, h int) string {
	body := max(1, h-1)
	if l.follow {
		l.top = max(0, len(l.lines)-body)
	}
	l.top = max(0, min(l.top, len(l.lines)-body))
	var b strings.Builder
	q := strings.ToLower(l.query)
	for i := l.top; i < l.top+body; i++ {
		if i > l.top {
			b.WriteByte('\n')
		}
		if i >= len(l.lines) {
			continue
		}
		ln := widget.Fit(l.lines[i], w)
		if q != "" && strings.Contains(strings.ToLower(l.lines[i]), q) {
			ln = st.Accent.Render(ln)
		}
		b.WriteString(ln)
	}
	b.WriteByte('\n')
	b.WriteString(l.status(st, w))
	return widget.Lines(b.String(), w, h)
}

func (l *logView) status(st *themes.Styles, w int) string {
	if l.search.Active {
		return widget.Fit(st.Title.Render("search: ")+l.search.Text+"█"+st.Muted.Render("  enter find · esc cancel"), w)
	}
	if l.err != nil {
		return widget.Fit(st.Error.Render(fmt.Sprintf("log of run %d: %v", l.run.ID, l.err)), w)
	}
	s := fmt.Sprintf("log of run %d %s · %d lines · %s", l.run.ID, l.run.Name, len(l.lines), widget.Num(float64(l.size))+" B")
	if l.cut {
		s += " (the last 4 MiB)"
	}
	if l.follow && (l.run.Status == store.StatusRunning || l.run.Status == store.StatusQueued) {
		s += " · following" // a finished run's log has nothing more to follow
	}
	if l.query != "" {
		if len(l.matches) == 0 {
			s += fmt.Sprintf(" · no match for %q", l.query)
		} else {
			s += fmt.Sprintf(" · match %d/%d of %q", l.match+1, len(l.matches), l.query)
		}
	}
	return widget.Fit(st.Muted.Render(s+" · esc back"), w)
}
