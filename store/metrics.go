package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
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

// rowsPerInsert is how many points one multi-row INSERT carries: fewer cgo calls per point.
// 200 rows × 5 columns stays well under SQLite's bound-variable limit.
const rowsPerInsert = 200

// WriteMetrics stores points in one transaction and updates the per-run summaries. Points of one
// (run, key) must be given in the order they were logged: the last one becomes the summary's last.
func (s *Store) WriteMetrics(ctx context.Context, pts []Point) error {
	if len(pts) == 0 {
		return nil
	}
	var newKeys map[string]int64
	err := s.writeTx(ctx, func(tx *Tx) error {
		ids, created, err := s.keyIDs(ctx, tx, pts)
		if err != nil {
			return err
		}
		newKeys = created
		if err := insertPoints(ctx, tx, pts, ids); err != nil {
			return err
		}
		return upsertSummaries(ctx, tx, pts, ids)
	})
	if err == nil && len(newKeys) > 0 {
		s.keysMu.Lock()
		for k, id := range newKeys {
			s.keys[k] = id
		}
		s.keysMu.Unlock()
	}
	return err
}

// keyIDs resolves the key names of pts to ids, interning new ones inside tx. It returns the full
// mapping and the ids not yet in the cache (cached only once the transaction commits).
func (s *Store) keyIDs(ctx context.Context, tx *Tx, pts []Point) (map[string]int64, map[string]int64, error) {
	ids := map[string]int64{}
	var missing []string
	s.keysMu.RLock()
	for _, p := range pts {
		if _, ok := ids[p.Key]; ok {
			continue
		}
		if id, ok := s.keys[p.Key]; ok {
			ids[p.Key] = id
		} else {
			ids[p.Key] = 0
			missing = append(missing, p.Key)
		}
	}
	s.keysMu.RUnlock()
	created := map[string]int64{}
	for _, k := range missing {
		if k == "" {
			return nil, nil, fmt.Errorf("metric key is empty")
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO metric_keys (name) VALUES (?) ON CONFLICT (name) DO NOTHING", k); err != nil {
			return nil, nil, fmt.Errorf("intern metric key %q: %w", k, err)
		}
		var id int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM metric_keys WHERE name = ?", k).Scan(&id); err != nil {
			return nil, nil, fmt.Errorf("intern metric key %q: %w", k, err)
		}
		ids[k], created[k] = id, id
	}
	return ids, created, nil
}

// sqlValue maps NaN to NULL (SQLite has no NaN); infinities are stored as they are.
func sqlValue(v float64) any {
	if math.IsNaN(v) {
		return nil
	}
	return v
}

func insertPoints(ctx context.Context, tx *Tx, pts []Point, ids map[string]int64) error {
	full := "INSERT INTO metric_points (run_id, key_id, step, ts, value) VALUES (?,?,?,?,?)" +
		strings.Repeat(",(?,?,?,?,?)", rowsPerInsert-1)
	stmt, err := tx.PrepareContext(ctx, full)
	if err != nil {
		return fmt.Errorf("prepare metric insert: %w", err)
	}
	defer stmt.Close()
	args := make([]any, 0, rowsPerInsert*5)
	flush := func(st *sql.Stmt) error {
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert metric points: %w", err)
		}
		args = args[:0]
		return nil
	}
	i := 0
	for ; i+rowsPerInsert <= len(pts); i += rowsPerInsert {
		for _, p := range pts[i : i+rowsPerInsert] {
			args = append(args, p.RunID, ids[p.Key], p.Step, p.Time, sqlValue(p.Value))
		}
		if err := flush(stmt); err != nil {
			return err
		}
	}
	if rest := pts[i:]; len(rest) > 0 {
		q := "INSERT INTO metric_points (run_id, key_id, step, ts, value) VALUES (?,?,?,?,?)" +
			strings.Repeat(",(?,?,?,?,?)", len(rest)-1)
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare metric insert: %w", err)
		}
		defer st.Close()
		for _, p := range rest {
			args = append(args, p.RunID, ids[p.Key], p.Step, p.Time, sqlValue(p.Value))
		}
		return flush(st)
	}
	return nil
}

type seriesID struct{ run, key int64 }

// upsertSummaries folds the batch into one summary per series in Go, then merges each into the
// stored summary with one statement: the runs table reads these, never metric_points.
func upsertSummaries(ctx context.Context, tx *Tx, pts []Point, ids map[string]int64) error {
	agg := map[seriesID]*Summary{}
	var order []seriesID
	for _, p := range pts {
		sid := seriesID{p.RunID, ids[p.Key]}
		s := agg[sid]
		if s == nil {
			s = &Summary{Min: math.NaN(), Max: math.NaN()}
			agg[sid] = s
			order = append(order, sid)
		}
		s.Last, s.LastStep, s.LastTime = p.Value, p.Step, p.Time
		s.Count++
		if !math.IsNaN(p.Value) {
			if math.IsNaN(s.Min) || p.Value < s.Min {
				s.Min = p.Value
			}
			if math.IsNaN(s.Max) || p.Value > s.Max {
				s.Max = p.Value
			}
		}
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO metric_summaries (run_id, key_id, last, last_step, last_ts, min, max, count)
		VALUES (?,?,?,?,?,?,?,?)
		ON CONFLICT (run_id, key_id) DO UPDATE SET
			last = excluded.last, last_step = excluded.last_step, last_ts = excluded.last_ts,
			min = CASE WHEN metric_summaries.min IS NULL THEN excluded.min
			           WHEN excluded.min IS NULL THEN metric_summaries.min
			           ELSE min(metric_summaries.min, excluded.min) END,
			max = CASE WHEN metric_summaries.max IS NULL THEN excluded.max
			           WHEN excluded.max IS NULL THEN metric_summaries.max
			           ELSE max(metric_summaries.max, excluded.max) END,
			count = metric_summaries.count + excluded.count`)
	if err != nil {
		return fmt.Errorf("prepare summary upsert: %w", err)
	}
	defer stmt.Close()
	for _, sid := range order {
		s := agg[sid]
		if _, err := stmt.ExecContext(ctx, sid.run, sid.key, sqlValue(s.Last), s.LastStep, s.LastTime,
			sqlValue(s.Min), sqlValue(s.Max), s.Count); err != nil {
			return fmt.Errorf("update summary of run %d: %w", sid.run, err)
		}
	}
	return nil
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
	rows, err := s.db.QueryContext(ctx, `SELECT p.step, p.ts, p.value FROM metric_points p
		JOIN metric_keys k ON k.id = p.key_id
		WHERE p.run_id = ? AND k.name = ? ORDER BY p.step, p.rowid`, runID, key)
	if err != nil {
		return nil, fmt.Errorf("metric history of run %d %q: %w", runID, key, err)
	}
	defer rows.Close()
	var out []Point
	for rows.Next() {
		p := Point{RunID: runID, Key: key}
		var v sql.NullFloat64
		if err := rows.Scan(&p.Step, &p.Time, &v); err != nil {
			return nil, fmt.Errorf("metric history of run %d %q: %w", runID, key, err)
		}
		p.Value = floatOrNaN(v)
		out = append(out, p)
	}
	return out, rows.Err()
}

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
