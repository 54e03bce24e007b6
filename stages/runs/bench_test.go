package runs

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// BenchmarkOutputIngest: a supervised child prints metric lines (a step and three metrics, all four stored)
// as fast as it can; the supervisor logs them and parses and stores every point. Reported:
// points stored per second, end to end (child start to last point committed), and the same
// child's time writing to /dev/null, the rate it could reach unsupervised. Target ≥ 1,000,000
// points/s.
//
//	go test ./stages/runs -run '^$' -bench OutputIngest -benchtime 3x
func BenchmarkOutputIngest(b *testing.B) {
	const lines = 1_000_000
	const perLine = 4 // step is stored too, so epoch can be charted against step
	dir := b.TempDir()
	s, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()

	// The unsupervised baseline: the child alone, into /dev/null.
	start := time.Now()
	base := exec.Command(os.Args[0], strconv.Itoa(lines))
	base.Env = append(os.Environ(), roleEnv+"=spew")
	if err := base.Run(); err != nil {
		b.Fatal(err)
	}
	alone := time.Since(start)

	b.ResetTimer()
	var total, cpu time.Duration
	for i := 0; i < b.N; i++ {
		runDir := filepath.Join(dir, strconv.Itoa(i))
		os.MkdirAll(runDir, 0o755)
		r := &store.Run{Status: store.StatusQueued, Command: []string{os.Args[0], strconv.Itoa(lines)},
			Workdir: runDir, LogPath: filepath.Join(runDir, "output.log"), ArtifactDir: runDir}
		if err := s.CreateRun(context.Background(), r, nil, nil); err != nil {
			b.Fatal(err)
		}
		t0, c0 := time.Now(), selfCPU()
		got, err := Supervise(context.Background(), SuperviseOptions{Store: s, RunID: r.ID, Env: []string{roleEnv + "=spew"}})
		total += time.Since(t0)
		cpu += selfCPU() - c0
		if err != nil || got.Status != store.StatusFinished {
			b.Fatalf("run %v: %v", got, err)
		}
		b.StopTimer()
		sums, err := s.Summaries(context.Background(), []int64{r.ID})
		if err != nil {
			b.Fatal(err)
		}
		n := int64(0)
		for _, sm := range sums[r.ID] {
			if !strings.HasPrefix(sm.Key, sysPrefix) { // the system sampler's points are not the child's
				n += sm.Count
			}
		}
		if n != lines*perLine {
			b.Fatalf("stored %d points, want %d", n, lines*perLine)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(lines*perLine*b.N)/total.Seconds(), "points/s")
	b.ReportMetric(float64(lines*perLine)/alone.Seconds(), "unsupervised-points/s")
	// The supervisor's own CPU (this process; the child's is not counted): on a machine whose
	// cores are shared, the steadier measure of what ingest costs.
	b.ReportMetric(float64(lines*perLine*b.N)/cpu.Seconds(), "points/cpu-s")
}

// selfCPU is this process's user and system CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
