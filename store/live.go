package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// LatestMetric is the last written value of one run's metric key, with the run it belongs to:
// what a Prometheus scrape exports. It is read from metric_summaries, never from the points.
type LatestMetric struct {
	RunID   int64
	RunName string
	Status  string
	Key     string
	Value   float64 // NaN when the last value was NaN
}

// LatestMetrics returns the last value of every metric key of every run that is not deleted, in
// run id then key order. One join over the summaries: a scrape of 1,000 runs × 20 keys is one query.
func (s *Store) LatestMetrics(ctx context.Context) ([]LatestMetric, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.name, r.status, k.name, s.last
		FROM runs r JOIN metric_summaries s ON s.run_id = r.id JOIN metric_keys k ON k.id = s.key_id
		WHERE r.deleted_at IS NULL ORDER BY r.id, k.name`)
	if err != nil {
		return nil, fmt.Errorf("latest metrics: %w", err)
	}
	defer rows.Close()
	var out []LatestMetric
	for rows.Next() {
		var m LatestMetric
		var v sql.NullFloat64
		if err := rows.Scan(&m.RunID, &m.RunName, &m.Status, &m.Key, &v); err != nil {
			return nil, fmt.Errorf("latest metrics: %w", err)
		}
		m.Value = floatOrNaN(v)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("latest metrics: %w", err)
	}
	return out, nil
}

// ChunkPoints are the points of one stored chunk: the unit a live stream reads. Chunks are
// immutable once written and their ids only grow (AUTOINCREMENT, one writer at a time), so "id
// greater than the last one seen" is exactly the points a reader has not had.
type ChunkPoints struct {
	ID     int64
	Points []Point // of one run and key, in logged order
}

// PointsSince returns the chunks with an id above after, of the given runs and (when keys is not
// empty) only the given keys, in id order, at most limit chunks (each up to 4,096 points). It reads
// only the new rows: the range starts at after on the chunks' primary key.
func (s *Store) PointsSince(ctx context.Context, after int64, runIDs []int64, keys []string, limit int) ([]ChunkPoints, error) {
	if len(runIDs) == 0 {
		return nil, nil
	}
	if limit <= 0 {
		limit = 256
	}
	in, args := inList(runIDs)
	q := `SELECT c.id, c.run_id, k.name, c.n, c.data FROM metric_chunks c JOIN metric_keys k ON k.id = c.key_id
		WHERE c.id > ? AND c.run_id IN ` + in
	args = append([]any{after}, args...)
	if len(keys) > 0 {
		q += " AND k.name IN (?" + strings.Repeat(",?", len(keys)-1) + ")"
		for _, k := range keys {
			args = append(args, k)
		}
	}
	q += " ORDER BY c.id LIMIT ?"
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("metric points since chunk %d: %w", after, err)
	}
	defer rows.Close()
	var out []ChunkPoints
	for rows.Next() {
		var c ChunkPoints
		var run int64
		var key string
		var n int
		var data []byte
		if err := rows.Scan(&c.ID, &run, &key, &n, &data); err != nil {
			return nil, fmt.Errorf("metric points since chunk %d: %w", after, err)
		}
		if c.Points, err = decodeChunk(make([]Point, 0, n), data, n, run, key); err != nil {
			return nil, fmt.Errorf("metric chunk %d: %w", c.ID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metric points since chunk %d: %w", after, err)
	}
	return out, nil
}

// RunState is the little a live view needs to know of a run on every refresh.
type RunState struct {
	ID     int64
	Name   string
	Status string
}

// RunStates returns the state of the given runs; a run that was deleted (or purged) is absent.
func (s *Store) RunStates(ctx context.Context, runIDs []int64) (map[int64]RunState, error) {
	out := map[int64]RunState{}
	if len(runIDs) == 0 {
		return out, nil
	}
	in, args := inList(runIDs)
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, status FROM runs WHERE deleted_at IS NULL AND id IN `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("run states: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r RunState
		if err := rows.Scan(&r.ID, &r.Name, &r.Status); err != nil {
			return nil, fmt.Errorf("run states: %w", err)
		}
		out[r.ID] = r
	}
	return out, rows.Err()
}

// Alert is one alert raised on a run (or on no run when RunID is 0).
type Alert struct {
	ID       int64
	RunID    int64
	Rule     string
	Severity string // info, warn, error
	Message  string
	Raised   int64 // Unix milliseconds
	Cleared  int64 // 0 while active
}

// RaiseAlert records an alert unless the same rule is already active on the run (so a rule that
// keeps firing is one alert, not one per check). It reports whether it recorded a new one.
func (s *Store) RaiseAlert(ctx context.Context, a *Alert) (bool, error) {
	if a.Severity == "" {
		a.Severity = "warn"
	}
	if a.Raised == 0 {
		a.Raised = nowMS()
	}
	var created bool
	err := s.writeTx(ctx, func(tx *Tx) error {
		created = false
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM alerts WHERE run_id IS ? AND rule = ? AND cleared_at IS NULL`,
			nullID(a.RunID), a.Rule).Scan(&id)
		if err == nil {
			a.ID = id
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("raise alert %s: %w", a.Rule, err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO alerts (run_id, rule, severity, message, raised_at) VALUES (?,?,?,?,?)`,
			nullID(a.RunID), a.Rule, a.Severity, a.Message, a.Raised)
		if err != nil {
			return fmt.Errorf("raise alert %s: %w", a.Rule, err)
		}
		a.ID, err = res.LastInsertId()
		created = err == nil
		return err
	})
	return created, err
}

// ClearAlert marks the active alert of rule on the run cleared; none active is not an error.
func (s *Store) ClearAlert(ctx context.Context, runID int64, rule string) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET cleared_at = ? WHERE run_id IS ? AND rule = ? AND cleared_at IS NULL`,
			nowMS(), nullID(runID), rule); err != nil {
			return fmt.Errorf("clear alert %s: %w", rule, err)
		}
		return nil
	})
}

// Alerts returns the alerts of the given runs (all runs when runIDs is empty), newest first;
// activeOnly leaves out cleared ones. A deleted run's alerts are left out: the status line
// counted the failures of runs removed with `runs rm`, and never stopped warning of them.
func (s *Store) Alerts(ctx context.Context, runIDs []int64, activeOnly bool) ([]Alert, error) {
	q := `SELECT id, coalesce(run_id, 0), rule, severity, message, raised_at, coalesce(cleared_at, 0) FROM alerts
		WHERE (run_id IS NULL OR run_id NOT IN (SELECT id FROM runs WHERE deleted_at IS NOT NULL))`
	var args []any
	if len(runIDs) > 0 {
		var in string
		in, args = inList(runIDs)
		q += " AND run_id IN " + in
	}
	if activeOnly {
		q += " AND cleared_at IS NULL"
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY raised_at DESC, id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		if err := rows.Scan(&a.ID, &a.RunID, &a.Rule, &a.Severity, &a.Message, &a.Raised, &a.Cleared); err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// nullID is NULL for 0 (no run), else the id.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
