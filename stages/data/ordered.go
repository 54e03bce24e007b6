package data

import (
	"context"
	"sync"
)

// Ordered hands the results of a parallel pass to emit in file order (chunk index 0, 1, 2, …) as
// they finish. A worker calls Wait before working on a chunk far ahead of the next one to emit,
// so at most window finished parts are held however slow one chunk is: memory stays bounded.
// The filter and the feature transform both write their output through it.
type Ordered[T any] struct {
	mu     sync.Mutex
	cond   *sync.Cond
	emit   func(T) error
	next   int
	done   map[int]T
	window int
	err    error
}

// NewOrdered returns an Ordered that calls emit (under its lock, one part at a time) in order.
func NewOrdered[T any](window int, emit func(T) error) *Ordered[T] {
	o := &Ordered[T]{emit: emit, done: map[int]T{}, window: max(window, 1)}
	o.cond = sync.NewCond(&o.mu)
	return o
}

// Wait blocks until chunk index is within the window of the next part to emit, or the pass failed
// (its error) or ctx ended.
func (o *Ordered[T]) Wait(ctx context.Context, index int) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	wake := context.AfterFunc(ctx, func() { // a cancelled pass does not wait for the next Put
		o.mu.Lock()
		o.cond.Broadcast()
		o.mu.Unlock()
	})
	defer wake()
	for index >= o.next+o.window && o.err == nil && ctx.Err() == nil {
		o.cond.Wait()
	}
	if o.err != nil {
		return o.err
	}
	return ctx.Err()
}

// Put hands over chunk index's part and emits every part that is now next in order.
func (o *Ordered[T]) Put(index int, part T) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	defer o.cond.Broadcast()
	if o.err != nil {
		return o.err
	}
	o.done[index] = part
	for {
		p, ok := o.done[o.next]
		if !ok {
			return nil
		}
		delete(o.done, o.next)
		o.next++
		if err := o.emit(p); err != nil {
			o.err = err
			return err
		}
	}
}

// Stop fails the pass with err (the first error wins) and wakes every waiting worker.
func (o *Ordered[T]) Stop(err error) {
	o.mu.Lock()
	if o.err == nil {
		o.err = err
	}
	o.mu.Unlock()
	o.cond.Broadcast()
}
