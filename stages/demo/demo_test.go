package demo

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
)

// TestBuildEndToEnd builds the demo for real: git history, dataset, and runs made by running the
// trainer, then reads it all back from the store and the repository.
func TestBuildEndToEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	res, err := Build(context.Background(), Options{Dir: dir, Data: os.DirFS("../../testdata/demo")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Runs != 5 {
		t.Fatalf("%d runs, want 5", res.Runs)
	}
	commits, err := versions.Log(res.Root, 0, 10)
	if err != nil || len(commits) != 3 {
		t.Fatalf("%d commits (%v), want 3", len(commits), err)
	}
	s, err := store.Open(res.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	counts, err := s.CountRuns(ctx)
	if err != nil || counts[store.StatusFinished] != 4 || counts[store.StatusFailed] != 1 {
		t.Fatalf("counts %v (%v), want 4 finished and 1 failed", counts, err)
	}
	runs, err := s.ListRuns(ctx, store.RunQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		sums, err := s.Summaries(ctx, []int64{r.ID})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status == store.StatusFinished {
			if len(sums[r.ID]) == 0 {
				t.Errorf("run %s has no metrics", r.Name)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(r.LogPath), "predictions.csv")); err != nil {
				t.Errorf("run %s wrote no predictions: %v", r.Name, err)
			}
			// Evaluated: the report stored, and its accuracy the same as the trainer's own
			// val_accuracy on the same validation rows.
			evs, err := s.Evaluations(ctx, r.ID)
			if err != nil || len(evs["classification"]) == 0 {
				t.Errorf("run %s: no evaluation (%v)", r.Name, err)
			}
			m := map[string]float64{}
			for _, sm := range sums[r.ID] {
				m[sm.Key] = sm.Last
			}
			if d := m["eval/accuracy"] - m["val_accuracy"]; d > 1e-4 || d < -1e-4 {
				t.Errorf("run %s: eval/accuracy %v, trainer's val_accuracy %v", r.Name, m["eval/accuracy"], m["val_accuracy"])
			}
		}
		if r.GitCommit == "" || len(r.Command) < 2 || r.Command[1] != "demo-train" {
			t.Errorf("run %s: commit %q command %v", r.Name, r.GitCommit, r.Command)
		}
		if st, err := os.Stat(r.LogPath); err != nil || st.Size() == 0 {
			t.Errorf("run %s: empty or missing log %s", r.Name, r.LogPath)
		}
		ds, err := s.RunDatasets(ctx, r.ID)
		if err != nil || ds["wine"] == nil || ds["wine"].Rows != 178 {
			t.Errorf("run %s datasets %v (%v)", r.Name, ds, err)
		}
	}
	if _, err := Build(context.Background(), Options{Dir: dir, Data: os.DirFS("../../testdata/demo")}); err == nil {
		t.Fatal("building into a non-empty directory succeeded")
	}
}
