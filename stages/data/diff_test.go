package data

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func profileOf(t *testing.T, name, content string) *Profile {
	t.Helper()
	p, err := ProfileFile(context.Background(), writeFile(t, filepath.Join(t.TempDir(), name), []byte(content)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDiffSchemaAndPSI: columns added, removed and retyped; a categorical PSI equal to the
// hand-computed value; an unchanged column at PSI 0; a shifted numeric column flagged.
func TestDiffSchemaAndPSI(t *testing.T) {
	var a, b strings.Builder
	a.WriteString("animal,x,gone,code\n")
	b.WriteString("animal,x,code,new\n")
	for i := 0; i < 100; i++ {
		animal := "cat"
		if i >= 60 {
			animal = "dog"
		}
		fmt.Fprintf(&a, "%s,%d,1,%d\n", animal, i*10, i)
	}
	for i := 0; i < 100; i++ {
		animal := []string{"bird", "cat", "dog"}[0]
		switch {
		case i >= 50:
			animal = "dog"
		case i >= 20:
			animal = "cat"
		}
		fmt.Fprintf(&b, "%s,%d,c%d,7\n", animal, 500+i*10, i)
	}
	d := DiffProfiles(profileOf(t, "a.csv", a.String()), profileOf(t, "b.csv", b.String()))
	if d.RowsA != 100 || d.RowsB != 100 || strings.Join(d.Added, ",") != "new" || strings.Join(d.Removed, ",") != "gone" {
		t.Fatalf("schema: %+v", d)
	}
	by := map[string]ColumnDiff{}
	for _, c := range d.Columns {
		by[c.Name] = c
	}
	// Shares: A cat .6 dog .4; B bird .2 cat .3 dog .5 — PSI by hand (empty bins floored at 1e-4).
	if c := by["animal"]; c.PSI == nil || math.Abs(*c.PSI-1.749678910961867) > 1e-12 || !c.Shifted {
		t.Errorf("animal PSI %v shifted %v, want 1.749678910961867", c.PSI, c.Shifted)
	}
	if c := by["x"]; c.PSI == nil || *c.PSI < 1 || !c.Shifted || c.MeanDelta == nil || *c.MeanDelta != 500 {
		t.Errorf("x: PSI %v delta %v", c.PSI, c.MeanDelta)
	}
	if c := by["code"]; c.TypeA != "int" || c.TypeB != "string" || !c.Shifted {
		t.Errorf("code: %+v", c)
	}
	same := DiffProfiles(profileOf(t, "a.csv", a.String()), profileOf(t, "a2.csv", a.String()))
	for _, c := range same.Columns {
		if c.Shifted || (c.PSI != nil && *c.PSI != 0) {
			t.Errorf("identical files: %s PSI %v", c.Name, *c.PSI)
		}
	}
	var out bytes.Buffer
	if err := d.Write(&out, true); err != nil || !strings.Contains(out.String(), "| animal |") || !strings.Contains(out.String(), "shifted") {
		t.Errorf("markdown: %v\n%s", err, out.String())
	}
}

// TestDiffMeansEqualButForRounding: two profiles of one file whose means differ in the last bits
// (summed in another order) show one mean, not 499999 → 500000 beside a Δ of 0.
func TestDiffMeansEqualButForRounding(t *testing.T) {
	col := func(mean float64) Column { return Column{Name: "id", Type: "float", Count: 10, Mean: mean, Std: 1.0} }
	a := &Profile{Path: "a.csv", Rows: 10, Columns: []Column{col(499999.49999999994)}}
	b := &Profile{Path: "b.csv", Rows: 10, Columns: []Column{col(499999.5)}}
	var out strings.Builder
	if err := DiffProfiles(a, b).Write(&out, false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "→ 5") || strings.Contains(out.String(), "499999 →") {
		t.Fatalf("means equal but for rounding shown as a change:\n%s", out.String())
	}
}
