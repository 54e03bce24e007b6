package data

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cespare/xxhash/v2"
)

// eachRowWindow is how many rows EachRow reads per seek on an indexed file.
const eachRowWindow = 4096

// EachRow calls fn with every row from row from (0-based) to the end of the file, in order, with
// the line it starts on and its fields exactly as Rows returns them, until fn says no more or
// returns an error. Memory is one window of rows whatever the file's size: an indexed file (or
// Parquet) is read a window at a time from the nearest index entry, a compressed one is streamed
// once from its start. fields is valid only during the call.
func (ix *RowIndex) EachRow(ctx context.Context, from int64, fn func(row, line int64, fields []string) (more bool, err error)) error {
	if from < 0 {
		return fmt.Errorf("%s: row %d: rows are numbered from 0", ix.Path, from)
	}
	if ix.Indexed || ix.pq != nil {
		for r := from; r < ix.Total; {
			win, err := ix.Rows(ctx, r, eachRowWindow)
			if err != nil {
				return err
			}
			if len(win.Rows) == 0 {
				return nil
			}
			for i, f := range win.Rows {
				more, err := fn(r+int64(i), lineOf(win, i), f)
				if err != nil || !more {
					return err
				}
			}
			r += int64(len(win.Rows))
		}
		return nil
	}
	// A stream from the start through the row collector, handing its rows on after each chunk
	// instead of keeping them.
	c := &rowCollector{ix: ix, win: &RowWindow{Columns: ix.Columns}, want: int(^uint(0) >> 1),
		skip: from, skipHeader: ix.dl != nil && ix.dl.header}
	src, err := openSource(ix.Path)
	if err != nil {
		return err
	}
	defer src.Close()
	in, err := openText(src)
	if err != nil {
		return err
	}
	row := from
	err = in.run(ctx, 1, func(_ int, ch chunk) error {
		if _, err := c.scan(ch.data, ch.firstLine); err != nil {
			return fmt.Errorf("%s: %w", ix.Path, err)
		}
		for i, f := range c.win.Rows {
			more, err := fn(row, lineOf(c.win, i), f)
			if err != nil {
				return err
			}
			if !more {
				return errEnough
			}
			row++
		}
		c.win.Rows, c.win.Lines = c.win.Rows[:0], c.win.Lines[:0]
		return nil
	})
	if errors.Is(err, errEnough) {
		return nil
	}
	return err
}

func lineOf(w *RowWindow, i int) int64 {
	if i < len(w.Lines) {
		return w.Lines[i]
	}
	return 0
}

// RowHash identifies a row's text: xxHash64 over its fields, each preceded by its length (so
// "a,bc" and "ab,c" differ), as 16 hex characters. It is computed from the fields as the row index
// reads them, so the grid, the CLI and an export hash a row alike.
func RowHash(fields []string) string {
	d := xxhash.New()
	var n [binary.MaxVarintLen64]byte
	for _, f := range fields {
		d.Write(n[:binary.PutUvarint(n[:], uint64(len(f)))])
		d.WriteString(f)
	}
	return fmt.Sprintf("%016x", d.Sum64())
}
