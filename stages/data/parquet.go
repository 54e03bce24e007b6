package data

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// pqLeaf is one flat column of a Parquet file and how to read its values.
type pqLeaf struct {
	name    string
	index   int
	hasTime bool // a timestamp: dates print with their time of day
	read    func(v parquet.Value) (Kind, []byte, float64, int64)
}

// profileParquet profiles a Parquet file column by column: each worker reads its share of the
// columns, one row group and page at a time, so memory stays at a page per worker. Types come from
// the schema (no inference needed); nested list/map columns are reported and skipped.
func profileParquet(ctx context.Context, src *source, opts Options) (*worker, int64, error) {
	f, err := parquet.OpenFile(src.file, src.info.Size(), parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return nil, 0, fmt.Errorf("%s: not a readable Parquet file: %w", src.path, err)
	}
	leaves, warns := parquetLeaves(f)
	nw := min(workerCount(opts), max(len(leaves), 1))
	workers := make([]*worker, nw)
	errs := make([]error, nw)
	rows := f.NumRows()
	var wg sync.WaitGroup
	for wi := range workers {
		w := newWorker(nil, nil, distinctLimit(opts, len(leaves)))
		workers[wi] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for li := wi; li < len(leaves); li += nw {
				lf := leaves[li]
				ci := w.addColumn(lf.name, int64(li), false)
				if err := readParquetColumn(ctx, f, lf, w.cols[ci]); err != nil {
					errs[wi] = fmt.Errorf("%s: %w", src.path, err)
					return
				}
				if opts.Progress != nil {
					opts.Progress(int64(li+1)*src.info.Size()/int64(len(leaves)), src.info.Size())
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, 0, err
	}
	for _, w := range workers[1:] {
		workers[0].merge(w)
	}
	w := workers[0]
	w.rows = rows
	for _, wn := range warns {
		w.warn(wn)
	}
	return w, rows, nil
}

// parquetLeaves lists the flat columns of a Parquet file with how to read their values; nested
// list/map columns are left out with a warning each. The profiler and the row index share it.
func parquetLeaves(f *parquet.File) ([]pqLeaf, []Warning) {
	var leaves []pqLeaf
	var warns []Warning
	var walk func(c *parquet.Column, path []string, repeated bool)
	walk = func(c *parquet.Column, path []string, repeated bool) {
		repeated = repeated || c.Repeated()
		if len(c.Path()) > 0 {
			path = c.Path()
		}
		if !c.Leaf() {
			for _, ch := range c.Columns() {
				walk(ch, path, repeated)
			}
			return
		}
		name := strings.Join(path, ".")
		if repeated {
			warns = append(warns, Warning{Column: name, Message: fmt.Sprintf("column %q is a list or map (a repeated field); nested columns are not profiled", name)})
			return
		}
		lf := pqLeaf{name: name, index: c.Index(), read: pqReader(c.Type())}
		if lt := c.Type().LogicalType(); lt != nil {
			_, lf.hasTime = lt.Value.(*format.TimestampType)
		}
		if c.Type().Kind() == parquet.Int96 {
			lf.hasTime = true
		}
		leaves = append(leaves, lf)
	}
	walk(f.Root(), nil, false)
	return leaves, warns
}

func readParquetColumn(ctx context.Context, f *parquet.File, lf pqLeaf, c *colAcc) error {
	buf := make([]parquet.Value, 4096)
	var row int64
	c.dp.hasTime = lf.hasTime
	for g, rg := range f.RowGroups() {
		if err := ctx.Err(); err != nil {
			return err
		}
		pages := rg.ColumnChunks()[lf.index].Pages()
		for {
			p, err := pages.ReadPage()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				pages.Close()
				return fmt.Errorf("row group %d, column %q: %w", g, lf.name, err)
			}
			vr := p.Values()
			for {
				n, err := vr.ReadValues(buf)
				for _, v := range buf[:n] {
					row++
					if v.IsNull() {
						c.kinds[KindNull]++
						continue
					}
					k, raw, x, ix := lf.read(v)
					c.addKind(k, raw, x, ix, row)
				}
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					pages.Close()
					return fmt.Errorf("row group %d, column %q: %w", g, lf.name, err)
				}
			}
			parquet.Release(p)
		}
		pages.Close()
	}
	return nil
}

// pqReader returns how to turn a value of the given Parquet type into our kinds: dates and
// timestamps become epoch seconds, decimals floats, byte arrays text.
func pqReader(t parquet.Type) func(v parquet.Value) (Kind, []byte, float64, int64) {
	var scratch []byte
	lt := t.LogicalType()
	var ltv format.LogicalTypeValue
	if lt != nil {
		ltv = lt.Value
	}
	switch l := ltv.(type) {
	case *format.DateType:
		return func(v parquet.Value) (Kind, []byte, float64, int64) {
			secs := float64(v.Int32()) * 86400
			scratch = append(scratch[:0], formatTime(secs, false)...)
			return KindDate, scratch, secs, 0
		}
	case *format.TimestampType:
		unit := time.Millisecond
		if l.Unit.Value != nil {
			unit = l.Unit.Value.Duration()
		}
		return func(v parquet.Value) (Kind, []byte, float64, int64) {
			secs := float64(v.Int64()) * unit.Seconds()
			scratch = append(scratch[:0], formatTime(secs, true)...)
			return KindDate, scratch, secs, 0
		}
	case *format.DecimalType:
		scale := math.Pow10(-int(l.Scale))
		return func(v parquet.Value) (Kind, []byte, float64, int64) {
			var x float64
			switch v.Kind() {
			case parquet.Int32:
				x = float64(v.Int32()) * scale
			case parquet.Int64:
				x = float64(v.Int64()) * scale
			default:
				return KindString, v.ByteArray(), 0, 0
			}
			scratch = strconv.AppendFloat(scratch[:0], x, 'g', -1, 64)
			return KindFloat, scratch, x, 0
		}
	}
	return func(v parquet.Value) (Kind, []byte, float64, int64) {
		switch v.Kind() {
		case parquet.Boolean:
			if v.Boolean() {
				return KindBool, []byte("true"), 1, 0
			}
			return KindBool, []byte("false"), 0, 0
		case parquet.Int32, parquet.Int64:
			i := v.Int64()
			scratch = strconv.AppendInt(scratch[:0], i, 10)
			return KindInt, scratch, float64(i), i
		case parquet.Float, parquet.Double:
			x := v.Double()
			if v.Kind() == parquet.Float {
				x = float64(v.Float())
			}
			if math.IsNaN(x) {
				return KindNull, nil, 0, 0
			}
			scratch = strconv.AppendFloat(scratch[:0], x, 'g', -1, 64)
			return KindFloat, scratch, x, 0
		case parquet.Int96:
			// Legacy Impala/Spark timestamps: nanoseconds of the day and a Julian day number.
			b := v.Bytes()
			if len(b) == 12 {
				var nanos uint64
				for i := 7; i >= 0; i-- {
					nanos = nanos<<8 | uint64(b[i])
				}
				julian := int64(uint32(b[8]) | uint32(b[9])<<8 | uint32(b[10])<<16 | uint32(b[11])<<24)
				secs := float64(julian-2440588)*86400 + float64(nanos)/1e9
				scratch = append(scratch[:0], formatTime(secs, true)...)
				return KindDate, scratch, secs, 0
			}
		}
		return KindString, v.ByteArray(), 0, 0
	}
}
