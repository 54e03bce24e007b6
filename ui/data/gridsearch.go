package data

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/ui/widget"
)

// searchState is the grid's "/" search: the text looked for, and a search running in the
// background over the row index (from the cursor on, wrapping at the end), cancellable with esc.
type searchState struct {
	input   widget.LineInput
	text    string // the last text searched for (n and N repeat it)
	running bool
	cancel  context.CancelFunc
	scanned *atomic.Int64 // rows looked at so far
	seq     int
	note    string // the outcome of the last search: not found, wrapped
}

var (
	searchKey     = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search rows"))
	searchNextKey = key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/prev match"))
	searchPrevKey = key.NewBinding(key.WithKeys("N"))
)

type (
	searchMsg struct {
		path    string
		seq     int
		row     int64 // -1: not found
		wrapped bool
		err     error
	}
	searchTickMsg struct {
		path string
		seq  int
	}
)

// rowMatcher says whether a row holds the text: any field containing it, ignoring case when the
// text is all lower case (as vim's smartcase does).
func rowMatcher(text string) func(fields []string) bool {
	fold := strings.ToLower(text) == text
	return func(fields []string) bool {
		for _, f := range fields {
			if fold && strings.Contains(strings.ToLower(f), text) || !fold && strings.Contains(f, text) {
				return true
			}
		}
		return false
	}
}

// findRow returns the first row from from to the end (forward) or the last row before from
// (back) that match holds for, wrapping round the file once; -1 when none does. It streams the
// rows through the index, counting them in scanned.
func findRow(ctx context.Context, ix *engine.RowIndex, from int64, back bool, match func([]string) bool, scanned *atomic.Int64) (int64, bool, error) {
	scan := func(start, end int64, last bool) (int64, error) {
		found := int64(-1)
		err := ix.EachRow(ctx, start, func(row, _ int64, fields []string) (bool, error) {
			if row >= end {
				return false, nil
			}
			scanned.Add(1)
			if match(fields) {
				found = row
				if !last {
					return false, nil
				}
			}
			return true, ctx.Err()
		})
		return found, err
	}
	total := ix.Total
	if !back {
		r, err := scan(from, total, false)
		if r >= 0 || err != nil {
			return r, false, err
		}
		r, err = scan(0, min(from, total), false)
		return r, r >= 0, err
	}
	r, err := scan(0, from, true)
	if r >= 0 || err != nil {
		return r, false, err
	}
	r, err = scan(from, total, true)
	return r, r >= 0, err
}

// startSearch looks for the search text from the row after the cursor (back: before it).
func (p *Page) startSearch(back bool) tea.Cmd {
	g, s := &p.grid, &p.search
	if s.text == "" {
		return nil
	}
	if g.ix == nil {
		s.note = "searching needs the row index: wait for indexing to finish"
		return nil
	}
	if s.running {
		s.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.seq++
	s.running, s.cancel, s.scanned, s.note = true, cancel, new(atomic.Int64), ""
	ix, path, seq, scanned := g.ix, g.path, s.seq, s.scanned
	from := g.cursor + 1
	if back {
		from = g.cursor
	}
	match := rowMatcher(s.text)
	find := func() tea.Msg {
		defer cancel()
		row, wrapped, err := findRow(ctx, ix, from, back, match, scanned)
		return searchMsg{path: path, seq: seq, row: row, wrapped: wrapped, err: err}
	}
	return tea.Batch(find, searchTick(path, seq))
}

func searchTick(path string, seq int) tea.Cmd {
	return tea.Tick(100*time.Millisecond, func(time.Time) tea.Msg { return searchTickMsg{path: path, seq: seq} })
}

func (p *Page) onSearch(msg searchMsg) tea.Cmd {
	s := &p.search
	if msg.path != p.grid.path || msg.seq != s.seq {
		return nil
	}
	s.running = false
	switch {
	case errors.Is(msg.err, context.Canceled):
		s.note = "search cancelled"
	case msg.err != nil:
		s.note = msg.err.Error()
	case msg.row < 0:
		s.note = fmt.Sprintf("%q not found", s.text)
	default:
		if msg.wrapped {
			s.note = "search wrapped round the file"
		}
		return p.moveTo(msg.row)
	}
	return nil
}

// searchKeyPress handles keys for the search; ok is false for keys it leaves to the grid.
func (p *Page) searchKeyPress(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	s := &p.search
	if s.input.Active {
		switch s.input.Key(msg) {
		case widget.InputAccepted:
			s.text = s.input.Text
			return p.startSearch(false), true
		}
		return nil, true
	}
	switch {
	case s.running && key.Matches(msg, backKey):
		s.cancel()
		return nil, true
	case key.Matches(msg, searchKey):
		s.input = widget.LineInput{Active: true} // a new search; n/N repeat the last one
		return nil, true
	case key.Matches(msg, searchNextKey):
		return p.startSearch(false), true
	case key.Matches(msg, searchPrevKey):
		return p.startSearch(true), true
	}
	return nil, false
}

// searchStatus is the footer's word on the search: the prompt, its progress or its outcome.
func (p *Page) searchStatus() (string, bool) {
	st := &p.ctx.Styles
	s := &p.search
	switch {
	case s.input.Active:
		return s.input.View(st.Accent.Render("/"), p.width), true
	case s.running:
		n := s.scanned.Load()
		pct := ""
		if t := p.grid.total(); t > 0 {
			pct = fmt.Sprintf(" (%d%%)", min(100, n*100/t))
		}
		return st.Warn.Render(fmt.Sprintf("searching %q: %s rows%s · esc cancels", s.text, groupDigits(n), pct)), false
	case s.note != "":
		return st.Muted.Render(s.note), false
	}
	return "", false
}
