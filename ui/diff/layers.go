package diff

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/widget"
)

// layer is one screen of the Diff tab drawn over the history: a diff, a file's or a params key's
// history, the marked runs' table, or a diff being computed. The page keeps them on a stack, so
// esc goes back to the screen that opened one (a diff opened from a file's history returns to
// that history).
type layer interface {
	setSize(w, h int)
	view(st *themes.Styles) string
	// key handles a key press: a command to run, and whether the layer closes.
	key(p *Page, msg tea.KeyPressMsg) (tea.Cmd, bool)
	capturing() bool
	shortHelp() []key.Binding
	fullHelp() [][]key.Binding
}

// job is a background load that a layer waits for. Its result carries seq; a result whose layer
// has left the stack (esc cancelled it) is dropped.
type job struct {
	seq    int
	cancel context.CancelFunc
}

// waiting returns the job a layer waits for (nil once loaded or never).
func (j *job) waiting() *job {
	if j.cancel == nil {
		return nil
	}
	return j
}

// done marks the job finished: nothing left to cancel.
func (j *job) done() { j.cancel = nil }

// waiter is a layer that may be waiting for a job.
type waiter interface{ waiting() *job }

// loadingLayer stands in for a diff while it computes; esc cancels it.
type loadingLayer struct {
	job
	what          string
	close         key.Binding
	width, height int
}

func newLoadingLayer(j job, what string) *loadingLayer {
	return &loadingLayer{job: j, what: what,
		close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
}

func (l *loadingLayer) setSize(w, h int) { l.width, l.height = w, h }

func (l *loadingLayer) view(st *themes.Styles) string {
	return widget.Lines(st.Muted.Render("computing the diff of "+l.what+"… (esc cancels)"), l.width, l.height)
}

func (l *loadingLayer) key(_ *Page, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	return nil, key.Matches(msg, l.close)
}

func (l *loadingLayer) capturing() bool           { return false }
func (l *loadingLayer) shortHelp() []key.Binding  { return []key.Binding{l.close} }
func (l *loadingLayer) fullHelp() [][]key.Binding { return [][]key.Binding{{l.close}} }

// newJob starts a cancellable job for a layer about to be pushed.
func (p *Page) newJob() (job, context.Context) {
	p.seq++
	ctx, cancel := context.WithCancel(context.Background())
	return job{seq: p.seq, cancel: cancel}, ctx
}

// top is the layer on screen; nil shows the history.
func (p *Page) top() layer {
	if len(p.stack) == 0 {
		return nil
	}
	return p.stack[len(p.stack)-1]
}

// push sizes a layer and puts it on screen.
func (p *Page) push(l layer) {
	l.setSize(p.width, p.height)
	p.stack = append(p.stack, l)
}

// pop closes the top layer, cancelling what it was waiting for.
func (p *Page) pop() {
	l := p.top()
	if l == nil {
		return
	}
	if w, ok := l.(waiter); ok {
		if j := w.waiting(); j != nil {
			j.cancel()
		}
	}
	p.stack = p.stack[:len(p.stack)-1]
}

// waitingFor is the index in the stack of the layer waiting for job seq; -1 when it is gone.
func (p *Page) waitingFor(seq int) int {
	for i, l := range p.stack {
		if w, ok := l.(waiter); ok {
			if j := w.waiting(); j != nil && j.seq == seq {
				return i
			}
		}
	}
	return -1
}
