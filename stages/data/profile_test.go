package data

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// expectedColumn is a column of testdata/data/profile_expected.json, computed by
// profile_expected.py with Python's statistics module.
type expectedColumn struct {
	Type       string             `json:"type"`
	Count      int64              `json:"count"`
	Nulls      int64              `json:"nulls"`
	Distinct   int64              `json:"distinct"`
	Min        any                `json:"min"`
	Max        any                `json:"max"`
	Mean       any                `json:"mean"`
	Std        *float64           `json:"std"`
	Quantiles  map[string]any     `json:"quantiles"`
	Top        [][2]any           `json:"top"`
	Zeros      int64              `json:"zeros"`
	Negatives  int64              `json:"negatives"`
	Outliers   int64              `json:"outliers"`
	Violations int64              `json:"violations"`
	Length     map[string]float64 `json:"length"`
}

type expectedFile struct {
	Rows         int64                     `json:"rows"`
	Columns      map[string]expectedColumn `json:"columns"`
	Correlations map[string]float64        `json:"correlations"`
}

func loadExpected(t *testing.T) map[string]expectedFile {
	t.Helper()
	b, err := os.ReadFile("../../testdata/data/profile_expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var exp map[string]expectedFile
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	return exp
}

func close9(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestProfileMatchesPython profiles the generated fixture and the real wine data, serially and
// cut into many small chunks over four workers (so every merge path runs), and compares every
// statistic with Python's statistics module.
func TestProfileMatchesPython(t *testing.T) {
	exp := loadExpected(t)
	defer func(n int) { chunkSize = n }(chunkSize)
	for _, setup := range []struct {
		name    string
		chunk   int
		workers int
	}{{"serial", 4 << 20, 1}, {"chunked", 2048, 4}} {
		chunkSize = setup.chunk
		for file, want := range exp {
			path := filepath.Join("../../testdata/data", file)
			p, err := ProfileFile(context.Background(), path, Options{Workers: setup.workers})
			if err != nil {
				t.Fatalf("%s %s: %v", setup.name, file, err)
			}
			checkProfile(t, setup.name+" "+file, p, want)
		}
	}
}

func checkProfile(t *testing.T, label string, p *Profile, want expectedFile) {
	t.Helper()
	if p.Rows != want.Rows {
		t.Errorf("%s: rows %d, want %d", label, p.Rows, want.Rows)
	}
	if len(p.Columns) != len(want.Columns) {
		t.Errorf("%s: %d columns, want %d", label, len(p.Columns), len(want.Columns))
	}
	for _, c := range p.Columns {
		w, ok := want.Columns[c.Name]
		if !ok {
			t.Errorf("%s: unexpected column %q", label, c.Name)
			continue
		}
		l := label + " " + c.Name
		if c.Type != w.Type {
			t.Errorf("%s: type %s, want %s", l, c.Type, w.Type)
			continue
		}
		ints := map[string][2]int64{"count": {c.Count, w.Count}, "nulls": {c.Nulls, w.Nulls}, "distinct": {c.Distinct, w.Distinct},
			"zeros": {c.Zeros, w.Zeros}, "negatives": {c.Negatives, w.Negatives}, "outliers": {c.Outliers, w.Outliers},
			"violations": {c.Violations, w.Violations}}
		if c.Type == "string" {
			delete(ints, "zeros")
			delete(ints, "negatives")
			delete(ints, "outliers")
			delete(ints, "violations")
		}
		for k, v := range ints {
			if v[0] != v[1] {
				t.Errorf("%s: %s %d, want %d", l, k, v[0], v[1])
			}
		}
		if c.DistinctApprox || c.QuantilesApprox {
			t.Errorf("%s: approximate on a small file", l)
		}
		same := func(what string, got, want any) {
			switch wv := want.(type) {
			case float64:
				var g float64
				switch gv := got.(type) {
				case float64:
					g = gv
				case int64:
					g = float64(gv)
				default:
					t.Errorf("%s: %s = %v (%T), want %v", l, what, got, got, want)
					return
				}
				if !close9(g, wv) {
					t.Errorf("%s: %s = %v, want %v", l, what, g, wv)
				}
			case string:
				if c.Type == "datetime" {
					gt, err1 := time.Parse(time.RFC3339Nano, got.(string))
					wt, err2 := time.Parse("2006-01-02T15:04:05.999999", wv)
					if err1 != nil || err2 != nil || gt.Sub(wt).Abs() > time.Millisecond {
						t.Errorf("%s: %s = %v, want %v (%v %v)", l, what, got, wv, err1, err2)
					}
					return
				}
				if got != wv {
					t.Errorf("%s: %s = %q, want %q", l, what, got, wv)
				}
			}
		}
		same("min", c.Min, w.Min)
		same("max", c.Max, w.Max)
		if w.Mean != nil {
			same("mean", c.Mean, w.Mean)
		}
		if w.Std != nil {
			same("std", c.Std, *w.Std)
		}
		for k, v := range w.Quantiles {
			same(k, c.Quantiles[k], v)
		}
		for i, tv := range w.Top {
			if i >= len(c.Top) {
				t.Errorf("%s: only %d top values", l, len(c.Top))
				break
			}
			if int64(tv[1].(float64)) != c.Top[i].Count || (c.Type != "datetime" && c.Type != "float" && tv[0].(string) != c.Top[i].Value) {
				t.Errorf("%s: top[%d] = %v, want %v", l, i, c.Top[i], tv)
			}
		}
		if w.Length != nil {
			if c.Length == nil || float64(c.Length.Min) != w.Length["min"] || float64(c.Length.Max) != w.Length["max"] || !close9(c.Length.Mean, w.Length["mean"]) {
				t.Errorf("%s: length %+v, want %v", l, c.Length, w.Length)
			}
		}
	}
	got := map[string]float64{}
	if p.Correlations != nil {
		for i, a := range p.Correlations.Columns {
			for j, b := range p.Correlations.Columns {
				if v := p.Correlations.Matrix[i][j]; v != nil && i < j {
					got[a+"|"+b] = *v
				}
			}
		}
	}
	for k, v := range want.Correlations {
		if g, ok := got[k]; !ok || !close9(g, v) {
			t.Errorf("%s: correlation %s = %v (present %v), want %v", label, k, g, ok, v)
		}
	}
}
