package mlflowimport

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkImportFileStore imports an mlruns folder of 10 runs × 4 metric keys × 25,000 lines
// (1M points) into a fresh store per iteration.
func BenchmarkImportFileStore(b *testing.B) {
	const runs, keys, lines = 10, 4, 25000
	root := filepath.Join(b.TempDir(), "mlruns")
	write(b, filepath.Join(root, "1", "meta.yaml"), expMeta("1", "bench", "active"))
	var sb strings.Builder
	for r := 0; r < runs; r++ {
		id := fmt.Sprintf("%032x", r+1)
		dir := filepath.Join(root, "1", id)
		write(b, filepath.Join(dir, "meta.yaml"), runMetaYAML(id, "1", "r"+strconv.Itoa(r), 3, "1700000000000", "1700000060000", "active"))
		write(b, filepath.Join(dir, "params", "lr"), "0.01")
		for k := 0; k < keys; k++ {
			sb.Reset()
			for i := 0; i < lines; i++ {
				fmt.Fprintf(&sb, "%d %v %d\n", 1700000000000+int64(i)*10, 1/float64(i+1), i)
			}
			write(b, filepath.Join(dir, "metrics", "train", "m"+strconv.Itoa(k)), sb.String())
		}
	}
	b.ResetTimer()
	var points int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := openStore(b)
		b.StartTimer()
		sum, err := Import(context.Background(), s, root, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if sum.Points != runs*keys*lines {
			b.Fatalf("%d points", sum.Points)
		}
		points += sum.Points
		b.StopTimer()
		s.Close()
		os.Remove(s.Path())
		b.StartTimer()
	}
	b.ReportMetric(float64(points)/b.Elapsed().Seconds(), "points/s")
}
