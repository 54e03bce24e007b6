package widget

import (
	"fmt"
	"sync"
)

// Progress is how far a long piece of work has gone, as the engine's workers report it (from
// several goroutines, out of order): the step it is in ("" when it has one step) and done of
// total. A new step starts from 0; within a step done only grows. The Data tab's views and the
// CLI's progress line both show it.
type Progress struct {
	mu          sync.Mutex
	step        string
	done, total int64
}

// Set records that step has reached done of total (0 of 0: no measure, such as an in-memory
// sort). It has the shape of data.SortOptions.Progress.
func (p *Progress) Set(step string, done, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if step != p.step {
		p.step, p.done = step, 0
	}
	p.done, p.total = max(p.done, done), total
}

// Bytes records a pass over a file, the shape of data.FilterOptions.Progress.
func (p *Progress) Bytes(done, total int64) { p.Set("", done, total) }

// Text is "reading 45%", "45%", "sorting" (a step with no measure), or "" before any report.
func (p *Progress) Text() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.total <= 0 {
		return p.step
	}
	pct := fmt.Sprintf("%d%%", p.done*100/p.total)
	if p.step == "" {
		return pct
	}
	return p.step + " " + pct
}
