package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// chunk is a piece of the input that starts and ends on record boundaries.
type chunk struct {
	buf       []byte // backing buffer, returned to the pool after use
	data      []byte
	firstLine int64
	index     int
}

// chunkSize is the unit of parallel work (a variable so tests can force many chunks on small
// files); maxRecordLen bounds one record, so an unterminated quote cannot buffer a whole file.
var (
	chunkSize    = 4 << 20
	maxRecordLen = 256 << 20
)

// chunker cuts a stream into chunks for the parallel workers. boundary finds the end of the last
// whole record in a buffer (quote-aware for CSV; the last newline for JSON Lines). Buffers are
// recycled through pool, so memory is a few chunks whatever the file's size.
type chunker struct {
	r        io.Reader
	boundary func([]byte) int
	pool     chan []byte
	path     string
}

// run sends chunks to out until the stream ends; it closes out. The first bytes (already read for
// sniffing) come from head.
func (c *chunker) run(ctx context.Context, head []byte, out chan<- chunk) error {
	defer close(out)
	buf := c.get(len(head))
	n := copy(buf, head)
	line := int64(1)
	eof := false
	for idx := 0; ; idx++ {
		// Fill the buffer.
		for !eof && n < len(buf) {
			m, err := c.r.Read(buf[n:])
			n += m
			if errors.Is(err, io.EOF) {
				eof = true
			} else if err != nil {
				return fmt.Errorf("%s: read failed after line %d: %w", c.path, line+int64(bytes.Count(buf[:n], []byte{'\n'})), readErr(err))
			}
		}
		if n == 0 && eof {
			return nil
		}
		cut := n
		if !eof {
			cut = c.boundary(buf[:n])
			if cut <= 0 {
				// No whole record in the buffer: one record is longer than it. Grow.
				if len(buf) >= maxRecordLen {
					return fmt.Errorf("%s: line %d: no record ends within %d MB: an unterminated quote, or not a %s file?", c.path, line, maxRecordLen>>20, "CSV")
				}
				bigger := make([]byte, len(buf)*2)
				copy(bigger, buf[:n])
				buf = bigger
				idx--
				continue
			}
		}
		next := c.get(n - cut)
		rest := copy(next, buf[cut:n])
		ch := chunk{buf: buf, data: buf[:cut], firstLine: line, index: idx}
		line += int64(bytes.Count(ch.data, []byte{'\n'}))
		select {
		case out <- ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		buf, n = next, rest
		if eof && n == 0 {
			return nil
		}
	}
}

// get returns a buffer of at least chunkSize bytes that can hold min bytes plus room to read.
func (c *chunker) get(min int) []byte {
	if min < chunkSize/2 {
		select {
		case b := <-c.pool:
			return b[:cap(b)]
		default:
			return make([]byte, chunkSize)
		}
	}
	return make([]byte, min*2)
}

// put returns a buffer for reuse (only standard-size ones; grown ones are left to the GC).
func (c *chunker) put(b []byte) {
	if cap(b) != chunkSize {
		return
	}
	select {
	case c.pool <- b:
	default:
	}
}

// readErr names the common failure of compressed input in words.
func readErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("the compressed stream is truncated (%w)", err)
	}
	return err
}
