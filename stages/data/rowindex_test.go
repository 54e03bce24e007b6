package data

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/parquet-go/parquet-go"
)

// genTrickyCSV writes rows CSV records with a header, quoted fields holding newlines, delimiters
// and doubled quotes, blank lines, and the given line ending and delimiter, optionally after a
// UTF-8 byte-order mark.
func genTrickyCSV(rows int, delim, eol string, withBOM bool, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	if withBOM {
		b.Write(bom)
	}
	b.WriteString(strings.Join([]string{"id", "name", "score", "note"}, delim) + eol)
	words := []string{"alpha", "beta", "gamma", "δέλτα", "x"}
	for i := 0; i < rows; i++ {
		name := words[r.IntN(len(words))]
		switch r.IntN(6) {
		case 0:
			name = `"` + name + "\nsecond line\n" + `third, with ""quotes"""`
		case 1:
			name = `"` + name + delim + `inside"`
		case 2:
			name = `""`
		}
		note := fmt.Sprintf("n%d", r.IntN(1000))
		if r.IntN(10) == 0 {
			note = `"multi` + "\n\n" + `line"`
		}
		fmt.Fprintf(&b, "%d%s%s%s%.3f%s%s%s", i, delim, name, delim, r.Float64()*100, delim, note, eol)
		if r.IntN(50) == 0 {
			b.WriteString(eol) // a blank line is no record
		}
	}
	return b.Bytes()
}

// readAllCSV is the independent reference: encoding/csv over the whole file (without its BOM and
// header), with the line each record starts on.
func readAllCSV(t *testing.T, content []byte, delim rune) ([][]string, []int64) {
	t.Helper()
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(content, bom)))
	cr.Comma, cr.FieldsPerRecord = delim, -1
	var recs [][]string
	var lines []int64
	for {
		rec, err := cr.Read()
		if err != nil {
			break
		}
		line, _ := cr.FieldPos(0)
		recs, lines = append(recs, rec), append(lines, int64(line))
	}
	return recs[1:], lines[1:]
}

func writeTemp(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// smallChunks makes the chunker cut a small file into many chunks, so record boundaries fall
// inside quoted fields and between chunk buffers.
func smallChunks(t *testing.T) {
	old := chunkSize
	chunkSize = 4096
	t.Cleanup(func() { chunkSize = old })
}

// checkWindows compares many random windows of ix with the reference rows and lines.
func checkWindows(t *testing.T, ix *RowIndex, want [][]string, lines []int64, seed uint64) {
	t.Helper()
	if ix.Total != int64(len(want)) {
		t.Fatalf("Total = %d, reference has %d rows", ix.Total, len(want))
	}
	r := rand.New(rand.NewPCG(seed, 2))
	starts := []int64{0, int64(len(want) - 1), int64(len(want)), int64(ix.Every), int64(ix.Every - 1)}
	for k := 0; k < 200; k++ {
		starts = append(starts, r.Int64N(int64(len(want))))
	}
	for _, from := range starts {
		n := 1 + r.IntN(30)
		win, err := ix.Rows(context.Background(), from, n)
		if err != nil {
			t.Fatalf("Rows(%d, %d): %v", from, n, err)
		}
		end := min(int(from)+n, len(want))
		if int(from) > len(want) {
			end = int(from)
		}
		if !reflect.DeepEqual(win.Rows, want[from:end]) && !(len(win.Rows) == 0 && end == int(from)) {
			t.Fatalf("Rows(%d, %d) =\n%q\nwant\n%q", from, n, win.Rows, want[from:end])
		}
		if lines != nil && len(win.Rows) > 0 && !reflect.DeepEqual(win.Lines, lines[from:end]) {
			t.Fatalf("Rows(%d, %d) lines %v, want %v", from, n, win.Lines, lines[from:end])
		}
	}
}

// TestRowIndexMatchesEncodingCSV: for CSV with CRLF and a BOM, and TSV with LF, at several
// index spacings, any window of rows equals what encoding/csv reads sequentially, lines included.
func TestRowIndexMatchesEncodingCSV(t *testing.T) {
	smallChunks(t)
	cases := []struct {
		name, delim, eol string
		bom              bool
	}{
		{"crlf_bom.csv", ",", "\r\n", true},
		{"lf.tsv", "\t", "\n", false},
		{"semicolon.csv", ";", "\n", true},
	}
	for i, c := range cases {
		content := genTrickyCSV(3000, c.delim, c.eol, c.bom, uint64(i))
		path := writeTemp(t, c.name, content)
		want, lines := readAllCSV(t, content, rune(c.delim[0]))
		for _, every := range []int{1, 7, 1000} {
			t.Run(fmt.Sprintf("%s_every%d", c.name, every), func(t *testing.T) {
				ix, err := BuildRowIndex(context.Background(), path, IndexOptions{Every: every})
				if err != nil {
					t.Fatal(err)
				}
				if !ix.Indexed || ix.Columns[1] != "name" || len(ix.Columns) != 4 {
					t.Fatalf("indexed %v columns %q", ix.Indexed, ix.Columns)
				}
				checkWindows(t, ix, want, lines, uint64(every))
			})
		}
	}
}

// TestRowIndexNoHeaderNoFinalNewline: without a header row 0 is the first record, and a last
// record with no newline after it is a row.
func TestRowIndexNoHeaderNoFinalNewline(t *testing.T) {
	content := []byte("1,2\n3,\"a\nb\"\n\n5,6")
	ix, err := BuildRowIndex(context.Background(), writeTemp(t, "n.csv", content), IndexOptions{Every: 2})
	if err != nil {
		t.Fatal(err)
	}
	win, err := ix.Rows(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"1", "2"}, {"3", "a\nb"}, {"5", "6"}}
	if !reflect.DeepEqual(win.Rows, want) || !reflect.DeepEqual(win.Lines, []int64{1, 2, 5}) {
		t.Fatalf("rows %q lines %v", win.Rows, win.Lines)
	}
}

// TestRowIndexJSONLines compares windows of a JSON Lines file with encoding/json line by line:
// strings unquoted, numbers and nested values as their JSON text, null and missing keys "".
func TestRowIndexJSONLines(t *testing.T) {
	smallChunks(t)
	r := rand.New(rand.NewPCG(3, 4))
	var b bytes.Buffer
	var want [][]string
	for i := 0; i < 8000; i++ {
		rec := map[string]any{"id": i, "name": fmt.Sprintf("n\"%d\n", r.IntN(100)), "tags": []int{i, 2}}
		row := []string{fmt.Sprint(i), "", fmt.Sprintf("[%d,2]", i), ""}
		if i%3 != 0 {
			rec["name"] = nil
		} else {
			row[1] = rec["name"].(string)
		}
		if i > 7000 && i%2 == 0 {
			rec["late"] = true // a key first seen far from the head
			row[3] = "true"
		}
		js, _ := json.Marshal(rec)
		b.Write(js)
		b.WriteString("\n")
		if i%100 == 0 {
			b.WriteString("  \n")
		}
		want = append(want, row)
	}
	path := writeTemp(t, "r.jsonl", b.Bytes())
	ix, err := BuildRowIndex(context.Background(), path, IndexOptions{Every: 13})
	if err != nil {
		t.Fatal(err)
	}
	// The columns are the keys of the head (the first 256 KB): json.Marshal writes them sorted.
	if !reflect.DeepEqual(ix.Columns, []string{"id", "name", "tags"}) {
		t.Fatalf("columns %q", ix.Columns)
	}
	for _, from := range []int64{0, 1, 12, 13, 999, 7001, 7990} {
		win, err := ix.Rows(context.Background(), from, 7)
		if err != nil {
			t.Fatal(err)
		}
		for k, row := range win.Rows {
			exp := want[from+int64(k)]
			got := append(row, make([]string, 4-len(row))...)
			if !reflect.DeepEqual(got, exp) {
				t.Fatalf("row %d = %q, want %q (columns %q)", from+int64(k), row, exp, win.Columns)
			}
		}
		if from == 7990 && win.Columns[3] != "late" {
			t.Fatalf("late key not a column: %q", win.Columns)
		}
	}
}

// TestRowIndexCompressedStreams: a gzip file has no seekable index; rows stream from the start
// and are still right, and the total is counted.
func TestRowIndexCompressedStreams(t *testing.T) {
	smallChunks(t)
	content := genTrickyCSV(1500, ",", "\n", false, 9)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(content)
	zw.Close()
	path := writeTemp(t, "c.csv.gz", z.Bytes())
	ix, err := BuildRowIndex(context.Background(), path, IndexOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if ix.Indexed || !strings.Contains(ix.Unavailable, "gzip") {
		t.Fatalf("indexed %v, unavailable %q", ix.Indexed, ix.Unavailable)
	}
	want, lines := readAllCSV(t, content, ',')
	checkWindows(t, ix, want, lines, 5)
}

// TestRowIndexCache: a second open reuses the cache file; a changed file (new size and mtime)
// is indexed again; a corrupt, truncated or foreign cache file is never trusted.
func TestRowIndexCache(t *testing.T) {
	cache := t.TempDir()
	content := genTrickyCSV(500, ",", "\n", false, 11)
	path := writeTemp(t, "d.csv", content)
	open := func() *RowIndex {
		t.Helper()
		ix, err := BuildRowIndex(context.Background(), path, IndexOptions{CacheDir: cache, Every: 10})
		if err != nil {
			t.Fatal(err)
		}
		if ix.CacheErr != nil {
			t.Fatal(ix.CacheErr)
		}
		return ix
	}
	if ix := open(); ix.Cached {
		t.Fatal("first open says cached")
	}
	idxFile := indexCachePath(cache, path)
	if _, err := os.Stat(idxFile); err != nil {
		t.Fatalf("no cache file: %v", err)
	}
	ix := open()
	if !ix.Cached {
		t.Fatal("second open did not use the cache")
	}
	want, lines := readAllCSV(t, content, ',')
	checkWindows(t, ix, want, lines, 1)

	// The file grows: the cache is for another version.
	content = append(content, "500,new,1.5,n\n"...)
	os.WriteFile(path, content, 0o644)
	os.Chtimes(path, time.Now(), time.Now().Add(time.Minute))
	if ix = open(); ix.Cached || ix.Total != 501 {
		t.Fatalf("changed file: cached %v total %d", ix.Cached, ix.Total)
	}
	want, lines = readAllCSV(t, content, ',')
	checkWindows(t, ix, want, lines, 2)

	good, _ := os.ReadFile(idxFile)
	hostile := map[string][]byte{
		"flipped byte": func() []byte { b := bytes.Clone(good); b[len(b)/2] ^= 0x40; return b }(),
		"truncated":    good[:len(good)-9],
		"empty":        nil,
		"garbage":      bytes.Repeat([]byte("MLWBRIDX"), 40),
	}
	for name, b := range hostile {
		os.WriteFile(idxFile, b, 0o644)
		if ix = open(); ix.Cached {
			t.Fatalf("%s: a bad cache file was trusted", name)
		}
		checkWindows(t, ix, want, lines, 3)
		if again := open(); !again.Cached {
			t.Fatalf("%s: not rewritten after the rebuild", name)
		}
	}
}

// TestRowIndexFileChanged: reading rows of a file rewritten after indexing is an error, not
// rows of the new file read at the old file's offsets.
func TestRowIndexFileChanged(t *testing.T) {
	path := writeTemp(t, "d.csv", genTrickyCSV(100, ",", "\n", false, 1))
	ix, err := BuildRowIndex(context.Background(), path, IndexOptions{Every: 10})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, genTrickyCSV(120, ",", "\n", false, 2), 0o644)
	if _, err := ix.Rows(context.Background(), 50, 5); err == nil || !strings.Contains(err.Error(), "changed since it was indexed") {
		t.Fatalf("err = %v", err)
	}
}

// TestRowIndexBadInput: an unterminated quote names the file and line; a JSON array and an
// empty file are refused with a reason; a cancelled build stops.
func TestRowIndexBadInput(t *testing.T) {
	_, err := BuildRowIndex(context.Background(), writeTemp(t, "q.csv", []byte("a,b\n1,2\n3,\"open\n4,5\n")), IndexOptions{})
	if err == nil || !strings.Contains(err.Error(), "q.csv") || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("unterminated quote: %v", err)
	}
	_, err = BuildRowIndex(context.Background(), writeTemp(t, "a.json", []byte(`[{"a":1}]`)), IndexOptions{})
	if err == nil || !strings.Contains(err.Error(), "a.json") {
		t.Fatalf("json array: %v", err)
	}
	_, err = BuildRowIndex(context.Background(), writeTemp(t, "e.csv", nil), IndexOptions{})
	if err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	smallChunks(t)
	if _, err = BuildRowIndex(ctx, writeTemp(t, "big.csv", genTrickyCSV(5000, ",", "\n", false, 1)), IndexOptions{}); err == nil {
		t.Fatal("a cancelled build succeeded")
	}
}

// TestRowIndexParquet reads windows across row groups of a Parquet file and compares them with
// the rows written.
func TestRowIndexParquet(t *testing.T) {
	type rec struct {
		ID    int64    `parquet:"id"`
		Name  string   `parquet:"name"`
		Score *float64 `parquet:"score,optional"`
	}
	var recs []rec
	for i := 0; i < 1000; i++ {
		r := rec{ID: int64(i), Name: fmt.Sprintf("name %d", i)}
		if i%4 != 0 {
			s := float64(i) / 4
			r.Score = &s
		}
		recs = append(recs, r)
	}
	path := filepath.Join(t.TempDir(), "p.parquet")
	if err := parquet.WriteFile(path, recs, parquet.MaxRowsPerRowGroup(64)); err != nil {
		t.Fatal(err)
	}
	ix, err := BuildRowIndex(context.Background(), path, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Total != 1000 || !reflect.DeepEqual(ix.Columns, []string{"id", "name", "score"}) {
		t.Fatalf("total %d columns %q", ix.Total, ix.Columns)
	}
	for _, from := range []int64{0, 63, 64, 100, 990, 999} {
		win, err := ix.Rows(context.Background(), from, 70)
		if err != nil {
			t.Fatal(err)
		}
		if len(win.Rows) != min(70, 1000-int(from)) {
			t.Fatalf("Rows(%d) gave %d rows", from, len(win.Rows))
		}
		for k, row := range win.Rows {
			r := recs[int(from)+k]
			score := ""
			if r.Score != nil {
				score = fmt.Sprint(*r.Score)
			}
			if want := []string{fmt.Sprint(r.ID), r.Name, score}; !reflect.DeepEqual(row, want) {
				t.Fatalf("row %d = %q, want %q", int(from)+k, row, want)
			}
		}
	}
}
