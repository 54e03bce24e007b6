package store

import (
	"context"
	"sync"
	"time"
)

// MetricWriter batches points and writes them in one transaction every FlushEvery, or sooner
// once MaxBatch points wait: the write path of supervisors and API servers (DESIGN.md: a
// transaction every ~200 ms). It is safe for concurrent use.
type MetricWriter struct {
	s        *Store
	maxBatch int
	every    time.Duration

	mu      sync.Mutex
	pending []Point
	// spare is the previous batch's array, emptied, for pending to fill next: a writer taking a
	// million points a second would otherwise spend a third of its time growing fresh slices.
	spare []Point
	err   error // first write error, reported by Flush and Close
	armed bool  // a flush timer is pending

	flushMu sync.Mutex
	kick    chan struct{}
	done    chan struct{}
	wg      sync.WaitGroup
}

// NewMetricWriter starts a writer that flushes every flushEvery (200 ms when 0) or at maxBatch
// points (50,000 when 0).
func (s *Store) NewMetricWriter(flushEvery time.Duration, maxBatch int) *MetricWriter {
	if flushEvery <= 0 {
		flushEvery = 200 * time.Millisecond
	}
	if maxBatch <= 0 {
		maxBatch = 50000
	}
	w := &MetricWriter{s: s, maxBatch: maxBatch, kick: make(chan struct{}, 1), done: make(chan struct{})}
	w.wg.Add(1)
	w.every = flushEvery
	go w.loop()
	return w
}

// Add queues points; they are stored by the next flush.
func (w *MetricWriter) Add(pts ...Point) {
	w.mu.Lock()
	w.pending = append(w.pending, pts...)
	full := len(w.pending) >= w.maxBatch
	arm := !w.armed && !full
	w.armed = w.armed || arm
	w.mu.Unlock()
	if full {
		w.signal()
	} else if arm {
		// The timer runs only while points wait: an idle writer wakes nobody (a supervisor
		// watching a quiet run stays asleep).
		time.AfterFunc(w.every, w.signal)
	}
}

// signal asks the loop to flush.
func (w *MetricWriter) signal() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

func (w *MetricWriter) loop() {
	defer w.wg.Done()
	for {
		select {
		case <-w.kick:
		case <-w.done:
			w.flush()
			return
		}
		w.flush()
	}
}

// flush writes what is pending. On error the batch is kept and retried at the next flush, so a
// passing failure (a full disk being cleared) loses nothing.
func (w *MetricWriter) flush() {
	w.flushMu.Lock() // one flush at a time: the loop's and a caller's Flush share spare
	defer w.flushMu.Unlock()
	w.mu.Lock()
	batch := w.pending
	w.armed = false // points added from here on arm a new timer
	if len(batch) == 0 {
		w.mu.Unlock()
		return
	}
	w.pending, w.spare = w.spare[:0], nil
	w.mu.Unlock()
	err := w.s.WriteMetrics(context.Background(), batch)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.pending = append(batch, w.pending...)
		if w.err == nil {
			w.err = err
		}
		if !w.armed { // retry at the next period
			w.armed = true
			time.AfterFunc(w.every, w.signal)
		}
		return
	}
	w.err = nil
	if cap(batch) <= 4*w.maxBatch { // keep an array of a usual size, not a burst's
		clear(batch) // drop the key strings for the collector
		w.spare = batch[:0]
	}
}

// Flush writes everything queued so far and returns the last write error, if any.
func (w *MetricWriter) Flush() error {
	w.flush()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close flushes and stops the writer.
func (w *MetricWriter) Close() error {
	close(w.done)
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}
