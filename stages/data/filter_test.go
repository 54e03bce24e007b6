package data

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestFilterMatchesHandCount filters a generated file over many chunks and workers and checks
// the count and the kept records (in file order) against a loop over the same rows.
func TestFilterMatchesHandCount(t *testing.T) {
	defer func(n int) { chunkSize = n }(chunkSize)
	chunkSize = 1024
	var b strings.Builder
	b.WriteString("delay,origin,note\n")
	var want strings.Builder
	want.WriteString("delay,origin,note\n")
	wantN := 0
	origins := []string{"ORD", "ATL", "SFO"}
	for i := 0; i < 3000; i++ {
		delay := (i * 37) % 90
		line := fmt.Sprintf("%d,%s,\"row %d, ok\"\n", delay, origins[i%3], i)
		if i%500 == 7 {
			line = fmt.Sprintf(",%s,missing\n", origins[i%3]) // a null delay: an evaluation error, not a match
		} else if delay > 30 && origins[i%3] == "ORD" {
			want.WriteString(line)
			wantN++
		}
		b.WriteString(line)
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "f.csv"), []byte(b.String()))
	var out bytes.Buffer
	r, err := FilterFile(context.Background(), path, FilterOptions{Expr: `delay > 30 && origin == "ORD"`, Workers: 4, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if r.Rows != 3000 || r.Matched != int64(wantN) || out.String() != want.String() {
		t.Fatalf("rows %d matched %d (want %d), output equal: %v", r.Rows, r.Matched, wantN, out.String() == want.String())
	}
	if r.Errors != 6 || !strings.Contains(r.FirstError, "line 9:") {
		t.Errorf("errors %d first %q", r.Errors, r.FirstError)
	}
	if _, err := FilterFile(context.Background(), path, FilterOptions{Expr: `delays > 3`}); err == nil || !strings.Contains(err.Error(), "delays") {
		t.Errorf("unknown column: %v", err)
	}
	// A last record with no newline is written as it is, newline added, and no byte after it.
	nonl := writeFile(t, filepath.Join(t.TempDir(), "nonl.csv"), []byte("a,b\n1,x\n5,\"y\""))
	out.Reset()
	if r, err := FilterFile(context.Background(), nonl, FilterOptions{Expr: `a > 2`, Out: &out}); err != nil ||
		r.Matched != 1 || out.String() != "a,b\n5,\"y\"\n" {
		t.Fatalf("no final newline: %v %+v %q", err, r, out.String())
	}
	jl := writeFile(t, filepath.Join(t.TempDir(), "f.jsonl"), []byte("{\"a\":1,\"s\":\"x\"}\n{\"a\":5}\n{\"a\":7,\"s\":\"y\"}\n"))
	out.Reset()
	r, err = FilterFile(context.Background(), jl, FilterOptions{Expr: `a > 2`, Out: &out})
	if err != nil || r.Matched != 2 || out.String() != "{\"a\":5}\n{\"a\":7,\"s\":\"y\"}\n" {
		t.Fatalf("jsonl: %v %+v %q", err, r, out.String())
	}
}

// BenchmarkFilter3M filters the 3-million-row benchmark file (target ≤ 0.5 s on 2 cores).
func BenchmarkFilter3M(b *testing.B) {
	path := benchCSV(b, 3_000_000)
	for i := 0; i < b.N; i++ {
		r, err := FilterFile(context.Background(), path, FilterOptions{Expr: `delay > 30 && origin == "ORD"`})
		if err != nil || r.Rows != 3_000_000 {
			b.Fatal(err, r)
		}
	}
}

func TestHead(t *testing.T) {
	var b strings.Builder
	b.WriteString("a;b\n")
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&b, "%d;\"x\ny%d\"\n", i, i)
	}
	names, rows, err := Head(writeFile(t, filepath.Join(t.TempDir(), "h.csv"), []byte(b.String())), 3)
	if err != nil || strings.Join(names, ",") != "a,b" || len(rows) != 3 || rows[2][1] != "x\ny2" {
		t.Fatalf("%v %v %q", err, names, rows)
	}
	names, rows, err = Head(writeFile(t, filepath.Join(t.TempDir(), "h.jsonl"), []byte("{\"a\":1}\n{\"b\":\"s\",\"a\":null}\n")), 5)
	if err != nil || strings.Join(names, ",") != "a,b" || len(rows) != 2 || rows[0][0] != "1" || rows[1][1] != "s" || rows[1][0] != "" {
		t.Fatalf("%v %v %q", err, names, rows)
	}
}
