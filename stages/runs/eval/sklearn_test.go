package eval

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The expected values in testdata/expected.json come from scikit-learn (see
// testdata/sklearn_expected.py, which also records the versions used).

// tol is the tolerance of every comparison with scikit-learn: the algorithms are exact, so the
// only differences are in the order of floating-point sums.
const tol = 1e-12

type expAverage struct{ Precision, Recall, F1 float64 }

type expCurve struct {
	FPR, TPR, Thresholds []float64
}

type expClassification struct {
	Labels                []string
	Accuracy              float64
	Precision, Recall, F1 []float64
	Support               []int64
	Confusion             [][]int64
	Macro, Weighted       expAverage
	Positive              string
	ROCAUC                json.RawMessage    `json:"roc_auc"` // a number or {"undefined": why}
	PRAUC                 float64            `json:"pr_auc"`
	PRAUCSklearnMacro     *float64           `json:"pr_auc_sklearn_macro"`
	LogLoss               float64            `json:"log_loss"`
	ROC                   json.RawMessage    `json:"roc"` // a curve, or one per class
	PerClassROCAUC        map[string]float64 `json:"per_class_roc_auc"`
	PerClassPRAUC         map[string]float64 `json:"per_class_pr_auc"`
}

type expRegression struct {
	MAE, MSE, RMSE, R2 float64
	MaxError           float64 `json:"max_error"`
	Bins               int
	HistCounts         []int64   `json:"hist_counts"`
	HistEdges          []float64 `json:"hist_edges"`
}

func loadExpected(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= tol*max(1, math.Abs(a), math.Abs(b))
}

func checkClose(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !near(got, want) {
		t.Errorf("%s = %.17g, sklearn %.17g (diff %.3g)", what, got, want, got-want)
	}
}

func checkCloseAll(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s has %d values, sklearn %d:\n got %v\nwant %v", what, len(got), len(want), got, want)
		return
	}
	for i := range got {
		if !near(got[i], want[i]) {
			t.Errorf("%s[%d] = %.17g, sklearn %.17g", what, i, got[i], want[i])
		}
	}
}

func checkMaybe(t *testing.T, what string, got Maybe, want json.RawMessage) {
	t.Helper()
	var v float64
	if err := json.Unmarshal(want, &v); err != nil {
		// sklearn raised: the metric must be absent, with a reason.
		if x, ok := got.Get(); ok || got.Reason == "" {
			t.Errorf("%s = %v (defined %v, reason %q); sklearn: %s", what, x, ok, got.Reason, want)
		}
		return
	}
	x, ok := got.Get()
	if !ok {
		t.Errorf("%s undefined (%s); sklearn %v", what, got.Reason, v)
		return
	}
	checkClose(t, what, x, v)
}

func checkCurve(t *testing.T, what string, got Curve, want expCurve) {
	t.Helper()
	var fpr, tpr, thr []float64
	for i, p := range got.Points {
		fpr, tpr = append(fpr, p.FPR), append(tpr, p.TPR)
		if i == 0 {
			if p.Threshold != nil {
				t.Errorf("%s: the first point has threshold %v, want none", what, *p.Threshold)
			}
			continue
		}
		thr = append(thr, *p.Threshold)
	}
	checkCloseAll(t, what+" fpr", fpr, want.FPR)
	checkCloseAll(t, what+" tpr", tpr, want.TPR)
	checkCloseAll(t, what+" thresholds", thr, want.Thresholds)
}

func TestClassificationMatchesSklearn(t *testing.T) {
	exp := loadExpected(t)
	cases := []struct {
		name, file string
		opts       Options
	}{
		{"binary_scores", "binary_scores.csv", Options{}},
		{"binary_strings", "binary_strings.csv", Options{Label: "label", Prediction: "guess"}},
		{"binary_one_class", "binary_one_class.csv", Options{}},
		{"wine_multiclass", "wine_multiclass.csv", Options{}},
		{"wine_multiclass", "wine_multiclass.jsonl", Options{}},
		{"multiclass_ties", "multiclass_ties.csv", Options{}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			var want expClassification
			if err := json.Unmarshal(exp[tc.name], &want); err != nil {
				t.Fatal(err)
			}
			r, err := FromFile(filepath.Join("testdata", tc.file), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Kind != KindClassification || r.Classification == nil {
				t.Fatalf("kind %q, want classification", r.Kind)
			}
			c := r.Classification
			if !reflect.DeepEqual(c.Labels, want.Labels) {
				t.Fatalf("labels %q, sklearn %q", c.Labels, want.Labels)
			}
			if !reflect.DeepEqual(c.Confusion, want.Confusion) {
				t.Errorf("confusion %v, sklearn %v", c.Confusion, want.Confusion)
			}
			checkClose(t, "accuracy", c.Accuracy, want.Accuracy)
			var p, rc, f []float64
			var sup []int64
			for _, m := range c.Classes {
				p, rc, f, sup = append(p, m.Precision), append(rc, m.Recall), append(f, m.F1), append(sup, m.Support)
			}
			checkCloseAll(t, "precision", p, want.Precision)
			checkCloseAll(t, "recall", rc, want.Recall)
			checkCloseAll(t, "f1", f, want.F1)
			if !reflect.DeepEqual(sup, want.Support) {
				t.Errorf("support %v, sklearn %v", sup, want.Support)
			}
			for _, a := range []struct {
				name      string
				got, want any
			}{{"macro", c.Macro, want.Macro}, {"weighted", c.Weighted, want.Weighted}} {
				g, w := a.got.(Average), a.want.(expAverage)
				checkClose(t, a.name+" precision", g.Precision, w.Precision)
				checkClose(t, a.name+" recall", g.Recall, w.Recall)
				checkClose(t, a.name+" f1", g.F1, w.F1)
			}
			checkMaybe(t, "roc_auc", c.ROCAUC, want.ROCAUC)
			checkMaybe(t, "pr_auc", c.PRAUC, mustJSON(want.PRAUC))
			checkMaybe(t, "log_loss", c.LogLoss, mustJSON(want.LogLoss))
			if want.PRAUCSklearnMacro != nil {
				checkClose(t, "pr_auc (sklearn's multiclass macro)", *c.PRAUC.Value, *want.PRAUCSklearnMacro)
			}
			if want.Positive != "" { // binary
				if c.Positive != want.Positive {
					t.Errorf("positive %q, want %q", c.Positive, want.Positive)
				}
				if len(want.ROC) == 0 {
					if len(c.ROC) != 0 {
						t.Errorf("a ROC curve where AUC is undefined: %v", c.ROC)
					}
					return
				}
				var wc expCurve
				json.Unmarshal(want.ROC, &wc)
				if len(c.ROC) != 1 {
					t.Fatalf("%d ROC curves, want 1", len(c.ROC))
				}
				checkCurve(t, "roc", c.ROC[0], wc)
				return
			}
			var wcs map[string]expCurve
			json.Unmarshal(want.ROC, &wcs)
			if len(c.ROC) != len(wcs) {
				t.Errorf("%d ROC curves, want %d", len(c.ROC), len(wcs))
			}
			for _, cv := range c.ROC {
				checkCurve(t, "roc "+cv.Class, cv, wcs[cv.Class])
			}
			for _, m := range c.Classes {
				if w, ok := want.PerClassROCAUC[m.Label]; ok {
					checkMaybe(t, "roc_auc of "+m.Label, m.ROCAUC, mustJSON(w))
					checkMaybe(t, "pr_auc of "+m.Label, m.PRAUC, mustJSON(want.PerClassPRAUC[m.Label]))
				} else if m.ROCAUC != (Maybe{}) {
					t.Errorf("class %s has ROC AUC %+v without a probability column", m.Label, m.ROCAUC)
				}
			}
		})
	}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestRegressionMatchesSklearn(t *testing.T) {
	exp := loadExpected(t)
	for _, name := range []string{"regression", "regression_constant"} {
		t.Run(name, func(t *testing.T) {
			var want expRegression
			if err := json.Unmarshal(exp[name], &want); err != nil {
				t.Fatal(err)
			}
			r, err := FromFile(filepath.Join("testdata", name+".csv"), Options{Kind: KindRegression})
			if err != nil {
				t.Fatal(err)
			}
			g := r.Regression
			checkClose(t, "mae", g.MAE, want.MAE)
			checkClose(t, "mse", g.MSE, want.MSE)
			checkClose(t, "rmse", g.RMSE, want.RMSE)
			checkClose(t, "r2", g.R2, want.R2)
			checkClose(t, "max_error", g.MaxError, want.MaxError)
			if len(g.Residuals.Counts) != want.Bins {
				t.Errorf("%d bins, want %d", len(g.Residuals.Counts), want.Bins)
			}
			if !reflect.DeepEqual(g.Residuals.Counts, want.HistCounts) {
				t.Errorf("residual counts %v, numpy %v", g.Residuals.Counts, want.HistCounts)
			}
			// numpy's edges are computed the same way: they must be the same float64s.
			if !reflect.DeepEqual(g.Residuals.Edges, want.HistEdges) {
				t.Errorf("residual edges %v, numpy %v", g.Residuals.Edges, want.HistEdges)
			}
		})
	}
}
