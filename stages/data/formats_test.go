package data

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

// readFixture returns the generated fixture's header and rows.
func readFixture(t *testing.T) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open("../../testdata/data/mixed.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[0], rows[1:]
}

// jsonValue is how a JSON writer would hold a fixture value: numbers as numbers, booleans as
// booleans, empty as null, everything else (dates, zip codes) as strings.
func jsonValue(col, v string) any {
	if v == "" || v == "NA" {
		return nil
	}
	switch col {
	case "id", "count":
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	case "temp", "score":
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return x
		}
	case "ok":
		return v == "true"
	}
	return v
}

func writeFile(t *testing.T, path string, b []byte) string {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFormatsAgree writes the fixture as JSON Lines, a JSON array, Parquet, gzip and zstd, and
// checks that each profiles to the same rows, types and statistics as the CSV.
func TestFormatsAgree(t *testing.T) {
	dir := t.TempDir()
	head, rows := readFixture(t)
	raw, _ := os.ReadFile("../../testdata/data/mixed.csv")
	var jl bytes.Buffer
	var arr []map[string]any
	for _, r := range rows {
		m := map[string]any{}
		for i, h := range head {
			m[h] = jsonValue(h, r[i])
		}
		b, _ := json.Marshal(m)
		jl.Write(b)
		jl.WriteByte('\n')
		arr = append(arr, m)
	}
	arrJSON, _ := json.MarshalIndent(arr, "", " ")
	var gz, zs bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(raw)
	gw.Close()
	zw, _ := zstd.NewWriter(&zs)
	zw.Write(raw)
	zw.Close()

	type pqRow struct {
		ID    int64     `parquet:"id"`
		Temp  *float64  `parquet:"temp,optional"`
		City  string    `parquet:"city"`
		When  time.Time `parquet:"when,timestamp(millisecond)"`
		Zip   string    `parquet:"zip"`
		OK    *bool     `parquet:"ok,optional"`
		Score *float64  `parquet:"score,optional"`
		Count int64     `parquet:"count"`
	}
	var pq []pqRow
	for _, r := range rows {
		var row pqRow
		row.ID, _ = strconv.ParseInt(r[0], 10, 64)
		if x, err := strconv.ParseFloat(r[1], 64); err == nil {
			row.Temp = &x
		}
		row.City = r[2]
		var dp dateParser
		secs, _ := dp.parse([]byte(r[3]))
		row.When = time.Unix(int64(secs), 0).UTC()
		row.Zip = r[4]
		if r[5] != "" {
			b := r[5] == "true"
			row.OK = &b
		}
		if x, err := strconv.ParseFloat(r[6], 64); err == nil {
			row.Score = &x
		}
		row.Count, _ = strconv.ParseInt(r[7], 10, 64)
		pq = append(pq, row)
	}
	pqPath := filepath.Join(dir, "mixed.parquet")
	if err := parquet.WriteFile(pqPath, pq, parquet.MaxRowsPerRowGroup(128)); err != nil {
		t.Fatal(err)
	}

	base, err := ProfileFile(context.Background(), "../../testdata/data/mixed.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"jsonl":   writeFile(t, filepath.Join(dir, "mixed.jsonl"), jl.Bytes()),
		"json":    writeFile(t, filepath.Join(dir, "mixed.json"), arrJSON),
		"gzip":    writeFile(t, filepath.Join(dir, "mixed.csv.gz"), gz.Bytes()),
		"zstd":    writeFile(t, filepath.Join(dir, "mixed.csv.zst"), zs.Bytes()),
		"parquet": pqPath,
	}
	for name, path := range cases {
		p, err := ProfileFile(context.Background(), path, Options{Workers: 2})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Rows != base.Rows || len(p.Columns) != len(base.Columns) {
			t.Fatalf("%s: %d rows × %d columns, want %d × %d", name, p.Rows, len(p.Columns), base.Rows, len(base.Columns))
		}
		byName := map[string]Column{}
		for _, c := range base.Columns {
			byName[c.Name] = c
		}
		for _, c := range p.Columns {
			b, ok := byName[c.Name]
			if !ok {
				t.Errorf("%s: unexpected column %q", name, c.Name)
				continue
			}
			wantType, wantCount, wantViol := b.Type, b.Count, b.Violations
			if name == "parquet" && c.Name == "score" {
				wantViol = 0 // a typed column cannot hold "oops": it became null
			}
			if c.Type != wantType || c.Count != wantCount || c.Violations != wantViol {
				t.Errorf("%s %s: %s count %d violations %d, want %s %d %d", name, c.Name, c.Type, c.Count, c.Violations, wantType, wantCount, wantViol)
			}
			if c.Type == "int" || c.Type == "float" || c.Type == "datetime" {
				if fmtAny(c.Min) != fmtAny(b.Min) || fmtAny(c.Max) != fmtAny(b.Max) || fmtAny(c.Quantiles["p50"]) != fmtAny(b.Quantiles["p50"]) {
					t.Errorf("%s %s: min %v max %v p50 %v, want %v %v %v", name, c.Name, c.Min, c.Max, c.Quantiles["p50"], b.Min, b.Max, b.Quantiles["p50"])
				}
			}
		}
		if name == "gzip" || name == "zstd" {
			if p.Compression != name {
				t.Errorf("%s: compression %q", name, p.Compression)
			}
		}
	}
}

func writeFileErr(path string, b []byte) error { return os.WriteFile(path, b, 0o644) }
