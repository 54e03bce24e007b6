package runs

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// TestReapLostLeavesUnsupervisedRuns: a run an MLflow client created through the API has no
// supervisor and no heartbeat; it ends when its client ends it, never as lost. A queued run whose
// supervisor never started is lost once silent.
func TestReapLostLeavesUnsupervisedRuns(t *testing.T) {
	s, err := store.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	old := time.Now().Add(-time.Hour)
	api := &store.Run{Name: "api", Source: "mlflow", Created: old}
	queued := &store.Run{Name: "never-started", Status: store.StatusQueued, Created: old}
	fresh := &store.Run{Name: "just-queued", Status: store.StatusQueued}
	for _, r := range []*store.Run{api, queued, fresh} {
		if err := s.CreateRun(t.Context(), r, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	lost, err := ReapLost(t.Context(), s, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(lost) != 1 || lost[0] != queued.ID {
		t.Fatalf("lost = %v, want only run %d", lost, queued.ID)
	}
	for id, want := range map[int64]string{api.ID: store.StatusRunning, queued.ID: store.StatusLost, fresh.ID: store.StatusQueued} {
		r, err := s.GetRun(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != want {
			t.Errorf("run %d (%s): status %s, want %s", id, r.Name, r.Status, want)
		}
	}
}
