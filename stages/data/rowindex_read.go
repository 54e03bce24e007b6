package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// jumpRead is the first read after a seek: enough for the records up to the next index entry
// in a typical file; a longer stretch is read in further, growing, pieces.
const jumpRead = 64 << 10

// Rows returns up to n rows from row from (0-based; the header is not a row): it seeks to the
// nearest index entry at or before from and reads at most Every records past it. Past the end it
// returns fewer rows, or none. Without a seekable index (compressed files) it streams from the
// start of the file.
func (ix *RowIndex) Rows(ctx context.Context, from int64, n int) (*RowWindow, error) {
	if from < 0 {
		return nil, fmt.Errorf("%s: row %d: rows are numbered from 0", ix.Path, from)
	}
	win := &RowWindow{From: from, Columns: ix.Columns}
	if n <= 0 || from >= ix.Total && ix.Indexed {
		return win, nil
	}
	if ix.pq != nil {
		return win, ix.pq.read(ctx, ix, win, from, n)
	}
	c := &rowCollector{ix: ix, win: win, want: n}
	if !ix.Indexed {
		c.skip, c.skipHeader = from, ix.dl != nil && ix.dl.header
		return win, ix.stream(ctx, c)
	}
	m := from / int64(ix.Every)
	c.skip = from - m*int64(ix.Every)
	return win, ix.readAt(ctx, c, ix.marks[m])
}

// readAt reads records from an index entry on, in pieces cut at record boundaries (the
// profiler's recordBoundary, or the last newline for JSON Lines) and split by its scanner.
func (ix *RowIndex) readAt(ctx context.Context, c *rowCollector, m rowMark) error {
	f, err := os.Open(ix.Path)
	if err != nil {
		return fmt.Errorf("read rows of %s: %w", ix.Path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("read rows of %s: %w", ix.Path, err)
	}
	if err := ix.checkUnchanged(st); err != nil {
		return err
	}
	boundary := lastNewline
	if ix.dl != nil {
		boundary = recordBoundary
	}
	off, line := m.offset, m.line
	buf := make([]byte, jumpRead)
	if off > int64(ix.bomLen) {
		// An entry starts a record, so a newline is right before it: a cheap check that the
		// index still describes these bytes.
		if _, err := f.ReadAt(buf[:1], off-1); err != nil || buf[0] != '\n' {
			return fmt.Errorf("%s: the row index does not match the file at byte %d; index it again", ix.Path, off)
		}
	}
	for !c.done() {
		if err := ctx.Err(); err != nil {
			return err
		}
		k, err := f.ReadAt(buf, off)
		eof := errors.Is(err, io.EOF)
		if err != nil && !eof {
			return fmt.Errorf("%s: read failed at line %d: %w", ix.Path, line, err)
		}
		cut := k
		if !eof {
			if cut = boundary(buf[:k]); cut <= 0 {
				if len(buf) >= maxRecordLen {
					return fmt.Errorf("%s: line %d: no record ends within %d MB: an unterminated quote?", ix.Path, line, maxRecordLen>>20)
				}
				buf = make([]byte, 2*len(buf))
				continue
			}
		}
		if cut == 0 {
			return nil
		}
		if line, err = c.scan(buf[:cut], line); err != nil {
			return fmt.Errorf("%s: %w", ix.Path, err)
		}
		if eof && cut == k {
			return nil
		}
		off += int64(cut)
	}
	return nil
}

// errEnough stops a streaming read once it has the rows it wants.
var errEnough = errors.New("enough rows")

// stream reads rows from the start of the file through the profiler's chunker: the way to a row
// of a compressed file, whose bytes cannot be seeked to.
func (ix *RowIndex) stream(ctx context.Context, c *rowCollector) error {
	src, err := openSource(ix.Path)
	if err != nil {
		return err
	}
	defer src.Close()
	in, err := openText(src)
	if err != nil {
		return err
	}
	err = in.run(ctx, 1, func(_ int, ch chunk) error {
		if _, err := c.scan(ch.data, ch.firstLine); err != nil {
			return err
		}
		if c.done() {
			return errEnough
		}
		return nil
	})
	if errors.Is(err, errEnough) {
		return nil
	}
	return err
}

// rowCollector passes over skip records, then keeps want rows as text.
type rowCollector struct {
	ix         *RowIndex
	win        *RowWindow
	skip       int64
	skipHeader bool
	want       int
	colIndex   map[string]int
	obj        objScanner
}

func (c *rowCollector) done() bool { return len(c.win.Rows) >= c.want }

// take reports whether the next record is one to keep (counting off the header and skip).
func (c *rowCollector) take() bool {
	switch {
	case c.done():
		return false
	case c.skipHeader:
		c.skipHeader = false
		return false
	case c.skip > 0:
		c.skip--
		return false
	}
	return true
}

// scan reads the records of data (which starts on line line and ends on a record boundary) and
// returns the line after them.
func (c *rowCollector) scan(data []byte, line int64) (int64, error) {
	if c.ix.dl == nil {
		var err error
		eachLine(data, line, func(ln int64, text []byte) {
			if err == nil && c.take() {
				err = c.addJSON(ln, text)
			}
		})
		return line + int64(bytes.Count(data, []byte{'\n'})), err
	}
	s := newCSVScanner(data, c.ix.dl.delim, line)
	for !c.done() {
		f, ln, ok, err := s.next()
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		if !c.take() {
			continue
		}
		row := make([]string, len(f))
		for i, v := range f {
			row[i] = string(bytes.ToValidUTF8(v, []byte("\uFFFD")))
		}
		c.win.Rows = append(c.win.Rows, row)
		c.win.Lines = append(c.win.Lines, ln)
	}
	return s.line, nil
}

// addJSON parses one JSON Lines record into a row lined up with the window's columns; a key not
// seen before adds a column (the rows already kept get "" for it).
func (c *rowCollector) addJSON(line int64, text []byte) error {
	fields, err := c.obj.parse(text)
	if err != nil {
		return fmt.Errorf("line %d: %w", line, err)
	}
	if c.colIndex == nil {
		c.colIndex = make(map[string]int, len(c.win.Columns))
		for i, name := range c.win.Columns {
			c.colIndex[name] = i
		}
	}
	row := make([]string, len(c.win.Columns))
	for _, f := range fields {
		i, ok := c.colIndex[string(f.key)]
		if !ok {
			i = len(c.win.Columns)
			c.colIndex[string(f.key)] = i
			c.win.Columns = append(c.win.Columns[:len(c.win.Columns):len(c.win.Columns)], string(f.key))
			row = append(row, "")
			for r := range c.win.Rows {
				c.win.Rows[r] = append(c.win.Rows[r], "")
			}
		}
		if f.kind != KindNull {
			row[i] = string(bytes.ToValidUTF8(f.raw, []byte("\uFFFD")))
		}
	}
	c.win.Rows = append(c.win.Rows, row)
	c.win.Lines = append(c.win.Lines, line)
	return nil
}
