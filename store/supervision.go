package store

import (
	"context"
	"fmt"
	"time"
)

// StartedRun is what a supervisor records once the training process runs.
type StartedRun struct {
	PID, PGID, SupervisorPID int
	Started                  time.Time
}

// MarkStarted moves a queued run to running with its process ids, and beats its first heartbeat.
func (s *Store) MarkStarted(ctx context.Context, runID int64, st StartedRun) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET status = 'running', pid = ?, pgid = ?, supervisor_pid = ?,
			started_at = ?, heartbeat_at = ? WHERE id = ?`,
			nullInt(st.PID), nullInt(st.PGID), nullInt(st.SupervisorPID), st.Started.UnixMilli(), st.Started.UnixMilli(), runID)
		if err != nil {
			return fmt.Errorf("mark run %d started: %w", runID, err)
		}
		return mustAffect(res, "run", runID)
	})
}

// SetSupervisor records the supervisor's pid on a queued run, before the training process starts,
// so a supervisor that dies that early is found lost too.
func (s *Store) SetSupervisor(ctx context.Context, runID int64, pid int, at time.Time) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET supervisor_pid = ?, heartbeat_at = ? WHERE id = ?`,
			pid, at.UnixMilli(), runID)
		if err != nil {
			return fmt.Errorf("record supervisor of run %d: %w", runID, err)
		}
		return mustAffect(res, "run", runID)
	})
}

// SetNote replaces a run's free-text note.
func (s *Store) SetNote(ctx context.Context, runID int64, note string) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET note = ? WHERE id = ?`, note, runID)
		if err != nil {
			return fmt.Errorf("note on run %d: %w", runID, err)
		}
		return mustAffect(res, "run", runID)
	})
}

// AppendNote adds a line to a run's note (the supervisor's account of trouble, say).
func (s *Store) AppendNote(ctx context.Context, runID int64, line string) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET note = CASE WHEN note = '' THEN ? ELSE note || char(10) || ? END
			WHERE id = ?`, line, line, runID)
		if err != nil {
			return fmt.Errorf("note on run %d: %w", runID, err)
		}
		return mustAffect(res, "run", runID)
	})
}

// Unfinished returns the runs still marked queued or running: the candidates for lost detection.
func (s *Store) Unfinished(ctx context.Context) ([]*Run, error) {
	return s.ListRuns(ctx, RunQuery{Statuses: []string{StatusQueued, StatusRunning}, OrderBy: "id", Asc: true, Limit: 1 << 30})
}

// EndRunIfUnfinished records the end of a run only if it is still queued or running, so two
// processes that both find a run lost (or a supervisor racing a reaper) record one end. It
// reports whether this call recorded it.
func (s *Store) EndRunIfUnfinished(ctx context.Context, runID int64, end RunEnd) (bool, error) {
	if end.Ended.IsZero() {
		end.Ended = time.Now()
	}
	var ended bool
	err := s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, exit_code = ?, ended_at = ?
			WHERE id = ? AND status IN ('queued', 'running')`, end.Status, end.ExitCode, end.Ended.UnixMilli(), runID)
		if err != nil {
			return fmt.Errorf("end run %d: %w", runID, err)
		}
		n, err := res.RowsAffected()
		ended = n == 1
		return err
	})
	return ended, err
}
