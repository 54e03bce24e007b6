package eval

import (
	"fmt"
	"io"
)

// guard wraps the raw input so that no record can make the reader hold more than about
// maxRecord bytes, and so that binary input stops at its first NUL byte. It counts lines, to
// say where it stopped. The parsers call mark after each record.
type guard struct {
	r     io.Reader
	max   int64 // bytes allowed since the last mark (the parsers read ahead a little: slack included)
	since int64
	line  int // newlines passed so far
	limit int // the limit as the user gave it, for the message
	err   error
}

// readAhead is how far past a record the parsers may have read before they call mark.
const readAhead = 64 << 10

func newGuard(r io.Reader, maxRecord int) *guard {
	return &guard{r: r, max: int64(maxRecord) + readAhead, limit: maxRecord}
}

func (g *guard) mark() { g.since = 0 }

func (g *guard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, b := range p[:n] {
		switch b {
		case '\n':
			g.line++
		case 0:
			g.err = inputErr(g.line+1, "", ErrBinary, "NUL byte")
			return i, g.err
		}
		if g.since++; g.since > g.max {
			g.err = inputErr(g.line+1, "", ErrTooLong, "more than %s in one record (Options.MaxRecordBytes)", byteSize(g.limit))
			return i, g.err
		}
	}
	return n, err
}

// byteSize writes n bytes the way people read it: 512 B, 64 KiB, 1 MiB.
func byteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
