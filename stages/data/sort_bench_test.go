package data

import (
	"context"
	"os"
	"path/filepath"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The sort benchmarks sort the 3M-row, ~100 MB file by `delay:desc,origin` into a file in
// the temp directory, in memory (default budget) and externally (a 64 MiB budget: about ten runs).
// Besides MB/s they report the peak live heap (sampled every 5 ms through runtime/metrics, which
// does not stop the world), the process's peak RSS (getrusage; includes whatever ran before in the
// process), and the CPU seconds per sort (user+system, getrusage): on this shared machine the wall
// time is mostly waiting for a CPU.
func BenchmarkSort3M(b *testing.B) { benchSort(b, 0, false) }

// BenchmarkSort3MExternal forces the external path with a 64 MiB budget.
func BenchmarkSort3MExternal(b *testing.B) { benchSort(b, 64<<20, true) }

func benchSort(b *testing.B, mem int64, external bool) {
	path := benchCSV(b, 3_000_000)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	keys := []SortKey{{Column: "delay", Desc: true}, {Column: "origin"}}
	outPath := filepath.Join(b.TempDir(), "sorted.csv")
	peak := newHeapPeak()
	cpu0 := cpuSeconds()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := os.Create(outPath)
		if err != nil {
			b.Fatal(err)
		}
		res, err := SortFile(context.Background(), path, SortOptions{Keys: keys, Memory: mem, TempDir: b.TempDir(), Out: out})
		out.Close()
		if err != nil {
			b.Fatal(err)
		}
		if res.Rows != 3_000_000 || res.External != external {
			b.Fatalf("rows %d external %v", res.Rows, res.External)
		}
	}
	b.StopTimer()
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(peak.stop())/(1<<20), "peak-heap-MiB")
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MiB")
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// heapPeak samples the bytes of live and not-yet-swept heap objects until stopped.
type heapPeak struct {
	done chan struct{}
	wg   sync.WaitGroup
	max  uint64
}

func newHeapPeak() *heapPeak {
	h := &heapPeak{done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			h.max = max(h.max, sample[0].Value.Uint64())
			select {
			case <-h.done:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) stop() uint64 {
	close(h.done)
	h.wg.Wait()
	return h.max
}
