package runs

import (
	"context"
	"fmt"
	"syscall"
	"time"

	"github.com/mlwb/mlwb/store"
)

// Stop asks a run's supervisor to stop it (SIGTERM to the run's process group, SIGKILL after the
// supervisor's grace period) and waits up to wait for the run to end. If the supervisor is gone,
// Stop kills the process group itself and records the run as killed.
func Stop(ctx context.Context, s *store.Store, r *store.Run, wait time.Duration) (*store.Run, error) {
	if r.Status != store.StatusRunning && r.Status != store.StatusQueued {
		return r, fmt.Errorf("run %d has already ended (%s)", r.ID, r.Status)
	}
	if r.SupervisorPID != 0 && isSupervisor(r.SupervisorPID, r.ID) {
		if err := syscall.Kill(r.SupervisorPID, syscall.SIGTERM); err == nil {
			deadline := time.Now().Add(wait)
			for time.Now().Before(deadline) {
				cur, err := s.GetRun(ctx, r.ID)
				if err != nil {
					return r, err
				}
				if cur.Status != store.StatusRunning && cur.Status != store.StatusQueued {
					return cur, nil
				}
				select {
				case <-ctx.Done():
					return cur, ctx.Err()
				case <-time.After(50 * time.Millisecond):
				}
			}
		}
	}
	// No supervisor to do it, or it did not in time: end the group here.
	if r.PGID > 0 {
		syscall.Kill(-r.PGID, syscall.SIGKILL)
	}
	code := 128 + int(syscall.SIGKILL)
	if _, err := s.EndRunIfUnfinished(ctx, r.ID, store.RunEnd{Status: store.StatusKilled, ExitCode: &code}); err != nil {
		return r, err
	}
	s.AppendNote(ctx, r.ID, "killed by mlwb runs stop without its supervisor")
	return s.GetRun(ctx, r.ID)
}
