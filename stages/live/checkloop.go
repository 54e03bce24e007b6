package live

import (
	"context"
	"time"
)

// CheckEvery is how often the long-running views (mlwb server, mlwb watch, the Live tab) check
// the alert rules. Every rule looks at minutes of history, so ten seconds loses nothing, and
// each check is a few small write transactions.
const CheckEvery = 10 * time.Second

// Run checks the rules at once and then every period until ctx ends. A failed check (a store
// busy past its timeout, say) goes to report, when not nil, and the loop goes on.
func (c *Checker) Run(ctx context.Context, every time.Duration, report func(error)) {
	if every <= 0 {
		every = CheckEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := c.Check(ctx, time.Now()); err != nil && report != nil && ctx.Err() == nil {
			report(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
