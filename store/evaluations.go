package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// SaveEvaluation records a run's evaluation report (JSON) of a kind (classification,
// regression), replacing the one it had of that kind.
func (s *Store) SaveEvaluation(ctx context.Context, runID int64, kind string, report []byte) error {
	if kind == "" {
		return fmt.Errorf("save evaluation of run %d: empty kind", runID)
	}
	if !json.Valid(report) {
		return fmt.Errorf("save %s evaluation of run %d: the report is not valid JSON", kind, runID)
	}
	return s.writeTx(ctx, func(tx *Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM runs WHERE id = ?", runID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("save %s evaluation: run %d: %w", kind, runID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("save %s evaluation of run %d: %w", kind, runID, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO evaluations (run_id, kind, report, created_at) VALUES (?,?,?,?)
			ON CONFLICT (run_id, kind) DO UPDATE SET report = excluded.report, created_at = excluded.created_at`,
			runID, kind, string(report), nowMS())
		if err != nil {
			return fmt.Errorf("save %s evaluation of run %d: %w", kind, runID, err)
		}
		return nil
	})
}

// Evaluations returns a run's evaluation reports (JSON) by kind; empty when it has none.
func (s *Store) Evaluations(ctx context.Context, runID int64) (map[string][]byte, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT kind, report FROM evaluations WHERE run_id = ?", runID)
	if err != nil {
		return nil, fmt.Errorf("evaluations of run %d: %w", runID, err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var kind, report string
		if err := rows.Scan(&kind, &report); err != nil {
			return nil, fmt.Errorf("evaluations of run %d: %w", runID, err)
		}
		out[kind] = []byte(report)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("evaluations of run %d: %w", runID, err)
	}
	return out, nil
}
