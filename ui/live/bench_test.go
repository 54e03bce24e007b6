package live

import (
	"math"
	"syscall"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// benchPage is an 80×20 Live page charting one key of four runs of n points each, fed through
// the same path the stream's points take (addPoints), so a frame is what the issue measures:
// downsample four million-point series and draw them.
func benchPage(b *testing.B, n int) *Page {
	b.Helper()
	s, p := newStore(b)
	pg := newPage(b, s, p, 80, 20)
	pts := make([]store.Point, n)
	for r := int64(1); r <= 4; r++ {
		pg.runs = append(pg.runs, &followed{id: r, name: "run", status: store.StatusRunning})
		for i := range pts {
			pts[i] = store.Point{RunID: r, Key: "loss", Step: int64(i), Time: int64(i) * 10,
				Value: math.Exp(-float64(i)/float64(n)) + 0.05*math.Sin(float64(i)*float64(r))}
		}
		pg.addPoints(pts)
	}
	return pg
}

// BenchmarkLiveFrame: one frame of the page at 80×20 with 4 series × 1,000,000 points (target
// ≤ 5 ms), plain, with the cursor on, and smoothed (the smoothed copies are built by the first
// frame and kept while no point arrives).
func BenchmarkLiveFrame(b *testing.B) {
	pg := benchPage(b, 1_000_000)
	for _, c := range []struct {
		name  string
		setup func()
	}{
		{"plain", func() {}},
		{"cursor", func() { pg.cursorOn, pg.cursor = true, 0.5 }},
		{"smoothed+log", func() { pg.smoothOn, pg.logY = true, true }},
	} {
		c.setup()
		pg.dirty = true
		pg.View()
		b.Run(c.name, func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				pg.dirty = true
				if len(pg.View()) == 0 {
					b.Fatal("empty frame")
				}
			}
			// This VM's CPUs are shared and wall time is mostly waiting: CPU time per frame too.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkLiveUnchangedFrame: View while nothing changed returns the last frame.
func BenchmarkLiveUnchangedFrame(b *testing.B) {
	pg := benchPage(b, 1000)
	pg.View()
	for b.Loop() {
		pg.View()
	}
}

// cpuTime is this process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
