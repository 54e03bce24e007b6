package data

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// BenchmarkProfileMemory profiles the benchmark shape at 3M rows (~100 MB) and 30M rows (~1 GB)
// and reports the peak live heap of each (sampled through runtime/metrics): memory is O(columns),
// not O(rows), so the two peaks are close and a 5 GB file profiles in the same memory. The 1 GB
// file is generated once in the temp directory (about 1 GB of disk).
//
//	go test ./stages/data -run '^$' -bench ProfileMemory -benchtime 1x
func BenchmarkProfileMemory(b *testing.B) {
	for _, rows := range []int{3_000_000, 30_000_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			path := benchCSV(b, rows)
			st, _ := os.Stat(path)
			b.SetBytes(st.Size())
			peak := newHeapPeak()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p, err := ProfileFile(context.Background(), path, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if p.Rows != int64(rows) {
					b.Fatalf("rows = %d", p.Rows)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(peak.stop())/(1<<20), "peak-heap-MiB")
		})
	}
}
