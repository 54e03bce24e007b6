package live

import (
	"context"
	"fmt"
	"slices"

	"github.com/mlwb/mlwb/store"
)

// Watch follows runs for a headless live view: each Poll returns the points stored since the last
// one and the runs' states, and stops following runs that were deleted.
type Watch struct {
	s      *store.Store
	stream *Stream
}

// Update is what one Poll found.
type Update struct {
	Points []store.Point            // new points, each series in logged order
	Runs   map[int64]store.RunState // the followed runs as they are now
	Gone   []int64                  // runs deleted (or purged) since the last poll; no longer followed
}

// NewWatch follows runs (and only keys, when not empty).
func NewWatch(s *store.Store, runs []int64, keys []string) *Watch {
	return &Watch{s: s, stream: NewStream(s, runs, keys)}
}

// Poll reads what changed. States are read after the points, so a run seen ended has no points
// left behind: its supervisor stores the last ones before it records the end.
func (w *Watch) Poll(ctx context.Context) (Update, error) {
	var u Update
	var err error
	if u.Points, err = w.stream.Next(ctx); err != nil {
		return u, err
	}
	runs := w.stream.Runs()
	if u.Runs, err = w.s.RunStates(ctx, runs); err != nil {
		return u, fmt.Errorf("watch: %w", err)
	}
	for _, id := range runs {
		if _, ok := u.Runs[id]; !ok {
			u.Gone = append(u.Gone, id)
			w.stream.Drop(id)
		}
	}
	return u, nil
}

// Active reports whether any followed run may still log: queued or running.
func (u Update) Active() bool {
	for _, r := range u.Runs {
		if r.Status == store.StatusRunning || r.Status == store.StatusQueued {
			return true
		}
	}
	return false
}

// StepGroup is the new values of one run at one step: a line of `mlwb watch`'s plain output.
type StepGroup struct {
	Run    int64
	Step   int64
	Keys   []string
	Values []float64
}

// GroupBySteps folds points into one group per (run, step), in the order each first appears; a
// key logged twice at one step keeps its last value.
func GroupBySteps(pts []store.Point) []StepGroup {
	type rs struct{ run, step int64 }
	at := map[rs]int{}
	var out []StepGroup
	for _, p := range pts {
		i, ok := at[rs{p.RunID, p.Step}]
		if !ok {
			i = len(out)
			at[rs{p.RunID, p.Step}] = i
			out = append(out, StepGroup{Run: p.RunID, Step: p.Step})
		}
		g := &out[i]
		if j := slices.Index(g.Keys, p.Key); j >= 0 {
			g.Values[j] = p.Value
			continue
		}
		g.Keys, g.Values = append(g.Keys, p.Key), append(g.Values, p.Value)
	}
	return out
}
