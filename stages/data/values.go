package data

import (
	"bytes"
	"math"
	"strconv"
	"unsafe"
)

// unsafeString views b as a string without copying, for strconv calls that do not keep their
// argument (strconv copies it into any error it returns).
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Kind is what one raw value looks like on its own; a column's type is decided from the kinds of
// all its values (see decideType).
type Kind uint8

// The kinds of a single value.
const (
	KindNull Kind = iota
	KindInt
	KindFloat
	KindBool
	KindDate
	KindString
	numKinds
)

// nullTokens are the spellings of a missing value (compared case-sensitively, as pandas does,
// plus the lower-case forms people write by hand).
var nullTokens = map[string]bool{
	"": true, "NA": true, "N/A": true, "n/a": true, "na": true, "null": true, "NULL": true, "Null": true,
	"NaN": true, "nan": true, "NAN": true, "None": true, "none": true, "#N/A": true,
}

// isNullToken reports whether b spells a missing value. Written to avoid the map lookup for the
// common case of a value that starts with a digit.
func isNullToken(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	if len(b) > 4 {
		return false
	}
	c := b[0]
	if c != 'N' && c != 'n' && c != '#' {
		return false
	}
	return nullTokens[string(b)]
}

// classify returns the kind of a raw text value (as read from CSV, where every value is text) and,
// for numbers, its value. Dates are recognised by the column's dateParser (one per column, so the
// layout found for the first date is tried first). Leading-zero codes such as "02139" are strings:
// turning a zip code into 2139 is the silent coercion this tool exists to avoid.
func classify(b []byte, dp *dateParser) (Kind, float64) {
	k, v, _ := classifyTrimmed(trimSpace(b), dp)
	return k, v
}

// classifyTrimmed is classify of a value already trimmed, also returning an integer's exact value.
func classifyTrimmed(b []byte, dp *dateParser) (Kind, float64, int64) {
	if isNullToken(b) {
		return KindNull, 0, 0
	}
	c := b[0]
	if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' {
		if v, ok := parseInt(b); ok {
			return KindInt, float64(v), v
		}
		if looksFloat(b) {
			if v, err := strconv.ParseFloat(unsafeString(b), 64); err == nil || isRangeErr(err) {
				return KindFloat, v, 0
			}
		}
		if c >= '0' && c <= '9' {
			if t, ok := dp.parse(b); ok {
				return KindDate, t, 0
			}
		}
		return KindString, 0, 0
	}
	switch len(b) {
	case 3, 8, 9: // inf, Infinity, -Infinity handled by looksFloat above for the signed forms
		if isInf(b) {
			return KindFloat, math.Inf(1), 0
		}
	}
	if isBool(b) {
		return KindBool, boolValue(b), 0
	}
	return KindString, 0, 0
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// parseInt parses a decimal integer that fits in int64, with an optional sign. A leading zero
// followed by more digits ("007") is not an integer.
func parseInt(b []byte) (int64, bool) {
	neg := false
	i := 0
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i = 1
	}
	if i >= len(b) || len(b)-i > 19 {
		return 0, false
	}
	if b[i] == '0' && len(b)-i > 1 {
		return 0, false
	}
	if len(b)-i == 19 { // may overflow int64: let strconv decide, after checking it is all digits
		for _, c := range b[i:] {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
		v, err := strconv.ParseInt(unsafeString(b), 10, 64)
		return v, err == nil
	}
	var v int64
	for ; i < len(b); i++ {
		d := b[i] - '0'
		if d > 9 {
			return 0, false
		}
		v = v*10 + int64(d)
	}
	if neg {
		v = -v
	}
	return v, true
}

// looksFloat is a cheap filter before strconv.ParseFloat: digits with one '.', an exponent, or
// the spellings of infinity, and no leading-zero code like "0012.5".
func looksFloat(b []byte) bool {
	i := 0
	if b[0] == '-' || b[0] == '+' {
		i = 1
	}
	if i >= len(b) {
		return false
	}
	if isInf(b[i:]) {
		return true
	}
	if b[i] == '0' && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '9' {
		return false
	}
	digits := 0
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == 'e' || c == 'E':
		case c == '-' || c == '+':
			if b[i-1] != 'e' && b[i-1] != 'E' { // a sign only leads the number or its exponent
				return false
			}
		default:
			return false
		}
	}
	return digits > 0
}

func isInf(b []byte) bool {
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		b = b[1:]
	}
	return bytes.EqualFold(b, []byte("inf")) || bytes.EqualFold(b, []byte("infinity"))
}

func isBool(b []byte) bool {
	switch string(b) {
	case "true", "false", "True", "False", "TRUE", "FALSE":
		return true
	}
	return false
}

func boolValue(b []byte) float64 {
	if b[0] == 't' || b[0] == 'T' {
		return 1
	}
	return 0
}
