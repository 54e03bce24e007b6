package demo

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// demoRepo is the demo project's git repository.
type demoRepo struct {
	dir  string
	repo *git.Repository
}

func newRepo(dir string) (*demoRepo, error) {
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		return nil, fmt.Errorf("demo: git init %s: %w", dir, err)
	}
	return &demoRepo{dir: dir, repo: r}, nil
}

// commit writes files (path relative to the repo -> content), stages them and commits.
func (d *demoRepo) commit(files map[string][]byte, msg, author string, when time.Time) (string, error) {
	wt, err := d.repo.Worktree()
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		full := filepath.Join(d.dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
		mode := os.FileMode(0o644)
		if filepath.Ext(p) == ".sh" {
			mode = 0o755
		}
		if err := os.WriteFile(full, files[p], mode); err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
		if _, err := wt.Add(p); err != nil {
			return "", fmt.Errorf("demo: git add %s: %w", p, err)
		}
	}
	email := map[string]string{"Ada Lovelace": "ada@example.com", "Grace Hopper": "grace@example.com"}[author]
	sig := &object.Signature{Name: author, Email: email, When: when}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		return "", fmt.Errorf("demo: git commit: %w", err)
	}
	return h.String(), nil
}
