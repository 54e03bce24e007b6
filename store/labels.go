package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// Label is one labelled row of a dataset version: the row's 0-based ordinal in that version, the
// hash of its text when it was labelled, and the label.
type Label struct {
	Row     int64
	Hash    string
	Label   string
	Updated time.Time
}

// LabelEdit sets (or, with an empty Label, removes) the label of one row.
type LabelEdit struct {
	Row   int64
	Hash  string
	Label string
}

// VersionLabels is a version of a dataset with how many of its rows carry a label.
type VersionLabels struct {
	Version DatasetVersion
	Count   int64
}

// rowKey is how a row is keyed in the labels table: its ordinal in decimal.
func rowKey(row int64) string { return strconv.FormatInt(row, 10) }

// SetLabels applies edits to a version's labels in one transaction and records them in the label
// history as one undo step. An edit that changes nothing (the same label again, or removing a
// label that is not there) is not recorded.
func (s *Store) SetLabels(ctx context.Context, versionID int64, edits []LabelEdit) error {
	if len(edits) == 0 {
		return nil
	}
	return s.writeTx(ctx, func(tx *Tx) error {
		var batch int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(batch), 0) + 1 FROM label_history
			WHERE dataset_version_id = ?`, versionID).Scan(&batch); err != nil {
			return fmt.Errorf("label history of version %d: %w", versionID, err)
		}
		now := nowMS()
		for _, e := range edits {
			k := rowKey(e.Row)
			var old, oldHash sql.NullString
			err := tx.QueryRowContext(ctx, `SELECT label, row_hash FROM labels
				WHERE dataset_version_id = ? AND row_key = ?`, versionID, k).Scan(&old, &oldHash)
			if err != nil && err != sql.ErrNoRows {
				return fmt.Errorf("label of row %d: %w", e.Row+1, err)
			}
			if old.Valid && old.String == e.Label && oldHash.String == e.Hash || !old.Valid && e.Label == "" {
				continue
			}
			if e.Label == "" {
				_, err = tx.ExecContext(ctx, `DELETE FROM labels WHERE dataset_version_id = ? AND row_key = ?`, versionID, k)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO labels (dataset_version_id, row_key, label, row_hash, updated_at)
					VALUES (?,?,?,?,?) ON CONFLICT (dataset_version_id, row_key) DO UPDATE SET
					label = excluded.label, row_hash = excluded.row_hash, updated_at = excluded.updated_at`,
					versionID, k, e.Label, e.Hash, now)
			}
			if err != nil {
				return fmt.Errorf("label row %d: %w", e.Row+1, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO label_history
				(dataset_version_id, batch, row_key, old_label, old_hash, new_label, at) VALUES (?,?,?,?,?,?,?)`,
				versionID, batch, k, old, oldHash, nullString(e.Label), now); err != nil {
				return fmt.Errorf("label history of row %d: %w", e.Row+1, err)
			}
		}
		return nil
	})
}

// UndoLabels reverts the newest undo step of a version's labels (every edit made together) and
// returns the edits that restored the rows as they were before it (Label "" where a row had none),
// newest first; ok is false when there is nothing to undo.
func (s *Store) UndoLabels(ctx context.Context, versionID int64) (restored []LabelEdit, ok bool, err error) {
	err = s.writeTx(ctx, func(tx *Tx) error {
		restored = nil
		var batch sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(batch) FROM label_history WHERE dataset_version_id = ?`,
			versionID).Scan(&batch); err != nil {
			return fmt.Errorf("label history of version %d: %w", versionID, err)
		}
		if !batch.Valid {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT row_key, old_label, old_hash FROM label_history
			WHERE dataset_version_id = ? AND batch = ? ORDER BY id DESC`, versionID, batch.Int64)
		if err != nil {
			return fmt.Errorf("label history of version %d: %w", versionID, err)
		}
		for rows.Next() {
			var k string
			var old, oldHash sql.NullString
			if err := rows.Scan(&k, &old, &oldHash); err != nil {
				rows.Close()
				return fmt.Errorf("label history of version %d: %w", versionID, err)
			}
			row, err := strconv.ParseInt(k, 10, 64)
			if err != nil {
				rows.Close()
				return fmt.Errorf("label history of version %d: row key %q: %w", versionID, k, err)
			}
			restored = append(restored, LabelEdit{Row: row, Hash: oldHash.String, Label: old.String})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("label history of version %d: %w", versionID, err)
		}
		now := nowMS()
		for _, e := range restored {
			var err error
			if e.Label == "" {
				_, err = tx.ExecContext(ctx, `DELETE FROM labels WHERE dataset_version_id = ? AND row_key = ?`, versionID, rowKey(e.Row))
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO labels (dataset_version_id, row_key, label, row_hash, updated_at)
					VALUES (?,?,?,?,?) ON CONFLICT (dataset_version_id, row_key) DO UPDATE SET
					label = excluded.label, row_hash = excluded.row_hash, updated_at = excluded.updated_at`,
					versionID, rowKey(e.Row), e.Label, e.Hash, now)
			}
			if err != nil {
				return fmt.Errorf("undo label of row %d: %w", e.Row+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM label_history WHERE dataset_version_id = ? AND batch = ?`,
			versionID, batch.Int64); err != nil {
			return fmt.Errorf("label history of version %d: %w", versionID, err)
		}
		ok = true
		return nil
	})
	return restored, ok, err
}

// Labels returns every label of a version, by row.
func (s *Store) Labels(ctx context.Context, versionID int64) ([]Label, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT row_key, row_hash, label, updated_at FROM labels
		WHERE dataset_version_id = ? ORDER BY CAST(row_key AS INTEGER)`, versionID)
	if err != nil {
		return nil, fmt.Errorf("labels of version %d: %w", versionID, err)
	}
	defer rows.Close()
	var out []Label
	for rows.Next() {
		var l Label
		var k string
		var at int64
		if err := rows.Scan(&k, &l.Hash, &l.Label, &at); err != nil {
			return nil, fmt.Errorf("labels of version %d: %w", versionID, err)
		}
		if l.Row, err = strconv.ParseInt(k, 10, 64); err != nil {
			return nil, fmt.Errorf("labels of version %d: row key %q: %w", versionID, k, err)
		}
		l.Updated = time.UnixMilli(at)
		out = append(out, l)
	}
	return out, rows.Err()
}

// LabelCounts returns how many rows of a version carry each label.
func (s *Store) LabelCounts(ctx context.Context, versionID int64) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT label, count(*) FROM labels WHERE dataset_version_id = ?
		GROUP BY label`, versionID)
	if err != nil {
		return nil, fmt.Errorf("label counts of version %d: %w", versionID, err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var l string
		var n int64
		if err := rows.Scan(&l, &n); err != nil {
			return nil, fmt.Errorf("label counts of version %d: %w", versionID, err)
		}
		out[l] = n
	}
	return out, rows.Err()
}

// LabelledVersions returns the versions of a dataset that carry labels, newest first, with how
// many labels each has.
func (s *Store) LabelledVersions(ctx context.Context, datasetID int64) ([]VersionLabels, error) {
	return s.labelledVersions(ctx, datasetID, 0)
}

// UncarriedLabels is LabelledVersions of the versions other than current, counting only the
// labels whose row (by its text's hash) has no label in current: those a carry has not brought
// over. A version all of whose labels were carried is left out (after `labels carry` the
// earlier version was still reported as holding labels this one does not show).
func (s *Store) UncarriedLabels(ctx context.Context, datasetID, current int64) ([]VersionLabels, error) {
	return s.labelledVersions(ctx, datasetID, current)
}

func (s *Store) labelledVersions(ctx context.Context, datasetID, current int64) ([]VersionLabels, error) {
	count := `(SELECT count(*) FROM labels l WHERE l.dataset_version_id = v.id)`
	if current != 0 {
		count = `(SELECT count(*) FROM labels l WHERE l.dataset_version_id = v.id AND NOT EXISTS
			(SELECT 1 FROM labels c WHERE c.dataset_version_id = ?2 AND c.row_hash = l.row_hash AND l.row_hash != ''))`
	}
	rows, err := s.db.QueryContext(ctx, `SELECT * FROM (SELECT `+count+` AS n,
		`+versionColumns+` FROM dataset_versions v WHERE dataset_id = ?1 AND v.id != ?2)
		WHERE n > 0 ORDER BY seen_at DESC, id DESC`, datasetID, current)
	if err != nil {
		return nil, fmt.Errorf("labelled versions of dataset %d: %w", datasetID, err)
	}
	defer rows.Close()
	var out []VersionLabels
	for rows.Next() {
		var n int64
		v, err := scanVersion(rows, &n)
		if err != nil {
			return nil, fmt.Errorf("labelled versions of dataset %d: %w", datasetID, err)
		}
		out = append(out, VersionLabels{Version: *v, Count: n})
	}
	return out, rows.Err()
}
