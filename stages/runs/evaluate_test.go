package runs

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/runs/eval"
	"github.com/mlwb/mlwb/store"
)

// TestRunEvaluatedAtItsEnd: a project whose mlwb.yaml names a predictions file has every finished
// run evaluated: the report is stored with the run and its headline numbers become eval/ metrics.
// A malformed file is a note naming the file and line, and the run keeps its status.
func TestRunEvaluatedAtItsEnd(t *testing.T) {
	p, s := newProject(t)
	yaml := "name: evaltest\neval:\n  predictions: preds.csv\n  label: truth\n"
	if err := os.WriteFile(filepath.Join(p.Root, "mlwb.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	// 5 rows: 4 right (accuracy 0.8); class a: precision 2/2, recall 2/3; class b: precision 2/3,
	// recall 2/2; F1 a = 0.8, F1 b = 0.8, macro F1 0.8.
	good := `printf 'truth,y_pred\na,a\na,a\na,b\nb,b\nb,b\n' > "$MLWB_RUN_DIR/preds.csv"`
	r := launch(t, p, s, LaunchOptions{Command: []string{"sh", "-c", good}})
	r = waitEnd(t, s, r.ID, 60*time.Second)
	if r.Status != store.StatusFinished {
		t.Fatalf("run %s: %q", r.Status, r.Note)
	}
	reps, err := s.Evaluations(context.Background(), r.ID) // stored before the end is
	if err != nil {
		t.Fatal(err)
	}
	var rep eval.Report
	if err := json.Unmarshal(reps[eval.KindClassification], &rep); err != nil || rep.Classification == nil {
		t.Fatalf("stored evaluations %v: %v", reps, err)
	}
	if c := rep.Classification; c.Accuracy != 0.8 || c.Confusion[0][1] != 1 || c.Confusion[1][0] != 0 {
		t.Fatalf("accuracy %v, confusion %v", c.Accuracy, c.Confusion)
	}
	sums, err := s.Summaries(context.Background(), []int64{r.ID})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, sm := range sums[r.ID] {
		got[sm.Key] = sm.Last
	}
	if got["eval/accuracy"] != 0.8 || got["eval/macro_f1"] < 0.8-1e-12 || got["eval/macro_f1"] > 0.8+1e-12 {
		t.Fatalf("eval metrics %v", got)
	}

	bad := `printf 'truth,y_pred\na,a\n"b,b\n' > "$MLWB_RUN_DIR/preds.csv"`
	r = launch(t, p, s, LaunchOptions{Command: []string{"sh", "-c", bad}})
	r = waitEnd(t, s, r.ID, 60*time.Second)
	if r.Status != store.StatusFinished || !strings.Contains(r.Note, "preds.csv") || !strings.Contains(r.Note, "line 3") {
		t.Fatalf("bad predictions: status %s, note %q", r.Status, r.Note)
	}
}

// TestEvaluateRunScoreFromConfig: eval.score in mlwb.yaml names the score column, so the run's
// evaluation has its ROC AUC (it said n/a unless the column was called score or p_1). Four rows:
// positives scored 0.9 and 0.4, negatives 0.35 and 0.1 — every positive above every negative, so
// the AUC is 1.
func TestEvaluateRunScoreFromConfig(t *testing.T) {
	_, s := newProject(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "preds.csv"), []byte("y_true,y_pred,p1\n1,1,0.9\n1,0,0.4\n0,0,0.35\n0,0,0.1\n"), 0o644)
	r := &store.Run{Name: "scored", Status: store.StatusRunning, LogPath: filepath.Join(dir, "output.log")}
	if err := s.CreateRun(context.Background(), r, nil, nil); err != nil {
		t.Fatal(err)
	}
	spec := project.EvalSpec{Predictions: "preds.csv", Score: "p1"}
	if _, err := EvaluateRun(context.Background(), s, r, spec, store.StatusFinished); err != nil {
		t.Fatal(err)
	}
	reps, err := s.Evaluations(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rep eval.Report
	if err := json.Unmarshal(reps[eval.KindClassification], &rep); err != nil || rep.Classification == nil {
		t.Fatalf("stored %v: %v", reps, err)
	}
	if v := rep.Classification.ROCAUC; v.Value == nil || *v.Value != 1 {
		t.Fatalf("ROC AUC %+v, want 1", v)
	}
}

// TestRunsDirOption: LaunchOptions.Home puts the run's directory (log, artifacts) in that project — a
// rerun in a throwaway checkout keeps its run with the project's others — and the run's output
// lands in that log.
func TestRunsDirOption(t *testing.T) {
	p, s := newProject(t)
	home, err := project.Discover(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(home.StateDir(), "runs")
	r := launch(t, p, s, LaunchOptions{Command: []string{"sh", "-c", "echo loss=0.5"}, Home: home})
	r = waitEnd(t, s, r.ID, 60*time.Second)
	if !strings.HasPrefix(r.LogPath, keep+string(os.PathSeparator)) || !strings.HasPrefix(r.ArtifactDir, keep) {
		t.Fatalf("log %s, artifacts %s: not under %s", r.LogPath, r.ArtifactDir, keep)
	}
	if b, err := os.ReadFile(r.LogPath); err != nil || !strings.Contains(string(b), "loss=0.5") {
		t.Fatalf("log: %q %v", b, err)
	}
}
