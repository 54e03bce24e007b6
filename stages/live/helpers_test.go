package live

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// openStore opens a fresh real store in a temp dir.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newRun creates a run with the given name and status.
func newRun(t testing.TB, s *store.Store, name, status string) *store.Run {
	t.Helper()
	r := &store.Run{Name: name, Status: status, Started: time.Now()}
	if err := s.CreateRun(context.Background(), r, nil, nil); err != nil {
		t.Fatal(err)
	}
	return r
}

// write stores values of key for run at steps 1, 2, …, ts one millisecond apart from base.
func write(t testing.TB, s *store.Store, run int64, key string, base int64, values ...float64) []store.Point {
	t.Helper()
	pts := make([]store.Point, len(values))
	for i, v := range values {
		pts[i] = store.Point{RunID: run, Key: key, Step: int64(i + 1), Time: base + int64(i), Value: v}
	}
	if err := s.WriteMetrics(context.Background(), pts); err != nil {
		t.Fatal(err)
	}
	return pts
}
