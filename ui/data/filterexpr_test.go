package data

import (
	"strings"
	"testing"

	"github.com/expr-lang/expr"
)

// TestFilterExprQuoting: names that are not identifiers, operator words and built-ins go through
// $env; a value with quotes, backslashes, control characters and non-ASCII text reads back as
// itself in expr-lang; values are typed as the filter types them.
func TestFilterExprQuoting(t *testing.T) {
	for name, want := range map[string]string{
		"delay": "delay", "_x1": "_x1", "carrier code": `$env["carrier code"]`, "in": `$env["in"]`,
		"nil": `$env["nil"]`, "len": `$env["len"]`, "1st": `$env["1st"]`, "a.b": `$env["a.b"]`,
		"café": `$env["café"]`, `say "x"`: `$env["say \"x\""]`,
	} {
		if got := exprName(name); got != want {
			t.Errorf("exprName(%q) = %s, want %s", name, got, want)
		}
	}
	for _, s := range []string{`he said "hi"`, `a\b`, "tab\there", "line\nbreak", "bell\x07", "naïve ☃", `\u0041`, ""} {
		out, err := expr.Eval(exprString(s), nil)
		if err != nil || out != s {
			t.Errorf("exprString(%q) = %s reads back as %q (%v)", s, exprString(s), out, err)
		}
	}
	for _, c := range []struct{ v, want string }{
		{"5", "x == 5"}, {"-3", "x == -3"}, {"0.25", "x == 0.25"}, {"true", "x == true"},
		{"02139", `x == "02139"`}, {"2024-01-02", `x == "2024-01-02"`}, {"AA", `x == "AA"`},
	} {
		if got, ok := valueExpr("x", c.v); !ok || got != c.want {
			t.Errorf("valueExpr(%q) = %s %v, want %s", c.v, got, ok, c.want)
		}
	}
	if _, ok := valueExpr("x", "inf"); ok {
		t.Error("an infinite value got an expression")
	}
	if got := binExpr("d", "float", -0.5, 0.0625, false, ""); got != "d != nil && d >= -0.5 && d < 0.0625" {
		t.Errorf("binExpr: %s", got)
	}
	if got := binExpr("d", "float", 1048576, 2097152, true, ""); got != "d != nil && d >= 1048576 && d <= 2097152" {
		t.Errorf("binExpr of large edges (no exponent): %s", got)
	}
}

// TestDateBinEdgesPastISO: a histogram edge past 9999-12-31 (edges are powers of two; 9999-12-31
// is a common open end) would be written as 10000-…, which sorts before 9990-…; that side is
// left out, so the last bin keeps the values in it. Evaluated with expr-lang on the file's text.
func TestDateBinEdgesPastISO(t *testing.T) {
	lo, hi := 253e9, 254e9 // about 9987-05 to 10018-12
	e := binExpr("d", "datetime", lo, hi, true, "2024-01-02")
	if strings.Contains(e, "10018") || !strings.Contains(e, `d >= "9987-`) {
		t.Fatalf("expression %s", e)
	}
	prog, err := expr.Compile(e, expr.AsBool())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"9990-01-01", "9999-12-31"} {
		if out, err := expr.Run(prog, map[string]any{"d": v}); err != nil || out != true {
			t.Errorf("%s: %v %v", v, out, err)
		}
	}
	if out, _ := expr.Run(prog, map[string]any{"d": "2024-01-01"}); out != false {
		t.Error("a value below the bin kept")
	}
}
