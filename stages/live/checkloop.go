package live

import (
	"context"
	"time"

	"github.com/mlwb/mlwb/store"
)

// CheckEvery is how often the rules are checked when mlwb.yaml sets no alerts.check_every: by
// the supervisor for its own run, and by the long-running views (mlwb server, mlwb watch, the Live
// tab) for all. Every rule looks at minutes of history, so ten seconds loses nothing, and each
// check is a few small reads (writes only when an alert is raised or cleared).
const CheckEvery = 10 * time.Second

// Run checks the rules at once and then every period until ctx ends. A failed check (a store
// busy past its timeout, say) goes to report, when not nil, and the loop goes on.
func (c *Checker) Run(ctx context.Context, every time.Duration, report func(error)) {
	c.loop(ctx, every, report, c.Check)
}

// RunFor is Run for one run only (CheckRun), the supervisor's loop: it checks at once and then
// every Every() until ctx ends. The supervisor cancels it when the command has exited and calls
// CheckRun once more after recording the end, so a failed run's alert is raised with no viewer.
func (c *Checker) RunFor(ctx context.Context, runID int64, report func(error)) {
	c.loop(ctx, c.Every(), report, func(ctx context.Context, now time.Time) ([]store.Alert, error) {
		return c.CheckRun(ctx, runID, now)
	})
}

func (c *Checker) loop(ctx context.Context, every time.Duration, report func(error), check func(context.Context, time.Time) ([]store.Alert, error)) {
	if every <= 0 {
		every = CheckEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := check(ctx, time.Now()); err != nil && report != nil && ctx.Err() == nil {
			report(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
