package features

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/parquet-go/parquet-go"
)

// sink is an output format. Workers encode their batch's rows into a batchOut in parallel; the
// batches are then written in file order, one at a time.
type sink interface {
	header() error
	encode(b *batchOut, line int64, cells []cell) error
	write(b *batchOut) error
	close() error
}

// batchOut is one input batch's transformed rows, encoded for the sink.
type batchOut struct {
	rows  int64
	text  []byte        // CSV/TSV
	prows []parquet.Row // Parquet
	vals  []parquet.Value
	arena []byte // copies of the input's text that Parquet values point at
}

// Formats of the output, from its name.
const (
	FormatCSV     = "csv"
	FormatTSV     = "tsv"
	FormatParquet = "parquet"
)

// FormatFor picks the output format from a file name: .parquet/.pq, .tsv/.tab, else CSV.
func FormatFor(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".parquet", ".pq":
		return FormatParquet
	case ".tsv", ".tab":
		return FormatTSV
	}
	return FormatCSV
}

func newSink(format string, w io.Writer, outs []Output) (sink, error) {
	switch format {
	case FormatCSV, "":
		return &textSink{w: w, outs: outs, delim: ','}, nil
	case FormatTSV:
		return &textSink{w: w, outs: outs, delim: '\t'}, nil
	case FormatParquet:
		return newParquetSink(w, outs)
	}
	return nil, fmt.Errorf("output format %q: expected csv, tsv or parquet", format)
}

// orderer writes finished batches in file order. A worker whose batch is far ahead of the next one
// to write waits (window batches at most are held), so memory stays bounded even when one chunk
// is slow.
type orderer struct {
	mu     sync.Mutex
	cond   *sync.Cond
	sink   sink
	next   int
	done   map[int]*batchOut
	window int
	rows   int64
	err    error
}

func newOrderer(s sink, window int) *orderer {
	o := &orderer{sink: s, done: map[int]*batchOut{}, window: window}
	o.cond = sync.NewCond(&o.mu)
	return o
}

// wait blocks until batch index may be encoded (it is within the window of the next to write).
func (o *orderer) wait(ctx context.Context, index int) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for index >= o.next+o.window && o.err == nil && ctx.Err() == nil {
		o.cond.Wait()
	}
	if o.err != nil {
		return o.err
	}
	return ctx.Err()
}

// put hands over a finished batch and writes every batch that is now next in order.
func (o *orderer) put(index int, b *batchOut) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	defer o.cond.Broadcast()
	if o.err != nil {
		return o.err
	}
	o.done[index] = b
	for {
		b, ok := o.done[o.next]
		if !ok {
			return nil
		}
		delete(o.done, o.next)
		o.next++
		o.rows += b.rows
		if err := o.sink.write(b); err != nil {
			o.err = fmt.Errorf("write output: %w", err)
			return o.err
		}
	}
}

// stop wakes every waiting worker after a failure elsewhere.
func (o *orderer) stop(err error) {
	o.mu.Lock()
	if o.err == nil {
		o.err = err
	}
	o.mu.Unlock()
	o.cond.Broadcast()
}
