package runs

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlwb/mlwb/stages/runs/mlflow"
	"github.com/mlwb/mlwb/store"
)

// tableStore builds a store of n runs, each with four params and four metrics of ten points.
func tableStore(b *testing.B, n int) *store.Store {
	b.Helper()
	path := filepath.Join(b.TempDir(), "state.db")
	s, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var pts []store.Point
	lrs := []string{"0.1", "0.01", "0.001", "0.3"}
	for i := 0; i < n; i++ {
		code := i % 7
		st := store.StatusFinished
		if code != 0 {
			st = store.StatusFailed
		}
		r := &store.Run{Name: fmt.Sprintf("run-%05d", (i*7919)%n), Status: st, ExitCode: &code,
			Created: time.UnixMilli(int64(1_700_000_000_000 + i*1000)), Started: time.UnixMilli(int64(1_700_000_000_000 + i*1000)),
			Ended: time.UnixMilli(int64(1_700_000_000_000 + i*1000 + (i%97)*1000))}
		params := map[string]string{"lr": lrs[i%4], "epochs": fmt.Sprint(10 + i%50), "seed": fmt.Sprint(i), "model": "mlp"}
		if err := s.CreateRun(ctx, r, params, nil); err != nil {
			b.Fatal(err)
		}
		for step := 0; step < 10; step++ {
			acc := float64((i*31+step)%1000) / 1000
			for _, k := range []string{"val_accuracy", "val_loss", "accuracy", "loss"} {
				pts = append(pts, store.Point{RunID: r.ID, Key: k, Step: int64(step), Time: int64(step), Value: acc})
			}
		}
		if len(pts) >= 40_000 {
			if err := s.WriteMetrics(ctx, pts); err != nil {
				b.Fatal(err)
			}
			pts = pts[:0]
		}
	}
	if err := s.WriteMetrics(ctx, pts); err != nil {
		b.Fatal(err)
	}
	// Reopened, as the workbench opens an existing store: the last close checkpoints the WAL
	// the bulk writes left, which would otherwise slow the first reads.
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if s, err = store.Open(path); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkRunsTable10k: what the Runs page reads for one screen of a 10,000-run store (the
// count, a window of 60 runs, their params and metric summaries), opened, sorted and filtered.
// Targets: open ≤ 150 ms, sort or filter ≤ 50 ms.
//
//	go test ./ui/runs -run '^$' -bench RunsTable -benchtime 20x
func BenchmarkRunsTable10k(b *testing.B) {
	s := tableStore(b, 10_000)
	filter, err := mlflow.RunFilters(`metrics.val_accuracy > 0.9 and params.lr = "0.01"`)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		q    store.RunQuery
	}{
		{"open", store.RunQuery{}},
		{"sort-name", store.RunQuery{OrderBy: "name", Asc: true}},
		{"sort-duration", store.RunQuery{OrderBy: "duration"}},
		{"sort-metric", store.RunQuery{OrderKey: &store.Order{Kind: store.FilterMetric, Key: "val_accuracy"}}},
		{"filter-status", store.RunQuery{Statuses: []string{store.StatusFailed}}},
		{"filter-metric-param", store.RunQuery{Filters: filter}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			q := tc.q
			q.Limit = 60
			for i := 0; i < b.N; i++ {
				m := fetch(s, 1, q).(loadedMsg)
				if m.err != nil || len(m.rows) == 0 || m.total == 0 {
					b.Fatalf("%d of %d rows: %v", len(m.rows), m.total, m.err)
				}
			}
		})
	}
}
