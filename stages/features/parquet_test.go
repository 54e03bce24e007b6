package features

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/mlwb/mlwb/stages/data"
)

// TestParquetOutput: a Parquet build keeps the outputs' order and types (checked in the file's
// schema) and its values, read back by the data stage's own Parquet reader, match the CSV's.
func TestParquetOutput(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "d.csv", fixture)
	pl, err := fitText(t, in, "columns:\n  x: standardize\n  city: {onehot: {top: 2}}\n  ts: {dateparts: [month]}\n  neg: drop\n")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "f.parquet")
	res, err := BuildFile(context.Background(), in, out, pl, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fl := range pf.Schema().Fields() {
		names = append(names, fl.Name())
	}
	f.Close()
	want := []string{"x", "y", "city=a", "city=b", "city=__other__", "ts_month", "n", "s"}
	if !slices.Equal(names, want) || res.Rows != 4 || pf.NumRows() != 4 {
		t.Fatalf("schema %v (%d rows), want %v", names, pf.NumRows(), want)
	}
	p, err := data.ProfileFile(context.Background(), out, data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]data.Column{}
	for _, c := range p.Columns {
		col[c.Name] = c
	}
	x := col["x"]
	if x.Type != "float" || math.Abs(x.Mean.(float64)) > 1e-12 || math.Abs(x.Std.(float64)-1) > 1e-12 {
		t.Fatalf("x read back: %+v", x)
	}
	if y := col["y"]; y.Type != "int" || y.Nulls != 1 || y.Count != 3 {
		t.Fatalf("kept int column y: %+v", y)
	}
	if c := col["city=a"]; c.Type != "int" || c.Mean.(float64) != 0.5 {
		t.Fatalf("city=a: %+v", c)
	}
	if m := col["ts_month"]; m.Nulls != 1 || m.Max != int64(12) {
		t.Fatalf("ts_month: %+v (max %T)", m, m.Max)
	}
	if s := col["s"]; s.Type != "string" || s.Count != 2 {
		t.Fatalf("s: %+v", s)
	}
}
