package versions

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestPatch(t *testing.T) {
	needGit(t)
	dir, _, _ := committedRepo(t)
	ctx := context.Background()

	if p, err := Patch(ctx, dir); err != nil || p != "" {
		t.Fatalf("clean Patch = %q, %v; want empty", p, err)
	}

	write(t, dir, "train.py", "lr = 0.5\nprint(lr)\n")
	write(t, dir, "untracked.py", "x = 1\n")
	p, err := Patch(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"diff --git a/train.py b/train.py", "-lr = 0.1", "+lr = 0.5"} {
		if !strings.Contains(p, want) {
			t.Errorf("patch lacks %q:\n%s", want, p)
		}
	}
	if strings.Contains(p, "untracked.py") {
		t.Errorf("patch includes an untracked file:\n%s", p)
	}

	// The patch restores the change onto a clean checkout.
	git := gitPath()
	if out, err := exec.Command(git, "-C", dir, "checkout", "--", "train.py").CombinedOutput(); err != nil {
		t.Fatalf("git checkout: %v\n%s", err, out)
	}
	apply := exec.Command(git, "-C", dir, "apply", "-")
	apply.Stdin = strings.NewReader(p)
	if out, err := apply.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s", err, out)
	}
	if again, _ := Patch(ctx, dir); again != p {
		t.Fatalf("patch after apply differs:\n%s", again)
	}
}

func TestPatchEmptyRepo(t *testing.T) {
	needGit(t)
	dir, repo := newRepo(t)
	write(t, dir, "a.txt", "hello\n")
	wt, _ := repo.Worktree()
	if _, err := wt.Add("a.txt"); err != nil {
		t.Fatal(err)
	}
	p, err := Patch(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p, "new file mode") || !strings.Contains(p, "+hello") {
		t.Fatalf("patch in empty repo:\n%s", p)
	}
}

func TestPatchBinary(t *testing.T) {
	needGit(t)
	dir, repo, _ := committedRepo(t)
	write(t, dir, "w.bin", "\x00\x01\x02")
	commitAll(t, repo, "bin", "w.bin")
	write(t, dir, "w.bin", "\x00\x01\x03\xff")
	p, err := Patch(context.Background(), dir)
	if err != nil || !strings.Contains(p, "GIT binary patch") {
		t.Fatalf("Patch = %q, %v; want a binary patch", p, err)
	}
}

func TestPatchTimeout(t *testing.T) {
	needGit(t)
	dir, _, _ := committedRepo(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Patch(ctx, dir); !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v; want context.Canceled", err)
	}
}

// TestRunPatchUntracked: a run's patch takes the untracked files git does not ignore as new
// files (text and binary), leaves out one over the size limit (named, with its size) and ignored
// ones, does not touch the user's index, and a checkout of the commit plus the patch has them.
func TestRunPatchUntracked(t *testing.T) {
	needGit(t)
	dir, _, head := committedRepo(t) // its .gitignore has *.log
	commit := head.String()
	ctx := context.Background()
	write(t, dir, "train.py", "lr = 0.5\nprint(lr)\n")
	write(t, dir, "helper.py", "x = 1\n")
	write(t, dir, ":notes", "pathspec magic if not literal\n")
	write(t, dir, "blob.bin", "a\x00b")
	write(t, dir, "weights.ckpt", strings.Repeat("w", maxUntrackedFile+1))
	write(t, dir, "run.log", "ignored\n")
	write(t, dir, ".env", "API_KEY=hunter2\n")
	p, left, err := RunPatch(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"diff --git a/train.py", "diff --git a/helper.py b/helper.py\nnew file mode", "+x = 1", "diff --git a/blob.bin", "GIT binary patch"} {
		if !strings.Contains(p, want) {
			t.Errorf("patch lacks %q:\n%s", want, p)
		}
	}
	if strings.Contains(p, "weights.ckpt") || strings.Contains(p, "run.log") || strings.Contains(p, "hunter2") {
		t.Errorf("patch has the big or the ignored file:\n%.2000s", p)
	}
	if len(left) != 2 || left[0] != ".env (may hold secrets)" || left[1] != fmt.Sprintf("weights.ckpt (%d bytes)", maxUntrackedFile+1) {
		t.Errorf("left out %q", left)
	}
	if out, err := exec.Command(gitPath(), "-C", dir, "status", "--porcelain").Output(); err != nil || !strings.Contains(string(out), "?? helper.py") {
		t.Fatalf("the user's index changed: %v\n%s", err, out)
	}
	co := filepath.Join(t.TempDir(), "co")
	if err := Checkout(ctx, dir, Snapshot{Label: "run", Commit: commit, Patch: p}, co); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"helper.py": "x = 1\n", ":notes": "pathspec magic if not literal\n", "blob.bin": "a\x00b", "train.py": "lr = 0.5\nprint(lr)\n"} {
		if b, err := os.ReadFile(filepath.Join(co, name)); err != nil || string(b) != want {
			t.Errorf("checkout %s = %q, %v; want %q", name, b, err, want)
		}
	}
}

// TestResolveRevPastTheRoot: an ancestor past the first commit is said plainly (go-git answers
// "EOF").
func TestResolveRevPastTheRoot(t *testing.T) {
	dir, _, _ := committedRepo(t)
	_, err := ResolveRev(dir, "HEAD~99")
	if err == nil || !strings.Contains(err.Error(), `revision "HEAD~99"`) || !strings.Contains(err.Error(), "the history is not that long") {
		t.Fatalf("HEAD~99 of a one-commit history: %v", err)
	}
}
