package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkWriteMetrics measures the batched write path: 10,000-point batches (what a supervisor
// flushes in ~200 ms at high rates) over 4 keys of one run. Target: ≥ 500,000 points/s.
func BenchmarkWriteMetrics(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	r := &Run{}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		b.Fatal(err)
	}
	const batch = 10000
	keys := []string{"loss", "val_loss", "accuracy", "lr"}
	pts := make([]Point, batch)
	step := int64(0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range pts {
			pts[j] = Point{RunID: r.ID, Key: keys[j%4], Step: step, Time: time.Now().UnixMilli(), Value: float64(j)}
			if j%4 == 3 {
				step++
			}
		}
		if err := s.WriteMetrics(ctx, pts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkEightProcessWriters: 8 processes writing 1,000-point batches to one file at once.
func BenchmarkEightProcessWriters(b *testing.B) {
	for i := 0; i < b.N; i++ {
		path := filepath.Join(b.TempDir(), fmt.Sprintf("state%d.db", i))
		s, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		runWriters(b, path, 8, 50, 1000)
	}
	b.ReportMetric(float64(b.N*8*50*1000)/b.Elapsed().Seconds(), "points/s")
}
