package data

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffMeanNoise: the same file profiled with one worker and with four has means that differ
// in their last bits (partial means merged in another order); the diff reports no change, in the
// JSON delta and the printed table. A real change of 1e-6 relative is still reported.
func TestDiffMeanNoise(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var sb strings.Builder
	sb.WriteString("x,y\n")
	for range 200000 {
		fmt.Fprintf(&sb, "%.17g,%d\n", r.NormFloat64()*1e3+1e4/3, r.IntN(1000))
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "f.csv"), []byte(sb.String()))
	p1, err := ProfileFile(context.Background(), path, Options{Workers: 1, DistinctLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	p4, err := ProfileFile(context.Background(), path, Options{Workers: 4, DistinctLimit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("means %.17g and %.17g", p1.Columns[0].Mean, p4.Columns[0].Mean)
	d := DiffProfiles(p1, p4)
	for _, c := range d.Columns {
		if c.MeanDelta == nil || *c.MeanDelta != 0 {
			t.Errorf("%s: mean delta %v for the same file", c.Name, c.MeanDelta)
		}
	}
	var out bytes.Buffer
	if err := d.Write(&out, false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "e-") {
		t.Errorf("float noise in the report:\n%s", out.String())
	}
	// x is exact with one worker and the higher limit, approximate with the lower: the diff says
	// so, as the profile does.
	if !strings.Contains(out.String(), "200000 → ≈") {
		t.Errorf("approximate distinct count not marked:\n%s", out.String())
	}

	a := &Profile{Columns: []Column{{Name: "m", Type: "float", Mean: 1000.0}}}
	b := &Profile{Columns: []Column{{Name: "m", Type: "float", Mean: 1000.001}}}
	if got := *DiffProfiles(a, b).Columns[0].MeanDelta; got < 0.000999 || got > 0.001001 {
		t.Errorf("a change of 0.001 in 1000 reported as %v", got)
	}
	b.Columns[0].Mean = 0.1 + 0.2
	a.Columns[0].Mean = 0.3 // 0.30000000000000004 − 0.3 = 5.6e-17
	if got := *DiffProfiles(a, b).Columns[0].MeanDelta; got != 0 {
		t.Errorf("0.1+0.2 against 0.3: delta %v, want 0", got)
	}
}
