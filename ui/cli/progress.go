package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/mlwb/mlwb/ui/widget"
)

// progressLine shows how far a long verb (profile, filter, sort) has gone, as one line on
// standard error rewritten in place — only when standard error is a terminal, so pipes, logs and
// CI output stay clean, and only once the work has taken longer than progressAfter, so a quick
// run draws nothing. A nil *progressLine does nothing. Its methods may be called from the
// engine's workers at once.
type progressLine struct {
	widget.Progress // what the workers reported
	w               io.Writer
	label           string
	started         time.Time
	mu              sync.Mutex
	drawn           time.Time // when the line was last drawn; zero before the first
}

// progressAfter is how long a verb runs before its progress line appears; progressEvery is the
// least time between two redraws.
const progressAfter, progressEvery = 300 * time.Millisecond, 100 * time.Millisecond

// newProgress returns a progress line for w, or nil when w is not a terminal.
func newProgress(w io.Writer, label string) *progressLine {
	if !isTTY(w) {
		return nil
	}
	return &progressLine{w: w, label: label, started: time.Now()}
}

// bytes reports a pass over a file: done of total bytes.
func (p *progressLine) bytes(done, total int64) { p.report("", done, total) }

// report records that step has reached done of total and redraws the line when it is due.
func (p *progressLine) report(step string, done, total int64) {
	if p == nil {
		return
	}
	p.Set(step, done, total)
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.started) < progressAfter || now.Sub(p.drawn) < progressEvery {
		return
	}
	p.drawn = now
	text := p.label
	if t := p.Text(); t != "" {
		sep := " "
		if step != "" {
			sep = ": "
		}
		text += sep + t
	}
	text += fmt.Sprintf(" · %s", now.Sub(p.started).Round(100*time.Millisecond))
	fmt.Fprintf(p.w, "\r\x1b[K%s", text)
}

// clear removes the line, if one was drawn, before the verb prints its result.
func (p *progressLine) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.drawn.IsZero() {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = time.Time{}
	}
}
