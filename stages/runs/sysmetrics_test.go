package runs

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// hogRole holds 64 MiB of touched memory and keeps a core busy for five seconds.
func hogRole() int {
	buf := make([]byte, 64<<20)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1
	}
	end := time.Now().Add(5 * time.Second)
	x := 0
	for time.Now().Before(end) {
		for i := 0; i < 1e6; i++ {
			x += i
		}
	}
	if x == 42 {
		return int(buf[0]) // keep buf alive
	}
	return 0
}

// maxOf returns the largest value each key reached in the run.
func maxOf(t *testing.T, s *store.Store, runID int64) map[string]float64 {
	t.Helper()
	sums, err := s.Summaries(context.Background(), []int64{runID})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]float64{}
	for _, sm := range sums[runID] {
		m[sm.Key] = sm.Max
	}
	return m
}

// TestSystemMetricsOfTheProcessTree: the sampler counts the run's descendants, not just its top
// process: a shell whose grandchild holds 64 MiB and a busy core.
func TestSystemMetricsOfTheProcessTree(t *testing.T) {
	p, s := newProject(t)
	r := launch(t, p, s, LaunchOptions{Command: []string{"sh", "-c", roleEnv + "=hog " + os.Args[0] + "; true"}})
	r = waitEnd(t, s, r.ID, 90*time.Second)
	if r.Status != store.StatusFinished {
		t.Fatalf("run %s %q", r.Status, r.Note)
	}
	m := maxOf(t, s, r.ID)
	if m["sys/rss_mb"] < 64 || m["sys/rss_mb"] > 4096 {
		t.Errorf("sys/rss_mb max %v, want the grandchild's 64 MiB counted", m["sys/rss_mb"])
	}
	if m["sys/procs"] < 2 {
		t.Errorf("sys/procs max %v, want the shell and its child", m["sys/procs"])
	}
	if m["sys/cpu_percent"] < 20 || m["sys/cpu_percent"] > 250 {
		t.Errorf("sys/cpu_percent max %v, want a busy core (2 cores here at most)", m["sys/cpu_percent"])
	}
	for _, k := range []string{"sys/host_cpu_percent", "sys/host_mem_percent", "sys/host_mem_used_mb", "sys/net_recv_mb_s"} {
		if v, ok := m[k]; !ok || math.IsNaN(v) || v < 0 {
			t.Errorf("%s = %v, %v", k, v, ok)
		}
	}
	if _, err := exec.LookPath("nvidia-smi"); err != nil {
		if _, ok := m["sys/gpu0/util_percent"]; ok {
			t.Errorf("GPU metrics on a machine without nvidia-smi")
		}
	}
}

// TestGPUMetricsFromNvidiaSmi: nvidia-smi's own loop is read line by line (here a stand-in
// printing lines recorded from a real one, on the PATH): values stored per GPU, [N/A] left out.
func TestGPUMetricsFromNvidiaSmi(t *testing.T) {
	bin := t.TempDir()
	script := "#!/bin/sh\ncase \"$*\" in *--query-gpu=index,utilization.gpu,*) ;; *) echo bad args \"$*\" >&2; exit 2;; esac\n" +
		"while true; do\necho '0, 45, 12, 1024, 16384, 60, 75.32'\necho '1, [N/A], [N/A], 0, 16384, 33, [Not Supported]'\nsleep 1\ndone\n"
	if err := os.WriteFile(filepath.Join(bin, "nvidia-smi"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	p, s := newProject(t)
	r := launch(t, p, s, LaunchOptions{Command: []string{"sleep", "3"}})
	r = waitEnd(t, s, r.ID, 60*time.Second)
	m := maxOf(t, s, r.ID)
	want := map[string]float64{"sys/gpu0/util_percent": 45, "sys/gpu0/mem_used_mb": 1024, "sys/gpu0/power_w": 75.32,
		"sys/gpu1/temp_c": 33, "sys/gpu1/mem_used_mb": 0}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s = %v (%v), want %v", k, got, ok, v)
		}
	}
	for _, k := range []string{"sys/gpu1/util_percent", "sys/gpu1/power_w"} {
		if _, ok := m[k]; ok {
			t.Errorf("%s stored from [N/A]", k)
		}
	}
}

func TestGPULineParse(t *testing.T) {
	g := &gpuParser{runID: 1}
	now := time.UnixMilli(5)
	pts, err := g.parse("2, 100, 3, 80000, 81559, 71, 301.5", now)
	if err != nil || len(pts) != 6 || pts[0].Key != "sys/gpu2/util_percent" || pts[5].Value != 301.5 || pts[5].Step != 0 {
		t.Fatalf("%+v %v", pts, err)
	}
	if pts, _ = g.parse("2, 99, 3, 80000, 81559, 71, 301.5", now); pts[0].Step != 1 {
		t.Fatalf("second line of GPU 2 at step %d", pts[0].Step)
	}
	for _, bad := range []string{"", "0, 1, 2", "x, 1, 2, 3, 4, 5, 6", "0, 1, 2, 3, 4, five, 6", "-1, 1, 2, 3, 4, 5, 6",
		"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."} {
		if _, err := g.parse(bad, now); err == nil || !strings.Contains(err.Error(), "nvidia-smi") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func FuzzGPULine(f *testing.F) {
	f.Add("0, 45, 12, 1024, 16384, 60, 75.32")
	f.Add("1, [N/A], [N/A], 0, 16384, 33, [Not Supported]")
	f.Fuzz(func(t *testing.T, line string) {
		g := &gpuParser{runID: 1}
		pts, err := g.parse(line, time.Now())
		if err == nil && len(pts) > len(gpuQuery)-1 {
			t.Fatalf("%d points from one line", len(pts))
		}
	})
}

func TestParseProcStat(t *testing.T) {
	line := []byte("4242 (a) (b c) S 17 4242 4242 0 -1 4194560 1 0 0 0 250 50 0 0 20 0 1 0 100 1000000 300 18446744073709551615")
	st, ok := parseProcStat(line, 4096)
	if !ok || st.ppid != 17 || st.ticks != 300 || st.rssBytes != 300*4096 {
		t.Fatalf("%+v %v", st, ok)
	}
	if _, ok := parseProcStat([]byte("1 (x) S 0"), 4096); ok {
		t.Fatal("a short line parsed")
	}
}
