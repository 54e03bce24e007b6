package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/store"
)

func runData(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := NewRoot(nil)
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(append([]string{"data"}, args...))
	err := root.Execute()
	return out.String(), err
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// TestDataProfileAndDiff: in a git project, profile stores the dataset version with its commit;
// diff reads the file at HEAD from git and compares it with the changed working copy.
func TestDataProfileAndDiff(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command to build the repository")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	git(t, dir, "init", "-q")
	os.WriteFile("mlwb.yaml", []byte("name: t\ndatasets:\n  - name: pets\n    path: d.csv\n    target: label\n"), 0o644)
	os.WriteFile("d.csv", []byte("label,w\ncat,1\ncat,2\ndog,3\n"), 0o644)
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-qm", "data")
	out, err := runData(t, "profile", "d.csv", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var p data.Profile
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.Rows != 3 || p.Target == nil || p.Target.Classes[0].Value != "cat" || p.Hash == "" {
		t.Fatalf("profile: %v %+v", err, p)
	}
	// A target that is not a column, given on the command line: an error naming the columns.
	_, err = runData(t, "profile", "d.csv", "--target", "lable", "--no-store")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), `d.csv has no column "lable" (--target); its columns: label, w`) {
		t.Fatalf("profile --target lable: %v", err)
	}
	s, err := store.Open(filepath.Join(dir, ".mlwb", "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	sums, err := s.ListDatasets(context.Background())
	s.Close()
	if err != nil || len(sums) != 1 || sums[0].Name != "pets" || sums[0].Latest.GitCommit == "" || sums[0].Latest.Rows != 3 {
		t.Fatalf("stored: %v %+v", err, sums)
	}

	os.WriteFile("d.csv", []byte("label,w\ncat,10\ndog,20\ndog,30\nbird,40\n"), 0o644)
	out, err = runData(t, "diff", "d.csv@HEAD", "d.csv", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var d data.Diff
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.RowsA != 3 || d.RowsB != 4 || len(d.Columns) != 2 {
		t.Fatalf("diff: %v %s", err, out)
	}
	if d.Columns[1].MeanDelta == nil || *d.Columns[1].MeanDelta != 23 {
		t.Errorf("w mean delta %v, want 25 - 2 = 23", d.Columns[1].MeanDelta)
	}
	if _, err := runData(t, "diff", "d.csv@nosuchrev", "d.csv"); err == nil || !strings.Contains(err.Error(), "nosuchrev") {
		t.Errorf("bad revision: %v", err)
	}
	if _, err := runData(t, "profile", "missing.csv"); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing file: %v", err)
	}
}
