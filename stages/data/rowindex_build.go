package data

import (
	"bytes"
	"context"
	"fmt"
	"os"
)

// build reads the whole file once through the profiler's chunker (one worker, so chunks come in
// order and their byte offsets add up) and notes where every Every-th record starts; with
// marks false it only counts (a compressed file, whose offsets could not be seeked to).
func (ix *RowIndex) build(ctx context.Context, in *textInput, opts IndexOptions, marks bool) error {
	w := indexWalker{every: int64(ix.Every), keep: marks, skipHeader: ix.dl != nil && ix.dl.header}
	if ix.dl != nil {
		w.delim = ix.dl.delim
	}
	base := int64(ix.bomLen)
	err := in.run(ctx, 1, func(_ int, c chunk) error {
		var err error
		if ix.dl != nil {
			err = w.csvChunk(c.data, base, c.firstLine)
		} else {
			w.jsonlChunk(c.data, base, c.firstLine)
		}
		base += int64(len(c.data))
		if opts.Progress != nil {
			opts.Progress(in.src.progress())
		}
		return err
	})
	if err != nil {
		return err
	}
	if st, err := os.Stat(ix.Path); err != nil || ix.checkUnchanged(st) != nil {
		return fmt.Errorf("%s: the file changed while it was being indexed; index it again when it is complete", ix.Path)
	}
	ix.Total, ix.marks = w.rows, w.marks
	return nil
}

// indexWalker counts records across the ordered chunks of a file and keeps every every-th
// record's start.
type indexWalker struct {
	every      int64
	keep       bool
	skipHeader bool
	delim      byte
	rows       int64
	marks      []rowMark
	sc         *csvScanner
}

func (w *indexWalker) record(offset, line int64) {
	if w.skipHeader {
		w.skipHeader = false
		return
	}
	if w.keep && w.rows%w.every == 0 {
		w.marks = append(w.marks, rowMark{offset, line})
	}
	w.rows++
}

// csvChunk walks the records of a CSV chunk that starts at file offset base on line line. Lines
// before the next quote character cannot hold a quoted newline, so each one is a record (blank
// ones skipped, as the scanner does) and they are walked with bytes.IndexByte; from the line with
// a quote on, the profiler's csvScanner reads one record at a time, so a quoted field's newlines
// are never taken for record ends.
func (w *indexWalker) csvChunk(data []byte, base, line int64) error {
	if w.sc == nil {
		w.sc = newCSVScanner(nil, w.delim, 1)
	}
	s := w.sc
	s.data, s.pos = data, 0
	pos := 0
	quote := -1 // position of the next quote character at or after pos; -1: not looked for yet
	for pos < len(data) {
		if quote < pos {
			if q := bytes.IndexByte(data[pos:], '"'); q >= 0 {
				quote = pos + q
			} else {
				quote = len(data)
			}
		}
		end := len(data) // the fast walk goes up to the start of the line holding the quote
		if quote < len(data) {
			end = bytes.LastIndexByte(data[pos:quote], '\n') + 1 + pos
		}
		line = w.lines(data, pos, end, base, line)
		pos = end
		if pos >= len(data) {
			break
		}
		s.pos, s.line = pos, line
		_, recLine, ok, err := s.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		w.record(base+int64(s.recStart), recLine)
		pos, line = s.pos, s.line
	}
	s.data = nil
	return nil
}

// lines walks the quote-free lines of data[pos:end], each a record unless blank (empty, or a lone
// "\r" before the newline), and returns the line number after them.
func (w *indexWalker) lines(data []byte, pos, end int, base, line int64) int64 {
	for pos < end {
		nl := bytes.IndexByte(data[pos:end], '\n')
		if nl < 0 {
			w.record(base+int64(pos), line)
			return line
		}
		if nl > 1 || (nl == 1 && data[pos] != '\r') {
			w.record(base+int64(pos), line)
		}
		pos += nl + 1
		line++
	}
	return line
}

// jsonlChunk walks the lines of a JSON Lines chunk: every line that is not blank is a record.
func (w *indexWalker) jsonlChunk(data []byte, base, line int64) {
	pos := 0
	for pos < len(data) {
		nl := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if nl >= 0 {
			next = pos + nl + 1
		}
		ln := data[pos:next]
		if len(ln) > 0 && (ln[0] == '{' || len(bytes.TrimSpace(ln)) > 0) {
			w.record(base+int64(pos), line)
		}
		pos = next
		line++
	}
}
