package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
)

// diffProject is a git project with two commits and a run on each (the first on a dirty tree),
// the working directory moved there.
func diffProject(t *testing.T) (dir string, s *store.Store, c1, c2 string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command to build the repository")
	}
	dir = t.TempDir()
	t.Chdir(dir)
	git(t, dir, "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(dir, "params.yaml"), []byte("lr: 0.1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "train.py"), []byte("print('a')\n"), 0o644)
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "first")
	c1 = revParse(t, dir)
	os.WriteFile(filepath.Join(dir, "train.py"), []byte("print('a')\nprint('dirty')\n"), 0o644)
	patch, err := versions.Patch(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "params.yaml"), []byte("lr: 0.3\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "train.py"), []byte("print('b')\n"), 0o644)
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "second")
	c2 = revParse(t, dir)

	os.MkdirAll(filepath.Join(dir, ".mlwb"), 0o755)
	os.WriteFile(filepath.Join(dir, ".mlwb", ".gitignore"), []byte("*\n"), 0o644)
	s, err = store.Open(filepath.Join(dir, ".mlwb", "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	for _, r := range []struct {
		name, commit, patch, lr string
		loss                    float64
	}{{"one", c1, patch, "0.1", 0.5}, {"two", c2, "", "0.3", 0.25}} {
		run := &store.Run{Name: r.name, Status: store.StatusFinished, GitCommit: r.commit, GitPatch: r.patch,
			Command: []string{"python", "train.py"}}
		if err := s.CreateRun(ctx, run, map[string]string{"lr": r.lr}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.WriteMetrics(ctx, []store.Point{{RunID: run.ID, Key: "val_loss", Value: r.loss}}); err != nil {
			t.Fatal(err)
		}
	}
	return dir, s, c1, c2
}

func revParse(t *testing.T, dir string) string {
	t.Helper()
	out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func TestDiffCLI(t *testing.T) {
	_, _, c1, c2 := diffProject(t)
	out, err := mlwbCmd(t, "diff", "#1", "#2", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var d struct {
		Files []struct {
			Path           string
			Added, Deleted int
		}
		Params  []struct{ Key, Status string }
		Metrics []struct {
			Key         string
			A, B, Delta *float64
			Better      string
		}
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// Run one ran "print('a')\nprint('dirty')"; run two "print('b')": 1 added, 2 deleted.
	files := map[string][2]int{}
	for _, f := range d.Files {
		files[f.Path] = [2]int{f.Added, f.Deleted}
	}
	if files["train.py"] != [2]int{1, 2} || files["params.yaml"] != [2]int{1, 1} {
		t.Errorf("files %+v", d.Files)
	}
	if len(d.Params) != 1 || d.Params[0].Key != "lr" || d.Params[0].Status != "changed" {
		t.Errorf("params %+v", d.Params)
	}
	if len(d.Metrics) != 1 || *d.Metrics[0].Delta != -0.25 || d.Metrics[0].Better != "b" {
		t.Errorf("metrics %+v", d.Metrics)
	}

	// Commits by hash, Markdown; and a patch that git itself accepts.
	md, err := mlwbCmd(t, "diff", c1, c2, "--md")
	if err != nil || !strings.Contains(md, "| `train.py` | modified | 1 | 1 |") {
		t.Errorf("--md: %v\n%s", err, md)
	}
	patch, err := mlwbCmd(t, "diff", c2, c1, "--patch")
	if err != nil {
		t.Fatalf("%v\n%s", err, patch)
	}
	dir, _ := os.Getwd()
	check := exec.Command("git", "-C", dir, "apply", "--check", "-")
	check.Stdin = strings.NewReader(patch)
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("git apply --check refuses our patch: %v\n%s\n%s", err, out, patch)
	}
	if _, err := mlwbCmd(t, "diff", "nope", c1); err == nil {
		t.Error("unknown side: no error")
	}

	// compare, log with runs, the params history, and checkout of the dirty run.
	cmp, err := mlwbCmd(t, "compare", "1", "2")
	if err != nil || !strings.Contains(cmp, "0.25 *") {
		t.Errorf("compare: %v\n%s", err, cmp)
	}
	log, err := mlwbCmd(t, "log")
	if err != nil || !strings.Contains(log, c2[:7]) || !strings.Contains(log, "(main) second") {
		t.Errorf("log: %v\n%s", err, log)
	}
	hist, err := mlwbCmd(t, "log", "--param", "params.yaml:lr")
	if err != nil || !strings.Contains(hist, "0.1 → 0.3") {
		t.Errorf("log --param: %v\n%s", err, hist)
	}
	if none, err := mlwbCmd(t, "log", "--param", "nofile.yaml:lr"); err != nil || !strings.Contains(none, "no commit setting lr in nofile.yaml") {
		t.Errorf("log --param of a file never committed: %v\n%s", err, none)
	}
	co, err := mlwbCmd(t, "checkout", "1")
	if err != nil {
		t.Fatalf("checkout: %v\n%s", err, co)
	}
	restored := strings.TrimSpace(strings.Split(co, "\n")[0])
	if got, _ := os.ReadFile(filepath.Join(restored, "train.py")); string(got) != "print('a')\nprint('dirty')\n" {
		t.Errorf("restored train.py %q", got)
	}
}
