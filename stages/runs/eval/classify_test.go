package eval

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func evalText(t *testing.T, text string, opts Options) *Report {
	t.Helper()
	p, err := Decode(strings.NewReader(text), "t.csv", opts)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Evaluate(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatalf("the report does not encode: %v", err)
	}
	return r
}

func TestOneClassEverywhere(t *testing.T) {
	r := evalText(t, "y_true,y_pred,score\n1,1,0.4\n1,1,0.9\n", Options{})
	c := r.Classification
	if c.Accuracy != 1 || len(c.Labels) != 1 || c.Macro.F1 != 1 {
		t.Fatalf("classification %+v", c)
	}
	for name, m := range map[string]Maybe{"roc_auc": c.ROCAUC, "pr_auc": c.PRAUC, "log_loss": c.LogLoss} {
		if _, ok := m.Get(); ok || !strings.Contains(m.Reason, "only one class") {
			t.Errorf("%s = %+v, want undefined: only one class", name, m)
		}
	}
	if !strings.Contains(r.Text(), "n/a  (only one class (1) in the file)") {
		t.Errorf("text:\n%s", r.Text())
	}
}

func TestZeroDivisionIsZero(t *testing.T) {
	// b is never predicted, c never true: their precision, recall and F1 are 0 by convention.
	r := evalText(t, "y_true,y_pred\na,a\nb,a\nb,c\na,a\n", Options{})
	c := r.Classification
	want := []ClassMetrics{
		{Label: "a", Precision: 2.0 / 3, Recall: 1, F1: 0.8, Support: 2, Predicted: 3},
		{Label: "b", Support: 2},
		{Label: "c", Predicted: 1},
	}
	if !reflect.DeepEqual(c.Classes, want) {
		t.Fatalf("classes %+v\nwant %+v", c.Classes, want)
	}
	if len(r.Notes) != 2 || !strings.Contains(r.Notes[0], "never predicted: b") || !strings.Contains(r.Notes[1], "absent from y_true: c") {
		t.Errorf("notes %q", r.Notes)
	}
	if c.Confusion[1][2] != 1 || c.Confusion[2][2] != 0 {
		t.Errorf("confusion %v", c.Confusion)
	}
	if why := c.ROCAUC.Reason; !strings.Contains(why, "no probability columns") {
		t.Errorf("roc_auc reason %q", why)
	}
}

func TestNumericLabelsAreOneClassWhateverTheirSpelling(t *testing.T) {
	r := evalText(t, "y_true,y_pred,p_1,p_2.0,p_10\n1.0,1,0.5,0.25,0.25\n10,1e1,0,0,1\n2,2,0,1,0\n", Options{})
	c := r.Classification
	if strings.Join(c.Labels, " ") != "1 2 10" || c.Accuracy != 1 {
		t.Fatalf("labels %q (numeric order), accuracy %v", c.Labels, c.Accuracy)
	}
	if v, ok := c.LogLoss.Get(); !ok || math.Abs(v-math.Log(2)/3) > 1e-15 {
		t.Errorf("log loss %+v, want ln(2)/3", c.LogLoss)
	}
}

func TestBinaryPositiveClass(t *testing.T) {
	const in = "y_true,y_pred,score\n0,0,0.1\n0,1,0.6\n1,1,0.7\n1,0,0.4\n1,1,0.9\n0,0,0.4\n"
	def := evalText(t, in, Options{}).Classification
	one := evalText(t, in, Options{Positive: "1"}).Classification
	zero := evalText(t, in, Options{Positive: "0"}).Classification
	a1, _ := def.ROCAUC.Get()
	a0, _ := zero.ROCAUC.Get()
	if def.Positive != "1" || one.Positive != "1" || !reflect.DeepEqual(def.ROCAUC, one.ROCAUC) {
		t.Errorf("default positive %q, explicit 1 %q", def.Positive, one.Positive)
	}
	// The Mann-Whitney count: of 9 positive-negative pairs, 7 ordered right and 1 tie (0.4).
	if math.Abs(a1-7.5/9) > 1e-15 || math.Abs(a0-(1-a1)) > 1e-15 {
		t.Errorf("AUC with positive 1 = %v (want 7.5/9), with positive 0 = %v (want 1 - that)", a1, a0)
	}
	for _, bad := range []string{"2", "yes"} {
		p, _ := Decode(strings.NewReader(in), "t.csv", Options{})
		if _, err := Evaluate(p, Options{Positive: bad}); err == nil || !strings.Contains(err.Error(), "not a class") {
			t.Errorf("positive %q: %v", bad, err)
		}
	}
	p, _ := Decode(strings.NewReader("y_true,y_pred\na,b\nc,a\n"), "t.csv", Options{})
	if _, err := Evaluate(p, Options{Positive: "a"}); err == nil || !strings.Contains(err.Error(), "two-class") {
		t.Errorf("positive on three classes: %v", err)
	}
	// A positive class the file never shows makes it a two-class problem of one class.
	r := evalText(t, "y_true,y_pred,score\nno,no,0.2\n", Options{Positive: "yes"}).Classification
	if r.Positive != "yes" || r.ROCAUC.Value != nil || !strings.Contains(r.PRAUC.Reason, "no rows of class yes") {
		t.Errorf("unseen positive: %+v", r)
	}
}

func TestScoresThatAreNoProbabilities(t *testing.T) {
	c := evalText(t, "y_true,y_pred,score\n0,0,-2.5\n1,1,3\n1,0,-1\n", Options{}).Classification
	if v, ok := c.ROCAUC.Get(); !ok || v != 1 {
		t.Errorf("ROC AUC of a margin score = %+v, want 1", c.ROCAUC)
	}
	if c.LogLoss.Value != nil || !strings.Contains(c.LogLoss.Reason, "score is not a probability") {
		t.Errorf("log loss %+v, want undefined: not a probability", c.LogLoss)
	}
	c = evalText(t, "y_true,y_pred,p_a,p_b,p_c\na,a,2,0,0\nb,b,0,1,0\nc,c,0,0,1\n", Options{}).Classification
	if c.LogLoss.Value != nil || !strings.Contains(c.LogLoss.Reason, "p_a is not a probability") {
		t.Errorf("log loss %+v, want undefined", c.LogLoss)
	}
}

func TestMulticlassWithoutEveryColumn(t *testing.T) {
	// y_true has c, which has no probability column: sklearn refuses; so do the averages.
	c := evalText(t, "y_true,y_pred,p_a,p_b\na,a,0.75,0.25\nb,b,0.25,0.75\nc,a,0.5,0.5\n", Options{}).Classification
	for name, m := range map[string]Maybe{"roc_auc": c.ROCAUC, "pr_auc": c.PRAUC, "log_loss": c.LogLoss} {
		if m.Value != nil || !strings.Contains(m.Reason, "class c of y_true has no p_c column") {
			t.Errorf("%s = %+v", name, m)
		}
	}
	// A probability column of a class y_true lacks: its one-vs-rest AUC, and so the mean, is undefined.
	c = evalText(t, "y_true,y_pred,p_a,p_b,p_c\na,a,0.5,0.25,0.25\nb,b,0.25,0.5,0.25\nb,a,0.5,0.25,0.25\n", Options{}).Classification
	if c.ROCAUC.Value != nil || !strings.Contains(c.ROCAUC.Reason, "no rows of class c") {
		t.Errorf("roc_auc %+v", c.ROCAUC)
	}
	if _, ok := c.LogLoss.Get(); !ok {
		t.Errorf("log loss %+v, want defined", c.LogLoss)
	}
	if _, ok := c.Classes[0].ROCAUC.Get(); !ok {
		t.Errorf("class a's AUC %+v, want defined", c.Classes[0].ROCAUC)
	}
	// Two spellings of one class.
	p, _ := Decode(strings.NewReader("y_true,y_pred,p_1,p_1.0,p_2\n1,1,1,0,0\n2,2,0,0,1\n"), "t.csv", Options{})
	if _, err := Evaluate(p, Options{}); err == nil || !strings.Contains(err.Error(), "same class") {
		t.Errorf("p_1 and p_1.0: %v", err)
	}
}

func TestROCCurveThinnedForDrawing(t *testing.T) {
	var b strings.Builder
	b.WriteString("y_true,y_pred,score\n")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		y := rng.IntN(2)
		fmt.Fprintf(&b, "%d,%d,%.6f\n", y, y, float64(y)*0.3+rng.Float64())
	}
	c := evalText(t, b.String(), Options{}).Classification
	cv := c.ROC[0]
	n := len(cv.Points)
	if !cv.Thinned || n > maxCurvePoints+1 || n < maxCurvePoints/2 {
		t.Fatalf("%d points (thinned %v)", n, cv.Thinned)
	}
	if first, last := cv.Points[0], cv.Points[n-1]; first.FPR != 0 || first.TPR != 0 || last.FPR != 1 || last.TPR != 1 {
		t.Errorf("curve from %+v to %+v", first, last)
	}
	// The thinned curve's area is within the thinning step of the exact one.
	a, _ := c.ROCAUC.Get()
	if d := math.Abs(rocAUC(cv.Points) - a); d > 2.0/maxCurvePoints {
		t.Errorf("thinned area off by %v", d)
	}
}

func TestAutoDetectKind(t *testing.T) {
	rows := func(n int, f string) string {
		var b strings.Builder
		b.WriteString("y_true,y_pred\n")
		for i := range n {
			fmt.Fprintf(&b, f+","+f+"\n", i, i)
		}
		return b.String()
	}
	for _, tc := range []struct {
		text string
		opts Options
		want string
	}{
		{rows(21, "%d"), Options{}, KindRegression},
		{rows(20, "%d"), Options{}, KindClassification},
		{rows(21, "c%d"), Options{}, KindClassification},
		{rows(21, "%d"), Options{Kind: KindClassification}, KindClassification},
		{rows(5, "%d.5"), Options{Kind: KindRegression}, KindRegression},
		{rows(5, "%d.5"), Options{}, KindRegression},     // 0.5, 1.5…: continuous, as sklearn's type_of_target says
		{rows(5, "%d.0"), Options{}, KindClassification}, // 1.0, 2.0: whole, so classes
		{strings.Replace(strings.ReplaceAll(rows(21, "%d"), "\n", ",0.5\n"), "y_pred,0.5", "y_pred,score", 1), Options{}, KindClassification},
		{rows(30, "%d"), Options{MaxClasses: 10}, KindRegression},
	} {
		p, err := Decode(strings.NewReader(tc.text), "k.csv", tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Evaluate(p, tc.opts)
		if err != nil || r.Kind != tc.want {
			t.Errorf("%d rows with %+v: kind %v (%v), want %s", p.Rows(), tc.opts, r, err, tc.want)
		}
	}
	// Too many classes for a classification.
	p, _ := Decode(strings.NewReader(rows(30, "%d")), "k.csv", Options{MaxClasses: 10})
	if _, err := Evaluate(p, Options{Kind: KindClassification}); err == nil || !strings.Contains(err.Error(), "too many classes") {
		t.Errorf("classification of 30 classes over a limit of 10: %v", err)
	}
}

func TestReportJSONRoundTrip(t *testing.T) {
	r, err := FromFile("testdata/multiclass_ties.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*r, back) {
		t.Errorf("round trip changed the report:\n%s", b)
	}
	for _, key := range []string{`"kind":"classification"`, `"roc_auc":{"value":`, `"confusion":[[`, `"threshold":`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}
