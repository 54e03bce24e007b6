package features

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodSpec = `# features for d.csv
rest: keep
columns:
  delay:
    impute: median
    clip: {min: -60, max: 240}
    scale: minmax
  distance: {log1p: true, scale: minmax}
  origin: {impute: mode, onehot: {top: 5}}
  dep: {bucketize: {edges: [0, 15, 60]}}
  q: {bucketize: {quantiles: 4}}
  ts: {dateparts: [year, month, weekday, hour]}
  carrier: drop
  code: keep
  amount: {impute: {constant: 0}, scale: standardize}
`

func TestParseSpecGood(t *testing.T) {
	sp, err := ParseSpec("f.yaml", []byte(goodSpec))
	if err != nil {
		t.Fatal(err)
	}
	if sp.Rest != "keep" || len(sp.Columns) != 9 || sp.Hash != SpecHash([]byte(goodSpec)) || len(sp.Hash) != 16 {
		t.Fatalf("spec %+v", sp)
	}
	d := sp.Columns[0]
	if d.Name != "delay" || d.Line != 4 || d.Impute.Method != "median" || *d.Clip.Min != -60 || *d.Clip.Max != 240 || d.Scale != "minmax" {
		t.Fatalf("delay %+v", d)
	}
	if c := sp.Columns[2]; c.OneHot.Top != 5 || c.Impute.Method != "mode" {
		t.Fatalf("origin %+v", c)
	}
	if c := sp.Columns[3]; len(c.Bucketize.Edges) != 3 || c.Bucketize.Edges[2] != 60 {
		t.Fatalf("dep %+v", c)
	}
	if c := sp.Columns[5]; strings.Join(c.DateParts, ",") != "year,month,weekday,hour" {
		t.Fatalf("ts %+v", c)
	}
	if !sp.Columns[6].Drop || !sp.Columns[7].Keep || sp.Columns[8].Impute.Value != "0" {
		t.Fatalf("drop/keep/constant %+v", sp.Columns[6:])
	}
}

// TestParseSpecErrors: every refusal names the file and the line at fault.
func TestParseSpecErrors(t *testing.T) {
	cases := []struct {
		text string
		line int
		msg  string
	}{
		{"", 0, "the file is empty"},
		{"columns: {}\n", 1, "columns: is empty"},
		{"rest: keep\n", 1, "no columns: mapping"},
		{"colums:\n  a: drop\n", 1, `unknown key "colums"`},
		{"columns:\n  a: drop\n  a: keep\n", 3, `duplicate key "a" (first at line 2)`},
		{"columns:\n  a: stanardize\n", 2, `is not one of: keep, drop, standardize, minmax, log1p`},
		{"columns:\n  a:\n    scale: zscore\n", 3, `"zscore" is not one of: standardize, minmax`},
		{"columns:\n  a:\n    impute: average\n", 3, "expected one of: mean, median, mode, or {constant: VALUE}"},
		{"columns:\n  a:\n    impute: {constant: [1]}\n", 3, "constant: expected a value, got a list"},
		{"columns:\n  a:\n    clip: {min: 5, max: 1}\n", 3, "min 5 is above max 1"},
		{"columns:\n  a:\n    clip: {min: x}\n", 3, `expected a number, got "x"`},
		{"columns:\n  a:\n    clip: {min: .nan}\n", 3, "is not a finite number"},
		{"columns:\n  a:\n    clip: {low: 1}\n", 3, `unknown key "low"`},
		{"columns:\n  a:\n    onehot: {top: 0}\n", 3, "not a whole number from 1 to 1000"},
		{"columns:\n  a:\n    onehot: 5\n", 3, "expected {top: K}"},
		{"columns:\n  a:\n    bucketize: {edges: [1, 3, 2]}\n", 3, "edges must increase: 2 follows 3"},
		{"columns:\n  a:\n    bucketize: {quantiles: 10}\n", 3, "expected 2 (median) or 4 (quartiles)"},
		{"columns:\n  a:\n    bucketize: {quantiles: 3}\n", 3, "expected 2 (median) or 4"},
		{"columns:\n  a:\n    bucketize: {edges: [1], quantiles: 4}\n", 3, "exactly one of edges or quantiles"},
		{"columns:\n  a:\n    dateparts: [year, minute]\n", 3, `"minute" is not one of: year, month, day, weekday, hour`},
		{"columns:\n  a:\n    dateparts: [year, year]\n", 3, "year is listed twice"},
		{"columns:\n  a:\n    dateparts: [year]\n    impute: mode\n", 3, "dateparts goes alone"},
		{"columns:\n  a:\n    drop: true\n    log1p: true\n", 3, "drop goes alone"},
		{"columns:\n  a:\n    drop: false\n", 3, "only true means something here"},
		{"columns:\n  a:\n    log1p: yes\n", 3, "expected true or false"},
		{"columns:\n  a:\n    scale: minmax\n    onehot: {top: 2}\n", 3, "one of scale, onehot, bucketize and dateparts"},
		{"columns:\n  a:\n    clip: {max: 1}\n    scale: standardize\n", 4, "standardize uses the profile's mean and std"},
		{"columns:\n  a:\n    log1p: true\n    bucketize: {edges: [1]}\n", 4, "bucketize cuts the raw values"},
		{"columns:\n  a:\n    clip: {max: 1}\n    onehot: {top: 1}\n", 4, "onehot encodes the column's own values"},
		{"columns:\n  a:\n    squash: true\n", 3, `unknown transform "squash"`},
		{"columns:\n  a: {}\n", 2, "no transforms"},
		{"columns:\n  a: [drop]\n", 2, "expected a mapping of transforms"},
		{"columns:\n  \"\": drop\n", 2, "a column name is empty"},
		{"x: &a 1\ncolumns:\n  a: *a\n", 1, "anchors and aliases"},
		{"columns:\n  a: drop\n---\ncolumns: {}\n", 3, "only one YAML document"},
		{"columns:\n  a: [\n", 2, "invalid YAML"},
		{"rest: sometimes\ncolumns:\n  a: drop\n", 1, `"sometimes" is not one of: keep, drop`},
		{"- a\n", 1, "the file: expected a mapping, got a list"},
		{"columns:\n  a:\n    impute: mean\n    impute: mode\n", 4, `duplicate key "impute"`},
	}
	for _, tc := range cases {
		_, err := ParseSpec("f.yaml", []byte(tc.text))
		var se *SpecError
		if !errors.As(err, &se) {
			t.Errorf("%q: err = %v, want a SpecError", tc.text, err)
			continue
		}
		if se.Line != tc.line || !strings.Contains(se.Msg, tc.msg) || se.Path != "f.yaml" {
			t.Errorf("%q:\n got %v (line %d)\nwant line %d, %q", tc.text, err, se.Line, tc.line, tc.msg)
		}
		if tc.line > 0 && !strings.HasPrefix(err.Error(), "f.yaml:") {
			t.Errorf("%q: %v does not start with the file and line", tc.text, err)
		}
	}
}

func TestLoadSpecRefusesHugeAndBinary(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	os.WriteFile(big, []byte("columns:\n  a: drop\n"+strings.Repeat("# padding\n", maxSpecSize/10+1)), 0o644)
	if _, err := LoadSpec(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("huge spec: %v", err)
	}
	bin := filepath.Join(dir, "bin.yaml")
	os.WriteFile(bin, []byte("columns:\n  a: drop\x00\xff\n"), 0o644)
	if _, err := LoadSpec(bin); err == nil || !strings.Contains(err.Error(), "not UTF-8 text") {
		t.Fatalf("binary spec: %v", err)
	}
	if _, err := LoadSpec(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing spec: %v", err)
	}
	if _, err := LoadSpec(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("directory: %v", err)
	}
}

// TestFitErrors: what the profile rules out is refused at the spec line, before any row is read.
func TestFitErrors(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "d.csv", fixture)
	many := "k,v\n" + strings.Repeat("1,a\n2,b\n3,c\n4,d\n5,e\n6,f\n7,g\n8,h\n9,i\n10,j\n11,k\n12,l\n", 1)
	wide := writeFile(t, dir, "w.csv", many)
	broken := writeFile(t, dir, "b.csv", "k,v\n"+strings.Repeat("1,2\n", 60)+"9,x\n")
	cases := []struct {
		in, spec string
		line     int
		msg      string
	}{
		{in, "columns:\n  nope: drop\n", 2, `has no column "nope" (columns: x, y, city, ts, n, neg, s)`},
		{in, "columns:\n  neg: log1p\n", 2, "log1p takes values ≥ 0, and the column goes down to -3; add clip: {min: 0}"},
		{in, "columns:\n  city: standardize\n", 2, "the profile types it string; standardize needs an int or float column"},
		{in, "columns:\n  s: {impute: mean}\n", 2, "impute: mean needs an int or float"},
		{in, "columns:\n  x: {dateparts: [year]}\n", 2, "dateparts needs a datetime column"},
		{in, "columns:\n  ts: {onehot: {top: 2}}\n", 2, "onehot takes string, bool or int columns"},
		{in, "columns:\n  y: {impute: {constant: abc}}\n", 2, `the constant "abc" is not a number`},
		{wide, "columns:\n  v: {onehot: {top: 11}}\n", 2, "keeps the 10 most frequent values and the column has 12 distinct ones"},
		{broken, "columns:\n  v: standardize\n", 2, `values are not int (first at line 62: "x")`},
		{in, "rest: drop\ncolumns:\n  x: drop\n", 0, "every column is dropped"},
		{in, "columns:\n  city: {onehot: {top: 1}}\n  x: keep\n", 0, ""},
	}
	for _, tc := range cases {
		_, err := fitText(t, tc.in, tc.spec)
		if tc.msg == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.spec, err)
			}
			continue
		}
		var se *SpecError
		if !errors.As(err, &se) || se.Line != tc.line || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("%q:\n got %v\nwant line %d: %q", tc.spec, err, tc.line, tc.msg)
		}
	}
	// Two columns whose outputs collide.
	clash := writeFile(t, dir, "c.csv", "c,c=a\na,1\nb,2\n")
	if _, err := fitText(t, clash, "columns:\n  c: {onehot: {top: 1}}\n"); err == nil || !strings.Contains(err.Error(), `output column "c=a" already comes from another column`) {
		t.Errorf("clash: %v", err)
	}
}
