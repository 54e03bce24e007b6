package runs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/runs/eval"
	"github.com/mlwb/mlwb/store"
)

// EvaluateRun evaluates the predictions file mlwb.yaml names (eval.predictions, relative to the
// run's directory, else to its artifact directory) once the run has ended, stores the report with
// the run, and records its headline numbers as eval/ metrics so they sort, filter and diff like
// any other metric. It reports what happened in a line for the supervisor's log; a run with no
// eval section, or a failed run that wrote no file, is left alone.
func EvaluateRun(ctx context.Context, s *store.Store, r *store.Run, spec project.EvalSpec, status string) (string, error) {
	if spec.Predictions == "" {
		return "", nil
	}
	path := spec.Predictions
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(r.LogPath), spec.Predictions)
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && r.ArtifactDir != "" {
			if alt := filepath.Join(r.ArtifactDir, spec.Predictions); fileExists(alt) {
				path = alt
			}
		}
	}
	if !fileExists(path) {
		if status != store.StatusFinished {
			return "", nil
		}
		return "", fmt.Errorf("evaluation: the run wrote no %s (eval.predictions in mlwb.yaml)", spec.Predictions)
	}
	rep, err := eval.FromFile(path, eval.Options{Label: spec.Label, Prediction: spec.Prediction, Score: spec.Score,
		ProbPrefix: spec.ProbabilityPrefix, Positive: spec.Positive})
	if err != nil {
		return "", fmt.Errorf("evaluation: %w", err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return "", fmt.Errorf("evaluation: encode: %w", err)
	}
	if err := s.SaveEvaluation(ctx, r.ID, rep.Kind, b); err != nil {
		return "", fmt.Errorf("evaluation: %w", err)
	}
	if err := s.WriteMetrics(ctx, headlineMetrics(r.ID, rep)); err != nil {
		return "", fmt.Errorf("evaluation metrics: %w", err)
	}
	return fmt.Sprintf("evaluated %s: %s of %d rows", path, rep.Kind, rep.Rows), nil
}

// headlineMetrics are the numbers of a report worth ranking runs by.
func headlineMetrics(runID int64, rep *eval.Report) []store.Point {
	var pts []store.Point
	now := time.Now().UnixMilli()
	add := func(key string, v float64) {
		pts = append(pts, store.Point{RunID: runID, Key: "eval/" + key, Time: now, Value: v})
	}
	maybe := func(key string, m eval.Maybe) {
		if v, ok := m.Get(); ok {
			add(key, v)
		}
	}
	if c := rep.Classification; c != nil {
		add("accuracy", c.Accuracy)
		add("macro_f1", c.Macro.F1)
		add("weighted_f1", c.Weighted.F1)
		maybe("roc_auc", c.ROCAUC)
		maybe("pr_auc", c.PRAUC)
		maybe("log_loss", c.LogLoss)
	}
	if g := rep.Regression; g != nil {
		add("mae", g.MAE)
		add("rmse", g.RMSE)
		add("r2", g.R2)
		add("max_error", g.MaxError)
	}
	return pts
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
