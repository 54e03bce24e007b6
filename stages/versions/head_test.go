package versions

import (
	"errors"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

func TestReadHeadEmptyRepo(t *testing.T) {
	dir, _ := newRepo(t)
	h, err := ReadHead(dir)
	if err != nil {
		t.Fatal(err)
	}
	if h != (Head{Branch: "main"}) || h.Short() != "" {
		t.Fatalf("got %+v", h)
	}
}

func TestReadHeadOnBranch(t *testing.T) {
	dir, _, hash := committedRepo(t)
	h, err := ReadHead(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := Head{Branch: "main", Commit: hash.String()}
	if h != want {
		t.Fatalf("got %+v, want %+v", h, want)
	}
	if h.Short() != hash.String()[:7] {
		t.Errorf("Short = %q", h.Short())
	}
}

func TestReadHeadBranchWithSlash(t *testing.T) {
	dir, repo, hash := committedRepo(t)
	wt, _ := repo.Worktree()
	if err := wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName("feature/x"), Create: true}); err != nil {
		t.Fatal(err)
	}
	h, err := ReadHead(dir)
	if err != nil || h.Branch != "feature/x" || h.Commit != hash.String() {
		t.Fatalf("got %+v, %v", h, err)
	}
}

func TestReadHeadDetached(t *testing.T) {
	dir, repo, first := committedRepo(t)
	write(t, dir, "train.py", "lr = 0.2\n")
	commitAll(t, repo, "second", "train.py")
	wt, _ := repo.Worktree()
	if err := wt.Checkout(&git.CheckoutOptions{Hash: first}); err != nil {
		t.Fatal(err)
	}
	h, err := ReadHead(dir)
	if err != nil {
		t.Fatal(err)
	}
	if h != (Head{Commit: first.String(), Detached: true}) {
		t.Fatalf("got %+v", h)
	}
}

func TestReadHeadOutsideRepo(t *testing.T) {
	_, err := ReadHead(t.TempDir())
	if !errors.Is(err, git.ErrRepositoryNotExists) {
		t.Fatalf("error = %v; want ErrRepositoryNotExists", err)
	}
}
