package live

import (
	"context"
	"fmt"
	"slices"

	"github.com/mlwb/mlwb/store"
)

// streamPage is how many chunks one query of a stream reads (each up to 4,096 points).
const streamPage = 256

// Stream follows the metric points of some runs (and, optionally, only some keys) as any process
// stores them. Each Next reads only the chunks stored after the last one it returned, so a chart
// never re-reads history per frame.
type Stream struct {
	s     *store.Store
	runs  []int64
	keys  []string
	after int64 // id of the last chunk returned
}

// NewStream follows runs; keys empty means every key. The first Next returns the whole history.
func NewStream(s *store.Store, runs []int64, keys []string) *Stream {
	return &Stream{s: s, runs: slices.Clone(runs), keys: slices.Clone(keys)}
}

// Next returns the points stored since the last call, in the order they were stored (so each
// series' points are in logged order), reading pages until it has caught up.
func (st *Stream) Next(ctx context.Context) ([]store.Point, error) {
	var out []store.Point
	for {
		chunks, err := st.s.PointsSince(ctx, st.after, st.runs, st.keys, streamPage)
		if err != nil {
			return out, fmt.Errorf("metric stream: %w", err)
		}
		for _, c := range chunks {
			out = append(out, c.Points...)
			st.after = c.ID
		}
		if len(chunks) < streamPage {
			return out, nil
		}
	}
}

// Drop stops following a run (deleted, say).
func (st *Stream) Drop(run int64) {
	st.runs = slices.DeleteFunc(st.runs, func(r int64) bool { return r == run })
}

// Runs are the runs the stream follows.
func (st *Stream) Runs() []int64 { return slices.Clone(st.runs) }
