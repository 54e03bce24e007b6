package data

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"
)

// Options tune a profile. The zero value profiles with every core and the default limits.
type Options struct {
	Workers       int                     // parallel workers; 0 means one per core
	Target        string                  // column whose class balance to report ("" for none)
	DistinctLimit int                     // exact distinct counting up to this many values per column; 0 picks one from the column count
	Progress      func(done, total int64) // bytes of the file read so far; called from the workers
}

// maxWarnings is how many warnings a profile lists (all are counted).
const maxWarnings = 20

// ProfileFile profiles the file at path in one parallel pass: every column's type and statistics,
// the correlations of numeric columns, and the class balance of opts.Target. Memory depends on the
// number of columns, not rows. A file that changes while it is read is an error, not a profile of
// half of each version.
func ProfileFile(ctx context.Context, path string, opts Options) (*Profile, error) {
	start := time.Now()
	src, err := openSource(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var w *worker
	var rows int64
	switch src.format {
	case "parquet":
		w, rows, err = profileParquet(ctx, src, opts)
	case "json":
		w, rows, err = profileJSONArray(ctx, src, opts)
	default:
		w, rows, err = profileText(ctx, src, opts)
	}
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err != nil || st.Size() != src.info.Size() || !st.ModTime().Equal(src.info.ModTime()) {
		return nil, fmt.Errorf("%s: the file changed while it was being read; profile it again when it is complete", path)
	}
	p := w.finish(rows, opts)
	p.Path, p.Format, p.Compression, p.Size = path, src.format, src.compression, src.info.Size()
	p.ElapsedMS = float64(time.Since(start).Microseconds()) / 1000
	return p, nil
}

// worker is one goroutine's accumulators. Columns are found by name, so JSON records with keys in
// any order (or missing) land in the right place; CSV columns are fixed by the header.
type worker struct {
	names     []string
	byName    map[string]int
	cols      []*colAcc
	firstSeen []int64 // line where each column was first seen (orders JSON keys across workers)
	limit     int
	dayFirst  []bool

	corr    *corrAcc
	corrPos []int // column index → position in corr, or -1

	rows      int64
	warnings  []Warning
	warnCount int64
}

func newWorker(names []string, dayFirst []bool, limit int) *worker {
	w := &worker{byName: map[string]int{}, limit: limit}
	for i, n := range names {
		df := false
		if i < len(dayFirst) {
			df = dayFirst[i]
		}
		w.addColumn(n, 1, df)
	}
	return w
}

func (w *worker) addColumn(name string, line int64, dayFirst bool) int {
	i := len(w.cols)
	w.names = append(w.names, name)
	w.byName[name] = i
	w.cols = append(w.cols, newColAcc(w.limit, dayFirst))
	w.firstSeen = append(w.firstSeen, line)
	w.corrPos = append(w.corrPos, -1)
	return i
}

func (w *worker) warn(wn Warning) {
	w.warnCount++
	if len(w.warnings) < maxWarnings {
		w.warnings = append(w.warnings, wn)
	}
}

// merge folds o into w, matching columns by name.
func (w *worker) merge(o *worker) {
	for i, name := range o.names {
		j, ok := w.byName[name]
		if !ok {
			j = w.addColumn(name, o.firstSeen[i], false)
			w.cols[j] = o.cols[i]
			continue
		}
		if o.firstSeen[i] < w.firstSeen[j] {
			w.firstSeen[j] = o.firstSeen[i]
		}
		w.cols[j].merge(o.cols[i])
	}
	if w.corr != nil && o.corr != nil {
		w.corr.merge(o.corr)
	}
	w.rows += o.rows
	w.warnCount += o.warnCount
	w.warnings = append(w.warnings, o.warnings...)
}

func distinctLimit(opts Options, ncols int) int {
	if opts.DistinctLimit > 0 {
		return opts.DistinctLimit
	}
	l := 4_000_000 / max(ncols, 1)
	return max(1000, min(l, 1<<16))
}

func workerCount(opts Options) int {
	if opts.Workers > 0 {
		return opts.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// profileText profiles CSV, TSV and JSON Lines: a reader goroutine cuts the stream into chunks at
// record boundaries and the workers parse and count them in parallel.
func profileText(ctx context.Context, src *source, opts Options) (*worker, int64, error) {
	in, err := openText(src)
	if err != nil {
		return nil, 0, err
	}
	dl := in.dl
	var names []string
	var dayFirst []bool
	var corrCols []int
	var shift []float64
	if dl != nil {
		names, dayFirst = dl.names, dl.dayFirst
		for c, num := range dl.numeric {
			if num && len(corrCols) < maxCorrColumns {
				corrCols = append(corrCols, c)
				shift = append(shift, dl.shiftMean[c])
			}
		}
	}
	limit := distinctLimit(opts, max(len(names), 1))
	workers := make([]*worker, workerCount(opts))
	for i := range workers {
		workers[i] = newWorker(names, dayFirst, limit)
		if len(corrCols) > 1 {
			workers[i].corr = newCorrAcc(corrCols, shift)
			for p, c := range corrCols {
				workers[i].corrPos[c] = p
			}
		}
	}
	err = in.run(ctx, len(workers), func(i int, c chunk) error {
		var err error
		if dl != nil {
			err = workers[i].csvChunk(c, dl)
		} else {
			workers[i].jsonlChunk(c)
		}
		if opts.Progress != nil {
			opts.Progress(src.progress())
		}
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	for _, w := range workers[1:] {
		workers[0].merge(w)
	}
	if dl != nil {
		workers[0].warnings = append(dl.warnings, workers[0].warnings...)
		workers[0].warnCount += int64(len(dl.warnings))
	}
	return workers[0], workers[0].rows, nil
}

// csvChunk counts every record of one chunk.
func (w *worker) csvChunk(c chunk, dl *dialect) error {
	ncols := len(w.cols)
	return eachRecord(c, dl, func(_ *csvScanner, fields [][]byte, line int64) error {
		w.rows++
		if len(fields) != ncols {
			w.warn(raggedWarning(line, len(fields), ncols))
		}
		for i, f := range fields {
			if i >= ncols {
				break
			}
			k, v := w.cols[i].addText(f, line)
			if w.corr != nil {
				if p := w.corrPos[i]; p >= 0 && (k == KindInt || k == KindFloat) {
					w.corr.set(p, v)
				}
			}
		}
		if w.corr != nil {
			w.corr.row()
		}
		return nil
	})
}

// raggedWarning is the warning for a CSV row of fields fields under a header of ncols names.
func raggedWarning(line int64, fields, ncols int) Warning {
	return Warning{Line: line, Message: fmt.Sprintf("row has %d fields, the header has %d (missing ones count as null, extra ones are ignored)", fields, ncols)}
}
