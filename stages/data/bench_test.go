package data

import (
	"context"
	"os"
	"testing"
	"time"
)

// BenchmarkProfile3M profiles the benchmark file: 3 million rows, ~100 MB, a datetime,
// two integers and two short strings. Target: ≤ 0.5 s wall on a 2-core machine.
func BenchmarkProfile3M(b *testing.B) {
	path := benchCSV(b, 3_000_000)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		p, err := ProfileFile(context.Background(), path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if p.Rows != 3_000_000 {
			b.Fatalf("rows = %d", p.Rows)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkCSVScan is the record splitter alone over 32 MB of the benchmark file, in memory.
func BenchmarkCSVScan(b *testing.B) {
	raw, err := os.ReadFile(benchCSV(b, 3_000_000))
	if err != nil {
		b.Fatal(err)
	}
	raw = raw[:recordBoundary(raw[:32<<20])]
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := newCSVScanner(raw, ',', 1)
		n := 0
		for {
			f, _, ok, err := s.next()
			if err != nil || !ok {
				break
			}
			n += len(f)
		}
		if n == 0 {
			b.Fatal("no fields")
		}
	}
}
