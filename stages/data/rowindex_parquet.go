package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parquet-go/parquet-go"
)

// parquetRows reaches rows of a Parquet file through its row groups, which the file's footer
// already lists with their row counts: no index of ours is needed.
type parquetRows struct {
	file   *os.File
	pf     *parquet.File
	starts []int64 // first row of each row group
}

// openParquet reads the footer: the flat columns and where each row group starts.
func (ix *RowIndex) openParquet() error {
	f, err := os.Open(ix.Path)
	if err != nil {
		return err // an *os.PathError, which names the path
	}
	pf, err := parquet.OpenFile(f, ix.size, parquet.SkipBloomFilters(true))
	if err != nil {
		f.Close()
		return fmt.Errorf("%s: not a readable Parquet file: %w", ix.Path, err)
	}
	leaves, _ := parquetLeaves(pf)
	for _, lf := range leaves {
		ix.Columns = append(ix.Columns, lf.name)
	}
	ix.pq = &parquetRows{file: f, pf: pf}
	for _, rg := range pf.RowGroups() {
		ix.pq.starts = append(ix.pq.starts, ix.Total)
		ix.Total += rg.NumRows()
	}
	ix.Indexed = true
	return nil
}

// read fills win with up to n rows from row from: it seeks inside the row group that holds from
// and reads on into the next groups. Values are shown as the profiler shows them (dates as
// dates); nulls are "", nested columns are left out.
func (p *parquetRows) read(ctx context.Context, ix *RowIndex, win *RowWindow, from int64, n int) error {
	leaves, _ := parquetLeaves(p.pf) // per call: each leaf's reader keeps a scratch buffer
	byColumn := map[int]int{}
	for i, lf := range leaves {
		byColumn[lf.index] = i
	}
	groups := p.pf.RowGroups()
	g := 0
	for g+1 < len(groups) && p.starts[g+1] <= from {
		g++
	}
	buf := make([]parquet.Row, min(n, 256))
	for ; g < len(groups) && len(win.Rows) < n; g++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows := groups[g].Rows()
		if skip := from - p.starts[g]; skip > 0 {
			if err := rows.SeekToRow(skip); err != nil {
				rows.Close()
				return fmt.Errorf("%s: row group %d: %w", ix.Path, g, err)
			}
		}
		from = max(from, p.starts[g])
		for len(win.Rows) < n {
			k, err := rows.ReadRows(buf[:min(len(buf), n-len(win.Rows))])
			for _, r := range buf[:k] {
				row := make([]string, len(leaves))
				for _, v := range r {
					i, ok := byColumn[v.Column()]
					if !ok || v.IsNull() {
						continue
					}
					_, raw, _, _ := leaves[i].read(v)
					row[i] = string(bytes.ToValidUTF8(raw, []byte("\uFFFD")))
				}
				win.Rows = append(win.Rows, row)
				win.Lines = append(win.Lines, 0)
			}
			if errors.Is(err, io.EOF) || (k == 0 && err == nil) {
				break
			}
			if err != nil {
				rows.Close()
				return fmt.Errorf("%s: row group %d: %w", ix.Path, g, err)
			}
		}
		rows.Close()
	}
	return nil
}
