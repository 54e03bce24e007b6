package data

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"github.com/parquet-go/parquet-go"
)

func profileBytes(t *testing.T, name string, content []byte) (*Profile, error) {
	t.Helper()
	path := writeFile(t, filepath.Join(t.TempDir(), name), content)
	return ProfileFile(context.Background(), path, Options{Workers: 2})
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}

func TestEmptyFile(t *testing.T) {
	_, err := profileBytes(t, "empty.csv", nil)
	wantErr(t, err, "empty.csv", "empty")
	_, err = profileBytes(t, "blank.jsonl", []byte("\n\n  \n"))
	wantErr(t, err, "blank.jsonl", "empty")
}

func TestHeaderOnly(t *testing.T) {
	p, err := profileBytes(t, "h.csv", []byte("name,city,age\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 0 || len(p.Columns) != 3 || p.Columns[2].Name != "age" || p.Columns[0].Count != 0 {
		t.Fatalf("got %d rows, columns %+v", p.Rows, p.Columns)
	}
}

func TestRaggedRows(t *testing.T) {
	p, err := profileBytes(t, "r.csv", []byte("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 4 || p.WarningCount != 2 {
		t.Fatalf("rows %d warnings %d %+v", p.Rows, p.WarningCount, p.Warnings)
	}
	if p.Warnings[0].Line != 3 || p.Warnings[1].Line != 4 || !strings.Contains(p.Warnings[0].Message, "2 fields") {
		t.Errorf("warnings %+v", p.Warnings)
	}
	if c := p.Columns[2]; c.Nulls != 1 || c.Count != 3 {
		t.Errorf("column c: count %d nulls %d; the short row's missing field is a null", c.Count, c.Nulls)
	}
}

func TestUnterminatedQuote(t *testing.T) {
	_, err := profileBytes(t, "q.csv", []byte("a,b\n1,2\n3,\"never closed\n4,5\n6,7\n"))
	wantErr(t, err, "q.csv", "line 3", "never closed")
}

// TestHundredMBLine: one field of 100 MB is read (not refused, not truncated) and its length is
// reported exactly.
func TestHundredMBLine(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 MB")
	}
	const n = 100 << 20
	var b bytes.Buffer
	b.Grow(n + 64)
	b.WriteString("id,text\n1,")
	b.Write(bytes.Repeat([]byte{'x'}, n))
	b.WriteString("\n2,short\n")
	p, err := profileBytes(t, "long.csv", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 2 || p.Columns[1].Length == nil || p.Columns[1].Length.Max != n {
		t.Fatalf("rows %d, text column %+v", p.Rows, p.Columns[1].Length)
	}
}

func TestInvalidUTF8(t *testing.T) {
	p, err := profileBytes(t, "u.csv", []byte("name,n\nok,1\nbad\xff\xfe,2\nfine,3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Columns[0].InvalidUTF8 != 1 || p.WarningCount != 1 || p.Warnings[0].Line != 3 || p.Warnings[0].Column != "name" {
		t.Fatalf("invalid %d, warnings %+v", p.Columns[0].InvalidUTF8, p.Warnings)
	}
	js, err := json.Marshal(p)
	if err != nil || !utf8.Valid(js) {
		t.Fatalf("JSON output not valid UTF-8: %v", err)
	}
}

func TestBinaryData(t *testing.T) {
	bin := make([]byte, 4096)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	_, err := profileBytes(t, "data.csv", bin)
	wantErr(t, err, "data.csv", "binary")
}

func TestDuplicateAndEmptyNames(t *testing.T) {
	p, err := profileBytes(t, "d.csv", []byte("x,x,,y\n1,2,3,4\n5,6,7,8\n"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range p.Columns {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "x,x_2,col3,y" || p.WarningCount != 2 {
		t.Fatalf("names %v, warnings %+v", names, p.Warnings)
	}
	// A rename never takes a name another column has, or one already given: every name is
	// distinct, and a filter on each reads its own column (compiled evaluator on and off).
	defer func() { filterCompiled = true }()
	for header, want := range map[string]string{
		"a_2,a,a":      "a_2,a,a_3",
		"a,a,a_2":      "a,a_3,a_2",
		"a,a,a":        "a,a_2,a_3",
		"a,a,a_2,a_2":  "a,a_3,a_2,a_2_2",
		"col2,,x,col2": "col2,col2_2,x,col2_3",
	} {
		ncols := strings.Count(header, ",") + 1
		var rows strings.Builder
		rows.WriteString(header + "\n")
		for r := 0; r < 3; r++ {
			for c := 0; c < ncols; c++ {
				if c > 0 {
					rows.WriteByte(',')
				}
				fmt.Fprint(&rows, 10*(c+1)+r)
			}
			rows.WriteByte('\n')
		}
		path := writeFile(t, filepath.Join(t.TempDir(), "d.csv"), []byte(rows.String()))
		p, err := ProfileFile(context.Background(), path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		names = names[:0]
		for _, c := range p.Columns {
			names = append(names, c.Name)
		}
		if strings.Join(names, ",") != want {
			t.Errorf("header %s: names %v, want %s", header, names, want)
			continue
		}
		for c, name := range names {
			for _, on := range []bool{true, false} {
				filterCompiled = on
				src := fmt.Sprintf(`$env[%q] == %d`, name, 10*(c+1)+1) // the column's second row only
				r, err := FilterFile(context.Background(), path, FilterOptions{Expr: src, Workers: 1})
				if err != nil || r.Matched != 1 || r.Errors != 0 {
					t.Errorf("header %s, compiled %v: %s: %+v %v", header, on, src, r, err)
				}
			}
		}
	}
}

func TestTenThousandColumns(t *testing.T) {
	var b bytes.Buffer
	for r := 0; r < 20; r++ {
		for c := 0; c < 10000; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			if r == 0 {
				b.WriteString("c")
			}
			b.WriteString(strings.Repeat("1", 1+(r+c)%3))
		}
		b.WriteByte('\n')
	}
	p, err := profileBytes(t, "wide.csv", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Columns) != 10000 || p.Rows != 19 || p.Columns[9999].Type != "int" {
		t.Fatalf("%d columns, %d rows, last %+v", len(p.Columns), p.Rows, p.Columns[9999].Type)
	}
	if p.Correlations == nil || len(p.Correlations.Columns) != maxCorrColumns {
		t.Errorf("the correlation matrix should be capped at %d columns", maxCorrColumns)
	}
}

// TestFileChangesWhileRead appends to the file from the progress callback, i.e. while the
// profile is reading it: the result is an error, not a profile of a file that never existed.
func TestFileChangesWhileRead(t *testing.T) {
	defer func(n int) { chunkSize = n }(chunkSize)
	chunkSize = 4096
	var b bytes.Buffer
	b.WriteString("a,b\n")
	for i := 0; i < 20000; i++ {
		b.WriteString("1,2\n")
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "grow.csv"), b.Bytes())
	var once sync.Once
	_, err := ProfileFile(context.Background(), path, Options{Workers: 1, Progress: func(done, total int64) {
		once.Do(func() {
			f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("3,4\n")
			f.Close()
		})
	}})
	wantErr(t, err, "grow.csv", "changed while")
}

func TestTruncatedGzip(t *testing.T) {
	var b bytes.Buffer
	gw := gzip.NewWriter(&b)
	for i := 0; i < 50000; i++ {
		gw.Write([]byte("alpha,12,3.5\n"))
	}
	gw.Close()
	_, err := profileBytes(t, "t.csv.gz", b.Bytes()[:b.Len()/2])
	wantErr(t, err, "t.csv.gz", "truncated")
}

func TestParquetNested(t *testing.T) {
	type rec struct {
		ID   int64    `parquet:"id"`
		Tags []string `parquet:"tags,list"`
		Name string   `parquet:"name"`
	}
	path := filepath.Join(t.TempDir(), "n.parquet")
	if err := parquet.WriteFile(path, []rec{{1, []string{"a", "b"}, "x"}, {2, nil, "y"}}); err != nil {
		t.Fatal(err)
	}
	p, err := ProfileFile(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Columns) != 2 || p.Columns[0].Name != "id" || p.Columns[1].Name != "name" || p.Rows != 2 {
		t.Fatalf("columns %+v rows %d", p.Columns, p.Rows)
	}
	if p.WarningCount != 1 || !strings.Contains(p.Warnings[0].Message, "tags") || !strings.Contains(p.Warnings[0].Message, "nested") {
		t.Errorf("warnings %+v", p.Warnings)
	}
}

func TestBadParquet(t *testing.T) {
	_, err := profileBytes(t, "x.parquet", []byte("PAR1 this is not really parquet PAR1"))
	wantErr(t, err, "x.parquet", "Parquet")
}

func TestMalformedJSONLines(t *testing.T) {
	p, err := profileBytes(t, "m.jsonl", []byte("{\"a\":1}\n{\"a\":2,}\nnot json\n{\"a\":3}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 2 || p.WarningCount != 2 || p.Warnings[0].Line != 2 || p.Warnings[1].Line != 3 {
		t.Fatalf("rows %d warnings %+v", p.Rows, p.Warnings)
	}
	_, err = profileBytes(t, "arr.json", []byte(`[{"a":1},{"a":2}`))
	wantErr(t, err, "arr.json", "not closed")
}
