package runs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mlwb/mlwb/store"
)

// Follow copies the run's log to w as it grows, until the run has ended and the whole log is
// copied, or ctx ends. It returns the run as recorded at its end.
func Follow(ctx context.Context, s *store.Store, runID int64, w io.Writer) (*store.Run, error) {
	r, err := s.GetRun(ctx, runID)
	if err != nil {
		return nil, err
	}
	var f *os.File
	buf := make([]byte, 256<<10)
	for {
		if f == nil && r.LogPath != "" {
			if f, err = os.Open(r.LogPath); err != nil && !errors.Is(err, os.ErrNotExist) {
				return r, fmt.Errorf("follow run %d: %w", runID, err)
			}
			if f != nil {
				defer f.Close()
			}
		}
		ended := r.Status != store.StatusRunning && r.Status != store.StatusQueued
		if f != nil {
			for { // copy everything there is now
				n, err := f.Read(buf)
				if n > 0 {
					if _, werr := w.Write(buf[:n]); werr != nil {
						return r, werr
					}
				}
				if err != nil || n == 0 {
					break
				}
			}
		}
		if ended {
			return r, nil
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if r, err = s.GetRun(ctx, runID); err != nil {
			return nil, err
		}
		if r.Status == store.StatusRunning || r.Status == store.StatusQueued {
			if _, err := ReapLost(ctx, s, time.Now()); err != nil {
				return r, err
			}
		}
	}
}
