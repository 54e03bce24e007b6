package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/stages/runs/eval"
	"github.com/mlwb/mlwb/store"
)

// runEval runs `mlwb eval args...` in a temp working directory with the given store.
func runEval(t *testing.T, db string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	t.Chdir(t.TempDir())
	cmd := newEvalCmd(&globals{db: db})
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), errb.String(), err
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "stages", "runs", "eval", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEvalVerbPrintsAndStores(t *testing.T) {
	db := filepath.Join(t.TempDir(), "state.db")
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	r := &store.Run{Name: "wine", Command: []string{"mlwb", "demo-train"}}
	if err := s.CreateRun(context.Background(), r, nil, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()

	out, errOut, err := runEval(t, db, "", fixture(t, "wine_multiclass.csv"), "--run", "wine")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"classification of 53 rows, 3 classes", "accuracy", "confusion matrix", "class_2"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, fmt.Sprintf("saved the classification evaluation on run %d", r.ID)) {
		t.Errorf("stderr %q", errOut)
	}
	s, err = store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs, err := s.Evaluations(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rep eval.Report
	if err := json.Unmarshal(evs[eval.KindClassification], &rep); err != nil {
		t.Fatalf("stored report %q: %v", evs, err)
	}
	if rep.Rows != 53 || rep.Classification == nil || len(rep.Classification.Confusion) != 3 {
		t.Errorf("stored report %+v", rep)
	}
}

func TestEvalVerbJSONAndStdin(t *testing.T) {
	in, err := os.ReadFile(fixture(t, "regression.csv"))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := runEval(t, "", string(in), "-", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep eval.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json output %q: %v", out, err)
	}
	if rep.Kind != eval.KindRegression || rep.Source != "stdin" || rep.Rows != 200 {
		t.Errorf("report %+v", rep)
	}
}

func TestEvalVerbBadInput(t *testing.T) {
	scores := fixture(t, "binary_scores.csv") // before runEval changes directory
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("y_true,y_pred,p_a\na,a,0.5\nb,b,zero\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{bad}, "bad.csv line 3, column p_a: not a number: \"zero\""},
		{[]string{bad, "--label", "gold"}, `missing column: "gold"`},
		{[]string{bad, "--regression", "--classification"}, "exclude each other"},
		{[]string{filepath.Join(t.TempDir(), "none.csv")}, "no such file"},
	} {
		_, _, err := runEval(t, "", "", tc.args...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("eval %q: %v, want exit 2 with %q", tc.args, err, tc.want)
		}
	}
	// A run that does not exist.
	db := filepath.Join(t.TempDir(), "state.db")
	if _, _, err := runEval(t, db, "", scores, "--run", "99"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("--run 99: %v, want not found", err)
	}
}
