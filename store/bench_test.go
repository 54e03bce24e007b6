package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkWriteMetrics measures the batched write path: 10,000-point batches (what a supervisor
// flushes in ~200 ms at high rates) over 4 keys of one run. Target: ≥ 500,000 points/s.
func BenchmarkWriteMetrics(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	r := &Run{}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		b.Fatal(err)
	}
	const batch = 10000
	keys := []string{"loss", "val_loss", "accuracy", "lr"}
	pts := make([]Point, batch)
	step := int64(0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		now := time.Now().UnixMilli() // one clock read per batch: a logged line's points share a time
		for j := range pts {
			pts[j] = Point{RunID: r.ID, Key: keys[j%4], Step: step, Time: now + int64(j/4), Value: float64(j)}
			if j%4 == 3 {
				step++
			}
		}
		if err := s.WriteMetrics(ctx, pts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkEightProcessWriters: 8 processes writing 1,000-point batches to one file at once.
func BenchmarkEightProcessWriters(b *testing.B) {
	for i := 0; i < b.N; i++ {
		path := filepath.Join(b.TempDir(), fmt.Sprintf("state%d.db", i))
		s, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		runWriters(b, path, 8, 50, 1000)
	}
	b.ReportMetric(float64(b.N*8*50*1000)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkRowPerPointBaseline is the peer the chunked layout is measured against on the same
// machine in the same run: a row per point in a table with a series index (MLflow's layout, and
// mlwb's schema version 1), written with 200-row multi-row INSERTs through the same driver.
func BenchmarkRowPerPointBaseline(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.db.Exec(`CREATE TABLE points (run_id INTEGER NOT NULL, key_id INTEGER NOT NULL,
		step INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL);
		CREATE INDEX points_series ON points(run_id, key_id, step)`); err != nil {
		b.Fatal(err)
	}
	const batch, perInsert = 10000, 200
	q := "INSERT INTO points VALUES (?,?,?,?,?)" + strings.Repeat(",(?,?,?,?,?)", perInsert-1)
	args := make([]any, 0, perInsert*5)
	step := int64(0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		now := time.Now().UnixMilli()
		err := s.writeTx(ctx, func(tx *Tx) error {
			stmt, err := tx.PrepareContext(ctx, q)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for j := 0; j < batch; j += perInsert {
				args = args[:0]
				for k := j; k < j+perInsert; k++ {
					args = append(args, 1, k%4, step, now+int64(k/4), float64(k))
					if k%4 == 3 {
						step++
					}
				}
				if _, err := stmt.ExecContext(ctx, args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkUncarriedLabels: which of an earlier version's 20,000 labels a newer version with all
// of them carried still lacks (what opening label mode and `data labels show` ask). Without the
// row-hash index it took 8.5 s.
func BenchmarkUncarriedLabels(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	ds, err := s.UpsertDataset(ctx, Dataset{Name: "d", Path: "d.csv"})
	if err != nil {
		b.Fatal(err)
	}
	const n = 20_000
	var cur int64
	for i, hash := range []string{"v1", "v2"} {
		vid, err := s.AddDatasetVersion(ctx, DatasetVersion{DatasetID: ds, ContentHash: hash, Rows: n, Columns: 1, Seen: time.UnixMilli(int64(1000 + i))})
		if err != nil {
			b.Fatal(err)
		}
		edits := make([]LabelEdit, n)
		for r := range edits {
			edits[r] = LabelEdit{Row: int64(r), Hash: fmt.Sprintf("h%05d", r), Label: "ok"}
		}
		if err := s.SetLabels(ctx, vid, edits); err != nil {
			b.Fatal(err)
		}
		cur = vid
	}
	b.ResetTimer()
	for b.Loop() {
		vs, err := s.UncarriedLabels(ctx, ds, cur)
		if err != nil || len(vs) != 0 {
			b.Fatalf("%v %v: every label was carried", vs, err)
		}
	}
}
