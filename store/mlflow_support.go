package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// This file holds the run operations that the MLflow-compatible API needs beyond runs.go:
// lookups by uuid with the run's lifecycle, params that never change once set, run updates,
// soft delete and restore, tag deletion, searches with filters and orders, and artifact records.

// ErrParamChanged is returned when a param is logged again with a different value: in MLflow's
// model a param, once logged, never changes (logging the same value again is fine).
var ErrParamChanged = errors.New("param value cannot be changed")

// RunEntry is a run with its lifecycle: Deleted is when it was soft-deleted, zero while active.
type RunEntry struct {
	*Run
	Deleted time.Time
}

// RunRef is what a write path needs to know about a run, found by its uuid.
type RunRef struct {
	ID           int64
	ExperimentID int64
	Deleted      bool
}

// scanPlus scans the columns a shared scanner reads, then extra trailing columns.
type scanPlus struct {
	sc    interface{ Scan(...any) error }
	extra []any
}

func (x scanPlus) Scan(dest ...any) error { return x.sc.Scan(append(dest, x.extra...)...) }

func scanRunEntry(sc interface{ Scan(...any) error }) (*RunEntry, error) {
	var del sql.NullInt64
	r, err := scanRun(scanPlus{sc, []any{&del}})
	if err != nil {
		return nil, err
	}
	return &RunEntry{Run: r, Deleted: fromMS(del)}, nil
}

// LookupRun resolves a run uuid (MLflow's run_id) to its id, experiment and lifecycle.
func (s *Store) LookupRun(ctx context.Context, uuid string) (RunRef, error) {
	var ref RunRef
	var del sql.NullInt64
	err := s.db.QueryRowContext(ctx, "SELECT id, experiment_id, deleted_at FROM runs WHERE uuid = ?", uuid).
		Scan(&ref.ID, &ref.ExperimentID, &del)
	if errors.Is(err, sql.ErrNoRows) {
		return ref, fmt.Errorf("run %q: %w", uuid, ErrNotFound)
	}
	if err != nil {
		return ref, fmt.Errorf("look up run %q: %w", uuid, err)
	}
	ref.Deleted = del.Valid
	return ref, nil
}

// GetRunEntry returns the run with the given uuid, deleted or not, with its lifecycle.
func (s *Store) GetRunEntry(ctx context.Context, uuid string) (*RunEntry, error) {
	e, err := scanRunEntry(s.db.QueryRowContext(ctx, "SELECT "+runColumns+", deleted_at FROM runs WHERE uuid = ?", uuid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("run %q: %w", uuid, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get run %q: %w", uuid, err)
	}
	return e, nil
}

// KV is one key and value, in the order it was given.
type KV struct {
	Key, Value string
}

// LogParams records params of a run with MLflow's rule: a key not yet set is added, the same
// value again is a no-op, and a different value fails the whole call with ErrParamChanged
// (nothing of the call is written).
func (s *Store) LogParams(ctx context.Context, runID int64, params []KV) error {
	return s.LogParamsAndTags(ctx, runID, params, nil)
}

// LogParamsAndTags records params (as LogParams) and sets tags (an existing tag is overwritten;
// of repeated keys the last wins) in one transaction.
func (s *Store) LogParamsAndTags(ctx context.Context, runID int64, params, tags []KV) error {
	if len(params) == 0 && len(tags) == 0 {
		return nil
	}
	return s.writeTx(ctx, func(tx *Tx) error {
		if len(params) > 0 {
			if err := logParamsTx(ctx, tx, runID, params); err != nil {
				return err
			}
		}
		if len(tags) > 0 {
			stmt, err := tx.PrepareContext(ctx, `INSERT INTO tags (run_id, key, value) VALUES (?,?,?)
				ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value`)
			if err != nil {
				return fmt.Errorf("prepare tags: %w", err)
			}
			defer stmt.Close()
			for _, t := range tags {
				if _, err := stmt.ExecContext(ctx, runID, t.Key, t.Value); err != nil {
					return fmt.Errorf("set tag %q of run %d: %w", t.Key, runID, err)
				}
			}
		}
		return nil
	})
}

func logParamsTx(ctx context.Context, tx *Tx, runID int64, params []KV) error {
	keys := make([]string, 0, len(params))
	for _, p := range params {
		keys = append(keys, p.Key)
	}
	have := map[string]string{}
	args := []any{runID}
	for _, k := range keys {
		args = append(args, k)
	}
	rows, err := tx.QueryContext(ctx, "SELECT key, value FROM params WHERE run_id = ? AND key IN (?"+
		strings.Repeat(",?", len(keys)-1)+")", args...)
	if err != nil {
		return fmt.Errorf("read params of run %d: %w", runID, err)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return fmt.Errorf("read params of run %d: %w", runID, err)
		}
		have[k] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read params of run %d: %w", runID, err)
	}
	var changed []string
	for _, p := range params {
		if old, ok := have[p.Key]; ok && old != p.Value {
			changed = append(changed, fmt.Sprintf("%q is %q, not %q", p.Key, old, p.Value))
		}
		have[p.Key] = p.Value // a key repeated in the call with another value is a change too
	}
	if len(changed) > 0 {
		sort.Strings(changed)
		return fmt.Errorf("run %d: param %s: %w", runID, strings.Join(changed, "; "), ErrParamChanged)
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO params (run_id, key, value) VALUES (?,?,?) ON CONFLICT (run_id, key) DO NOTHING")
	if err != nil {
		return fmt.Errorf("prepare params: %w", err)
	}
	defer stmt.Close()
	for _, p := range params {
		if _, err := stmt.ExecContext(ctx, runID, p.Key, p.Value); err != nil {
			return fmt.Errorf("log param %q of run %d: %w", p.Key, runID, err)
		}
	}
	return nil
}

// DeleteRunTag removes one tag of a run; a tag that is not there is ErrNotFound.
func (s *Store) DeleteRunTag(ctx context.Context, runID int64, key string) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM tags WHERE run_id = ? AND key = ?", runID, key)
		if err != nil {
			return fmt.Errorf("delete tag %q of run %d: %w", key, runID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("tag %q of run %d: %w", key, runID, ErrNotFound)
		}
		return nil
	})
}

// RunUpdate changes some of a run's fields; zero fields are left as they are.
type RunUpdate struct {
	Status string    // one of the Status constants
	Ended  time.Time // end time
	Name   *string
}

// UpdateRun applies u to a run.
func (s *Store) UpdateRun(ctx context.Context, runID int64, u RunUpdate) error {
	var sets []string
	var args []any
	if u.Status != "" {
		sets, args = append(sets, "status = ?"), append(args, u.Status)
	}
	if !u.Ended.IsZero() {
		sets, args = append(sets, "ended_at = ?"), append(args, u.Ended.UnixMilli())
	}
	if u.Name != nil {
		sets, args = append(sets, "name = ?"), append(args, printableName(*u.Name))
	}
	if len(sets) == 0 {
		sets = []string{"id = id"} // still reports a missing run
	}
	args = append(args, runID)
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE runs SET "+strings.Join(sets, ", ")+" WHERE id = ?", args...)
		if err != nil {
			return fmt.Errorf("update run %d: %w", runID, err)
		}
		return mustAffect(res, "run", runID)
	})
}

// DeleteRun soft-deletes a run (MLflow's lifecycle_stage "deleted"); deleting it again keeps the
// first time. Its data stays until it is purged.
func (s *Store) DeleteRun(ctx context.Context, runID int64) error {
	return s.setDeleted(ctx, runID, "coalesce(deleted_at, ?)", nowMS())
}

// RestoreRun undoes DeleteRun.
func (s *Store) RestoreRun(ctx context.Context, runID int64) error {
	return s.setDeleted(ctx, runID, "NULL")
}

func (s *Store) setDeleted(ctx context.Context, runID int64, expr string, args ...any) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE runs SET deleted_at = "+expr+" WHERE id = ?", append(args, runID)...)
		if err != nil {
			return fmt.Errorf("set lifecycle of run %d: %w", runID, err)
		}
		return mustAffect(res, "run", runID)
	})
}

// RunSearch selects a page of runs. Filters are ANDed. Attribute keys (for filters and orders):
// "uuid", "name", "status", "user", "experiment", "started" (the start time, else the creation
// time), "ended", "created"; times are Unix milliseconds. Metric filters compare the metric's
// last logged value.
type RunSearch struct {
	ExperimentIDs []int64 // empty: none
	Filters       []Filter
	Order         []Order // then started DESC (unless ordered by it), then uuid
	Lifecycle     View
	Limit         int // default 1000
	Offset        int
}

var runAttrs = map[string]column{
	"uuid":       {"r.uuid", false},
	"name":       {"r.name", false},
	"status":     {"r.status", false},
	"user":       {"r.user", false},
	"experiment": {"r.experiment_id", true},
	"started":    {"coalesce(r.started_at, r.created_at)", true},
	"ended":      {"r.ended_at", true},
	"created":    {"r.created_at", true},
}

// runValue is the expression of a filter's or order's value for run r, and the arguments it takes.
func runValue(kind, key string) (column, []any, error) {
	switch kind {
	case FilterMetric:
		// The key's id is an uncorrelated subquery, computed once per statement, so each run
		// costs one primary-key lookup (a join per row made sorting 10,000 runs take 300 ms).
		return column{`(SELECT ms.last FROM metric_summaries ms
			WHERE ms.run_id = r.id AND ms.key_id = (SELECT mk.id FROM metric_keys mk WHERE mk.name = ?))`, true}, []any{key}, nil
	case FilterParam:
		return column{"(SELECT p.value FROM params p WHERE p.run_id = r.id AND p.key = ?)", false}, []any{key}, nil
	case FilterTag:
		return column{"(SELECT t.value FROM tags t WHERE t.run_id = r.id AND t.key = ?)", false}, []any{key}, nil
	case FilterAttr:
		c, ok := runAttrs[key]
		if !ok {
			return column{}, nil, fmt.Errorf("run attribute %q: %w", key, ErrBadQuery)
		}
		return c, nil, nil
	}
	return column{}, nil, fmt.Errorf("filter kind %q: %w", kind, ErrBadQuery)
}

// SearchRuns returns one page of the runs of the given experiments that match q.
func (s *Store) SearchRuns(ctx context.Context, q RunSearch) ([]*RunEntry, error) {
	if len(q.ExperimentIDs) == 0 {
		return nil, nil
	}
	var b queryBuilder
	in, ids := inList(q.ExperimentIDs)
	b.where("r.experiment_id IN "+in, ids...)
	b.where(lifecycleSQL(q.Lifecycle, "r.deleted_at IS NULL", "r.deleted_at IS NOT NULL"))
	for _, f := range q.Filters {
		c, args, err := runValue(f.Kind, f.Key)
		if err != nil {
			return nil, fmt.Errorf("search runs: %w", err)
		}
		b.args = append(b.args, args...)
		if err := b.compare(c, f.Op, f.Value); err != nil {
			return nil, fmt.Errorf("search runs: %s %q: %w", f.Kind, f.Key, err)
		}
	}
	var order []string
	var orderArgs []any
	byStart := false
	for _, o := range q.Order {
		c, args, err := runValue(o.Kind, o.Key)
		if err != nil {
			return nil, fmt.Errorf("search runs: order: %w", err)
		}
		// Rows lacking the value last whatever the direction (as MLflow): the expression twice.
		order = append(order, "("+c.expr+" IS NULL)", c.expr+dirSQL(o.Desc))
		orderArgs = append(orderArgs, args...)
		orderArgs = append(orderArgs, args...)
		byStart = byStart || (o.Kind == FilterAttr && o.Key == "started")
	}
	if !byStart {
		order = append(order, runAttrs["started"].expr+" DESC")
	}
	order = append(order, "r.uuid ASC")
	if q.Limit <= 0 {
		q.Limit = 1000
	}
	args := append(append(b.args, orderArgs...), q.Limit, q.Offset)
	rows, err := s.db.QueryContext(ctx, "SELECT "+prefixed(runColumns, "r.")+", r.deleted_at FROM runs r WHERE "+
		b.whereSQL()+" ORDER BY "+strings.Join(order, ", ")+" LIMIT ? OFFSET ?", args...)
	if err != nil {
		return nil, fmt.Errorf("search runs: %w", err)
	}
	defer rows.Close()
	var out []*RunEntry
	for rows.Next() {
		e, err := scanRunEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("search runs: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search runs: %w", err)
	}
	return out, nil
}

// prefixed qualifies each column of a comma-separated list with a table alias.
func prefixed(cols, alias string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// Artifact is the record of a file stored under a run's artifact directory.
type Artifact struct {
	RunID   int64
	Path    string // slash-separated, relative to the run's artifact directory
	Size    int64
	Hash    string // hex SHA-256 of the content, when known
	Created time.Time
}

// RecordArtifact records (or updates) a file of a run's artifacts.
func (s *Store) RecordArtifact(ctx context.Context, a Artifact) error {
	if a.Created.IsZero() {
		a.Created = time.Now()
	}
	return s.writeTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO artifacts (run_id, path, size, hash, created_at) VALUES (?,?,?,?,?)
			ON CONFLICT (run_id, path) DO UPDATE SET size = excluded.size, hash = excluded.hash, created_at = excluded.created_at`,
			a.RunID, a.Path, a.Size, a.Hash, a.Created.UnixMilli())
		if err != nil {
			return fmt.Errorf("record artifact %q of run %d: %w", a.Path, a.RunID, err)
		}
		return nil
	})
}

// Artifacts returns the recorded artifacts of a run whose path is under prefix ("" for all), in
// path order.
func (s *Store) Artifacts(ctx context.Context, runID int64, prefix string) ([]Artifact, error) {
	prefix = strings.Trim(prefix, "/")
	rows, err := s.db.QueryContext(ctx, `SELECT path, size, hash, created_at FROM artifacts
		WHERE run_id = ?1 AND (?2 = '' OR path = ?2 OR substr(path, 1, length(?2) + 1) = ?2 || '/') ORDER BY path`, runID, prefix)
	if err != nil {
		return nil, fmt.Errorf("artifacts of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []Artifact
	for rows.Next() {
		a := Artifact{RunID: runID}
		var created int64
		if err := rows.Scan(&a.Path, &a.Size, &a.Hash, &created); err != nil {
			return nil, fmt.Errorf("artifacts of run %d: %w", runID, err)
		}
		a.Created = time.UnixMilli(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// PurgeRun deletes a run and everything recorded with it (params, tags, metrics, evaluations,
// artifact records, dataset links: the schema cascades). Its files are the caller's to remove.
func (s *Store) PurgeRun(ctx context.Context, runID int64) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM runs WHERE id = ?", runID)
		if err != nil {
			return fmt.Errorf("purge run %d: %w", runID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("purge run %d: %w", runID, ErrNotFound)
		}
		return nil
	})
}
