package data

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// filterCells are CSV values of every kind the typing knows, and the edge cases between them.
var filterCells = []string{"", "NA", "null", "5", "-3", "0", "30", "31", "007", "2.5", "-0.0", "1e3", "inf", "-inf",
	"9223372036854775807", "-9223372036854775808", "true", "false", "ORD", "ATL", "abc", " 12 ", "2024-01-05",
	"2024-01-05T10:00:00", "x y", "5.0"}

var filterCols = []string{"a", "b", "s", "d", "t"}

// randFilterExpr builds a random expression over the columns a, b, s, d, t, with every operator the
// compiled evaluator knows and some it does not.
func randFilterExpr(r *rand.Rand, depth int) string {
	leaf := func() string {
		switch r.IntN(9) {
		case 0, 1, 2:
			return filterCols[r.IntN(len(filterCols))]
		case 3:
			return fmt.Sprint(r.IntN(61) - 10)
		case 4:
			return fmt.Sprintf("%.1f", r.Float64()*40-5)
		case 5:
			return []string{`"ORD"`, `"abc"`, `"2024-01-05"`, `"5"`, `""`}[r.IntN(5)]
		case 6:
			return []string{"true", "false", "nil"}[r.IntN(3)]
		case 7:
			return `$env["s"]`
		}
		return "a"
	}
	if depth <= 0 || r.IntN(4) == 0 {
		return leaf()
	}
	x, y := randFilterExpr(r, depth-1), randFilterExpr(r, depth-1)
	switch r.IntN(12) {
	case 0:
		return "(" + x + " && " + y + ")"
	case 1:
		return "(" + x + " || " + y + ")"
	case 2:
		return "!(" + x + ")"
	case 3:
		return "-(" + x + ")"
	case 4:
		return "(" + x + " " + []string{"+", "-", "*", "/", "%"}[r.IntN(5)] + " " + y + ")"
	case 5:
		return "(" + x + " " + []string{"contains", "startsWith", "endsWith"}[r.IntN(3)] + " " + y + ")"
	case 6:
		return "(" + x + ` in ["ORD", "abc", "5"])`
	case 7:
		return "(" + x + " in [5, 30, -3])"
	case 8:
		return "(" + x + ` matches "^[A-Z]+$")`
	case 9:
		return "(" + x + " ? " + y + " : false)" // not compiled: the whole filter runs on the machine
	}
	return "(" + x + " " + []string{"==", "!=", "<", ">", "<=", ">="}[r.IntN(6)] + " " + y + ")"
}

// TestFilterCompiledAgreesWithMachine evaluates random expressions on random rows with both the
// compiled evaluator and expr-lang's machine: where the evaluator answers, the machine must give
// the same boolean; where the machine fails or gives a non-boolean, the evaluator must not answer.
func TestFilterCompiledAgreesWithMachine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	isCol := func(n string) bool { return strings.Contains("absdt", n) && len(n) == 1 }
	compiled, answered, fellBack := 0, 0, 0
	for e := 0; e < 3000; e++ {
		src := randFilterExpr(r, 3)
		prog, err := expr.Compile(src, expr.AsBool(), expr.AllowUndefinedVariables())
		if err != nil {
			continue
		}
		fast := compileFast(src, isCol)
		if fast == nil {
			continue
		}
		compiled++
		cols := make([]int, len(fast.names))
		for i, n := range fast.names {
			cols[i] = strings.Index("absdt", n)
		}
		row := fast.newRow(cols)
		var machine vm.VM
		for k := 0; k < 60; k++ {
			fields := make([][]byte, len(filterCols))
			env := map[string]any{}
			var dp dateParser
			for i, c := range filterCols {
				fields[i] = []byte(filterCells[r.IntN(len(filterCells))])
				env[c] = textValue(fields[i], &dp).any()
			}
			if r.IntN(10) == 0 { // a short row: its missing fields are null
				fields = fields[:r.IntN(len(fields))]
				for i, c := range filterCols {
					if i >= len(fields) {
						env[c] = nil
					}
				}
			}
			row.reset(fields)
			keep, ok := fast.match(row)
			want, err := machine.Run(prog, env)
			wantBool, isBool := want.(bool)
			if !ok {
				fellBack++
				continue
			}
			answered++
			if err != nil || !isBool {
				t.Fatalf("%s on %q: compiled says %v, the machine %v / %v", src, fields, keep, want, err)
			}
			if keep != wantBool {
				t.Fatalf("%s on %q: compiled %v, machine %v", src, fields, keep, wantBool)
			}
		}
	}
	t.Logf("%d expressions compiled, %d rows answered, %d sent to the machine", compiled, answered, fellBack)
	if compiled < 500 || answered < 5000 || fellBack == 0 {
		t.Fatalf("too little compared: %d expressions, %d rows", compiled, answered)
	}
}

// TestFilterCompiledSameFile filters random files (CSV and JSON Lines) with random expressions with
// the compiled evaluator on and off: counts, errors, first error and output bytes are identical.
func TestFilterCompiledSameFile(t *testing.T) {
	defer func(n int) { chunkSize = n }(chunkSize)
	chunkSize = 2048
	r := rand.New(rand.NewPCG(3, 4))
	var csv, jsonl strings.Builder
	csv.WriteString("a,b,s,d,t\n")
	for i := 0; i < 2000; i++ {
		var js []string
		for j, c := range filterCols {
			v := filterCells[r.IntN(len(filterCells))]
			if j > 0 {
				csv.WriteByte(',')
			}
			csv.WriteString(v)
			switch {
			case v == "" || v == "NA":
				js = append(js, fmt.Sprintf("%q:null", c))
			case v == "true" || v == "false" || (len(v) < 6 && strings.Trim(v, "-0123456789") == "" && v != "-" && v != "007" && v != "-0"):
				js = append(js, fmt.Sprintf("%q:%s", c, v))
			default:
				js = append(js, fmt.Sprintf("%q:%q", c, v))
			}
		}
		csv.WriteByte('\n')
		if r.IntN(8) == 0 {
			js = js[:r.IntN(len(js))] // a key left out is null
		}
		jsonl.WriteString("{" + strings.Join(js, ",") + "}\n")
	}
	dir := t.TempDir()
	files := []string{writeFile(t, filepath.Join(dir, "f.csv"), []byte(csv.String())), writeFile(t, filepath.Join(dir, "f.jsonl"), []byte(jsonl.String()))}
	defer func() { filterCompiled = true }()
	tried := 0
	for tried < 20 {
		src := randFilterExpr(r, 3)
		if _, err := expr.Compile(src, expr.AsBool(), expr.AllowUndefinedVariables()); err != nil {
			continue
		}
		tried++
		for _, f := range files {
			var outs [2]bytes.Buffer
			var res [2]*FilterResult
			for i, on := range []bool{true, false} {
				filterCompiled = on
				var err error
				res[i], err = FilterFile(context.Background(), f, FilterOptions{Expr: src, Workers: 3, Out: &outs[i]})
				if err != nil {
					t.Fatalf("%s %s: %v", f, src, err)
				}
			}
			if *res[0] != *res[1] || outs[0].String() != outs[1].String() {
				t.Fatalf("%s %s: compiled %+v, machine %+v, outputs equal %v", filepath.Base(f), src, *res[0], *res[1], outs[0].String() == outs[1].String())
			}
		}
	}
}

// FuzzFilterCompiled: for any expression and row, the compiled evaluator never panics, and where it
// answers, expr-lang's machine gives the same boolean (and does not fail).
func FuzzFilterCompiled(f *testing.F) {
	f.Add(`a > 30 && s == "ORD"`, "31", "2", "ORD", "2024-01-05", "true")
	f.Add(`s contains "R" || b in [5, 30]`, "", "30", "x y", "", "false")
	f.Add(`-(a) % b != t`, "9223372036854775807", "-1", "abc", "inf", "NA")
	f.Add(`d < "2024-02" and not (t == true)`, "1e3", "007", "", "2024-01-05T10:00:00", "True")
	f.Add(`$env["s"] matches "^[A-Z]+$"`, "5", "5.0", "ORD", "-inf", "null")
	f.Add(`$env == nil`, "1", "2", "x", "", "")
	f.Add(`$env != a || len == nil`, "1", "2", "x", "", "")
	// Every name is a column, as in JSON Lines: one that is not among a, b, s, d, t is missing
	// from the row (null), and from the machine's environment.
	isCol := filterColumn(nil)
	f.Fuzz(func(t *testing.T, src, a, b, s, d, tt string) {
		if len(src) > 200 {
			return
		}
		fast := compileFast(src, isCol)
		if fast == nil {
			return
		}
		prog, err := expr.Compile(src, expr.AsBool(), expr.AllowUndefinedVariables())
		if err != nil {
			return // the filter refuses it before reading a row
		}
		fields := [][]byte{[]byte(a), []byte(b), []byte(s), []byte(d), []byte(tt)}
		env := map[string]any{}
		var dp dateParser
		for i, c := range filterCols {
			env[c] = textValue(fields[i], &dp).any()
		}
		cols := make([]int, len(fast.names))
		for i, n := range fast.names {
			cols[i] = slices.Index(filterCols, n)
			if cols[i] < 0 {
				cols[i] = len(fields)
			}
		}
		row := fast.newRow(cols)
		row.reset(fields)
		keep, ok := fast.match(row)
		if !ok {
			return
		}
		var machine vm.VM
		want, err := machine.Run(prog, env)
		if wb, isBool := want.(bool); err != nil || !isBool || wb != keep {
			t.Fatalf("%s on %q: compiled %v, machine %v / %v", src, fields, keep, want, err)
		}
	})
}

// TestFilterEnvIsNotAColumn: the identifier $env is the machine's whole environment (a map, so
// never nil), not a column of that name, in CSV (even with a column called $env) and in JSON Lines
// (even with records that have a key "$env"); names that are also built-in functions read the row.
// Each expression is checked by hand and, compiled evaluator on and off, gives the same result.
func TestFilterEnvIsNotAColumn(t *testing.T) {
	dir := t.TempDir()
	csv := writeFile(t, filepath.Join(dir, "env.csv"), []byte("$env,len,a\n,,1\n5,7,7\n,3,\n"))
	jsonl := writeFile(t, filepath.Join(dir, "env.jsonl"), []byte(`{"a":1}`+"\n"+`{"$env":5,"len":7,"a":7}`+"\n"+`{"len":3}`+"\n"))
	defer func() { filterCompiled = true }()
	for _, tc := range []struct {
		expr string
		want int64 // rows kept of the three, in both files
	}{
		{`$env == nil`, 0},
		{`$env != nil`, 3},
		{`$env == a`, 0},
		{`!($env == nil) && a == 1`, 1},
		{`$env["$env"] == nil`, 2},
		{`$env["$env"] == 5`, 1},
		{`len == nil`, 1},
		{`len == a`, 1},
		{`$env["len"] != nil`, 2},
	} {
		for _, f := range []string{csv, jsonl} {
			var got [2]FilterResult
			for i, on := range []bool{true, false} {
				filterCompiled = on
				r, err := FilterFile(context.Background(), f, FilterOptions{Expr: tc.expr, Workers: 1})
				if err != nil {
					t.Fatalf("%s %s: %v", filepath.Base(f), tc.expr, err)
				}
				got[i] = *r
			}
			if got[0] != got[1] || got[0].Matched != tc.want || got[0].Errors != 0 {
				t.Errorf("%s %s: compiled %+v, machine %+v, want %d kept", filepath.Base(f), tc.expr, got[0], got[1], tc.want)
			}
		}
	}
	if compileFast(`$env == nil`, filterColumn(nil)) != nil {
		t.Error("$env compiled as a column")
	}
}
