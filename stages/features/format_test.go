package features

import (
	"reflect"
	"testing"
)

// TestFormatSpecRoundTrip: the written spec parses back to the same columns (lines aside), for
// the README's example and for names YAML would misread unquoted; writing it again gives the same
// bytes.
func TestFormatSpecRoundTrip(t *testing.T) {
	sp, err := ParseSpec("f.yaml", []byte(goodSpec))
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := 0.000001, 1e20
	sp.Columns = append(sp.Columns,
		ColumnSpec{Name: "a b: c", Scale: "standardize"},
		ColumnSpec{Name: "yes", Impute: &Impute{Method: "constant", Value: "no"}},
		ColumnSpec{Name: "#123", Clip: &Clip{Min: &lo, Max: &hi}, Log1p: true},
		ColumnSpec{Name: "n", Impute: &Impute{Method: "mean"}, Bucketize: &Bucketize{Edges: []float64{-1.5, 0, 2.25}}},
	)
	text := FormatSpec(sp)
	back, err := ParseSpec("f.yaml", text)
	if err != nil {
		t.Fatalf("%v:\n%s", err, text)
	}
	if back.Rest != sp.Rest || len(back.Columns) != len(sp.Columns) {
		t.Fatalf("rest %q, %d columns:\n%s", back.Rest, len(back.Columns), text)
	}
	for i := range sp.Columns {
		a, b := norm(sp.Columns[i]), norm(back.Columns[i])
		if !reflect.DeepEqual(a, b) {
			t.Errorf("column %d: wrote %+v, read %+v:\n%s", i, a, b, text)
		}
	}
	if again := FormatSpec(back); string(again) != string(text) {
		t.Errorf("not stable:\n%s\n---\n%s", text, again)
	}
}

// norm drops what the file's layout decides (lines) and spells "no steps" one way.
func norm(c ColumnSpec) ColumnSpec {
	c.Line, c.Log1pLine, c.ScaleLine, c.PartsLine = 0, 0, 0, 0
	if c.Impute != nil {
		im := *c.Impute
		im.Line = 0
		c.Impute = &im
	}
	if c.Clip != nil {
		cl := *c.Clip
		cl.Line = 0
		c.Clip = &cl
	}
	if c.OneHot != nil {
		oh := *c.OneHot
		oh.Line = 0
		c.OneHot = &oh
	}
	if c.Bucketize != nil {
		bk := *c.Bucketize
		bk.Line = 0
		c.Bucketize = &bk
	}
	if !c.Drop && c.Impute == nil && c.Clip == nil && !c.Log1p && c.Scale == "" && c.OneHot == nil && c.Bucketize == nil && c.DateParts == nil {
		c.Keep = true
	}
	return c
}
