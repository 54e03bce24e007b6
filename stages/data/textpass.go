package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
)

// textInput is a CSV, TSV or JSON Lines source ready for a parallel pass: its first bytes, its
// dialect (nil for JSON Lines) and how to find the end of its last whole record in a buffer. The
// profiler and the filter both start here.
type textInput struct {
	src      *source
	head     []byte
	dl       *dialect
	boundary func([]byte) int
}

// openText reads the head of a text source, refuses an empty or binary one, and sniffs the
// delimiter and header (CSV/TSV) or checks that it holds objects (JSON Lines).
func openText(src *source) (*textInput, error) {
	head := make([]byte, sniffLimit)
	n, err := io.ReadFull(src.r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", src.path, readErr(err))
	}
	head, err = checkHead(src.path, head[:n])
	if err != nil {
		return nil, err
	}
	in := &textInput{src: src, head: head, boundary: lastNewline}
	if src.format == "jsonl" {
		if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && t[0] != '{' {
			return nil, fmt.Errorf("%s: line 1: JSON Lines needs one object per line; this starts with %q", src.path, clip(t, 20))
		}
		return in, nil
	}
	if in.dl, err = sniffCSV(src.path, head, src.format == "tsv"); err != nil {
		return nil, err
	}
	in.boundary = recordBoundary
	return in, nil
}

// checkHead drops a UTF-8 byte-order mark from the first bytes of a file and refuses them when
// the file is empty or not text.
func checkHead(path string, head []byte) ([]byte, error) {
	head = bytes.TrimPrefix(head, bom)
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, fmt.Errorf("%s: the file is empty", path)
	}
	if err := checkText(path, head[:min(len(head), sniffLimit)]); err != nil {
		return nil, err
	}
	return head, nil
}

// run cuts the input into chunks at record boundaries in one goroutine and hands them to nw
// workers, calling work(i, c) in worker i; each chunk's buffer goes back to the pool after work.
// The first failure (reading, or a work error, which is wrapped with the path) stops the pass;
// a read error is reported before a work error, as it explains it.
func (in *textInput) run(ctx context.Context, nw int, work func(i int, c chunk) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ch := &chunker{r: in.src.r, boundary: in.boundary, pool: make(chan []byte, 2*nw+2), path: in.src.path}
	chunks := make(chan chunk, nw)
	var wg sync.WaitGroup
	var readErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := ch.run(ctx, in.head, chunks); err != nil {
			readErr = err
			cancel(err)
		}
	}()
	errs := make([]error, nw)
	for i := 0; i < nw; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				if ctx.Err() != nil {
					ch.put(c.buf)
					continue // drain, so the reader is never stuck
				}
				err := work(i, c)
				ch.put(c.buf)
				if err != nil && errs[i] == nil {
					errs[i] = fmt.Errorf("%s: %w", in.src.path, err)
					cancel(errs[i])
				}
			}
		}()
	}
	wg.Wait()
	if readErr != nil {
		return readErr
	}
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return context.Cause(ctx)
}

// eachLine calls fn with every non-blank line of a JSON Lines chunk (without its "\n") and its
// line number, counting from first.
func eachLine(data []byte, first int64, fn func(line int64, ln []byte)) {
	line := first
	for len(data) > 0 {
		nl := bytes.IndexByte(data, '\n')
		var ln []byte
		if nl < 0 {
			ln, data = data, nil
		} else {
			ln, data = data[:nl], data[nl+1:]
		}
		if len(bytes.TrimSpace(ln)) > 0 {
			fn(line, ln)
		}
		line++
	}
}

func lastNewline(b []byte) int {
	i := bytes.LastIndexByte(b, '\n')
	if i < 0 {
		return -1
	}
	return i + 1
}

// headerText is the header record's text as read, ending in a newline; nil when the input has no
// header row (JSON Lines, or a CSV whose first row is data). Outputs that keep the file's
// records (filter, sort) start with it.
func (in *textInput) headerText() []byte {
	if in.dl == nil || !in.dl.header {
		return nil
	}
	end := recordBoundary(in.head)
	if end < 0 {
		end = len(in.head)
	}
	s := newCSVScanner(in.head[:end], in.dl.delim, 1)
	if _, _, ok, _ := s.next(); !ok {
		return nil
	}
	h := bytes.Clone(s.raw())
	if !bytes.HasSuffix(h, []byte{'\n'}) {
		h = append(h, '\n')
	}
	return h
}
