package features

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"

	"github.com/mlwb/mlwb/stages/data"
)

// Options tune a transform. The zero value writes CSV with one worker per core.
type Options struct {
	Workers int    // 0: one per core
	Format  string // csv (default), tsv or parquet
}

// Result is what a transform wrote.
type Result struct {
	Rows    int64    `json:"rows"`
	Outputs []Output `json:"columns"`
}

// errEnough stops a pass once a preview has its rows.
var errEnough = errors.New("enough rows")

// Transform streams the CSV, TSV or JSON Lines file in through the plan to w: parallel chunks,
// written in file order, memory bounded by a few chunks whatever the file's size. The plan must
// have been fitted to a profile of this file (its columns are checked against the file's header).
func Transform(ctx context.Context, in string, pl *Plan, w io.Writer, o Options) (*Result, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	s, err := newSink(o.Format, bw, pl.Outputs)
	if err != nil {
		return nil, err
	}
	res, err := pl.stream(ctx, in, s, o.Workers, 0)
	if err != nil {
		return nil, err
	}
	if err := s.close(); err != nil {
		return nil, fmt.Errorf("write output: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("write output: %w", err)
	}
	return res, nil
}

// stream runs the pass into a sink; limit > 0 stops after that many rows (one worker, so the
// first rows are the file's first rows).
func (pl *Plan) stream(ctx context.Context, in string, s sink, workers int, limit int64) (*Result, error) {
	rs, err := data.OpenRecords(in)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	if rs.Format() == "jsonl" {
		if err := rs.SetColumns(pl.Inputs); err != nil {
			return nil, err
		}
	} else if !slices.Equal(rs.Columns(), pl.Inputs) {
		return nil, fmt.Errorf("%s: the header (%s) is not the one the spec was fitted to (%s); was the file changed after its profile?",
			in, data.ColumnList(rs.Columns()), data.ColumnList(pl.Inputs))
	}
	if err := s.header(); err != nil {
		return nil, fmt.Errorf("write output: %w", err)
	}
	if limit > 0 {
		workers = 1
	}
	if workers <= 0 {
		workers = defaultWorkers()
	}
	states := make([]*rowState, workers)
	for i := range states {
		states[i] = pl.newRowState(rs.DayFirst)
	}
	var rows int64 // rows written
	ord := data.NewOrdered(2*workers+2, func(b *batchOut) error {
		rows += b.rows
		if err := s.write(b); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
		return nil
	})
	var seen int64 // rows handed to the sink, for limit (one worker then)
	err = rs.Run(ctx, workers, func(wk int, b *data.RecordBatch) error {
		if err := ord.Wait(ctx, b.Index); err != nil {
			return err
		}
		bo := &batchOut{}
		st := states[wk]
		err := b.Each(func(line int64, fields [][]byte) error {
			if limit > 0 && seen >= limit {
				return errEnough
			}
			cells, err := pl.transform(st, line, fields)
			if err != nil {
				return err
			}
			seen++
			return s.encode(bo, line, cells)
		})
		if err != nil && !errors.Is(err, errEnough) {
			ord.Stop(err)
			return err
		}
		if perr := ord.Put(b.Index, bo); perr != nil {
			return perr
		}
		return err
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	return &Result{Rows: rows, Outputs: pl.Outputs}, nil
}

func defaultWorkers() int { return max(1, runtime.GOMAXPROCS(0)) }

// BuildFile transforms in to the file out (format from Options, or from out's extension when
// empty). The output is written beside out under a temporary name and renamed into place only
// when complete, so a failed or cancelled build never leaves half a file under out's name. The
// input may not be the output, and must not change while it is read.
func BuildFile(ctx context.Context, in, out string, pl *Plan, o Options) (*Result, error) {
	ist, err := os.Stat(in)
	if err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	if ost, err := os.Stat(out); err == nil && os.SameFile(ist, ost) {
		return nil, fmt.Errorf("features: the output %s is the input; write somewhere else", out)
	}
	if o.Format == "" {
		o.Format = FormatFor(out)
	}
	// A temporary file renamed into place when complete; a device or pipe is written in place.
	w, err := data.CreateOutput(out)
	if err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	defer w.Abort()
	res, err := Transform(ctx, in, pl, w, o)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(in); err != nil || st.Size() != ist.Size() || !st.ModTime().Equal(ist.ModTime()) {
		return nil, fmt.Errorf("%s: the file changed while it was being transformed; run the build again when it is complete", in)
	}
	if err := w.Commit(); err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	return res, nil
}

// Preview returns the output's column names and its first n rows as text (nulls empty), reading
// only as far into the input as those rows need.
func Preview(ctx context.Context, in string, pl *Plan, n int) ([]string, [][]string, error) {
	ts := &tableSink{}
	if _, err := pl.stream(ctx, in, ts, 1, int64(max(n, 1))); err != nil {
		return nil, nil, err
	}
	names := make([]string, len(pl.Outputs))
	for i, o := range pl.Outputs {
		names[i] = o.Name
	}
	return names, ts.rows, nil
}

// tableSink keeps rows as text, for previews.
type tableSink struct{ rows [][]string }

func (t *tableSink) header() error { return nil }

func (t *tableSink) encode(b *batchOut, _ int64, cells []cell) error {
	b.rows++
	r := make([]string, len(cells))
	for i, c := range cells {
		switch c.kind {
		case cellInt:
			r[i] = strconv.FormatInt(c.i, 10)
		case cellFloat:
			r[i] = strconv.FormatFloat(c.f, 'g', -1, 64)
		case cellText:
			r[i] = string(c.text)
		}
	}
	t.rows = append(t.rows, r)
	return nil
}

func (t *tableSink) write(*batchOut) error { return nil }
func (t *tableSink) close() error          { return nil }
