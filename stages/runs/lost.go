package runs

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mlwb/mlwb/store"
)

// Lost-run detection: any mlwb process (the TUI, `runs ls`, a new run) calls ReapLost, so no run
// stays "running" forever after its supervisor died (kill -9, OOM, a reboot).
const (
	// StaleAfter is how old a heartbeat must be before the run's supervisor is checked.
	StaleAfter = 5 * time.Second
	// remoteStaleAfter: a run supervised on another host (a shared file system) cannot have its pid
	// checked, so only a long silence makes it lost.
	remoteStaleAfter = 5 * time.Minute
)

// ReapLost marks lost every supervised unfinished run whose heartbeat is stale and whose
// supervisor process is gone, and returns their ids.
func ReapLost(ctx context.Context, s *store.Store, now time.Time) ([]int64, error) {
	runs, err := s.Unfinished(ctx)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	var lost []int64
	for _, r := range runs {
		last := r.Heartbeat
		if last.IsZero() {
			last = r.Created
		}
		silent := now.Sub(last)
		gone := false
		switch {
		case r.Host != "" && r.Host != host:
			gone = silent > remoteStaleAfter
		case r.SupervisorPID == 0:
			// Not supervised by mlwb: a run an MLflow client created through the API, or an
			// import, ends when its client says so (as in MLflow). A queued run with no supervisor
			// is one whose supervisor never started.
			gone = r.Status == store.StatusQueued && silent > StaleAfter
		case silent > StaleAfter:
			gone = !isSupervisor(r.SupervisorPID, r.ID)
		}
		if !gone {
			continue
		}
		ok, err := s.EndRunIfUnfinished(ctx, r.ID, store.RunEnd{Status: store.StatusLost, Ended: last})
		if err != nil {
			return lost, err
		}
		if ok {
			s.AppendNote(ctx, r.ID, "lost: its supervisor stopped beating at "+last.Format(time.RFC3339))
			lost = append(lost, r.ID)
		}
	}
	return lost, nil
}

// isSupervisor reports whether pid is alive and is the supervisor of runID, not some other process
// that reused the pid.
func isSupervisor(pid int, runID int64) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return !errors.Is(err, os.ErrNotExist) // no /proc here: trust the live pid
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	hasVerb, hasID := false, false
	for _, a := range args {
		hasVerb = hasVerb || a == "supervise"
		hasID = hasID || a == strconv.FormatInt(runID, 10)
	}
	return hasVerb && hasID
}
