package runs

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// TestRerunRunsTheRunsCode: a run made at one commit, rerun after the script changed and with a
// param overridden, runs the old script (its loss) with the new param (its lr), is tagged as a
// rerun and keeps its log with the project's runs; the working tree is untouched.
func TestRerunRunsTheRunsCode(t *testing.T) {
	dir, git, write := gitRepo(t, map[string]string{
		"mlwb.yaml": "name: t\ntrain:\n  command: sh train.sh {lr}\n  params: {lr: 0.1}\n",
		"train.sh":  `echo "loss=1 lr=$1"` + "\n",
	})
	p, s := projectAt(t, dir)
	first := waitEnd(t, s, launch(t, p, s, LaunchOptions{Name: "base"}).ID, 60*time.Second)

	write("train.sh", `echo "loss=2 lr=$1"`+"\n")
	git("commit", "-q", "-am", "two")
	t.Chdir(dir) // a relative --db: the supervisor, in the checkout, must still find this store
	rel, err := store.Open(filepath.Join(".mlwb", "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer rel.Close()
	r, code := rerun(t, s, RerunOptions{Run: first,
		LaunchOptions: LaunchOptions{Store: rel, Project: p, Name: "again", Params: map[string]string{"lr": "0.5"}}})
	ctx := context.Background()
	for key, want := range map[string]float64{"loss": 1, "lr": 0.5} {
		h, err := s.History(ctx, r.ID, key)
		if err != nil || len(h) != 1 || h[0].Value != want {
			t.Fatalf("rerun's %s: %+v %v, want %v (the first commit's script, the new param)", key, h, err, want)
		}
	}
	tags, err := s.Tags(ctx, []int64{r.ID})
	if err != nil || tags[r.ID]["mlwb.rerun_of"] != "1" || r.GitCommit != first.GitCommit {
		t.Fatalf("tags %v %v, commit %s (first %s)", tags, err, r.GitCommit, first.GitCommit)
	}
	if rel, err := filepath.Rel(p.StateDir(), r.LogPath); err != nil || filepath.Dir(filepath.Dir(rel)) != "runs" {
		t.Fatalf("log %s: not with the project's runs", r.LogPath)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "train.sh")); string(b) != `echo "loss=2 lr=$1"`+"\n" {
		t.Fatalf("working tree touched: %q", b)
	}
	if _, err := os.Stat(filepath.Join(code, "train.sh")); err != nil {
		t.Fatalf("restored code: %v", err)
	}
}

// TestRerunSameParamsSameCommand: rerun with the params the run had (as the Runs tab's form
// offers them) runs the run's own argv, not the project's template.
func TestRerunSameParamsSameCommand(t *testing.T) {
	dir, _, _ := gitRepo(t, map[string]string{"mlwb.yaml": "name: t\ntrain:\n  command: sh -c 'echo template=1'\n  params: {lr: 0.1}\n"})
	p, s := projectAt(t, dir)
	first := waitEnd(t, s, launch(t, p, s, LaunchOptions{Command: []string{"sh", "-c", "echo own=1"}, Params: map[string]string{"lr": "0.3"}}).ID, 60*time.Second)
	r, _ := rerun(t, s, RerunOptions{Run: first, LaunchOptions: LaunchOptions{Store: s, Project: p, Params: map[string]string{"lr": "0.3"}}})
	if h, err := s.History(context.Background(), r.ID, "own"); err != nil || len(h) != 1 {
		t.Fatalf("the rerun did not run its own command %q: %v %v", r.Command, h, err)
	}
}

// TestRerunOwnRunDir: a rerun that repeats its run's argv (no param changed) has that argv's
// {run_dir} pointing at its own directory, not the first run's (it wrote over the first run's
// predictions).
func TestRerunOwnRunDir(t *testing.T) {
	dir, _, _ := gitRepo(t, map[string]string{"mlwb.yaml": "name: t\ntrain:\n  command: sh -c 'echo done > \"$0/out.txt\"; echo loss=1' {run_dir}\n  params: {lr: 0.1}\n"})
	p, s := projectAt(t, dir)
	first := waitEnd(t, s, launch(t, p, s, LaunchOptions{}).ID, 60*time.Second)
	r, _ := rerun(t, s, RerunOptions{Run: first, LaunchOptions: LaunchOptions{Store: s, Project: p, Params: map[string]string{"lr": "0.1"}}})
	if _, err := os.Stat(filepath.Join(p.RunDir(r.UUID), "out.txt")); err != nil {
		t.Fatalf("the rerun did not write into its own run directory (command %q): %v", r.Command, err)
	}
}

// gitRepo is a git repository in a temp dir holding files, committed, with git (run in it) and
// write (a file in it) for later changes; the test is skipped without git.
func gitRepo(t *testing.T, files map[string]string) (dir string, git func(args ...string), write func(name, text string)) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir = t.TempDir()
	git = func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write = func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	write(".gitignore", ".mlwb/\n")
	for name, text := range files {
		write(name, text)
	}
	git("add", ".")
	git("commit", "-q", "-m", "one")
	return dir, git, write
}

// rerun is Rerun with this test binary as the supervisor; it waits for the new run to end and
// returns it as s recorded it, with the restored code's directory.
func rerun(t *testing.T, s *store.Store, o RerunOptions) (*store.Run, string) {
	t.Helper()
	o.Exe = os.Args[0]
	t.Setenv(roleEnv, "supervise")
	r, code, err := Rerun(context.Background(), o)
	os.Unsetenv(roleEnv)
	if err != nil {
		t.Fatal(err)
	}
	return waitEnd(t, s, r.ID, 60*time.Second), code
}
