package features

import (
	"bytes"
	"io"
	"strconv"
)

// textSink writes CSV (RFC 4180 quoting) or TSV: a header of the output names, then one line per
// row. Numbers are written in Go's shortest form that reads back to the same float64; a null is an
// empty field.
type textSink struct {
	w     io.Writer
	outs  []Output
	delim byte
}

func (s *textSink) header() error {
	var b []byte
	for i, o := range s.outs {
		if i > 0 {
			b = append(b, s.delim)
		}
		b = s.appendField(b, []byte(o.Name))
	}
	b = append(b, '\n')
	_, err := s.w.Write(b)
	return err
}

func (s *textSink) encode(b *batchOut, _ int64, cells []cell) error {
	b.rows++
	t := b.text
	for i, c := range cells {
		if i > 0 {
			t = append(t, s.delim)
		}
		switch c.kind {
		case cellInt:
			t = strconv.AppendInt(t, c.i, 10)
		case cellFloat:
			t = strconv.AppendFloat(t, c.f, 'g', -1, 64)
		case cellText:
			t = s.appendField(t, c.text)
		}
	}
	if len(cells) == 1 && len(t) == len(b.text) {
		// A lone empty field would be a blank line, which CSV readers skip: quote it.
		t = append(t, '"', '"')
	}
	b.text = append(t, '\n')
	return nil
}

func (s *textSink) write(b *batchOut) error {
	_, err := s.w.Write(b.text)
	return err
}

func (s *textSink) close() error { return nil }

// appendField quotes a value when it holds the delimiter, a quote or a line break (or is blank at
// an end, which readers would trim), doubling inner quotes.
func (s *textSink) appendField(t, v []byte) []byte {
	need := bytes.IndexByte(v, s.delim) >= 0 || bytes.IndexByte(v, '"') >= 0 ||
		bytes.IndexByte(v, '\n') >= 0 || bytes.IndexByte(v, '\r') >= 0 ||
		(len(v) > 0 && (v[0] == ' ' || v[len(v)-1] == ' '))
	if !need {
		return append(t, v...)
	}
	t = append(t, '"')
	for {
		i := bytes.IndexByte(v, '"')
		if i < 0 {
			break
		}
		t = append(t, v[:i+1]...)
		t = append(t, '"')
		v = v[i+1:]
	}
	t = append(t, v...)
	return append(t, '"')
}
