package features

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestTransformsByHand checks each transform on the fixture against values worked out by hand
// (the floats with Python's statistics and math modules: stdev is the sample one, ddof = 1).
func TestTransformsByHand(t *testing.T) {
	in := writeFile(t, t.TempDir(), "d.csv", fixture)
	cases := []struct {
		name, spec string
		want       map[string][]string // output column → values ("" is a null)
	}{
		{"standardize 1..4", "x: standardize", map[string][]string{
			// mean 2.5, sample std sqrt(5/3)
			"x": {"-1.161895003862225", "-0.3872983346207417", "0.3872983346207417", "1.161895003862225"}}},
		{"impute mean then standardize", "y: {impute: mean, scale: standardize}", map[string][]string{
			// mean of 10, 30, 40 = 26.666…, std 15.275252316519467; the imputed mean scales to 0
			"y": {"-1.091089451179962", "0", "0.2182178902359923", "0.8728715609439694"}}},
		{"impute median then minmax", "y: {impute: median, scale: minmax}", map[string][]string{
			"y": {"0", "0.6666666666666666", "0.6666666666666666", "1"}}},
		{"log1p keeps nulls empty", "n: log1p", map[string][]string{
			"n": {"1.791759469228055", "", "2.0794415416798357", "2.302585092994046"}}},
		{"clip keeps integers", "x: {clip: {min: 2, max: 3}}", map[string][]string{
			"x": {"2", "2", "3", "3"}}},
		{"clip, log1p, minmax", "neg: {clip: {min: 0}, log1p: true, scale: minmax}", map[string][]string{
			// 0, 1, 2, 4 → log1p → divided by log1p(4)
			"neg": {"0", "0.43067655807339306", "0.6826061944859853", "1"}}},
		{"one-hot top 2 and other", "city: {onehot: {top: 2}}", map[string][]string{
			// a twice; b and c once each, the tie broken by value: b
			"city=a": {"1", "0", "1", "0"}, "city=b": {"0", "1", "0", "0"}, "city=__other__": {"0", "0", "0", "1"}}},
		{"bucketize explicit edges", "y: {bucketize: {edges: [15, 30]}}", map[string][]string{
			// a value on an edge goes up (numpy.digitize, right=False)
			"y": {"0", "", "2", "2"}}},
		{"bucketize quartiles", "x: {bucketize: {quantiles: 4}}", map[string][]string{
			// p25 1.75, p50 2.5, p75 3.25
			"x": {"0", "1", "2", "3"}}},
		{"bucketize median", "y: {impute: {constant: 0}, bucketize: {quantiles: 2}}", map[string][]string{
			"y": {"0", "0", "1", "1"}}},
		{"date parts", "ts: {dateparts: [year, month, day, weekday, hour]}", map[string][]string{
			// 2024-03-04 is a Monday (0), 03-05 and 12-31 Tuesdays
			"ts_year": {"2024", "2024", "2024", ""}, "ts_month": {"3", "3", "12", ""}, "ts_day": {"4", "5", "31", ""},
			"ts_weekday": {"0", "1", "1", ""}, "ts_hour": {"10", "23", "0", ""}}},
		{"impute median of ints", "n: {impute: median}", map[string][]string{"n": {"5", "7", "7", "9"}}},
		{"impute mode (tie by value)", "y: {impute: mode}", map[string][]string{"y": {"10", "10", "30", "40"}}},
		{"impute constant number", "y: {impute: {constant: -1}}", map[string][]string{"y": {"10", "-1", "30", "40"}}},
		{"impute constant text", "s: {impute: {constant: zz}}", map[string][]string{"s": {"u", "zz", "v", "zz"}}},
		{"impute mode text", "s: {impute: mode}", map[string][]string{"s": {"u", "u", "v", "u"}}},
		{"impute mean of ints is a float", "y: {impute: mean}", map[string][]string{"y": {"10", "26.666666666666668", "30", "40"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			head, cols := build(t, in, "rest: drop\ncolumns:\n  "+tc.spec+"\n")
			if len(head) != len(tc.want) {
				t.Fatalf("output columns %v, want %d", head, len(tc.want))
			}
			for name, want := range tc.want {
				got, ok := cols[name]
				if !ok {
					t.Fatalf("no output column %q in %v", name, head)
				}
				for i := range want {
					if !sameValue(got[i], want[i]) {
						t.Errorf("%s row %d = %q, want %q", name, i+1, got[i], want[i])
					}
				}
			}
		})
	}
}

// sameValue compares output text with an expected value: exactly, or as floats within 1e-12.
func sameValue(got, want string) bool {
	if got == want {
		return true
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	return err1 == nil && err2 == nil && math.Abs(g-w) <= 1e-12*math.Max(1, math.Abs(w))
}

// TestColumnOrderKeepAndDrop: columns keep the input's order, one-hot and date parts expand in
// place, unlisted columns are kept as their text, and drop removes a column.
func TestColumnOrderKeepAndDrop(t *testing.T) {
	in := writeFile(t, t.TempDir(), "d.csv", fixture)
	head, cols := build(t, in, "columns:\n  x: drop\n  city: {onehot: {top: 1}}\n  ts: {dateparts: [hour]}\n")
	want := []string{"y", "city=a", "city=__other__", "ts_hour", "n", "neg", "s"}
	if !slices.Equal(head, want) {
		t.Fatalf("header %v, want %v", head, want)
	}
	if !slices.Equal(cols["s"], []string{"u", "", "v", ""}) || !slices.Equal(cols["y"], []string{"10", "", "30", "40"}) {
		t.Fatalf("kept columns changed: %v %v", cols["s"], cols["y"])
	}
}

// TestQuotedTextAndJSONLines: text with the delimiter, quotes and line breaks survives the round
// trip, and JSON Lines input is read by key.
func TestQuotedTextAndJSONLines(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "q.csv", "a,t\n1,\"x, \"\"y\"\"\nz\"\n2, lead\n")
	_, cols := build(t, in, "columns:\n  a: standardize\n")
	if cols["t"][0] != "x, \"y\"\nz" || cols["t"][1] != " lead" {
		t.Fatalf("text column = %q", cols["t"])
	}
	js := writeFile(t, dir, "d.jsonl", `{"b": "p", "a": 1}`+"\n"+`{"a": 3, "b": null}`+"\n"+`{"a": null, "b": "q", "extra": 1}`+"\n")
	head, cols := build(t, js, "columns:\n  a: {impute: mean, scale: minmax}\n  b: {impute: {constant: none-given}}\n")
	if !slices.Contains(head, "a") || !slices.Equal(cols["a"], []string{"0", "1", "0.5"}) || !slices.Equal(cols["b"], []string{"p", "none-given", "q"}) {
		t.Fatalf("JSON Lines: %v %v", head, cols)
	}
}

// TestRowErrorNamesLineAndColumn: a value that the profile did not see (the file was swapped
// after fitting) stops the transform with the file, line and column, and no output is claimed.
func TestRowErrorNamesLineAndColumn(t *testing.T) {
	dir := t.TempDir()
	fitOn := writeFile(t, dir, "a.csv", "k,n\n1,5\n2,7\n")
	pl, err := fitText(t, fitOn, "columns:\n  n: log1p\n")
	if err != nil {
		t.Fatal(err)
	}
	other := writeFile(t, dir, "b.csv", "k,n\n1,5\n2,-2\n")
	_, err = Transform(context.Background(), other, pl, new(strings.Builder), Options{})
	var re *RowError
	if !errors.As(err, &re) || re.Line != 3 || re.Column != "n" || !strings.Contains(err.Error(), other+": line 3: column \"n\": log1p of -2") {
		t.Fatalf("err = %v, want a RowError at line 3, column n", err)
	}
	bad := writeFile(t, dir, "c.csv", "k,n\n1,5\n2,seven\n")
	if _, err = Transform(context.Background(), bad, pl, new(strings.Builder), Options{}); err == nil || !strings.Contains(err.Error(), `line 3: column "n": "seven" is not a number`) {
		t.Fatalf("err = %v", err)
	}
	renamed := writeFile(t, dir, "d.csv", "k,m\n1,5\n")
	if _, err = Transform(context.Background(), renamed, pl, new(strings.Builder), Options{}); err == nil || !strings.Contains(err.Error(), "not the one the spec was fitted to") {
		t.Fatalf("err = %v", err)
	}
}

// TestPreview returns the first rows only, as text.
func TestPreview(t *testing.T) {
	in := writeFile(t, t.TempDir(), "d.csv", fixture)
	pl, err := fitText(t, in, "rest: drop\ncolumns:\n  x: {clip: {max: 2}}\n  city: {onehot: {top: 1}}\n")
	if err != nil {
		t.Fatal(err)
	}
	names, rows, err := Preview(context.Background(), in, pl, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"x", "city=a", "city=__other__"}) || len(rows) != 2 ||
		!slices.Equal(rows[0], []string{"1", "1", "0"}) || !slices.Equal(rows[1], []string{"2", "0", "1"}) {
		t.Fatalf("preview %v %v", names, rows)
	}
}
