package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mlrunsTree writes a one-experiment MLflow file store (two runs) into dir/mlruns.
func mlrunsTree(t *testing.T, dir string) string {
	t.Helper()
	root := filepath.Join(dir, "mlruns")
	files := map[string]string{
		"1/meta.yaml": "artifact_location: file:///x/mlruns/1\ncreation_time: 1700000000000\nexperiment_id: '1'\n" +
			"last_update_time: 1700000000000\nlifecycle_stage: active\nname: imported\n",
		"1/aaaa0000aaaa0000aaaa0000aaaa0000/meta.yaml": "end_time: 1700000060000\nexperiment_id: '1'\nlifecycle_stage: active\n" +
			"run_id: aaaa0000aaaa0000aaaa0000aaaa0000\nrun_name: first\nrun_uuid: aaaa0000aaaa0000aaaa0000aaaa0000\n" +
			"start_time: 1700000000000\nstatus: 3\ntags: []\nuser_id: alice\n",
		"1/aaaa0000aaaa0000aaaa0000aaaa0000/metrics/val/acc": "1700000001000 0.5 0\n1700000002000 0.75 1\n",
		"1/aaaa0000aaaa0000aaaa0000aaaa0000/params/lr":       "0.3",
		"1/bbbb0000bbbb0000bbbb0000bbbb0000/meta.yaml": "end_time: null\nexperiment_id: '1'\nlifecycle_stage: active\n" +
			"run_id: bbbb0000bbbb0000bbbb0000bbbb0000\nrun_name: second\nrun_uuid: bbbb0000bbbb0000bbbb0000bbbb0000\n" +
			"start_time: 1700000100000\nstatus: 4\ntags: []\nuser_id: alice\n",
		"1/bbbb0000bbbb0000bbbb0000bbbb0000/metrics/loss": "1700000101000 1.5 0\n",
	}
	for rel, content := range files {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestImportMLflowCmd(t *testing.T) {
	dir, s := runsProject(t)
	src := mlrunsTree(t, t.TempDir())

	out, err := mlwbCmd(t, "import", "mlflow", src, "--json")
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	var sum struct {
		Kind     string `json:"kind"`
		Created  int    `json:"experiments_created"`
		Imported int    `json:"runs_imported"`
		Skipped  int    `json:"runs_skipped"`
		Failed   int    `json:"runs_failed"`
		Points   int    `json:"points"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if sum.Kind != "file" || sum.Created != 1 || sum.Imported != 2 || sum.Skipped != 0 || sum.Failed != 0 || sum.Points != 3 {
		t.Errorf("summary %+v", sum)
	}
	if names := lsNames(t); strings.Join(names, ",") != "second,first,final,tuned,base" {
		t.Errorf("runs after import: %v", names)
	}
	show, err := mlwbCmd(t, "runs", "show", "first", "--json")
	if err != nil || !strings.Contains(show, `"lr": "0.3"`) || !strings.Contains(show, "val/acc") {
		t.Errorf("runs show first: %v\n%s", err, show)
	}

	// Again, as text: everything is already here.
	out, err = mlwbCmd(t, "import", "mlflow", filepath.Dir(src))
	if err != nil || !strings.Contains(out, "0 imported (0 deleted), 2 already here, 0 failed") {
		t.Errorf("second import: %v\n%s", err, out)
	}

	// A bad run fails the command, names the file and line, and the good one still comes in.
	bad := filepath.Join(src, "1", "cccc0000cccc0000cccc0000cccc0000")
	meta, _ := os.ReadFile(filepath.Join(src, "1", "aaaa0000aaaa0000aaaa0000aaaa0000", "meta.yaml"))
	os.MkdirAll(filepath.Join(bad, "metrics"), 0o755)
	os.WriteFile(filepath.Join(bad, "meta.yaml"), []byte(strings.ReplaceAll(string(meta), "aaaa", "cccc")), 0o644)
	os.WriteFile(filepath.Join(bad, "metrics", "loss"), []byte("1 0.5 0\noops\n"), 0o644)
	out, err = mlwbCmd(t, "import", "mlflow", src)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(out, filepath.Join("metrics", "loss")+":2:") {
		t.Errorf("bad run: %v\n%s", err, out)
	}
	if _, err := s.LookupRun(t.Context(), "cccc0000cccc0000cccc0000cccc0000"); err == nil {
		t.Error("the bad run was imported")
	}

	if _, err := mlwbCmd(t, "import", "mlflow", filepath.Join(dir, "nothing-here")); !errors.As(err, &ee) || ee.code != 2 {
		t.Errorf("missing source: %v", err)
	}
}
