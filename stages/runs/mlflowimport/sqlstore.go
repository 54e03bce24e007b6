package mlflowimport

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"net/url"
	"strconv"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver the store uses too

	"github.com/mlwb/mlwb/store"
)

// The SQLite store's tables (mlflow/store/tracking/dbmodels/models.py; the DDL is in
// testdata/mlflow_schema.sql): experiments, experiment_tags, runs, metrics (one row per logged
// point, is_nan set and value 0 for NaN), params, tags. latest_metrics is derived and not read.

// sqlReader reads an mlflow.db, opened read-only.
type sqlReader struct {
	db   *sql.DB
	path string
}

// openSQLite opens path read-only and checks that it is an MLflow tracking database.
func openSQLite(ctx context.Context, path string) (*sqlReader, error) {
	u := url.URL{Scheme: "file", Opaque: url.PathEscape(path), RawQuery: "mode=ro&_busy_timeout=5000"}
	db, err := sql.Open("sqlite3", u.String())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r := &sqlReader{db: db, path: path}
	for table, col := range map[string]string{"experiments": "experiment_id", "runs": "run_uuid",
		"metrics": "is_nan", "params": "run_uuid", "tags": "run_uuid", "experiment_tags": "experiment_id"} {
		var n int
		err := db.QueryRowContext(ctx, "SELECT count(*) FROM pragma_table_info(?) WHERE name = ?", table, col).Scan(&n)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if n == 0 {
			db.Close()
			return nil, fmt.Errorf("%s: not an MLflow tracking database (no %s.%s)", path, table, col)
		}
	}
	return r, nil
}

func (r *sqlReader) Close() error { return r.db.Close() }

func (r *sqlReader) experiments(ctx context.Context) ([]*experiment, []Failure, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT experiment_id, name, coalesce(artifact_location, ''),
		coalesce(lifecycle_stage, 'active') FROM experiments ORDER BY experiment_id`)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: read experiments: %w", r.path, err)
	}
	defer rows.Close()
	var out []*experiment
	byID := map[int64]*experiment{}
	for rows.Next() {
		var id int64
		var e experiment
		var stage string
		if err := rows.Scan(&id, &e.Name, &e.ArtifactLocation, &stage); err != nil {
			return nil, nil, fmt.Errorf("%s: read experiments: %w", r.path, err)
		}
		e.ID, e.Deleted, e.handle, e.Tags = strconv.FormatInt(id, 10), stage == "deleted", id, map[string]string{}
		out = append(out, &e)
		byID[id] = &e
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: read experiments: %w", r.path, err)
	}
	rows.Close()
	tr, err := r.db.QueryContext(ctx, "SELECT experiment_id, key, coalesce(value, '') FROM experiment_tags")
	if err != nil {
		return nil, nil, fmt.Errorf("%s: read experiment tags: %w", r.path, err)
	}
	defer tr.Close()
	for tr.Next() {
		var id int64
		var k, v string
		if err := tr.Scan(&id, &k, &v); err != nil {
			return nil, nil, fmt.Errorf("%s: read experiment tags: %w", r.path, err)
		}
		if e := byID[id]; e != nil {
			e.Tags[k] = v
		}
	}
	if err := tr.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: read experiment tags: %w", r.path, err)
	}
	return out, nil, nil
}

// sqlRun is a runs row (read with the list, so load only adds params and tags).
type sqlRun struct {
	run
}

func (r *sqlReader) runs(ctx context.Context, e *experiment) ([]runHandle, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT run_uuid, coalesce(name, ''), coalesce(user_id, ''),
		coalesce(status, ''), coalesce(start_time, 0), coalesce(end_time, 0), coalesce(lifecycle_stage, 'active'),
		coalesce(artifact_uri, '') FROM runs WHERE experiment_id = ? ORDER BY start_time, run_uuid`, e.handle)
	if err != nil {
		return nil, fmt.Errorf("%s: read runs of experiment %s: %w", r.path, e.ID, err)
	}
	defer rows.Close()
	var out []runHandle
	for rows.Next() {
		var m sqlRun
		var stage string
		if err := rows.Scan(&m.UUID, &m.Name, &m.User, &m.Status, &m.Start, &m.End, &stage, &m.ArtifactURI); err != nil {
			return nil, fmt.Errorf("%s: read runs of experiment %s: %w", r.path, e.ID, err)
		}
		m.Deleted = stage == "deleted"
		out = append(out, runHandle{ID: m.UUID, ref: &m})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: read runs of experiment %s: %w", r.path, e.ID, err)
	}
	return out, nil
}

func (r *sqlReader) load(ctx context.Context, h runHandle) (*run, error) {
	m := h.ref.(*sqlRun).run
	var err error
	if m.Params, err = r.kv(ctx, "params", m.UUID); err != nil {
		return nil, err
	}
	if m.Tags, err = r.kv(ctx, "tags", m.UUID); err != nil {
		return nil, err
	}
	if m.Start < 0 || m.End < 0 {
		return nil, fmt.Errorf("%s: run %s: negative start_time or end_time", r.path, m.UUID)
	}
	return &m, nil
}

// kv reads a run's params or tags (table is one of those two constants).
func (r *sqlReader) kv(ctx context.Context, table, uuid string) (map[string]string, error) {
	rows, err := r.db.QueryContext(ctx, "SELECT key, coalesce(value, '') FROM "+table+" WHERE run_uuid = ?", uuid)
	if err != nil {
		return nil, fmt.Errorf("%s: read %s of run %s: %w", r.path, table, uuid, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("%s: read %s of run %s: %w", r.path, table, uuid, err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: read %s of run %s: %w", r.path, table, uuid, err)
	}
	return out, nil
}

func (r *sqlReader) metrics(ctx context.Context, h runHandle, emit func(store.Point) error) error {
	uuid := h.ref.(*sqlRun).UUID
	rows, err := r.db.QueryContext(ctx, `SELECT key, value, coalesce(timestamp, 0), step, is_nan, rowid
		FROM metrics WHERE run_uuid = ? ORDER BY key, step, timestamp, rowid`, uuid)
	if err != nil {
		return fmt.Errorf("%s: read metrics of run %s: %w", r.path, uuid, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p store.Point
		var isNaN bool
		var rowid int64
		if err := rows.Scan(&p.Key, &p.Value, &p.Time, &p.Step, &isNaN, &rowid); err != nil {
			return fmt.Errorf("%s: metrics of run %s: %w", r.path, uuid, err)
		}
		if isNaN {
			p.Value = math.NaN()
		}
		if p.Key == "" {
			return fmt.Errorf("%s: metrics row %d of run %s: empty key", r.path, rowid, uuid)
		}
		if err := emit(p); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: read metrics of run %s: %w", r.path, uuid, err)
	}
	return nil
}
