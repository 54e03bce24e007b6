package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
)

// Point is one logged metric value. Time is Unix milliseconds.
type Point struct {
	RunID int64
	Key   string
	Step  int64
	Time  int64
	Value float64
}

// Summary is the kept-current aggregate of one run's metric key.
type Summary struct {
	Key      string
	Last     float64 // the value written last (NaN when it was NaN)
	LastStep int64
	LastTime int64
	Min, Max float64 // over non-NaN values; NaN when there are none
	Count    int64
}

// WriteMetrics stores points in one transaction and updates the per-run summaries. Points of one
// (run, key) must be given in the order they were logged: the last one becomes the summary's last.
func (s *Store) WriteMetrics(ctx context.Context, pts []Point) error {
	if len(pts) == 0 {
		return nil
	}
	batches, err := foldBatch(pts)
	if err != nil {
		return err
	}
	defer func() {
		for _, b := range batches {
			b.release()
		}
	}()
	var created map[string]int64
	err = s.writeTx(ctx, func(tx *Tx) error {
		if created, err = s.resolveKeys(ctx, tx, batches); err != nil {
			return err
		}
		chunks, err := prepareChunkInsert(ctx, tx)
		if err != nil {
			return err
		}
		defer chunks.Close()
		sums, err := prepareSummaryUpsert(ctx, tx)
		if err != nil {
			return err
		}
		defer sums.Close()
		for _, b := range batches {
			if err := b.insertChunks(ctx, chunks); err != nil {
				return err
			}
			if err := b.upsertSummary(ctx, sums); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && len(created) > 0 {
		s.keysMu.Lock()
		for k, id := range created {
			s.keys[k] = id
		}
		s.keysMu.Unlock()
	}
	return err
}

// resolveKeys sets each batch's key id, interning new key names inside tx. It returns the ids it
// created, which join the cache only once the transaction commits.
func (s *Store) resolveKeys(ctx context.Context, tx *Tx, batches []*seriesBatch) (map[string]int64, error) {
	created := map[string]int64{}
	for _, b := range batches {
		s.keysMu.RLock()
		id, ok := s.keys[b.key]
		s.keysMu.RUnlock()
		if !ok {
			id, ok = created[b.key]
		}
		if !ok {
			if _, err := tx.ExecContext(ctx, "INSERT INTO metric_keys (name) VALUES (?) ON CONFLICT (name) DO NOTHING", b.key); err != nil {
				return nil, fmt.Errorf("intern metric key %q: %w", b.key, err)
			}
			if err := tx.QueryRowContext(ctx, "SELECT id FROM metric_keys WHERE name = ?", b.key).Scan(&id); err != nil {
				return nil, fmt.Errorf("intern metric key %q: %w", b.key, err)
			}
			created[b.key] = id
		}
		b.keyID = id
	}
	return created, nil
}

// sqlValue maps NaN to NULL (SQLite has no NaN); infinities are stored as they are.
func sqlValue(v float64) any {
	if math.IsNaN(v) {
		return nil
	}
	return v
}

func floatOrNaN(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

// Summaries returns the metric summaries of the given runs, keys in name order.
func (s *Store) Summaries(ctx context.Context, runIDs []int64) (map[int64][]Summary, error) {
	out := map[int64][]Summary{}
	if len(runIDs) == 0 {
		return out, nil
	}
	in, args := inList(runIDs)
	rows, err := s.db.QueryContext(ctx, `SELECT s.run_id, k.name, s.last, s.last_step, s.last_ts, s.min, s.max, s.count
		FROM metric_summaries s JOIN metric_keys k ON k.id = s.key_id
		WHERE s.run_id IN `+in+` ORDER BY s.run_id, k.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("read metric summaries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var sm Summary
		var last, mn, mx sql.NullFloat64
		if err := rows.Scan(&id, &sm.Key, &last, &sm.LastStep, &sm.LastTime, &mn, &mx, &sm.Count); err != nil {
			return nil, fmt.Errorf("read metric summaries: %w", err)
		}
		sm.Last, sm.Min, sm.Max = floatOrNaN(last), floatOrNaN(mn), floatOrNaN(mx)
		out[id] = append(out[id], sm)
	}
	return out, rows.Err()
}

// History returns every point of one run's metric key in step order (ties in logged order).
func (s *Store) History(ctx context.Context, runID int64, key string) ([]Point, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.n, c.data FROM metric_chunks c
		JOIN metric_keys k ON k.id = c.key_id
		WHERE c.run_id = ? AND k.name = ? ORDER BY c.id`, runID, key)
	if err != nil {
		return nil, fmt.Errorf("metric history of run %d %q: %w", runID, key, err)
	}
	defer rows.Close()
	var out []Point
	for rows.Next() {
		var n int
		var data []byte
		if err := rows.Scan(&n, &data); err != nil {
			return nil, fmt.Errorf("metric history of run %d %q: %w", runID, key, err)
		}
		if out, err = decodeChunk(out, data, n, runID, key); err != nil {
			return nil, fmt.Errorf("metric history of run %d %q: %w", runID, key, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metric history of run %d %q: %w", runID, key, err)
	}
	if !slices.IsSortedFunc(out, byStep) {
		slices.SortStableFunc(out, byStep)
	}
	return out, nil
}

func byStep(a, b Point) int { return cmp.Compare(a.Step, b.Step) }

// MetricKeys returns the names of every metric key logged by any run, in name order.
func (s *Store) MetricKeys(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT name FROM metric_keys ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("metric keys: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("metric keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
