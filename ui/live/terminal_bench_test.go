package live

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
)

// frameShell is the least of the workbench shell a terminal test needs: it builds the tea.View
// around the page, sends the shell's one-second refresh, and reports each frame it shows.
type frameShell struct {
	pg      *Page
	onFrame func(string)
	last    string
}

func (s *frameShell) Init() tea.Cmd {
	return tea.Batch(s.pg.Init(), common.Tick(s.pg.ctx.Refresh))
}

func (s *frameShell) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		s.pg.SetSize(msg.Width, msg.Height)
		return s, nil
	case common.TickMsg:
		_, cmd := s.pg.Update(msg)
		return s, tea.Batch(cmd, common.Tick(s.pg.ctx.Refresh))
	}
	_, cmd := s.pg.Update(msg)
	return s, cmd
}

func (s *frameShell) View() tea.View {
	v := s.pg.View()
	if v != s.last {
		s.last = v
		s.onFrame(v)
	}
	t := tea.NewView(v)
	t.AltScreen = true
	return t
}

// titleValue finds the last value in the loss chart's title.
var titleValue = regexp.MustCompile(`loss\s+● (\d+)`)

// countingWriter is the terminal: it counts the bytes the program writes, and when.
type countingWriter struct {
	mu     sync.Mutex
	total  int
	writes int
}

func (c *countingWriter) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total += len(b)
	c.writes++
	return len(b), nil
}

// BenchmarkLiveTerminalBytes runs the real Bubble Tea program with the Live page at 120×40 while
// another goroutine logs one series at 10 points a second through the supervisor's batching
// writer (a transaction every 200 ms), for MLWB_LIVE_SECONDS (default 30) seconds. It reports
// the bytes written to the terminal per second after the first full frame (target ≤ 4 KB/s), and
// the latency from a point being handed to the writer to the first frame showing its value
// (target ≤ 500 ms). Run with -benchtime 1x: one run is the measurement.
func BenchmarkLiveTerminalBytes(b *testing.B) {
	secs := liveSeconds()
	for b.Loop() {
		s, p := newStore(b)
		r := addRun(b, s, "growing", store.StatusRunning)
		steps(b, s, r, "loss", 0, 1000) // values are 1000 + step: each shows in the title as itself
		c := &common.Context{Store: s, Project: p, Now: time.Now, Marked: map[int64]bool{}, Refresh: time.Second,
			Theme: "dark", Styles: themes.New(themes.Dark())}
		pg := New(c)

		var mu sync.Mutex
		added := map[int]time.Time{}
		var latencies []time.Duration
		onFrame := func(v string) {
			// The chart's title, "loss  ● 1042" (the header's legend also starts with "● ").
			m := titleValue.FindStringSubmatch(ansi.Strip(v))
			if m == nil {
				return
			}
			k, err := strconv.Atoi(m[1])
			if err != nil {
				return
			}
			mu.Lock()
			if at, ok := added[k-1000]; ok {
				latencies = append(latencies, time.Since(at))
				delete(added, k-1000)
			}
			mu.Unlock()
		}
		term := &countingWriter{}
		prog := tea.NewProgram(&frameShell{pg: pg, onFrame: onFrame}, tea.WithOutput(term), tea.WithInput(nil),
			tea.WithWindowSize(120, 40), tea.WithColorProfile(colorprofile.ANSI256), tea.WithoutSignalHandler())
		done := make(chan error, 1)
		go func() { _, err := prog.Run(); done <- err }()

		time.Sleep(2 * time.Second) // the first full frame
		term.mu.Lock()
		base, baseWrites := term.total, term.writes
		term.mu.Unlock()

		w := s.NewMetricWriter(200*time.Millisecond, 0)
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(secs)*time.Second)
		tk := time.NewTicker(100 * time.Millisecond)
		start := time.Now()
		for step := 1; ctx.Err() == nil; step++ {
			<-tk.C
			mu.Lock()
			added[step] = time.Now()
			mu.Unlock()
			w.Add(store.Point{RunID: r, Key: "loss", Step: int64(step), Time: time.Now().UnixMilli(), Value: float64(1000 + step)})
		}
		tk.Stop()
		cancel()
		elapsed := time.Since(start)
		term.mu.Lock()
		bytes, writes := term.total-base, term.writes-baseWrites
		term.mu.Unlock()
		prog.Quit()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		mu.Lock()
		slices.Sort(latencies)
		n := len(latencies)
		mu.Unlock()
		if n == 0 {
			b.Fatal("no point was seen on the page")
		}
		rate := float64(bytes) / elapsed.Seconds()
		b.ReportMetric(rate, "bytes/s")
		b.ReportMetric(float64(writes)/elapsed.Seconds(), "writes/s")
		// Per write, so a loaded machine (fewer frames than the page's five a second) can be read
		// as the quiet one: at most 5 × bytes/write per second.
		b.ReportMetric(float64(bytes)/float64(max(writes, 1)), "bytes/write")
		b.ReportMetric(float64(latencies[n/2].Milliseconds()), "p50-latency-ms")
		b.ReportMetric(float64(latencies[n*95/100].Milliseconds()), "p95-latency-ms")
		b.ReportMetric(float64(latencies[n-1].Milliseconds()), "max-latency-ms")
		b.Logf("%d bytes in %d writes over %s (%.0f B/s); %d values seen in the title, latency p50 %s p95 %s max %s",
			bytes, writes, elapsed.Round(time.Millisecond), rate, n, latencies[n/2], latencies[n*95/100], latencies[n-1])
	}
}

// liveSeconds is MLWB_LIVE_SECONDS, the terminal benchmarks' length (30 s unless set).
func liveSeconds() int {
	if v, err := strconv.Atoi(os.Getenv("MLWB_LIVE_SECONDS")); err == nil && v > 0 {
		return v
	}
	return 30
}
