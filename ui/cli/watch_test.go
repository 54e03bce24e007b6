package cli

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mlwb/mlwb/stages/live"
	"github.com/mlwb/mlwb/store"
)

func watchStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "state.db")
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, db
}

func watchPoints(t *testing.T, s *store.Store, pts ...store.Point) {
	t.Helper()
	if err := s.WriteMetrics(context.Background(), pts); err != nil {
		t.Fatal(err)
	}
}

// TestWatchPlainLinesOfEndedRuns: not a terminal, so plain lines; both runs have ended, so it
// prints their history and ends at once.
func TestWatchPlainLinesOfEndedRuns(t *testing.T) {
	s, db := watchStore(t)
	ctx := context.Background()
	a := &store.Run{Name: "alpha", Status: store.StatusFinished}
	b := &store.Run{Name: "beta b", Status: store.StatusFailed}
	for _, r := range []*store.Run{a, b} {
		if err := s.CreateRun(ctx, r, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	watchPoints(t, s, store.Point{RunID: a.ID, Key: "loss", Step: 1, Value: 1.5}, store.Point{RunID: a.ID, Key: "loss", Step: 2, Value: 0.75},
		store.Point{RunID: a.ID, Key: "val_acc", Step: 1, Value: 0.5}, store.Point{RunID: b.ID, Key: "loss", Step: 1, Value: math.NaN()},
		store.Point{RunID: b.ID, Key: "big", Step: 1, Value: -1e308})
	var out bytes.Buffer
	cmd := newWatchCmd(&globals{db: db})
	cmd.SetArgs([]string{"alpha", "2"})
	cmd.SetOut(&out)
	if err := cmd.ExecuteContext(ctx); err != nil {
		t.Fatal(err)
	}
	want := `run=1 name=alpha step=1 loss=1.5 val_acc=0.5
run=1 name=alpha step=2 loss=0.75
run=2 name="beta b" step=1 loss=NaN big=-1e+308
run=1 name=alpha status=finished
run=2 name="beta b" status=failed
`
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// TestWatchFollowsUntilDeleted follows a running run (only --keys loss) while another store
// handle writes to it, then deletes it: every step once, in order, then "deleted", then exit.
func TestWatchFollowsUntilDeleted(t *testing.T) {
	s, db := watchStore(t)
	ctx := context.Background()
	r := &store.Run{Name: "live", Status: store.StatusRunning}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	cmd := newWatchCmd(&globals{db: db})
	cmd.SetArgs([]string{"--keys", "loss", "--interval", "50ms"})
	cmd.SetOut(&out)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	for step := int64(1); step <= 30; step++ {
		watchPoints(t, s, store.Point{RunID: r.ID, Key: "loss", Step: step, Value: 1 / float64(step)},
			store.Point{RunID: r.ID, Key: "other", Step: step, Value: 7})
		if step%10 == 0 {
			time.Sleep(150 * time.Millisecond)
		}
	}
	// Deleted only once the last points were seen, so the test knows what to expect.
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(out.String(), "step=30 "); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("step 30 never shown:\n%s", out.String())
		}
	}
	if err := s.DeleteRun(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("watch did not end after the run was deleted:\n%s", out.String())
	}
	var want strings.Builder
	for step := 1; step <= 30; step++ {
		want.WriteString("run=1 name=live step=" + strconv.Itoa(step) + " loss=" + watchValue(1/float64(step)) + "\n")
	}
	want.WriteString("run=1 name=live deleted\n")
	if out.String() != want.String() {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want.String())
	}
}

// TestWatchTerminalValuesReadable: the terminal table shows values to 6 significant digits (a
// float32 loss logged as 0.01171875293554761 reads 0.0117188), NaN and ±Inf by name, in one
// aligned column whatever the keys' lengths; the plain lines keep every digit for scripts.
func TestWatchTerminalValuesReadable(t *testing.T) {
	var out bytes.Buffer
	tty := &ttyWatch{out: &out}
	pt := func(key string, v float64) store.Point { return store.Point{RunID: 3, Key: key, Step: 7, Value: v} }
	err := tty.show(live.Update{
		Runs: map[int64]store.RunState{3: {Name: "lr-0.1", Status: store.StatusRunning}},
		Points: []store.Point{pt("loss", 0.01171875293554761), pt("val_accuracy_top5_macro", 123456789.125),
			pt("lr", -1e-308), pt("nan", math.NaN()), pt("x", 0.5)},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"0.0117188", "1.23457e+08", "-1e-308", "NaN", "0.5"} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "0.01171875293554761") {
		t.Errorf("table prints the raw float:\n%s", got)
	}
	col := -1 // where each key line's value ends: the same column for all
	for _, line := range strings.Split(strings.TrimRight(got, "\n"), "\n")[1:] {
		c := utf8.RuneCountInString(strings.TrimRight(line, " ▁▂▃▄▅▆▇█"))
		if col >= 0 && c != col {
			t.Errorf("values not aligned (%d vs %d):\n%s", c, col, got)
		}
		col = c
	}

	var plain bytes.Buffer
	if err := (&plainWatch{out: &plain}).show(live.Update{Points: []store.Point{pt("loss", 0.01171875293554761)}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plain.String(), "loss=0.01171875293554761") {
		t.Errorf("plain lines lost precision: %q", plain.String())
	}
}

// TestWatchTerminalFitsTheScreen: a table taller than the terminal is cut to it with a line
// saying how much is left out, and the next redraw moves back over exactly what was drawn (a
// taller table piled up copies of itself, the cursor stopping at the top of the screen).
func TestWatchTerminalFitsTheScreen(t *testing.T) {
	var out bytes.Buffer
	tty := &ttyWatch{out: &out, height: func() int { return 10 }}
	var pts []store.Point
	for k := range 20 {
		pts = append(pts, store.Point{RunID: 1, Key: fmt.Sprintf("k%02d", k), Step: 1, Value: float64(k)})
	}
	up := live.Update{Runs: map[int64]store.RunState{1: {Name: "r", Status: store.StatusRunning}}, Points: pts}
	if err := tty.show(up); err != nil {
		t.Fatal(err)
	}
	first := out.String()
	if n := strings.Count(first, "\n"); n != 9 || !strings.Contains(first, "… 13 more lines") {
		t.Fatalf("%d lines drawn on a 10-line terminal:\n%s", n, first)
	}
	out.Reset()
	up.Points = up.Points[:1]
	if err := tty.show(up); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "\x1b[9A\x1b[J") {
		t.Fatalf("redraw does not move back over the 9 lines drawn: %q", out.String()[:min(20, out.Len())])
	}
	// A terminal of one or two lines: not cut (nothing sensible fits), and no panic.
	for _, h := range []int{1, 2} {
		tiny := &ttyWatch{out: &out, height: func() int { return h }}
		up.Points = pts
		if err := tiny.show(up); err != nil || tiny.lines != 21 {
			t.Fatalf("height %d: %v, %d lines", h, err, tiny.lines)
		}
	}
}
