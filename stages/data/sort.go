package data

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultSortMemory is the memory budget of a sort when none is given.
const DefaultSortMemory = 512 << 20

// SortOptions say how to sort and where the rows go.
type SortOptions struct {
	Keys    []SortKey
	Memory  int64     // budget for the rows held in memory; a bigger file is sorted externally. 0: DefaultSortMemory
	Workers int       // 0: one per core
	TempDir string    // where the spill directory is made; "": os.TempDir()
	Out     io.Writer // the header, then every record as its original text, sorted; nil: discarded
	// Progress, when set, is told how far each step has gone: "reading" (bytes of the file read,
	// compressed bytes for a compressed file, of its size), "spilling" (the second read of a file
	// sorted externally, the same units), "sorting" (in memory, no measure: 0 of 0) and "writing"
	// (rows written of all rows). It is called
	// from the workers.
	Progress func(step string, done, total int64)
}

// SortResult says what a sort saw and how it ran.
type SortResult struct {
	Rows     int64       `json:"rows"`
	Keys     []SortedKey `json:"keys"`
	External bool        `json:"external"`      // the rows did not fit the budget: sorted runs were spilled to disk and merged
	Runs     int         `json:"runs"`          // run files written (external only)
	Spilled  int64       `json:"spilled_bytes"` // bytes written to them
}

// SortedKey is one key column as the sort typed it.
type SortedKey struct {
	Column     string `json:"column"`
	Desc       bool   `json:"desc"`
	Type       string `json:"type"`       // int, float, bool, datetime or string, decided as the profile does
	Violations int64  `json:"violations"` // values that break the type; they sort after the typed values
	Nulls      int64  `json:"nulls"`
}

// SortFile sorts a CSV, TSV or JSON Lines file (also .gz/.zst) by one or more columns and writes
// the header and the records, each as its original text (quoting and line endings kept), to
// o.Out. Each column compares by the type the profile infers for it from the whole file: integers
// exactly as int64, floats and dates as numbers, booleans false before true, text bytewise (values
// are trimmed of surrounding spaces first, as the profile reads them). In either direction a value
// that breaks the column's type sorts after the typed values (bytewise among themselves) and nulls
// come last. Equal keys keep their order in the file.
//
// The first pass reads the file in parallel, counts the kinds of the key columns' values (the
// types need the whole file) and keeps the text while it fits o.Memory; then the rows are sorted in
// memory. A file that does not fit is read a second time, in parallel: each chunk is sorted, and
// whenever the sorted chunks held reach the budget they are merged into a run file in a temporary
// directory under o.TempDir; the runs are then merged with a heap. Memory then stays near the
// budget plus a few 4 MiB read buffers per worker, whatever the file's size. The spill directory
// is removed on success, on error and on cancellation.
func SortFile(ctx context.Context, path string, o SortOptions) (*SortResult, error) {
	if len(o.Keys) == 0 {
		return nil, fmt.Errorf("sort %s: no column to sort by", path)
	}
	budget := o.Memory
	if budget <= 0 {
		budget = DefaultSortMemory
	}
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	src, in, err := openSortInput(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	cols, err := sortColumns(path, in.dl, o.Keys)
	if err != nil {
		return nil, err
	}
	nw := workerCount(Options{Workers: o.Workers})

	progress := o.Progress
	if progress == nil {
		progress = func(string, int64, int64) {}
	}
	readProgress := func(step string, src *source) func() {
		return func() { done, total := src.progress(); progress(step, done, total) }
	}
	g, err := gather(ctx, in, cols, nw, budget, readProgress("reading", src))
	if err != nil {
		return nil, err
	}
	res := &SortResult{Rows: g.rows, External: g.chunks == nil}
	for j, c := range cols {
		if in.dl == nil && !g.seen[j] {
			return nil, fmt.Errorf("sort %s: no record has the key %q", path, c.Column)
		}
		var viol int64
		c.typ, viol = columnType(g.kinds[j])
		res.Keys = append(res.Keys, SortedKey{Column: c.Column, Desc: c.Desc, Type: c.typ, Violations: viol, Nulls: g.kinds[j][KindNull]})
	}

	bw := bufio.NewWriterSize(out, 1<<20)
	var written int64
	emit := func(_, raw []byte) error {
		if written++; written%4096 == 0 || written == res.Rows {
			progress("writing", written, res.Rows)
		}
		_, err := bw.Write(raw)
		if len(raw) > 0 && raw[len(raw)-1] != '\n' {
			err = bw.WriteByte('\n')
		}
		return err
	}
	if !res.External {
		progress("sorting", 0, 0)
		sorted, err := sortChunks(ctx, g.chunks, in.dl, cols, nw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		srcs := make([]mergeSource, len(sorted))
		for i, sc := range sorted {
			srcs[i] = &chunkCursor{sc: sc}
		}
		bw.Write(in.headerText())
		if err := merge(ctx, srcs, emit); err != nil {
			return nil, sortOutErr(err)
		}
		if err := bw.Flush(); err != nil {
			return nil, sortOutErr(err)
		}
		return res, nil
	}

	// External: read the file again (its head told us the dialect), spilling sorted runs.
	src.Close()
	src2, in2, err := openSortInput(path)
	if err != nil {
		return nil, err
	}
	defer src2.Close()
	if in.dl != nil && (in2.dl == nil || strings.Join(in2.dl.names, "\x00") != strings.Join(in.dl.names, "\x00")) {
		return nil, fmt.Errorf("sort %s: the file changed while it was being sorted (its columns differ between the two reads)", path)
	}
	parent := o.TempDir
	if parent == "" {
		parent = os.TempDir()
	}
	sp := newSpiller(ctx, parent, budget)
	defer sp.cleanup()
	readers := make([]*keyReader, nw)
	for i := range readers {
		readers[i] = newKeyReader(in2.dl, cols)
	}
	spilled := readProgress("spilling", src2)
	err = in2.run(ctx, nw, func(i int, c chunk) error {
		own := chunk{data: bytes.Clone(c.data), firstLine: c.firstLine, index: c.index}
		sc, err := sortChunk(readers[i], own)
		if err != nil {
			return err
		}
		spilled()
		return sp.add(c.index, sc)
	})
	if err == nil {
		err = sp.flush()
	}
	if err != nil {
		return nil, err
	}
	var rows int64
	for _, r := range readers {
		rows += r.rows
	}
	if rows != g.rows {
		return nil, fmt.Errorf("sort %s: the file changed while it was being sorted (%d rows, then %d)", path, g.rows, rows)
	}
	res.Runs, res.Spilled = len(sp.runs), sp.spilled
	bw.Write(in.headerText())
	if err := sp.mergeRuns(emit); err != nil {
		return nil, sortOutErr(err)
	}
	if err := bw.Flush(); err != nil {
		return nil, sortOutErr(err)
	}
	return res, nil
}

// sortOutErr names a failure while writing the sorted rows (cancellation passes through as is).
func sortOutErr(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || strings.HasPrefix(err.Error(), "sort: ") {
		return err
	}
	return fmt.Errorf("sort output: %w", err)
}

// openSortInput opens a file that sort can read: CSV, TSV or JSON Lines, maybe compressed.
func openSortInput(path string) (*source, *textInput, error) {
	src, err := openSource(path)
	if err != nil {
		return nil, nil, err
	}
	if src.format != "csv" && src.format != "tsv" && src.format != "jsonl" {
		src.Close()
		return nil, nil, fmt.Errorf("%s: sort reads CSV, TSV and JSON Lines; this is %s", path, src.format)
	}
	in, err := openText(src)
	if err != nil {
		src.Close()
		return nil, nil, err
	}
	return src, in, nil
}

// sortColumns finds each key's column in the header (CSV/TSV; JSON Lines keys are found per record).
func sortColumns(path string, dl *dialect, keys []SortKey) ([]*sortColumn, error) {
	cols := make([]*sortColumn, len(keys))
	for j, k := range keys {
		c := &sortColumn{SortKey: k, field: -1}
		if dl != nil {
			for i, name := range dl.names {
				if name == k.Column {
					c.field = i
					if i < len(dl.dayFirst) {
						c.dayFirst = dl.dayFirst[i]
					}
					break
				}
			}
			if i := strings.LastIndexByte(k.Column, ':'); c.field < 0 && i > 0 && slices.Contains(dl.names, k.Column[:i]) {
				return nil, fmt.Errorf("sort: %s: key %q: direction %q is neither asc nor desc", path, k.Column, k.Column[i+1:])
			}
			if c.field < 0 {
				return nil, fmt.Errorf("sort: %s has no column %q (columns: %s)", path, k.Column, ColumnList(dl.names))
			}
		}
		cols[j] = c
	}
	return cols, nil
}

// gathered is what the first pass learns: per key column the kinds of its values, the row count,
// and the file's chunks when they all fit the budget (nil when they do not).
type gathered struct {
	kinds  [][numKinds]int64
	seen   []bool
	rows   int64
	chunks []chunk
}

// gather is the first pass: it classifies every key value and keeps a copy of the text while
// the estimated memory of sorting it (text, keys, entries) stays within budget.
func gather(ctx context.Context, in *textInput, cols []*sortColumn, nw int, budget int64, progress func()) (*gathered, error) {
	readers := make([]*keyReader, nw)
	for i := range readers {
		readers[i] = newKeyReader(in.dl, cols)
	}
	var used atomic.Int64
	var over atomic.Bool
	var mu sync.Mutex
	stored := map[int]chunk{}
	err := in.run(ctx, nw, func(i int, c chunk) error {
		r := readers[i]
		est := int64(len(c.data))
		err := r.each(c, func(_ int, _ []byte, vals []keyValue) {
			r.count(vals)
			est += 16
			for _, v := range vals {
				est += keyBound(v)
			}
		})
		progress()
		if err != nil {
			return err
		}
		if over.Load() {
			return nil
		}
		if used.Add(est) > budget {
			over.Store(true)
			mu.Lock()
			stored = nil // the text is read again in the external pass
			mu.Unlock()
			return nil
		}
		own := chunk{data: bytes.Clone(c.data), firstLine: c.firstLine, index: c.index}
		mu.Lock()
		if stored != nil {
			stored[c.index] = own
		}
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	g := &gathered{kinds: make([][numKinds]int64, len(cols)), seen: make([]bool, len(cols))}
	for _, r := range readers {
		g.rows += r.rows
		for j := range cols {
			for k := range r.kinds[j] {
				g.kinds[j][k] += r.kinds[j][k]
			}
			g.seen[j] = g.seen[j] || r.seen[j]
		}
	}
	if !over.Load() {
		g.chunks = make([]chunk, len(stored))
		for idx, c := range stored {
			g.chunks[idx] = c
		}
	}
	return g, nil
}

// sortChunks sorts every chunk on nw workers.
func sortChunks(ctx context.Context, chunks []chunk, dl *dialect, cols []*sortColumn, nw int) ([]*sortedChunk, error) {
	sorted := make([]*sortedChunk, len(chunks))
	errs := make([]error, nw)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < nw; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newKeyReader(dl, cols)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(chunks) || ctx.Err() != nil {
					return
				}
				sc, err := sortChunk(r, chunks[i])
				if err != nil {
					errs[w] = err
					return
				}
				sorted[i] = sc
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return sorted, ctx.Err()
}
