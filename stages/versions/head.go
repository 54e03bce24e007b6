// Package versions reads versions of a project from git: for now the head
// that the status line shows, whether the worktree is dirty, and the
// uncommitted patch that a run records at launch.
package versions

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// Head is where a repository's HEAD points.
type Head struct {
	// Branch is the short branch name ("main"); "" when detached.
	Branch string
	// Commit is the full hash of the head commit; "" in a repository with
	// no commits yet (where Branch is the branch the first commit will make).
	Commit string
	// Detached says HEAD points at a commit rather than a branch.
	Detached bool
}

// Short returns the first 7 characters of Commit ("" when there is none).
func (h Head) Short() string {
	if len(h.Commit) > 7 {
		return h.Commit[:7]
	}
	return h.Commit
}

// openRepo opens the repository holding root, linked worktrees included.
// Outside any repository the error wraps git.ErrRepositoryNotExists.
func openRepo(root string) (*git.Repository, error) {
	repo, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("opening git repository at %s: %w", root, err)
	}
	return repo, nil
}

// ReadHead reads HEAD of the repository holding root. It reads references
// only (no status, no tree walk), so it is cheap enough for every refresh
// of the status line. Outside a repository the error wraps
// git.ErrRepositoryNotExists.
func ReadHead(root string) (Head, error) {
	repo, err := openRepo(root)
	if err != nil {
		return Head{}, err
	}
	ref, err := repo.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return Head{}, fmt.Errorf("reading HEAD in %s: %w", root, err)
	}
	if ref.Type() == plumbing.HashReference {
		return Head{Commit: ref.Hash().String(), Detached: true}, nil
	}
	h := Head{Branch: ref.Target().Short()}
	resolved, err := repo.Reference(ref.Target(), true)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
		return h, nil // unborn branch: no commits yet
	case err != nil:
		return Head{}, fmt.Errorf("resolving %s in %s: %w", ref.Target(), root, err)
	}
	h.Commit = resolved.Hash().String()
	return h, nil
}
