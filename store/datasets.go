package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

// Dataset is a named data file of the project.
type Dataset struct {
	ID      int64
	Name    string
	Path    string
	Target  string
	Created time.Time
}

// DatasetVersion is one content of a dataset, identified by its hash.
type DatasetVersion struct {
	ID          int64
	DatasetID   int64
	ContentHash string
	Size        int64
	Rows        int64 // -1 when not yet counted
	Columns     int   // -1 when not yet known
	GitCommit   string
	Seen        time.Time
	Profile     string // JSON profile from the data stage; "" when not profiled
}

// DatasetSummary is a dataset with its newest version, for lists.
type DatasetSummary struct {
	Dataset
	Versions int
	Latest   *DatasetVersion // nil when no version was recorded
}

// UpsertDataset records a dataset by name (updating its path and target) and returns its id. A
// dataset named by its own path (a file not declared in mlwb.yaml, as the Data tab and the CLI
// name one) is the dataset of that name, else the first with that path (sameFileDataset): one
// file is one dataset, with one history and one set of labels, whichever side recorded it first
// and whatever name it was recorded under (earlier versions of the CLI named it after the file's
// base name).
func (s *Store) UpsertDataset(ctx context.Context, d Dataset) (int64, error) {
	var id int64
	err := s.writeTx(ctx, func(tx *Tx) error {
		if d.Name == filepath.ToSlash(d.Path) {
			found, err := sameFileDataset(ctx, tx, d)
			if err != nil {
				return err
			}
			if found != 0 {
				id = found
				if d.Target != "" {
					if _, err := tx.ExecContext(ctx, `UPDATE datasets SET target = ? WHERE id = ?`, d.Target, id); err != nil {
						return fmt.Errorf("record dataset %q: %w", d.Name, err)
					}
				}
				return nil
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO datasets (name, path, target, created_at) VALUES (?,?,?,?)
			ON CONFLICT (name) DO UPDATE SET path = excluded.path, target = excluded.target
			RETURNING id`, d.Name, d.Path, d.Target, nowMS()).Scan(&id)
		if err != nil {
			return fmt.Errorf("record dataset %q: %w", d.Name, err)
		}
		return nil
	})
	return id, err
}

// sameFileDataset finds the dataset a file named by its own path already is: the one of that
// name, else the first whose path is the same once cleaned (earlier versions stored a path as
// typed, ./data/d.csv, and named the dataset d); 0 when none is.
func sameFileDataset(ctx context.Context, tx *Tx, d Dataset) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM datasets WHERE name = ?`, d.Name).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("record dataset %q: %w", d.Name, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, path FROM datasets ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("record dataset %q: %w", d.Name, err)
	}
	defer rows.Close()
	want := filepath.Clean(d.Path)
	for rows.Next() {
		var path string
		if err := rows.Scan(&id, &path); err != nil {
			return 0, fmt.Errorf("record dataset %q: %w", d.Name, err)
		}
		if filepath.Clean(path) == want {
			return id, nil
		}
	}
	return 0, rows.Err()
}

// AddDatasetVersion records a version (a no-op returning the existing id when the dataset already
// has that content hash; a given profile then replaces the stored one).
func (s *Store) AddDatasetVersion(ctx context.Context, v DatasetVersion) (int64, error) {
	if v.Seen.IsZero() {
		v.Seen = time.Now()
	}
	var id int64
	err := s.writeTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO dataset_versions
			(dataset_id, content_hash, size, rows, columns, git_commit, seen_at, profile) VALUES (?,?,?,?,?,?,?,?)
			ON CONFLICT (dataset_id, content_hash) DO UPDATE SET
				profile = coalesce(excluded.profile, dataset_versions.profile),
				rows = coalesce(excluded.rows, dataset_versions.rows),
				columns = coalesce(excluded.columns, dataset_versions.columns)
			RETURNING id`, v.DatasetID, v.ContentHash, v.Size, nullInt64(v.Rows), nullInt64(int64(v.Columns)),
			v.GitCommit, v.Seen.UnixMilli(), nullString(v.Profile)).Scan(&id)
		if err != nil {
			return fmt.Errorf("record dataset version %s: %w", v.ContentHash, err)
		}
		return nil
	})
	return id, err
}

func nullInt64(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: v >= 0} }

func nullString(v string) sql.NullString { return sql.NullString{String: v, Valid: v != ""} }

// LinkRunDataset records that a run used (role "input") or produced ("output") a dataset version.
func (s *Store) LinkRunDataset(ctx context.Context, runID, versionID int64, role string) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO run_datasets (run_id, dataset_version_id, role) VALUES (?,?,?)
			ON CONFLICT DO NOTHING`, runID, versionID, role)
		if err != nil {
			return fmt.Errorf("link run %d to dataset version %d: %w", runID, versionID, err)
		}
		return nil
	})
}

const versionColumns = `id, dataset_id, content_hash, size, rows, columns, git_commit, seen_at, profile`

// scanVersion reads versionColumns, after the lead columns when some are given.
func scanVersion(sc interface{ Scan(...any) error }, lead ...any) (*DatasetVersion, error) {
	var v DatasetVersion
	var rows, cols sql.NullInt64
	var seen int64
	var profile sql.NullString
	dst := append(lead, &v.ID, &v.DatasetID, &v.ContentHash, &v.Size, &rows, &cols, &v.GitCommit, &seen, &profile)
	if err := sc.Scan(dst...); err != nil {
		return nil, err
	}
	v.Rows, v.Columns = -1, -1
	if rows.Valid {
		v.Rows = rows.Int64
	}
	if cols.Valid {
		v.Columns = int(cols.Int64)
	}
	v.Seen, v.Profile = time.UnixMilli(seen), profile.String
	return &v, nil
}

// ListDatasets returns every dataset with its version count and newest version, by name.
func (s *Store) ListDatasets(ctx context.Context) ([]DatasetSummary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.name, d.path, d.target, d.created_at,
		(SELECT count(*) FROM dataset_versions v WHERE v.dataset_id = d.id)
		FROM datasets d ORDER BY d.name`)
	if err != nil {
		return nil, fmt.Errorf("list datasets: %w", err)
	}
	var out []DatasetSummary
	for rows.Next() {
		var d DatasetSummary
		var created int64
		if err := rows.Scan(&d.ID, &d.Name, &d.Path, &d.Target, &created, &d.Versions); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list datasets: %w", err)
		}
		d.Created = time.UnixMilli(created)
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list datasets: %w", err)
	}
	for i := range out {
		v, err := scanVersion(s.db.QueryRowContext(ctx, "SELECT "+versionColumns+
			" FROM dataset_versions WHERE dataset_id = ? ORDER BY seen_at DESC, id DESC LIMIT 1", out[i].ID))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("latest version of dataset %q: %w", out[i].Name, err)
		}
		out[i].Latest = v
	}
	return out, nil
}

// DatasetVersions returns every version of a dataset, newest first.
func (s *Store) DatasetVersions(ctx context.Context, datasetID int64) ([]*DatasetVersion, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+versionColumns+
		" FROM dataset_versions WHERE dataset_id = ? ORDER BY seen_at DESC, id DESC", datasetID)
	if err != nil {
		return nil, fmt.Errorf("dataset versions: %w", err)
	}
	defer rows.Close()
	var out []*DatasetVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("dataset versions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// RunDatasets returns the dataset versions linked to a run, with their dataset names.
func (s *Store) RunDatasets(ctx context.Context, runID int64) (map[string]*DatasetVersion, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.name, v.id, v.dataset_id, v.content_hash, v.size, v.rows,
		v.columns, v.git_commit, v.seen_at, v.profile
		FROM run_datasets r JOIN dataset_versions v ON v.id = r.dataset_version_id
		JOIN datasets d ON d.id = v.dataset_id WHERE r.run_id = ? ORDER BY d.name`, runID)
	if err != nil {
		return nil, fmt.Errorf("datasets of run %d: %w", runID, err)
	}
	defer rows.Close()
	out := map[string]*DatasetVersion{}
	for rows.Next() {
		var name string
		v, err := scanVersion(rows, &name)
		if err != nil {
			return nil, fmt.Errorf("datasets of run %d: %w", runID, err)
		}
		out[name] = v
	}
	return out, rows.Err()
}

// CachedHash returns the content hash recorded for path at this size and mtime, if any.
func (s *Store) CachedHash(ctx context.Context, path string, size, mtimeNS int64) (string, bool, error) {
	var h string
	err := s.db.QueryRowContext(ctx, "SELECT hash FROM file_hashes WHERE path = ? AND size = ? AND mtime_ns = ?",
		path, size, mtimeNS).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("cached hash of %s: %w", path, err)
	}
	return h, true, nil
}

// SetCachedHash records the content hash of path at this size and mtime.
func (s *Store) SetCachedHash(ctx context.Context, path string, size, mtimeNS int64, hash string) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO file_hashes (path, size, mtime_ns, hash) VALUES (?,?,?,?)
			ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, hash = excluded.hash`,
			path, size, mtimeNS, hash)
		if err != nil {
			return fmt.Errorf("cache hash of %s: %w", path, err)
		}
		return nil
	})
}
