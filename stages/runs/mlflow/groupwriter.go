package mlflow

import (
	"context"
	"sync"

	"github.com/mlwb/mlwb/store"
)

// groupWriter stores the metric points of concurrent requests with group commit: requests queue
// their points; one goroutine takes everything queued (up to maxPoints), stores it with a single
// write (one SQLite transaction), and then acknowledges every request of the group with the
// outcome. While it writes, the next group gathers. A transaction costs about the same for one
// point as for thousands, so under load the cost per request falls as the groups grow, and an
// idle writer adds no delay: a lone request is written at once.
//
// The goroutine is started by the first request after an idle spell and ends when the queue is
// empty, so an idle writer holds nothing and needs no closing.
type groupWriter struct {
	write     func(context.Context, []store.Point) error
	maxPoints int

	mu      sync.Mutex
	queue   []*writeReq
	running bool

	// groups and grouped count write calls and requests, for tests and benchmarks.
	groups, grouped int64
}

type writeReq struct {
	pts  []store.Point
	done chan error
}

var reqPool = sync.Pool{New: func() any { return &writeReq{done: make(chan error, 1)} }}

func newGroupWriter(write func(context.Context, []store.Point) error, maxPoints int) *groupWriter {
	return &groupWriter{write: write, maxPoints: maxPoints}
}

// Write stores pts and returns once they are stored, with the error of the write that stored
// them. Points of one request are stored together, in their order.
func (w *groupWriter) Write(pts []store.Point) error {
	if len(pts) == 0 {
		return nil
	}
	req := reqPool.Get().(*writeReq)
	req.pts = pts
	w.mu.Lock()
	w.queue = append(w.queue, req)
	if !w.running {
		w.running = true
		go w.loop()
	}
	w.mu.Unlock()
	err := <-req.done
	req.pts = nil
	reqPool.Put(req)
	return err
}

func (w *groupWriter) loop() {
	var group []*writeReq
	var batch []store.Point
	for {
		w.mu.Lock()
		n, take := 0, 0
		for take < len(w.queue) && (take == 0 || n+len(w.queue[take].pts) <= w.maxPoints) {
			n += len(w.queue[take].pts)
			take++
		}
		if take == 0 {
			w.running = false
			w.queue = nil // let a burst's backing array go
			w.mu.Unlock()
			return
		}
		group = append(group[:0], w.queue[:take]...)
		rest := copy(w.queue, w.queue[take:])
		clear(w.queue[rest:])
		w.queue = w.queue[:rest]
		w.groups++
		w.grouped += int64(take)
		w.mu.Unlock()

		var err error
		if len(group) == 1 {
			err = w.write(context.Background(), group[0].pts)
		} else {
			batch = batch[:0]
			for _, r := range group {
				batch = append(batch, r.pts...)
			}
			err = w.write(context.Background(), batch)
		}
		if err != nil && len(group) > 1 {
			// Find whose points failed: write each request alone, so one bad request does not
			// fail the others of its group.
			for _, r := range group {
				r.done <- w.write(context.Background(), r.pts)
			}
		} else {
			for _, r := range group {
				r.done <- err
			}
		}
		clear(group)
		if cap(batch) > 4*w.maxPoints {
			batch = nil
		}
	}
}

// stats returns the number of writes and of requests they stored.
func (w *groupWriter) stats() (groups, requests int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.groups, w.grouped
}
