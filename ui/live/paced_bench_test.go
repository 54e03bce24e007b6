package live

import (
	"math"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
)

// frameModel shows the frame it was last sent: the test computes the Live page's frames itself
// and hands them to a real Bubble Tea program one at a time.
type frameModel struct{ frame string }

type frameMsg string

func (m *frameModel) Init() tea.Cmd { return nil }
func (m *frameModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if f, ok := msg.(frameMsg); ok {
		m.frame = string(f)
	}
	return m, nil
}
func (m *frameModel) View() tea.View {
	v := tea.NewView(m.frame)
	v.AltScreen = true
	return v
}

// signalWriter is a countingWriter that also says when a write came.
type signalWriter struct {
	countingWriter
	wrote chan struct{}
}

func (w *signalWriter) Write(b []byte) (int, error) {
	n, err := w.countingWriter.Write(b)
	select {
	case w.wrote <- struct{}{}:
	default:
	}
	return n, err
}

// BenchmarkLiveTerminalBytesPaced is BenchmarkLiveTerminalBytes with the clock taken out, so a
// loaded machine reads as a quiet one: the page's frames at its fastest (a poll every 200 ms,
// five frames a second) with one series growing at 10 points a second (two new points a frame),
// each frame written by a real Bubble Tea program before the next is sent, over
// MLWB_LIVE_SECONDS (default 30) simulated seconds. It reports the bytes written per simulated
// second (target ≤ 4 KB/s) for a straight line and for a decaying loss curve.
func BenchmarkLiveTerminalBytesPaced(b *testing.B) {
	secs := liveSeconds()
	for _, c := range []struct {
		name string
		f    func(int) float64
	}{
		{"line", func(i int) float64 { return 1000 + float64(i) }},
		{"decay", func(i int) float64 { return 0.1 + 2*math.Exp(-float64(i)/300) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				s, p := newStore(b)
				r := addRun(b, s, "growing", store.StatusRunning)
				vals := make([]float64, 1001)
				for i := range vals {
					vals[i] = c.f(i)
				}
				steps(b, s, r, "loss", 0, vals...)
				ctx := &common.Context{Store: s, Project: p, Now: func() time.Time { return t0 }, Marked: map[int64]bool{},
					Refresh: time.Second, Theme: "dark", Styles: themes.New(themes.Dark())}
				pg := New(ctx)
				pg.tick = func(time.Duration, int) tea.Cmd { return nil }
				pg.SetSize(120, 40)
				run(b, pg, pg.Init())

				term := &signalWriter{wrote: make(chan struct{}, 1)}
				m := &frameModel{frame: pg.View()}
				prog := tea.NewProgram(m, tea.WithOutput(term), tea.WithInput(nil), tea.WithWindowSize(120, 40),
					tea.WithColorProfile(colorprofile.ANSI256), tea.WithoutSignalHandler())
				done := make(chan error, 1)
				go func() { _, err := prog.Run(); done <- err }()
				<-term.wrote // the first full frame
				time.Sleep(100 * time.Millisecond)
				term.mu.Lock()
				base := term.total
				term.mu.Unlock()

				frames, missed := 5*secs, 0
				for fr := 0; fr < frames; fr++ {
					at := 1001 + 2*fr
					steps(b, s, r, "loss", at, c.f(at), c.f(at+1))
					tick(b, pg)
					select { // drop a stale signal, then wait for this frame's write
					case <-term.wrote:
					default:
					}
					prog.Send(frameMsg(pg.View()))
					select {
					case <-term.wrote:
					case <-time.After(2 * time.Second):
						missed++ // an unchanged frame writes nothing (a late write still counts in the total)
					}
				}
				term.mu.Lock()
				bytes, writes := term.total-base, term.writes
				term.mu.Unlock()
				prog.Quit()
				if err := <-done; err != nil {
					b.Fatal(err)
				}
				rate := float64(bytes) / float64(secs)
				b.ReportMetric(rate, "bytes/s")
				b.ReportMetric(float64(bytes)/float64(frames), "bytes/frame")
				b.Logf("%s: %d bytes over %d frames (%d s at 5 frames/s; %d frames wrote nothing): %.0f B/s, %d writes",
					c.name, bytes, frames, secs, missed, rate, writes)
				if rate > 4096 {
					b.Errorf("%.0f bytes/s written to the terminal, over the 4 KB/s target", rate)
				}
			}
		})
	}
}
