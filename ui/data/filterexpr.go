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
// float64), never with an exponent, which the expression lexer would need to accept.
func exprNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

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

// binExpr is the expression keeping the rows whose column falls in histogram bin [lo, hi), or
// [lo, hi] for the last bin; nulls are passed over first (comparing one with a number would be an
// error the footer reports for every null row). A datetime column's bins are in Unix seconds while the filter sees
// its values as text, so the edges are written as ISO text shaped like sample (a value of the
// column): a date alone when the sample is one and the edges are whole days.
func binExpr(col, typ string, lo, hi float64, last bool, sample string) string {
	name := exprName(col)
	op := " < "
	if last {
		op = " <= "
	}
	if typ == "datetime" {
		a, b := dateEdge(lo, sample), dateEdge(hi, sample)
		return name + " != nil && " + name + " >= " + exprString(a) + " && " + name + op + exprString(b)
	}
	return name + " != nil && " + name + " >= " + exprNumber(lo) + " && " + name + op + exprNumber(hi)
}

// dateEdge writes Unix seconds as ISO text in the shape of sample.
func dateEdge(sec float64, sample string) string {
	t := time.Unix(int64(math.Floor(sec)), 0).UTC()
	whole := t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0
	if whole && len(sample) == 10 {
		return t.Format("2006-01-02")
	}
	sep := "T"
	if len(sample) > 10 && sample[10] == ' ' {
		sep = " "
	}
	return t.Format("2006-01-02" + sep + "15:04:05")
}

// nullExpr keeps the rows where the column is null.
func nullExpr(col string) string { return exprName(col) + " == nil" }
