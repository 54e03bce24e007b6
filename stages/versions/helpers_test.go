package versions

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// newRepo makes an empty repository on branch main in a temp dir.
func newRepo(t *testing.T) (string, *git.Repository) {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, repo
}

// write writes data to dir/rel.
func write(t *testing.T, dir, rel, data string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// commitAll stages the given files and commits them; returns the hash.
func commitAll(t *testing.T, repo *git.Repository, msg string, files ...string) plumbing.Hash {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, err := wt.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	sig := &object.Signature{Name: "Test", Email: "test@example.com", When: time.Unix(1_700_000_000, 0)}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// committedRepo is a repository with train.py and .gitignore committed on main.
func committedRepo(t *testing.T) (string, *git.Repository, plumbing.Hash) {
	t.Helper()
	dir, repo := newRepo(t)
	write(t, dir, "train.py", "lr = 0.1\nprint(lr)\n")
	write(t, dir, ".gitignore", "*.log\n")
	h := commitAll(t, repo, "first", "train.py", ".gitignore")
	return dir, repo, h
}
