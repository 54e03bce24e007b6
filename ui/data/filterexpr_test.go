package data

import (
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
