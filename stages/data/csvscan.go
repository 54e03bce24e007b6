package data

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// csvScanner splits a chunk of CSV text (which starts and ends on record boundaries) into records.
// It is the profiler's hot loop, so it is written by hand: a line without a quote character is
// split with bytes.IndexByte (SIMD in the runtime); only lines with quotes take the byte-by-byte
// path, which handles doubled quotes and newlines inside quoted fields.
type csvScanner struct {
	data  []byte
	pos   int
	delim byte
	line  int64 // line number of the next record (1-based)

	fields   [][]byte
	scratch  []byte
	spans    []span
	recStart int // offset of the last record returned (its raw text is data[recStart:pos])
}

// raw is the text of the record next last returned, as it is in the data: quotes and line ending
// kept (a last record may have no line ending).
func (s *csvScanner) raw() []byte { return s.data[s.recStart:s.pos] }

type span struct {
	start, end int
	quoted     bool // the bytes are in scratch, unquoted
}

// errUnterminated is returned when a quoted field never ends.
type errUnterminated struct{ line int64 }

func (e errUnterminated) Error() string {
	return fmt.Sprintf("line %d: a quoted field starts here and is never closed", e.line)
}

func newCSVScanner(data []byte, delim byte, firstLine int64) *csvScanner {
	return &csvScanner{data: data, delim: delim, line: firstLine}
}

// eachRecord calls fn with every data record of a CSV chunk — the file's header row, at the start
// of its first chunk, passed over — with its fields (valid during the call) and the line it starts
// on; s.raw() is its text. It stops at a malformed record or at fn's first error.
func eachRecord(c chunk, dl *dialect, fn func(s *csvScanner, fields [][]byte, line int64) error) error {
	s := newCSVScanner(c.data, dl.delim, c.firstLine)
	skip := c.index == 0 && dl.header
	for {
		fields, line, ok, err := s.next()
		if err != nil || !ok {
			return err
		}
		if skip {
			skip = false
			continue
		}
		if err := fn(s, fields, line); err != nil {
			return err
		}
	}
}

// next returns the next record's fields (valid until the next call) and the line it starts on;
// ok is false at the end of the chunk. Blank lines are skipped. The common record (no quote
// character) is split in one pass that stops at the delimiter, the newline or a quote, eight bytes
// at a time (see specialBytes); a quote sends the record to slowRecord.
func (s *csvScanner) next() (fields [][]byte, line int64, ok bool, err error) {
	d := s.data
	for {
		if s.pos >= len(d) {
			return nil, 0, false, nil
		}
		i := s.pos
		if d[i] == '\n' || (d[i] == '\r' && i+1 < len(d) && d[i+1] == '\n') {
			s.pos += 1 + int(d[i]&1) // '\r' is odd, '\n' is even: skip one or two bytes
			s.line++
			continue
		}
		line = s.line
		s.recStart = i
		s.fields = s.fields[:0]
		start := i
		delim := s.delim
		dm := uint64(delim) * lowBytes
		for ; i+8 <= len(d); i += 8 {
			w := binary.LittleEndian.Uint64(d[i:])
			for m := specialBytes(w, dm); m != 0; m &= m - 1 {
				j := i + bits.TrailingZeros64(m)>>3
				switch d[j] {
				case delim:
					s.fields = append(s.fields, d[start:j])
					start = j + 1
				case '\n':
					return s.endRecord(start, j), line, true, nil
				default: // '"'
					f, err := s.slowRecord()
					return f, line, err == nil, err
				}
			}
		}
		for ; i < len(d); i++ {
			c := d[i]
			if c == delim {
				s.fields = append(s.fields, d[start:i])
				start = i + 1
			} else if c == '\n' {
				break
			} else if c == '"' {
				f, err := s.slowRecord()
				return f, line, err == nil, err
			}
		}
		return s.endRecord(start, i), line, true, nil
	}
}

// endRecord adds the last field, d[start:i] less a '\r' before the newline at i (or the data's
// end), and moves past the record.
func (s *csvScanner) endRecord(start, i int) [][]byte {
	d := s.data
	end := i
	if end > start && d[end-1] == '\r' {
		end--
	}
	s.fields = append(s.fields, d[start:end])
	s.pos = min(i+1, len(d)) // a last record with no line ending ends at the data's end
	s.line++
	return s.fields
}

const (
	lowBytes  = 0x0101010101010101
	highBytes = 0x8080808080808080
)

// specialBytes returns the high bit of each byte of w (eight bytes of data, little-endian) that
// is the delimiter (dm: the delimiter in every byte), a newline or a quote, and zeros elsewhere.
func specialBytes(w, dm uint64) uint64 {
	return zeroBytes(w^dm) | zeroBytes(w^('\n'*lowBytes)) | zeroBytes(w^('"'*lowBytes))
}

// zeroBytes returns the high bit of each zero byte of x: exact, with no false positives from
// borrows between bytes (adding 0x7F to the low seven bits sets the high bit of any non-zero
// byte without carrying out of it).
func zeroBytes(x uint64) uint64 {
	const low7 = 0x7F7F7F7F7F7F7F7F
	return ^(((x & low7) + low7) | x | low7)
}

// slowRecord parses one record that contains quotes, from s.pos.
func (s *csvScanner) slowRecord() ([][]byte, error) {
	d := s.data
	i := s.pos
	start := s.line
	s.scratch = s.scratch[:0]
	s.spans = s.spans[:0]
	for {
		// One field.
		if i < len(d) && d[i] == '"' {
			i++
			begin := len(s.scratch)
			for {
				j := bytes.IndexByte(d[i:], '"')
				if j < 0 {
					return nil, errUnterminated{start}
				}
				s.line += int64(bytes.Count(d[i:i+j], []byte{'\n'}))
				s.scratch = append(s.scratch, d[i:i+j]...)
				i += j + 1
				if i < len(d) && d[i] == '"' {
					s.scratch = append(s.scratch, '"')
					i++
					continue
				}
				break
			}
			// Text after the closing quote and before the delimiter is kept, as lenient readers do.
			for i < len(d) && d[i] != s.delim && d[i] != '\n' {
				if d[i] != '\r' {
					s.scratch = append(s.scratch, d[i])
				}
				i++
			}
			s.spans = append(s.spans, span{begin, len(s.scratch), true})
		} else {
			j := i
			for j < len(d) && d[j] != s.delim && d[j] != '\n' {
				j++
			}
			end := j
			if end > i && d[end-1] == '\r' && (j >= len(d) || d[j] == '\n') {
				end--
			}
			s.spans = append(s.spans, span{i, end, false})
			i = j
		}
		if i >= len(d) {
			break
		}
		if d[i] == '\n' {
			i++
			break
		}
		i++ // delimiter
	}
	s.pos = i
	s.line++
	s.fields = s.fields[:0]
	for _, sp := range s.spans {
		if sp.quoted {
			s.fields = append(s.fields, s.scratch[sp.start:sp.end])
		} else {
			s.fields = append(s.fields, d[sp.start:sp.end])
		}
	}
	return s.fields, nil
}

// recordBoundary returns the length of the longest prefix of b that ends just after a newline
// outside quotes (b starts on a record boundary), or -1 when there is none. quotes tells whether
// the caller has seen any quote character in b, to skip the parity scan when it cannot matter.
func recordBoundary(b []byte) int {
	if bytes.IndexByte(b, '"') < 0 {
		i := bytes.LastIndexByte(b, '\n')
		if i < 0 {
			return -1
		}
		return i + 1
	}
	last := -1
	inQuote := false
	seg := 0
	for seg < len(b) {
		q := bytes.IndexByte(b[seg:], '"')
		end := len(b)
		if q >= 0 {
			end = seg + q
		}
		if !inQuote {
			if k := bytes.LastIndexByte(b[seg:end], '\n'); k >= 0 {
				last = seg + k
			}
		}
		if q < 0 {
			break
		}
		inQuote = !inQuote
		seg = end + 1
	}
	if last < 0 {
		return -1
	}
	return last + 1
}
