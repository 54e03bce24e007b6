package runs

import (
	"bufio"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mlwb/mlwb/store"
)

// gpuQuery is what nvidia-smi is asked for each GPU, in this order, and the sys/gpu<N>/ key each
// field is stored under.
var gpuQuery = []struct{ field, key string }{
	{"index", ""},
	{"utilization.gpu", "util_percent"},
	{"utilization.memory", "mem_util_percent"},
	{"memory.used", "mem_used_mb"},
	{"memory.total", "mem_total_mb"},
	{"temperature.gpu", "temp_c"},
	{"power.draw", "power_w"},
}

// gpuArgs are nvidia-smi's arguments: one CSV line per GPU every period, until it is killed.
func gpuArgs(every time.Duration) []string {
	fields := make([]string, len(gpuQuery))
	for i, q := range gpuQuery {
		fields[i] = q.field
	}
	return []string{"--query-gpu=" + strings.Join(fields, ","), "--format=csv,noheader,nounits",
		"-lms", strconv.FormatInt(max(every.Milliseconds(), 100), 10)}
}

// gpuParser turns nvidia-smi lines into sys/gpu<N>/ points; each GPU counts its own steps.
type gpuParser struct {
	runID int64
	steps map[string]int64
}

// parse returns the points of one line, or an error naming what is wrong with it. A field of
// "[N/A]", "[Not Supported]" or any other bracketed word is missing, not zero.
func (g *gpuParser) parse(line string, now time.Time) ([]store.Point, error) {
	f := strings.Split(strings.TrimSpace(line), ",")
	if len(f) != len(gpuQuery) {
		return nil, fmt.Errorf("nvidia-smi: %d fields, want %d: %.80q", len(f), len(gpuQuery), line)
	}
	idx := strings.TrimSpace(f[0])
	if n, err := strconv.Atoi(idx); err != nil || n < 0 || n > 1024 {
		return nil, fmt.Errorf("nvidia-smi: bad GPU index %.20q", idx)
	}
	if g.steps == nil {
		g.steps = map[string]int64{}
	}
	step := g.steps[idx]
	g.steps[idx] = step + 1
	var pts []store.Point
	for i := 1; i < len(f); i++ {
		v := strings.TrimSpace(f[i])
		if v == "" || strings.HasPrefix(v, "[") {
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("nvidia-smi: %s of GPU %s: not a number: %.40q", gpuQuery[i].field, idx, v)
		}
		pts = append(pts, store.Point{RunID: g.runID, Key: sysPrefix + "gpu" + idx + "/" + gpuQuery[i].key,
			Step: step, Time: now.UnixMilli(), Value: x})
	}
	return pts, nil
}

// gpuWatcher runs nvidia-smi's own loop (cheaper than starting it every sample) and stores what it
// prints. It is the supervisor's child, not the run's, and dies with the supervisor.
type gpuWatcher struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startGPUWatcher starts nvidia-smi when it is on the PATH; with no NVIDIA GPU it returns nil.
func startGPUWatcher(runID int64, every time.Duration, w *store.MetricWriter, logw io.Writer) *gpuWatcher {
	path, err := exec.LookPath("nvidia-smi")
	if err != nil {
		return nil
	}
	cmd := exec.Command(path, gpuArgs(every)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(logw, "gpu metrics: %v\n", err)
		return nil
	}
	g := &gpuWatcher{cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(g.done)
		p := &gpuParser{runID: runID}
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 4096), 64<<10)
		complained := false
		for sc.Scan() {
			pts, err := p.parse(sc.Text(), time.Now())
			if err != nil {
				if !complained { // once: a driver that prints something else would flood the log
					fmt.Fprintln(logw, err)
					complained = true
				}
				continue
			}
			w.Add(pts...)
		}
	}()
	return g
}

// stop ends nvidia-smi and waits for its last lines.
func (g *gpuWatcher) stop() {
	if g == nil {
		return
	}
	g.cmd.Process.Kill()
	<-g.done
	g.cmd.Wait()
}
