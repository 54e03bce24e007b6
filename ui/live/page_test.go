package live

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	engine "github.com/mlwb/mlwb/stages/live"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// newStore is a real store in a temp project.
func newStore(t testing.TB) (*store.Store, *project.Project) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mlwb.yaml"), []byte("name: t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := project.Discover(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, p
}

// addRun creates a run with the given status, started at t0.
func addRun(t testing.TB, s *store.Store, name, status string) int64 {
	t.Helper()
	r := &store.Run{Name: name, Status: status, Created: t0, Started: t0}
	if status != store.StatusRunning {
		r.Ended = t0.Add(time.Minute)
	}
	if err := s.CreateRun(context.Background(), r, nil, nil); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// steps writes key's values at steps from..from+len(vals)-1, one second apart.
func steps(t testing.TB, s *store.Store, run int64, key string, from int, vals ...float64) {
	t.Helper()
	pts := make([]store.Point, len(vals))
	for i, v := range vals {
		st := from + i
		pts[i] = store.Point{RunID: run, Key: key, Step: int64(st), Time: t0.Add(time.Duration(st) * time.Second).UnixMilli(), Value: v}
	}
	if err := s.WriteMetrics(context.Background(), pts); err != nil {
		t.Fatal(err)
	}
}

// newPage is the Live page over s, in the mono theme, with ticks driven by the test.
func newPage(t testing.TB, s *store.Store, p *project.Project, w, h int, marked ...int64) *Page {
	t.Helper()
	c := &common.Context{Store: s, Project: p, Styles: themes.New(themes.Mono()), Theme: "mono",
		Now: func() time.Time { return t0 }, Marked: map[int64]bool{}, Refresh: time.Hour}
	for _, id := range marked {
		c.Marked[id] = true
	}
	pg := New(c)
	pg.tick = func(time.Duration, int) tea.Cmd { return nil }
	pg.SetSize(w, h)
	run(t, pg, pg.Init())
	return pg
}

// run feeds a command's messages back to the page until none is left (polls are synchronous here).
func run(t testing.TB, pg *Page, cmd tea.Cmd) {
	t.Helper()
	for i := 0; cmd != nil && i < 20; i++ {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				run(t, pg, c)
			}
			return
		}
		if msg == nil {
			return
		}
		_, cmd = pg.Update(msg)
	}
}

// tick is one fast refresh, as the page's timer would send it.
func tick(t testing.TB, pg *Page) { run(t, pg, pg.startPoll(false)) }

func press(t testing.TB, pg *Page, keys ...string) {
	t.Helper()
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "left":
			msg = tea.KeyPressMsg{Code: tea.KeyLeft}
		case "right":
			msg = tea.KeyPressMsg{Code: tea.KeyRight}
		case "pgdown":
			msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
		default:
			for _, r := range k {
				_, cmd := pg.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
				run(t, pg, cmd)
			}
			continue
		}
		_, cmd := pg.Update(msg)
		run(t, pg, cmd)
	}
}

// screen is the page's frame without styling, checked to be exactly w×h cells.
func screen(t testing.TB, pg *Page) string {
	t.Helper()
	v := pg.View()
	lines := strings.Split(v, "\n")
	if len(lines) != pg.height {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), pg.height, v)
	}
	for i, l := range lines {
		if got := widget.Width(l); got != pg.width {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, got, pg.width, l)
		}
	}
	return ansi.Strip(v)
}

// TestFollowsRunningAndMarkedRunsIncrementally: the running run and a marked one are charted per
// key, new points arrive through the stream (each once), and an unchanged store redraws nothing.
func TestFollowsRunningAndMarkedRunsIncrementally(t *testing.T) {
	s, p := newStore(t)
	old := addRun(t, s, "old", store.StatusFinished)
	steps(t, s, old, "loss", 0, 1.0, 0.8, 0.7)
	other := addRun(t, s, "unmarked", store.StatusFinished)
	steps(t, s, other, "loss", 0, 9)
	cur := addRun(t, s, "cur", store.StatusRunning)
	steps(t, s, cur, "loss", 0, 2.0, 1.5)
	steps(t, s, cur, "acc", 0, 0.1, 0.2)

	pg := newPage(t, s, p, 100, 30, old)
	v := screen(t, pg)
	for _, want := range []string{"● #1 old ✓ finished", "▲ #3 cur ▶ running", "loss", "acc", "keys 1-2 of 2", "no active alerts"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "unmarked") {
		t.Errorf("an unmarked ended run is shown:\n%s", v)
	}
	// Titles carry the last values: old's loss 0.7 and cur's 1.5.
	if !strings.Contains(v, "● 0.7") || !strings.Contains(v, "▲ 1.5") {
		t.Errorf("loss legend lacks the last values:\n%s", v)
	}

	// Nothing new: the same frame, not redrawn.
	tick(t, pg)
	if pg.dirty {
		t.Fatal("an empty poll marked the page dirty")
	}
	steps(t, s, cur, "loss", 2, 1.2, 1.1)
	tick(t, pg)
	tr := pg.traces[traceID{cur, "loss"}]
	if got := tr.vals; len(got) != 4 || got[3] != 1.1 {
		t.Fatalf("cur loss after the second write = %v, want 4 points ending 1.1", got)
	}
	if !strings.Contains(screen(t, pg), "▲ 1.1") {
		t.Fatalf("new value not shown:\n%s", screen(t, pg))
	}

	// A followed run that ends stays (see TestEndedRunStays); its status changes in the legend.
	code := 1
	if err := s.EndRun(context.Background(), cur, store.RunEnd{Status: store.StatusFailed, ExitCode: &code, Ended: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	tick(t, pg)
	if v := screen(t, pg); !strings.Contains(v, "▲ #3 cur ✗ failed") {
		t.Fatalf("status change not shown:\n%s", v)
	}
}

// TestCursorReadsStoredValues moves the cursor along x and checks every series' value against the
// points as stored (read back with History, an independent path from the stream).
func TestCursorReadsStoredValues(t *testing.T) {
	s, p := newStore(t)
	a := addRun(t, s, "a", store.StatusRunning)
	b := addRun(t, s, "b", store.StatusRunning)
	var va, vb []float64
	for i := range 300 {
		va = append(va, math.Sin(float64(i)/7)+float64(i)/1000)
	}
	for i := range 120 { // b logs every other step, so the cursor often sits between its points
		vb = append(vb, 1/float64(i+1))
	}
	steps(t, s, a, "loss", 0, va...)
	pts := make([]store.Point, len(vb))
	for i, v := range vb {
		pts[i] = store.Point{RunID: b, Key: "loss", Step: int64(2 * i), Time: t0.Add(time.Duration(2*i) * time.Second).UnixMilli(), Value: v}
	}
	if err := s.WriteMetrics(context.Background(), pts); err != nil {
		t.Fatal(err)
	}
	pg := newPage(t, s, p, 90, 24)
	press(t, pg, "right") // shows the cursor at the newest x
	ctx := context.Background()
	want := func(run int64, x float64) float64 {
		h, err := s.History(ctx, run, "loss")
		if err != nil {
			t.Fatal(err)
		}
		v := h[0].Value
		for _, pt := range h {
			if float64(pt.Step) <= x {
				v = pt.Value
			}
		}
		return v
	}
	checked := 0
	for i := 0; i < 60; i++ {
		x, ok := pg.cursorX()
		if !ok {
			t.Fatal("cursor not shown")
		}
		for _, run := range []int64{a, b} {
			got := pg.valueAt(pg.traces[traceID{run, "loss"}], x)
			if w := want(run, x); got.Y != w {
				t.Fatalf("run %d at x=%v: cursor %v, stored %v", run, x, got.Y, w)
			}
			checked++
		}
		v := screen(t, pg)
		if !strings.Contains(v, "cursor step "+widget.Num(x)) || x != math.Round(x) {
			t.Fatalf("header lacks the cursor's x %v (steps are whole):\n%s", x, v)
		}
		press(t, pg, []string{"left", "["}[i%2])
	}
	if pg.cursor >= 1 || checked != 120 {
		t.Fatalf("cursor did not move (%v) or values not checked (%d)", pg.cursor, checked)
	}
	press(t, pg, "esc")
	if _, ok := pg.cursorX(); ok || strings.Contains(screen(t, pg), "cursor step") {
		t.Fatal("esc did not hide the cursor")
	}
}

// TestFilterSettingsAndColumns: / narrows the keys as typed, esc clears; s, S, l, x, z and +/-
// change the charts and say so in the header.
func TestFilterSettingsAndColumns(t *testing.T) {
	s, p := newStore(t)
	r := addRun(t, s, "r", store.StatusRunning)
	for _, k := range []string{"train/loss", "val/loss", "val/acc", "lr"} {
		steps(t, s, r, k, 0, 3, 2, 1, 0.5)
	}
	pg := newPage(t, s, p, 120, 30)
	press(t, pg, "/", "LOSS")
	if !pg.Capturing() {
		t.Fatal("the filter prompt does not capture keys")
	}
	v := screen(t, pg)
	if len(pg.shown) != 2 || pg.shown[0] != "train/loss" || pg.shown[1] != "val/loss" || strings.Contains(v, "val/acc") {
		t.Fatalf("filter LOSS shows %v:\n%s", pg.shown, v)
	}
	press(t, pg, "enter")
	if v := screen(t, pg); pg.Capturing() || !strings.Contains(v, `filter "LOSS"`) {
		t.Fatalf("accepted filter not in the header:\n%s", v)
	}
	press(t, pg, "/", "zzz", "enter")
	if v := screen(t, pg); !strings.Contains(v, "No key matches") {
		t.Fatalf("empty filter result:\n%s", v)
	}
	press(t, pg, "esc")
	if len(pg.shown) != 4 {
		t.Fatalf("esc left %v", pg.shown)
	}

	press(t, pg, "s")
	tr := pg.traces[traceID{r, "lr"}]
	v = screen(t, pg)
	if !strings.Contains(v, "ema 0.6") || tr.smooth == nil {
		t.Fatalf("smoothing not on:\n%s", v)
	}
	if want := engine.EMA(tr.ser.Y, 0.6, nil); fmt.Sprint(tr.smooth.Y) != fmt.Sprint(want) {
		t.Fatalf("smoothed %v, want %v", tr.smooth.Y, want)
	}
	press(t, pg, "S")
	if v := screen(t, pg); !strings.Contains(v, "ema 0.8") {
		t.Fatalf("weight not cycled:\n%s", v)
	}
	press(t, pg, "l", "x", "z")
	v = screen(t, pg)
	for _, want := range []string{"log y", "x time", "last 1m00s", "09:00:03"} {
		if !strings.Contains(v, want) {
			t.Errorf("header/axis lacks %q:\n%s", want, v)
		}
	}
	if x0, x1 := tr.ser.Range(); x0 != float64(t0.Unix()) || x1 != float64(t0.Unix()+3) {
		t.Fatalf("time x range %v..%v", x0, x1)
	}
	press(t, pg, "x")
	if x0, x1 := tr.ser.Range(); x0 != 0 || x1 != 3 || !strings.Contains(screen(t, pg), "x relative") {
		t.Fatalf("relative x range %v..%v", x0, x1)
	}
	cols := pg.lay.cols
	press(t, pg, "+")
	if pg.lay.cols != cols+1 {
		t.Fatalf("+ made %d columns from %d", pg.lay.cols, cols)
	}
	press(t, pg, "-", "-", "-", "-")
	if pg.lay.cols != 1 {
		t.Fatalf("- stopped at %d columns", pg.lay.cols)
	}
	screen(t, pg)
}

// TestTooSmallAndResize: a 20×5 page says it is too small; every size renders exactly.
func TestTooSmallAndResize(t *testing.T) {
	s, p := newStore(t)
	r := addRun(t, s, "r", store.StatusRunning)
	steps(t, s, r, "loss", 0, 1, 2, 3)
	pg := newPage(t, s, p, 20, 5)
	if v := screen(t, pg); !strings.Contains(v, "too small") {
		t.Fatalf("20×5:\n%s", v)
	}
	press(t, pg, "right", "+", "-", "s", "l", "x", "z", "/", "a", "enter", "pgdown")
	screen(t, pg)
	for _, size := range [][2]int{{40, 8}, {41, 9}, {80, 24}, {200, 60}, {1, 1}, {0, 0}, {39, 30}} {
		pg.SetSize(size[0], size[1])
		if size[1] == 0 {
			if pg.View() != "" {
				t.Fatal("a 0-high page is not empty")
			}
			continue
		}
		screen(t, pg)
	}
}

// TestDeletedRunIsDropped: a followed run deleted by another process leaves the page.
func TestDeletedRunIsDropped(t *testing.T) {
	s, p := newStore(t)
	keep := addRun(t, s, "keep", store.StatusRunning)
	gone := addRun(t, s, "gone", store.StatusRunning)
	steps(t, s, keep, "loss", 0, 1, 2)
	steps(t, s, gone, "loss", 0, 3, 4)
	steps(t, s, gone, "only_gone", 0, 5)
	pg := newPage(t, s, p, 100, 24)
	if v := screen(t, pg); !strings.Contains(v, "#2 gone") || !strings.Contains(v, "only_gone") {
		t.Fatalf("before:\n%s", v)
	}
	if err := s.DeleteRun(context.Background(), gone); err != nil {
		t.Fatal(err)
	}
	steps(t, s, keep, "loss", 2, 7)
	tick(t, pg)
	v := screen(t, pg)
	if strings.Contains(v, "gone") || len(pg.runs) != 1 || len(pg.allKeys) != 1 || pg.traces[traceID{gone, "loss"}] != nil {
		t.Fatalf("deleted run still shown (runs %d, keys %v):\n%s", len(pg.runs), pg.allKeys, v)
	}
	if !strings.Contains(v, "● 7") {
		t.Fatalf("the kept run stopped updating:\n%s", v)
	}
	run(t, pg, pg.startPoll(true)) // and choosing runs again does not bring it back
	if len(pg.runs) != 1 {
		t.Fatalf("runs after a resolve: %d", len(pg.runs))
	}
}

// TestTenThousandKeysPage: a run with 10,000 keys pages through them; filtering finds one.
func TestTenThousandKeysPage(t *testing.T) {
	s, p := newStore(t)
	r := addRun(t, s, "wide", store.StatusRunning)
	pts := make([]store.Point, 0, 10000)
	for i := range 10000 {
		pts = append(pts, store.Point{RunID: r, Key: fmt.Sprintf("k%05d", i), Step: 0, Time: t0.UnixMilli(), Value: float64(i)})
	}
	if err := s.WriteMetrics(context.Background(), pts); err != nil {
		t.Fatal(err)
	}
	pg := newPage(t, s, p, 120, 40)
	v := screen(t, pg)
	perPage := pg.lay.rows * pg.lay.cols
	if len(pg.allKeys) != 10000 || !strings.Contains(v, fmt.Sprintf("keys 1-%d of 10000", perPage)) || !strings.Contains(v, "k00000") {
		t.Fatalf("first page (%d keys):\n%s", len(pg.allKeys), v)
	}
	press(t, pg, "pgdown")
	if v := screen(t, pg); !strings.Contains(v, fmt.Sprintf("keys %d-%d of 10000", perPage+1, 2*perPage)) {
		t.Fatalf("second page:\n%s", v)
	}
	press(t, pg, "G")
	if v := screen(t, pg); !strings.Contains(v, "k09999") || !strings.Contains(v, "of 10000") {
		t.Fatalf("last page:\n%s", v)
	}
	press(t, pg, "/", "k0765", "enter")
	if v := screen(t, pg); len(pg.shown) != 10 || !strings.Contains(v, "k07650") || !strings.Contains(v, "keys 1-") {
		t.Fatalf("filtered to %d:\n%s", len(pg.shown), v)
	}
}

// TestHostileValues: an always-NaN key, a single point, values of ±1e308 and a log scale over
// non-positive values draw without panic, in frame, and say what they could not draw.
func TestHostileValues(t *testing.T) {
	s, p := newStore(t)
	r := addRun(t, s, "r", store.StatusRunning)
	steps(t, s, r, "a_nan", 0, math.NaN(), math.NaN(), math.NaN())
	steps(t, s, r, "b_single", 0, 42)
	steps(t, s, r, "c_huge", 0, 1e308, -1e308, 1e308, math.Inf(1), -math.MaxFloat64)
	steps(t, s, r, "d_neg", 0, -1, 0, 1, 10)
	pg := newPage(t, s, p, 120, 40)
	v := screen(t, pg)
	for _, want := range []string{"a_nan  ● nan", "no data", "b_single  ● 42", "c_huge  ● -1.80e+308"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen lacks %q:\n%s", want, v)
		}
	}
	press(t, pg, "l", "right", "s")
	if v := screen(t, pg); !strings.Contains(v, "≤0 hid") {
		t.Errorf("log scale does not say it hid values ≤ 0:\n%s", v)
	}
	press(t, pg, "x", "x", "z")
	screen(t, pg)
}

// TestSystemPaneAndAlerts: sys/ samples of a running run fill its system pane (not the grid), and
// an alert raised on it shows in the strip until cleared.
func TestSystemPaneAndAlerts(t *testing.T) {
	s, p := newStore(t)
	r := addRun(t, s, "gpu-run", store.StatusRunning)
	steps(t, s, r, "loss", 0, 1, 0.5)
	steps(t, s, r, "sys/cpu_percent", 0, 50, 90, 120)
	steps(t, s, r, "sys/rss_mb", 0, 900, 1500, 2048)
	steps(t, s, r, "sys/gpu0/util_percent", 0, 10, 80, 97)
	steps(t, s, r, "sys/gpu0/mem_used_mb", 0, 4000, 8000)
	steps(t, s, r, "sys/gpu0/mem_total_mb", 0, 16000, 16000)
	steps(t, s, r, "sys/gpu0/temp_c", 0, 60, 71)
	steps(t, s, r, "sys/gpu0/power_w", 0, 120, 250)
	steps(t, s, r, "sys/gpu1/util_percent", 0, 5)
	pg := newPage(t, s, p, 120, 30)
	v := screen(t, pg)
	for _, want := range []string{"cpu", "120%", "rss", "2.0G", "gpu0", "util", "97%", "mem", "50%", "71°C", "250W", "gpu1", "5%"} {
		if !strings.Contains(v, want) {
			t.Errorf("system pane lacks %q:\n%s", want, v)
		}
	}
	if len(pg.allKeys) != 1 {
		t.Errorf("sys/ keys charted in the grid: %v", pg.allKeys)
	}
	ctx := context.Background()
	if _, err := s.RaiseAlert(ctx, &store.Alert{RunID: r, Rule: engine.RuleMemory, Severity: "warn", Message: "gpu0 memory 97.0% used"}); err != nil {
		t.Fatal(err)
	}
	tick(t, pg)
	if v := screen(t, pg); !strings.Contains(v, "⚠ #1 memory_high: gpu0 memory 97.0% used") {
		t.Fatalf("alert not in the strip:\n%s", v)
	}
	if err := s.ClearAlert(ctx, r, engine.RuleMemory); err != nil {
		t.Fatal(err)
	}
	tick(t, pg)
	if v := screen(t, pg); !strings.Contains(v, "no active alerts") {
		t.Fatalf("cleared alert still shown:\n%s", v)
	}
}

// TestNewestRunWhenNoneRunning and marks: with nothing running or marked the newest run is
// charted; marking runs (MarksChangedMsg) switches to them.
func TestNewestRunWhenNoneRunning(t *testing.T) {
	s, p := newStore(t)
	first := addRun(t, s, "first", store.StatusFinished)
	steps(t, s, first, "loss", 0, 1)
	second := addRun(t, s, "second", store.StatusFinished)
	steps(t, s, second, "loss", 0, 2)
	pg := newPage(t, s, p, 100, 24)
	if v := screen(t, pg); !strings.Contains(v, "#2 second") || strings.Contains(v, "#1 first") {
		t.Fatalf("not the newest run:\n%s", v)
	}
	pg.ctx.Marked[first] = true
	_, cmd := pg.Update(common.MarksChangedMsg{})
	run(t, pg, cmd)
	if v := screen(t, pg); !strings.Contains(v, "#1 first") || strings.Contains(v, "#2 second") {
		t.Fatalf("marks not followed:\n%s", v)
	}
	empty, p2 := newStore(t)
	if v := screen(t, newPage(t, empty, p2, 100, 24)); !strings.Contains(v, "No runs yet") {
		t.Fatalf("empty store:\n%s", v)
	}
}

// TestAlertRulesFromProject: the page checks the project's alert rules (mlwb.yaml's alerts
// section) as it polls, so a NaN in a key the project calls a loss shows in the strip.
func TestAlertRulesFromProject(t *testing.T) {
	s, p := newStore(t)
	cfg, err := project.Parse("mlwb.yaml", []byte("name: t\nalerts:\n  loss_keys: [nll]\n"))
	if err != nil {
		t.Fatal(err)
	}
	p.Config = cfg
	r := addRun(t, s, "r", store.StatusRunning)
	steps(t, s, r, "loss", 0, math.NaN()) // not a loss for this project
	steps(t, s, r, "val_nll", 0, 0.5, math.Inf(1))
	pg := newPage(t, s, p, 120, 24)
	v := screen(t, pg)
	if !strings.Contains(v, "⚠ #1 nonfinite_loss: val_nll is +Inf at step 1") || strings.Contains(v, "loss is NaN") {
		t.Fatalf("strip:\n%s", v)
	}
}

// TestEndedRunStays: a run the page watched while it ran stays, curve and all, once it ends —
// next to a run still running, and in place of the newest run when none runs — with its end
// status in the legend, until c leaves the ended runs out.
func TestEndedRunStays(t *testing.T) {
	s, p := newStore(t)
	ctx := context.Background()
	a := addRun(t, s, "a", store.StatusRunning)
	steps(t, s, a, "loss", 0, 1.0, 0.5, 0.25)
	b := addRun(t, s, "b", store.StatusRunning)
	steps(t, s, b, "loss", 0, 2.0, 1.5)
	pg := newPage(t, s, p, 100, 24)
	resolve := func() {
		_, cmd := pg.Update(common.TickMsg{})
		run(t, pg, cmd)
	}
	if err := s.EndRun(ctx, a, store.RunEnd{Status: store.StatusFinished, Ended: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	tick(t, pg)
	resolve()
	v := screen(t, pg)
	if !strings.Contains(v, "● #1 a ✓ finished") || !strings.Contains(v, "▲ #2 b ▶ running") || !strings.Contains(v, "● 0.25") {
		t.Fatalf("the ended run left the page:\n%s", v)
	}
	if tr := pg.traces[traceID{a, "loss"}]; tr == nil || len(tr.vals) != 3 {
		t.Fatalf("the ended run's curve was lost: %+v", tr)
	}

	// A newer run that nobody watched ends too: with nothing running the page keeps what it
	// watched, not the newest run.
	c := addRun(t, s, "c", store.StatusFinished)
	steps(t, s, c, "loss", 0, 9)
	code := 2
	if err := s.EndRun(ctx, b, store.RunEnd{Status: store.StatusFailed, ExitCode: &code, Ended: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	resolve()
	v = screen(t, pg)
	if !strings.Contains(v, "● #1 a ✓") || !strings.Contains(v, "▲ #2 b ✗") || strings.Contains(v, "#3 c") {
		t.Fatalf("with nothing running, the watched runs should stay:\n%s", v)
	}

	// c leaves the ended runs out: back to the newest run.
	press(t, pg, "c")
	v = screen(t, pg)
	if strings.Contains(v, "#1 a") || strings.Contains(v, "#2 b") || !strings.Contains(v, "#3 c") {
		t.Fatalf("c did not drop the ended runs:\n%s", v)
	}
	if pg.traces[traceID{a, "loss"}] != nil {
		t.Fatal("the dropped run's traces are kept")
	}
	resolve()
	if v := screen(t, pg); strings.Contains(v, "#1 a") {
		t.Fatalf("a dropped run came back:\n%s", v)
	}
}

// TestEndedMarkedRunLeftOutByUnmarking: a run watched while running and marked stays once it
// ends; taking its mark off leaves it out.
func TestEndedMarkedRunLeftOutByUnmarking(t *testing.T) {
	s, p := newStore(t)
	a := addRun(t, s, "a", store.StatusRunning)
	steps(t, s, a, "loss", 0, 1)
	other := addRun(t, s, "other", store.StatusRunning)
	steps(t, s, other, "loss", 0, 2)
	pg := newPage(t, s, p, 100, 24, a)
	if err := s.EndRun(context.Background(), a, store.RunEnd{Status: store.StatusFinished, Ended: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	_, cmd := pg.Update(common.TickMsg{})
	run(t, pg, cmd)
	if v := screen(t, pg); !strings.Contains(v, "#1 a ✓") {
		t.Fatalf("ended marked run gone:\n%s", v)
	}
	delete(pg.ctx.Marked, a)
	_, cmd = pg.Update(common.MarksChangedMsg{})
	run(t, pg, cmd)
	if v := screen(t, pg); strings.Contains(v, "#1 a") || !strings.Contains(v, "#2 other") {
		t.Fatalf("unmarking did not leave the ended run out:\n%s", v)
	}
}

// TestLegendNamesEveryRun: eight running runs with long names on a narrow screen: the header
// shortens or drops the names, never a run (each keeps its glyph, #id and status mark), and a
// chart title too narrow for every value counts the ones left out.
func TestLegendNamesEveryRun(t *testing.T) {
	s, p := newStore(t)
	for i := range 8 {
		r := addRun(t, s, fmt.Sprintf("l2-lr-%d-with-a-rather-long-name", i), store.StatusRunning)
		steps(t, s, r, "loss", 0, 0.5, 0.125+float64(i))
		steps(t, s, r, "val_accuracy", 0, 0.5, 0.9)
	}
	for _, w := range []int{200, 120, 80, 60, 40} {
		pg := newPage(t, s, p, w, 24)
		head := strings.Split(screen(t, pg), "\n")[0]
		if w == 200 && !strings.Contains(head, "● #1 l2-lr-0-with… ▶") {
			t.Errorf("width %d: names not shortened evenly: %q", w, head)
		}
		more := 0
		if i := strings.Index(head, "+"); i >= 0 {
			fmt.Sscanf(head[i:], "+%d more", &more)
		}
		for i := range 8 - more {
			if want := fmt.Sprintf("%s #%d", marker(i), i+1); !strings.Contains(head, want) {
				t.Errorf("width %d: header lacks %q: %q", w, want, head)
			}
		}
		if w >= 80 && (more > 0 || strings.Count(head, "▶") != 8) {
			t.Errorf("width %d: runs left out of the header although bare entries fit: %q", w, head)
		}
		if w == 40 && more == 0 {
			t.Errorf("width %d: 8 runs cannot fit, yet no +N more: %q", w, head)
		}

		press(t, pg, "+", "+") // narrow charts: the titles run out of room
		for _, line := range strings.Split(screen(t, pg), "\n") {
			for _, key := range []string{"loss", "val_"} {
				j := strings.Index(line, key)
				if j < 0 || !strings.Contains(line, "●") {
					continue
				}
				title := line[j:]
				if k := strings.Index(title, "   "); k >= 0 { // the next chart's title
					title = title[:k]
				}
				n, left := strings.Count(title, "."), 0
				if k := strings.LastIndex(title, "+"); k >= 0 {
					fmt.Sscanf(title[k:], "+%d", &left)
				}
				if n+left != 8 {
					t.Errorf("width %d: title %q shows %d values and counts %d more, want 8 in all", w, title, n, left)
				}
			}
		}
	}
}

// TestLineEndsCarryGlyphs: in mono two runs' braille lines look alike, so each line's last point
// carries its run's glyph: a's falls to 0 (the glyph low on the right), b's rises to 1 (high on
// the right); with the cursor on they stay.
func TestLineEndsCarryGlyphs(t *testing.T) {
	s, p := newStore(t)
	a := addRun(t, s, "a", store.StatusRunning)
	b := addRun(t, s, "b", store.StatusRunning)
	var va, vb []float64
	for i := range 50 {
		va, vb = append(va, 1-float64(i)/49), append(vb, float64(i)/49)
	}
	steps(t, s, a, "loss", 0, va...)
	steps(t, s, b, "loss", 0, vb...)
	pg := newPage(t, s, p, 80, 20)
	for _, cursor := range []bool{false, true} {
		if cursor {
			press(t, pg, "left", "left", "left")
		}
		lines := strings.Split(screen(t, pg), "\n")
		where := map[string][2]int{}
		for r, line := range lines[4:] { // below the header, the alerts strip and the title
			for c, ch := range []rune(line) {
				if g := string(ch); g == "●" || g == "▲" {
					if _, dup := where[g]; dup {
						t.Fatalf("glyph %s twice in the plot:\n%s", g, strings.Join(lines, "\n"))
					}
					where[g] = [2]int{r, c}
				}
			}
		}
		ga, okA := where["●"]
		gb, okB := where["▲"]
		if !okA || !okB || gb[0] >= ga[0] || ga[1] < 70 || gb[1] < 70 {
			t.Fatalf("cursor %v: line ends not marked (a at %v, b at %v):\n%s", cursor, ga, gb, strings.Join(lines, "\n"))
		}
	}
}

// TestIdenticalLinesBothMarked: two runs with the same values draw one braille line; both glyphs
// still show, side by side at its end.
func TestIdenticalLinesBothMarked(t *testing.T) {
	s, p := newStore(t)
	for _, name := range []string{"a", "b"} {
		r := addRun(t, s, name, store.StatusRunning)
		steps(t, s, r, "loss", 0, 1, 0.8, 0.5, 0.4, 0.35)
	}
	pg := newPage(t, s, p, 80, 20)
	plot := strings.Join(strings.Split(screen(t, pg), "\n")[4:], "\n")
	if !strings.Contains(plot, "▲●") {
		t.Fatalf("both line ends should be marked, side by side:\n%s", plot)
	}
}

// TestMarkedPastTheLimitSaid: with more marked runs than the page follows, the newest are
// followed and the header says how many were left out (they went missing silently).
func TestMarkedPastTheLimitSaid(t *testing.T) {
	s, p := newStore(t)
	var ids []int64
	for i := range maxRuns + 2 {
		id := addRun(t, s, fmt.Sprintf("r%d", i), store.StatusFinished)
		steps(t, s, id, "loss", 0, 1)
		ids = append(ids, id)
	}
	pg := newPage(t, s, p, 120, 30, ids...)
	if len(pg.runs) != maxRuns || pg.runs[0].id != ids[2] {
		t.Fatalf("followed %d runs from #%d; want the %d newest, from #%d", len(pg.runs), pg.runs[0].id, maxRuns, ids[2])
	}
	if v := screen(t, pg); !strings.Contains(v, fmt.Sprintf("+2 marked not shown (%d at most)", maxRuns)) {
		t.Fatalf("the header does not say runs were left out:\n%s", v)
	}
}
