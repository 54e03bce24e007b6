package store

import (
	"context"
	"database/sql"
	"fmt"
)

// goSteps are migration steps SQL cannot express, run right after the .sql file of the same
// version and inside the same transaction.
var goSteps = map[int]func(context.Context, *Tx) error{
	2: convertPointsToChunks,
}

// convertPointsToChunks moves a version-1 database's metric_points rows into metric_chunks, series
// by series in logged order, and drops the old table.
func convertPointsToChunks(ctx context.Context, tx *Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT run_id, key_id, step, ts, value FROM metric_points
		ORDER BY run_id, key_id, rowid`)
	if err != nil {
		return fmt.Errorf("read metric points: %w", err)
	}
	stmt, err := prepareChunkInsert(ctx, tx)
	if err != nil {
		return err
	}
	defer stmt.Close()
	var series *seriesBatch
	flush := func() error {
		if series == nil {
			return nil
		}
		err := series.insertChunks(ctx, stmt)
		series.release()
		return err
	}
	for rows.Next() {
		var run, keyID int64
		var p Point
		var v sql.NullFloat64
		if err := rows.Scan(&run, &keyID, &p.Step, &p.Time, &v); err != nil {
			rows.Close()
			return fmt.Errorf("read metric points: %w", err)
		}
		p.Value = floatOrNaN(v)
		if series == nil || series.run != run || series.keyID != keyID {
			if err := flush(); err != nil {
				rows.Close()
				return err
			}
			series = newSeriesBatch(run, "")
			series.keyID = keyID
		}
		series.add(p)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("read metric points: %w", err)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read metric points: %w", err)
	}
	if err := flush(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DROP TABLE metric_points"); err != nil {
		return fmt.Errorf("drop metric_points: %w", err)
	}
	return nil
}
