package data

import (
	"bytes"
	"fmt"
)

// keyReader walks the records of a chunk and reads each record's key columns, classified as the
// profiler classifies values (so a sort types a column exactly as the profile does). One per
// worker; it also counts, per key column, how many values of each kind it has seen.
type keyReader struct {
	dl    *dialect // nil for JSON Lines
	cols  []*sortColumn
	dps   []dateParser
	js    objScanner
	vals  []keyValue
	kinds [][numKinds]int64
	seen  []bool // JSON Lines: some record has this key
	rows  int64
}

func newKeyReader(dl *dialect, cols []*sortColumn) *keyReader {
	r := &keyReader{dl: dl, cols: cols, dps: make([]dateParser, len(cols)), vals: make([]keyValue, len(cols)),
		kinds: make([][numKinds]int64, len(cols)), seen: make([]bool, len(cols))}
	for j, c := range cols {
		r.dps[j].dayFirst = c.dayFirst
	}
	return r
}

// each calls fn for every record of c (the header, in the first chunk, is skipped) with the
// record's offset in c.data, its text including its line ending, and its key values (valid only
// during the call). A record that cannot be read is an error with its line: a sort that dropped
// rows would be silently wrong.
func (r *keyReader) each(c chunk, fn func(off int, raw []byte, vals []keyValue)) error {
	if r.dl == nil {
		return r.eachJSON(c, fn)
	}
	return eachRecord(c, r.dl, func(s *csvScanner, fields [][]byte, _ int64) error {
		for j, col := range r.cols {
			var b []byte
			if col.field < len(fields) {
				b = trimSpace(fields[col.field])
			}
			v := keyValue{text: b}
			if !isNullToken(b) {
				v.kind, v.num = classify(b, &r.dps[j])
				if v.kind == KindInt {
					v.inum, _ = parseInt(b)
				}
			}
			r.vals[j] = v
		}
		fn(s.recStart, s.raw(), r.vals)
		return nil
	})
}

// eachJSON is each for JSON Lines: one object a line; a key a record lacks is null. A string that
// holds a date is a date, as in the profile.
func (r *keyReader) eachJSON(c chunk, fn func(off int, raw []byte, vals []keyValue)) error {
	data, off, line := c.data, 0, c.firstLine
	for off < len(data) {
		end := len(data)
		if nl := bytes.IndexByte(data[off:], '\n'); nl >= 0 {
			end = off + nl + 1
		}
		raw := data[off:end]
		ln := bytes.TrimRight(raw, "\r\n")
		if len(bytes.TrimSpace(ln)) > 0 {
			fields, err := r.js.parse(ln)
			if err != nil {
				return fmt.Errorf("line %d: %w", line, err)
			}
			for j := range r.vals {
				r.vals[j] = keyValue{}
			}
			for _, f := range fields {
				for j, col := range r.cols {
					if string(f.key) != col.Column {
						continue
					}
					r.seen[j] = true
					v := keyValue{kind: f.kind, text: f.raw, num: f.num, inum: f.inum}
					if v.kind == KindString && len(v.text) > 0 && v.text[0] >= '0' && v.text[0] <= '9' {
						if t, ok := r.dps[j].parse(v.text); ok {
							v.kind, v.num = KindDate, t
						}
					}
					r.vals[j] = v
				}
			}
			fn(off, raw, r.vals)
		}
		off = end
		line++
	}
	return nil
}

// count adds one record's key values to the kind counts that decide the column types.
func (r *keyReader) count(vals []keyValue) {
	r.rows++
	for j, v := range vals {
		r.kinds[j][v.kind]++
	}
}

// columnType decides a key column's type from the kinds of all its values, by the profiler's rule.
func columnType(kinds [numKinds]int64) (typ string, violations int64) {
	c := colAcc{kinds: kinds}
	typ, fit := c.decideType()
	return typ, c.nonNull() - fit
}
