package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// FeatureBuild is one run of a feature spec over a dataset version: which spec (path and the hash
// of its bytes), which input version, and the output version it produced.
type FeatureBuild struct {
	ID              int64
	SpecPath        string
	SpecHash        string
	InputVersionID  int64
	OutputVersionID int64 // 0 when the output was not recorded as a version
	OutputPath      string
	Created         time.Time

	// Filled in by FeatureBuilds from the versions table.
	InputHash  string
	OutputHash string
}

// AddFeatureBuild records a feature build and returns its id.
func (s *Store) AddFeatureBuild(ctx context.Context, b FeatureBuild) (int64, error) {
	if b.Created.IsZero() {
		b.Created = time.Now()
	}
	var id int64
	err := s.writeTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO feature_builds
			(spec_path, spec_hash, input_version_id, output_version_id, output_path, created_at)
			VALUES (?,?,?,?,?,?) RETURNING id`,
			b.SpecPath, b.SpecHash, b.InputVersionID, sql.NullInt64{Int64: b.OutputVersionID, Valid: b.OutputVersionID > 0},
			b.OutputPath, b.Created.UnixMilli()).Scan(&id)
		if err != nil {
			return fmt.Errorf("record feature build of %s: %w", b.SpecPath, err)
		}
		return nil
	})
	return id, err
}

// FeatureBuilds returns the recorded feature builds, newest first, with the content hashes of
// their input and output versions; limit ≤ 0 returns all of them.
func (s *Store) FeatureBuilds(ctx context.Context, limit int) ([]FeatureBuild, error) {
	q := `SELECT f.id, f.spec_path, f.spec_hash, f.input_version_id, f.output_version_id, f.output_path,
		f.created_at, i.content_hash, o.content_hash
		FROM feature_builds f JOIN dataset_versions i ON i.id = f.input_version_id
		LEFT JOIN dataset_versions o ON o.id = f.output_version_id
		ORDER BY f.created_at DESC, f.id DESC`
	args := []any{}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("feature builds: %w", err)
	}
	defer rows.Close()
	var out []FeatureBuild
	for rows.Next() {
		var b FeatureBuild
		var outID sql.NullInt64
		var outHash sql.NullString
		var created int64
		if err := rows.Scan(&b.ID, &b.SpecPath, &b.SpecHash, &b.InputVersionID, &outID, &b.OutputPath,
			&created, &b.InputHash, &outHash); err != nil {
			return nil, fmt.Errorf("feature builds: %w", err)
		}
		b.OutputVersionID, b.OutputHash, b.Created = outID.Int64, outHash.String, time.UnixMilli(created)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("feature builds: %w", err)
	}
	return out, nil
}
