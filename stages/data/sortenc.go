package data

import (
	"bytes"
	"encoding/binary"
	"math"
)

// A sort key is encoded so that comparing two records is one bytes.Compare of their encoded keys:
// the same encoding sorts records in memory, orders the spilled runs and drives the merge, and a
// run file needs no knowledge of the column types. Each key column contributes a tag byte and a
// payload:
//
//	tagValue  a value of the column's type: big-endian int64 with the sign bit flipped (int),
//	          IEEE bits arranged to sort as numbers (float, datetime as seconds), 0/1 (bool), or
//	          the text escaped (string)
//	tagOther  a value that breaks the column's type ("abc" in an int column): its text, escaped,
//	          so these sort bytewise among themselves, after every typed value
//	tagNull   a null: no payload, last
//
// Text is escaped so that it is prefix-free and still compares bytewise: 0x00 becomes 0x00 0xFF
// and the end is 0x00 0x01. A descending column inverts its payload bytes but not its tag, so
// values reverse while type violations and nulls stay at the end in both directions.
const (
	tagValue byte = 0x01
	tagOther byte = 0x02
	tagNull  byte = 0x03
)

// sortColumn is one key column: where to find it and, once the whole file has been seen, its type.
type sortColumn struct {
	SortKey
	field    int    // CSV field index (JSON Lines: by name)
	typ      string // int, float, bool, datetime or string (decided from all values)
	dayFirst bool   // slashed dates in this column are day/month/year (from sniffing)
}

// keyValue is one key column's value in one record, classified as the profiler classifies it.
type keyValue struct {
	kind Kind
	text []byte // trimmed text (CSV) or the JSON string contents / literal
	num  float64
	inum int64 // exact, for KindInt
}

// appendKey appends the encoding of v under column c's type.
func (c *sortColumn) appendKey(key []byte, v keyValue) []byte {
	if v.kind == KindNull {
		return append(key, tagNull)
	}
	start := len(key) + 1
	switch {
	case c.typ == "string":
		key = appendEscaped(append(key, tagValue), v.text)
	case c.typ == "int" && v.kind == KindInt:
		key = binary.BigEndian.AppendUint64(append(key, tagValue), uint64(v.inum)^(1<<63))
	case c.typ == "float" && (v.kind == KindInt || v.kind == KindFloat):
		f := v.num
		if v.kind == KindInt {
			f = float64(v.inum) // a float column compares as float64: ints beyond 2^53 round
		}
		key = appendFloat(append(key, tagValue), f)
	case c.typ == "datetime" && v.kind == KindDate:
		key = appendFloat(append(key, tagValue), v.num)
	case c.typ == "bool" && v.kind == KindBool:
		b := byte(0)
		if v.num == 1 {
			b = 1
		}
		key = append(key, tagValue, b)
	default:
		key = appendEscaped(append(key, tagOther), v.text)
	}
	if c.Desc {
		for i := start; i < len(key); i++ {
			key[i] = ^key[i]
		}
	}
	return key
}

// appendFloat appends f's bits arranged so that unsigned byte order is numeric order (-0 is 0).
func appendFloat(key []byte, f float64) []byte {
	if f == 0 {
		f = 0
	}
	bits := math.Float64bits(f)
	if bits>>63 == 1 {
		bits = ^bits
	} else {
		bits |= 1 << 63
	}
	return binary.BigEndian.AppendUint64(key, bits)
}

// appendEscaped appends text so that it compares bytewise and no encoding is a prefix of another.
func appendEscaped(key, text []byte) []byte {
	for {
		i := bytes.IndexByte(text, 0)
		if i < 0 {
			break
		}
		key = append(key, text[:i]...)
		key = append(key, 0x00, 0xFF)
		text = text[i+1:]
	}
	key = append(key, text...)
	return append(key, 0x00, 0x01)
}

// keyBound is an upper bound on the encoded size of v, for the memory estimate made before the
// column types are known.
func keyBound(v keyValue) int64 {
	if v.kind == KindNull {
		return 1
	}
	return int64(max(9, len(v.text)+3))
}
