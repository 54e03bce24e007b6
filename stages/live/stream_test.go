package live

import (
	"context"
	"math"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// TestStreamGetsExactlyTheNewPoints has a second connection pool on the same file (as another
// process would) write batches while the stream polls; the stream must see every point of the
// followed runs and keys once, in logged order, and nothing else.
func TestStreamGetsExactlyTheNewPoints(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	a, b, other := newRun(t, s, "a", store.StatusRunning), newRun(t, s, "b", store.StatusRunning), newRun(t, s, "c", store.StatusRunning)
	history := write(t, s, a.ID, "loss", 0, 3, 2, 1)

	w, err := store.Open(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	st := NewStream(s, []int64{a.ID, b.ID}, []string{"loss", "val_acc"})
	got, err := st.Next(ctx)
	if err != nil || !slices.Equal(got, history) {
		t.Fatalf("history: %v %v", got, err)
	}
	if more, _ := st.Next(ctx); len(more) != 0 {
		t.Fatalf("nothing new, got %v", more)
	}

	var want []store.Point
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 200; i++ {
			var batch []store.Point
			for _, run := range []int64{a.ID, b.ID, other.ID} {
				for _, k := range []string{"loss", "val_acc", "lr"} {
					batch = append(batch, store.Point{RunID: run, Key: k, Step: int64(i + 10), Time: int64(i), Value: float64(i) / 3})
				}
			}
			batch = append(batch, store.Point{RunID: b.ID, Key: "loss", Step: int64(i + 10), Time: int64(i), Value: math.NaN()})
			if err := w.WriteMetrics(ctx, batch); err != nil {
				t.Error(err)
				return
			}
			for _, p := range batch {
				if p.RunID != other.ID && p.Key != "lr" {
					want = append(want, p)
				}
			}
			if i%50 == 0 {
				time.Sleep(5 * time.Millisecond)
			}
		}
	}()
	var all []store.Point
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		pts, err := st.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, pts...)
	}
	if !eqPoints(all, want) {
		t.Fatalf("stream got %d points, want %d", len(all), len(want))
	}
}

// eqPoints compares points, NaN equal to NaN, per series in order (the stream orders by chunk,
// which keeps each series' order).
func eqPoints(got, want []store.Point) bool {
	type key struct {
		run int64
		k   string
	}
	split := func(ps []store.Point) map[key][]store.Point {
		m := map[key][]store.Point{}
		for _, p := range ps {
			m[key{p.RunID, p.Key}] = append(m[key{p.RunID, p.Key}], p)
		}
		return m
	}
	g, w := split(got), split(want)
	if len(g) != len(w) {
		return false
	}
	for k, ws := range w {
		gs := g[k]
		if len(gs) != len(ws) {
			return false
		}
		for i := range ws {
			a, b := gs[i], ws[i]
			if a.Step != b.Step || a.Time != b.Time || !(a.Value == b.Value || math.IsNaN(a.Value) && math.IsNaN(b.Value)) {
				return false
			}
		}
	}
	return true
}

func TestStreamTenThousandKeysAndDeletedRun(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	r := newRun(t, s, "many", store.StatusRunning)
	var pts []store.Point
	for k := 0; k < 10_000; k++ {
		pts = append(pts, store.Point{RunID: r.ID, Key: "key/" + strconv.Itoa(k), Step: 1, Value: float64(k)})
	}
	if err := s.WriteMetrics(ctx, pts); err != nil {
		t.Fatal(err)
	}
	st := NewStream(s, []int64{r.ID}, nil)
	got, err := st.Next(ctx)
	if err != nil || len(got) != 10_000 {
		t.Fatalf("10,000 keys: %d points, %v", len(got), err)
	}
	if err := s.PurgeRun(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Next(ctx); err != nil || len(got) != 0 {
		t.Fatalf("after purge: %v %v", got, err)
	}
	states, err := s.RunStates(ctx, []int64{r.ID})
	if err != nil || len(states) != 0 {
		t.Fatalf("purged run still has a state: %v %v", states, err)
	}
}
