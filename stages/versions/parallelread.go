package versions

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// minChangesPerReader is how many changed files make one more parallel reader worth having: a
// helper handle decodes the pack indexes once when it opens, which a handful of blobs does not
// pay back.
const minChangesPerReader = 16

// readerCount is how many handles to read n changes with on this machine.
func readerCount(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n/minChangesPerReader))
}

// diffChanges runs diffChange on every change, reading blobs with one goroutine per handle in
// repos (each handle used by one goroutine only: go-git storage is not safe for concurrent
// readers). Results keep the order of changes, and the error is the one a serial loop would
// return: that of the first change in order that fails.
func diffChanges(ctx context.Context, changes object.Changes, repos []*git.Repository, opt DiffOptions) ([]FileChange, error) {
	out := make([]FileChange, len(changes))
	if len(repos) <= 1 || len(changes) < 2 {
		for i, c := range changes {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			fc, err := diffChange(repos[0], c, opt)
			if err != nil {
				return nil, err
			}
			out[i] = fc
		}
		return out, nil
	}
	// Changes are handed out in runs of consecutive ones: neighbours in path order are often
	// neighbours in a delta chain, which a handle's cache then resolves once. Several runs per
	// reader keep the readers busy until the end when some files are much bigger than others.
	chunk := max(1, len(changes)/(4*len(repos)))
	var next atomic.Int64
	failed := make([]int, len(repos)) // index of each reader's first failure, or -1
	errs := make([]error, len(repos))
	var wg sync.WaitGroup
	for w, repo := range repos {
		failed[w] = -1
		wg.Go(func() {
			for {
				start := int(next.Add(int64(chunk))) - chunk
				if start >= len(changes) {
					return
				}
				for i := start; i < min(start+chunk, len(changes)); i++ {
					err := ctx.Err()
					if err == nil {
						out[i], err = diffChange(repo, changes[i], opt)
					}
					if err != nil {
						// Runs are handed out in order and a reader stops at its first
						// failure, so every change before the earliest failure was read.
						failed[w], errs[w] = i, err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	first := -1
	for w := range repos {
		if failed[w] >= 0 && (first < 0 || failed[w] < failed[first]) {
			first = w
		}
	}
	if first >= 0 {
		return nil, errs[first]
	}
	return out, nil
}
