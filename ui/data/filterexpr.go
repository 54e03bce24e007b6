package data

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/builtin"

	engine "github.com/mlwb/mlwb/stages/data"
)

// The filter expressions the column detail builds (enter on a histogram bin or a top value) are
// text in expr-lang, the language of f and `mlwb data filter`, so the footer shows the user an
// expression they could have typed, and the view is made by the same FilterFile as theirs.

// exprWords are expr-lang's operator words and literals: a column so named must go through $env.
var exprWords = map[string]bool{
	"in": true, "or": true, "and": true, "not": true, "matches": true, "contains": true,
	"startsWith": true, "endsWith": true, "let": true, "if": true, "else": true,
	"nil": true, "true": true, "false": true,
}

// exprName is how an expression names a column: the bare name when it is an identifier that is
// not an operator word or a built-in function (len, count…, which a bare name would call), else
// $env["name"].
func exprName(name string) string {
	ok := name != "" && !exprWords[name]
	if _, fn := builtin.Index[name]; fn {
		ok = false
	}
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9'
	}
	if ok {
		return name
	}
	return "$env[" + exprString(name) + "]"
}

// exprString quotes s as an expr-lang string literal. expr-lang reads \xNN and \uNNNN as code
// points, so only the quote, the backslash and control characters are escaped (as \uNNNN) and
// every other character is written as itself; s must be valid UTF-8 (checked by the caller).
func exprString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// exprNumber writes a finite number exactly (the shortest text that reads back as the same
// float64), never with an exponent, which the expression lexer would need to accept. A whole
// number past int64 gets ".0": the lexer reads digits alone as an int and refuses one that large.
func exprNumber(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if math.Abs(v) >= 1<<63 && !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// valueExpr is the expression keeping the rows whose column holds the top value v: typed as the
// filter types a CSV value (the profiler's ValueParser), so `5` is compared as the number 5 and
// `02139` as text. ok is false when no expression can name the value (an infinite number, text
// that is not UTF-8, or a value the profile shortened).
func valueExpr(col, v string) (string, bool) {
	name := exprName(col)
	kind, num := engine.NewValueParser(false).Parse([]byte(v))
	switch kind {
	case engine.KindNull:
		return name + " == nil", true
	case engine.KindInt:
		t := string(engine.TrimValue([]byte(v)))
		if _, err := strconv.ParseInt(t, 10, 64); err == nil {
			return name + " == " + strings.TrimPrefix(t, "+"), true
		}
		return name + " == " + exprNumber(num), !math.IsInf(num, 0)
	case engine.KindFloat:
		if math.IsInf(num, 0) || math.IsNaN(num) {
			return "", false
		}
		return name + " == " + exprNumber(num), true
	case engine.KindBool:
		return name + " == " + strconv.FormatBool(num == 1), true
	}
	if !utf8.ValidString(v) || len(v) >= 200 {
		return "", false
	}
	return name + " == " + exprString(string(engine.TrimValue([]byte(v)))), true
}

// isoShape is how the file spells a datetime column, read from sample (one of its values): a
// date alone (2024-01-02), or a date and a time to the second separated by T or a space, with or
// without a trailing Z. The filter compares the file's text, so an expression can name a datetime
// only in the file's own spelling, and ISO text in one shape sorts as the instants do; any other
// spelling (US/EU dates, fractions of a second, offsets) gets no expression rather than one that
// keeps the wrong rows.
type isoShape struct {
	dateOnly bool
	sep      byte // 'T' or ' '
	zulu     bool // a trailing Z
}

func shapeOf(sample string) (isoShape, bool) {
	digits := func(s string, at ...int) bool {
		for _, i := range at {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return true
	}
	if len(sample) < 10 || !digits(sample, 0, 1, 2, 3, 5, 6, 8, 9) || sample[4] != '-' || sample[7] != '-' {
		return isoShape{}, false
	}
	if len(sample) == 10 {
		return isoShape{dateOnly: true}, true
	}
	t := sample[10:]
	z := strings.HasSuffix(t, "Z")
	t = strings.TrimSuffix(t, "Z")
	if len(t) != 9 || t[0] != 'T' && t[0] != ' ' || t[3] != ':' || t[6] != ':' || !digits(t, 1, 2, 4, 5, 7, 8) {
		return isoShape{}, false
	}
	return isoShape{sep: t[0], zulu: z}, true
}

// format writes whole Unix seconds in the shape; ok is false when a date alone cannot hold them.
func (s isoShape) format(sec int64) (string, bool) {
	t := time.Unix(sec, 0).UTC()
	if s.dateOnly {
		return t.Format("2006-01-02"), sec%86400 == 0
	}
	out := t.Format("2006-01-02" + string(s.sep) + "15:04:05")
	if s.zulu {
		out += "Z"
	}
	return out, true
}

// dateValueExpr is the expression keeping the rows of a datetime column holding the top value v
// (as the profile writes it: ISO, UTC), spelled like sample; ok is false when that cannot be done.
func dateValueExpr(col, v, sample string) (string, bool) {
	shape, ok := shapeOf(sample)
	if !ok {
		return "", false
	}
	kind, sec := engine.NewValueParser(false).Parse([]byte(v)) // the profile's own date reader
	if kind != engine.KindDate || sec != math.Trunc(sec) {
		return "", false
	}
	text, ok := shape.format(int64(sec))
	if !ok {
		return "", false
	}
	return exprName(col) + " == " + exprString(text), true
}

// binExpr is the expression keeping the rows whose column falls in histogram bin [lo, hi), or
// [lo, hi] for the last bin; nulls are passed over first (comparing one with a number would be an
// error the footer reports for every null row). A datetime column's bins are in Unix seconds while
// the filter sees its values as text, so the edges are written as text in the file's own ISO
// shape (shapeOf sample); "" when the file's spelling is not one that sorts as its instants.
func binExpr(col, typ string, lo, hi float64, last bool, sample string) string {
	name := exprName(col)
	op := " < "
	if last {
		op = " <= "
	}
	if typ != "datetime" {
		return name + " != nil && " + name + " >= " + exprNumber(lo) + " && " + name + op + exprNumber(hi)
	}
	shape, ok := shapeOf(sample)
	if !ok {
		return ""
	}
	// The values are whole seconds (whole days for dates): v >= lo is v >= ceil(lo), v < hi is
	// v < ceil(hi), v <= hi is v <= floor(hi). A date alone compares with a date-and-time edge
	// as its midnight does (a shorter prefix sorts first), so such edges are written in full.
	// Text sorts as time only for years 0000–9999: an edge outside them (histogram edges are
	// powers of two, and 9999-12-31 is a common "open end") bounds nothing a value can be, so
	// that side is left out.
	end := math.Ceil(hi)
	if last {
		end = math.Floor(hi)
	}
	out := name + " != nil"
	if from := math.Ceil(lo); from > firstISO {
		out += " && " + name + " >= " + exprString(dateEdge(from, shape))
	}
	if end < endISO {
		out += " && " + name + op + exprString(dateEdge(end, shape))
	}
	return out
}

// firstISO and endISO are 0000-01-01 and 10000-01-01 in Unix seconds: the instants whose ISO
// text has four digits of year, and so sorts as they do.
const firstISO, endISO = -62167219200, 253402300800

// dateEdge writes whole Unix seconds in the shape, or as a date and time (T, no Z) when the shape
// is a date alone and the edge is not midnight.
func dateEdge(sec float64, shape isoShape) string {
	if s, ok := shape.format(int64(sec)); ok {
		return s
	}
	return time.Unix(int64(sec), 0).UTC().Format("2006-01-02T15:04:05")
}

// nullExpr keeps the rows where the column is null.
func nullExpr(col string) string { return exprName(col) + " == nil" }
