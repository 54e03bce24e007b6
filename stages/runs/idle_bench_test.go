package runs

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkSupervisorIdle: the supervisor's cost while its run is alive and quiet — a real
// detached supervisor (this test binary in its supervise role, running SuperviseProcess as
// `mlwb supervise` does) over a child that sleeps and prints nothing. After a warm-up, the
// supervisor's CPU time is read from the kernel (/proc/PID/task/*/schedstat: nanoseconds on a CPU,
// every thread) over a window, so its heartbeat, system sampling (every 2 s) and alert checks
// are all counted. Targets: ≤ 1% of one core, ≤ 30 MB RSS. MLWB_IDLE_SECONDS sets the window
// (default 20).
//
//	go test ./stages/runs -run '^$' -bench SupervisorIdle -benchtime 1x
func BenchmarkSupervisorIdle(b *testing.B) {
	window := 20 * time.Second
	if s, err := strconv.Atoi(os.Getenv("MLWB_IDLE_SECONDS")); err == nil && s > 0 {
		window = time.Duration(s) * time.Second
	}
	if _, err := os.Stat("/proc/self/task"); err != nil {
		b.Skip("needs Linux /proc to read the supervisor's CPU time")
	}
	p, s := newProject(b)
	var cpuPct, rssMB, hwmMB float64
	for i := 0; i < b.N; i++ {
		r := launch(b, p, s, LaunchOptions{Command: []string{"sleep", "100000"}})
		r = waitRunning(b, s, r.ID)
		if r.SupervisorPID == 0 {
			b.Fatal("the run has no supervisor pid")
		}
		time.Sleep(3 * time.Second) // start-up (store open, first samples) is not idling
		c0, err := taskCPU(r.SupervisorPID)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		time.Sleep(window)
		c1, err := taskCPU(r.SupervisorPID)
		if err != nil {
			b.Fatal(err)
		}
		cpuPct = 100 * float64(c1-c0) / float64(time.Since(t0))
		rssMB, hwmMB, err = procRSS(r.SupervisorPID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Stop(context.Background(), s, r, 30*time.Second); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(cpuPct, "cpu-%-of-core")
	b.ReportMetric(rssMB, "rss-MB")
	b.ReportMetric(hwmMB, "peak-rss-MB")
	b.Logf("supervisor idle over %s: %.3f%% of one core, RSS %.1f MB (peak %.1f MB)", window, cpuPct, rssMB, hwmMB)
}

// taskCPU sums the on-CPU time of every thread of pid, in nanoseconds (the first field of each
// thread's schedstat), which is exact where clock-tick counts in /proc/PID/stat would round a
// quiet process to zero.
func taskCPU(pid int) (time.Duration, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("supervisor %d: no threads in /proc (%v)", pid, err)
	}
	var sum time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that ended between the glob and the read
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			continue
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", t, err)
		}
		sum += time.Duration(ns)
	}
	return sum, nil
}

// procRSS reads pid's resident set size now and at its peak, in MB.
func procRSS(pid int) (rss, hwm float64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("supervisor status: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		if err != nil {
			return 0, 0, fmt.Errorf("supervisor status %s: %w", k, err)
		}
		if k == "VmRSS" {
			rss = kb / 1024
		} else {
			hwm = kb / 1024
		}
	}
	return rss, hwm, sc.Err()
}
