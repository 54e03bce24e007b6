package eval

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestRegressionEdgeCases(t *testing.T) {
	// A perfect fit of a constant: R² is 1.
	g := evalText(t, "y_true,y_pred\n3,3\n3,3\n", Options{Kind: KindRegression}).Regression
	if g.R2 != 1 || g.MAE != 0 || g.MaxError != 0 {
		t.Errorf("perfect constant fit: %+v", g)
	}
	// One value: all residuals equal, numpy's histogram spans it ±0.5 in one bin.
	g = evalText(t, "y_true,y_pred\n2,1.5\n", Options{Kind: KindRegression}).Regression
	if !reflect.DeepEqual(g.Residuals, Histogram{Edges: []float64{0, 1}, Counts: []int64{1}}) {
		t.Errorf("histogram of one residual: %+v", g.Residuals)
	}
	// Hand-checked numbers: residuals 1, -1, 2, 0.
	g = evalText(t, "y_true,y_pred\n1,0\n2,3\n4,2\n5,5\n", Options{Kind: KindRegression}).Regression
	// mean 3, SS_tot 4+1+1+4 = 10, SS_res 1+1+4 = 6.
	if g.MAE != 1 || g.MSE != 1.5 || g.RMSE != math.Sqrt(1.5) || g.MaxError != 2 || math.Abs(g.R2-0.4) > 1e-15 {
		t.Errorf("metrics %+v", g)
	}
	if !reflect.DeepEqual(g.Residuals.Counts, []int64{1, 1, 2}) || !reflect.DeepEqual(g.Residuals.Edges, []float64{-1, 0, 1, 2}) {
		t.Errorf("histogram %+v", g.Residuals)
	}
}

func TestRegressionOverflowIsAnError(t *testing.T) {
	p, err := Decode(strings.NewReader("y_true,y_pred\n1e308,-1e308\n0,0\n"), "big.csv", Options{Kind: KindRegression})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Evaluate(p, Options{Kind: KindRegression}); err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Fatalf("error %v, want an overflow", err)
	}
}

func TestSturges(t *testing.T) {
	for n, want := range map[int]int{0: 1, 1: 1, 2: 2, 3: 3, 4: 3, 5: 4, 25: 6, 200: 9, 1024: 11, 1025: 12} {
		if got := sturges(n); got != want {
			t.Errorf("sturges(%d) = %d, want %d", n, got, want)
		}
	}
}
