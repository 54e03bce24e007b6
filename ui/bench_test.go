package ui

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
)

// The opening target: mlwb on a store of 10,000 runs and 10 million metric points shows its
// first frame within 150 ms and stays under 60 MB resident. The store is generated once per
// benchmark run (outside the timer); each iteration opens it cold in this process, builds the
// shell and waits for the frame that shows the newest run, as a user would.
const (
	bigRuns      = 10_000
	bigKeys      = 4
	bigSteps     = 250 // 10,000 × 4 × 250 = 10,000,000 points
	newestName   = "run-09999"
	rssProbeEnv  = "MLWB_RSS_PROBE_DB"
	rssProbeLine = "peak-rss-kb="
)

// bigStore writes the 10k-run, 10M-point store into dir and returns its path.
func bigStore(b *testing.B, dir string) string {
	b.Helper()
	path := filepath.Join(dir, "state.db")
	s, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	keys := []string{"loss", "accuracy", "val_loss", "val_accuracy"}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var pts []store.Point
	for i := 0; i < bigRuns; i++ {
		created := start.Add(time.Duration(i) * time.Minute)
		code := 0
		r := &store.Run{Name: fmt.Sprintf("run-%05d", i), Status: "finished", Created: created, Started: created,
			Ended: created.Add(30 * time.Second), ExitCode: &code, GitCommit: fmt.Sprintf("%040x", i%50)}
		params := map[string]string{"lr": strconv.FormatFloat(0.001*float64(1+i%100), 'g', -1, 64), "epochs": "250"}
		if err := s.CreateRun(ctx, r, params, nil); err != nil {
			b.Fatal(err)
		}
		for step := 0; step < bigSteps; step++ {
			for k, key := range keys {
				pts = append(pts, store.Point{RunID: r.ID, Key: key, Step: int64(step),
					Time: created.UnixMilli() + int64(step*100), Value: float64(k) + 1/float64(step+1)})
			}
		}
		if len(pts) >= 200_000 || i == bigRuns-1 {
			if err := s.WriteMetrics(ctx, pts); err != nil {
				b.Fatal(err)
			}
			pts = pts[:0]
		}
	}
	if err := s.SetUIState(ctx, stateTab, "runs"); err != nil {
		b.Fatal(err)
	}
	return path
}

// firstFrame opens the store at dbPath, builds the shell at 120×40 and runs its start-up commands
// until the rendered frame shows the newest run. Ticks are an hour apart, so none fires.
func firstFrame(dbPath string) (string, error) {
	s, err := store.Open(dbPath)
	if err != nil {
		return "", err
	}
	defer s.Close()
	p := &project.Project{Root: filepath.Dir(dbPath), Config: project.Default(filepath.Dir(dbPath))}
	m := New(Options{Store: s, Project: p, Theme: "dark", Refresh: -1})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	msgs := make(chan tea.Msg, 64)
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c != nil {
			go func() { msgs <- c() }()
		}
	}
	run(m.Init())
	deadline := time.After(30 * time.Second)
	for {
		select {
		case msg := <-msgs:
			switch msg := msg.(type) {
			case nil:
			case tea.BatchMsg:
				for _, c := range msg {
					run(c)
				}
			default:
				_, next := m.Update(msg)
				run(next)
				if frame := m.Render(); strings.Contains(frame, newestName) {
					return frame, nil
				}
			}
		case <-deadline:
			return m.Render(), fmt.Errorf("no frame showed %s within 30 s", newestName)
		}
	}
}

// BenchmarkFirstFrame10kRuns: target ≤ 150 ms (the ms/frame metric) and ≤ 60 MB peak RSS (the
// peak-RSS-MB metric, measured in a fresh process that does only this).
func BenchmarkFirstFrame10kRuns(b *testing.B) {
	path := bigStore(b, b.TempDir())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := firstFrame(path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/frame")
	b.StopTimer()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestRSSProbe$", "-test.v")
	cmd.Env = append(os.Environ(), rssProbeEnv+"="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("rss probe: %v\n%s", err, out)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), rssProbeLine); ok {
			kb, _ := strconv.Atoi(v)
			b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
			return
		}
	}
	b.Fatalf("rss probe printed no figure:\n%s", out)
}

// TestRSSProbe is the fresh process BenchmarkFirstFrame10kRuns starts to measure peak memory; it
// skips unless that benchmark set its environment variable.
func TestRSSProbe(t *testing.T) {
	path := os.Getenv(rssProbeEnv)
	if path == "" {
		t.Skip("run by BenchmarkFirstFrame10kRuns only")
	}
	if _, err := firstFrame(path); err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Printf("%s%s\n", rssProbeLine, strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
}
