package data

import (
	"context"
	"fmt"
	"os"
	"sync"
)

// mergeFanIn is how many runs one merge reads at once (each with a 64 KiB buffer); more runs are
// merged in rounds. A variable so tests can force the rounds on small files.
var mergeFanIn = 64

// spiller receives sorted chunks from the parallel workers in any order, puts them back in file
// order, and each time the chunks it holds reach the memory budget merges them into one sorted run
// file. Runs therefore cover consecutive stretches of the file, in order, which is what keeps the
// final merge stable. The run directory is made on the first spill, under parent.
type spiller struct {
	ctx    context.Context
	parent string
	budget int64

	mu        sync.Mutex
	dir       string
	pending   map[int]*sortedChunk
	next      int
	held      []*sortedChunk
	heldBytes int64
	runs      []string
	seq       int
	spilled   int64
}

func newSpiller(ctx context.Context, parent string, budget int64) *spiller {
	return &spiller{ctx: ctx, parent: parent, budget: budget, pending: map[int]*sortedChunk{}}
}

// add takes the sorted chunk with the given index; it spills (holding the lock, which makes the
// workers wait: back-pressure) when the held chunks reach the budget.
func (s *spiller) add(index int, sc *sortedChunk) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending[index] = sc
	for {
		sc, ok := s.pending[s.next]
		if !ok {
			return nil
		}
		delete(s.pending, s.next)
		s.next++
		s.held = append(s.held, sc)
		s.heldBytes += sc.size()
		if s.heldBytes >= s.budget {
			if err := s.flush(); err != nil {
				return err
			}
		}
	}
}

// flush merges the held chunks into a new run file.
func (s *spiller) flush() error {
	if len(s.held) == 0 {
		return nil
	}
	srcs := make([]mergeSource, len(s.held))
	for i, sc := range s.held {
		srcs[i] = &chunkCursor{sc: sc}
	}
	if err := s.mergeToRun(srcs); err != nil {
		return err
	}
	s.held, s.heldBytes = nil, 0
	return nil
}

// mergeToRun merges srcs into a new run file, appended to s.runs.
func (s *spiller) mergeToRun(srcs []mergeSource) error {
	if s.dir == "" {
		dir, err := os.MkdirTemp(s.parent, "mlwb-sort-")
		if err != nil {
			return fmt.Errorf("sort: a directory for spill files: %w", err)
		}
		s.dir = dir
	}
	w, err := createRun(s.dir, s.seq)
	if err != nil {
		return err
	}
	s.seq++
	err = merge(s.ctx, srcs, w.write)
	if cerr := w.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	s.runs = append(s.runs, w.f.Name())
	s.spilled += w.n
	return nil
}

// mergeRuns merges all runs into emit, first merging groups of mergeFanIn consecutive runs into
// bigger runs until one merge can read them all (each input is deleted once merged).
func (s *spiller) mergeRuns(emit func(key, raw []byte) error) error {
	for len(s.runs) > mergeFanIn {
		runs := s.runs
		s.runs = nil
		for len(runs) > 0 {
			group := runs[:min(mergeFanIn, len(runs))]
			runs = runs[len(group):]
			if err := s.withRuns(group, func(srcs []mergeSource) error { return s.mergeToRun(srcs) }); err != nil {
				return err
			}
			for _, p := range group {
				os.Remove(p)
			}
		}
	}
	return s.withRuns(s.runs, func(srcs []mergeSource) error { return merge(s.ctx, srcs, emit) })
}

// withRuns opens the run files, calls fn with them as merge sources, and closes them.
func (s *spiller) withRuns(paths []string, fn func([]mergeSource) error) error {
	srcs := make([]mergeSource, 0, len(paths))
	defer func() {
		for _, r := range srcs {
			r.(*runReader).f.Close()
		}
	}()
	for _, p := range paths {
		r, err := openRun(p)
		if err != nil {
			return err
		}
		srcs = append(srcs, r)
	}
	return fn(srcs)
}

// cleanup removes the spill directory and everything in it.
func (s *spiller) cleanup() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}
