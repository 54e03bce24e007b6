package versions

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Dirty reports whether the worktree at root has uncommitted changes to
// tracked files (staged or not) or untracked files that are not ignored.
//
// It runs `git status --porcelain --untracked-files=normal` when the git CLI
// is on PATH (much faster than go-git on big trees), and falls back to
// go-git's Worktree.Status when it is not, or when git fails for a reason
// other than ctx (such as git's "dubious ownership" refusal). When ctx ends
// first the error wraps ctx.Err(), e.g. context.DeadlineExceeded.
func Dirty(ctx context.Context, root string) (bool, error) {
	git := gitPath()
	if git == "" {
		return dirtyGoGit(ctx, root)
	}
	dirty, err := dirtyCLI(ctx, git, root)
	if err == nil || ctx.Err() != nil {
		return dirty, err
	}
	dirty, goErr := dirtyGoGit(ctx, root)
	if goErr != nil {
		return false, errors.Join(err, goErr)
	}
	return dirty, nil
}

// dirtyCLI asks the git command.
func dirtyCLI(ctx context.Context, git, root string) (bool, error) {
	out, err := runGit(ctx, git, root, "status", "--porcelain", "--untracked-files=normal")
	if err != nil {
		return false, err
	}
	return strings.TrimSpace(string(out)) != "", nil
}

// dirtyGoGit asks go-git. Its status cannot be interrupted, so it runs in its
// own goroutine and is abandoned (left to finish) when ctx ends first.
func dirtyGoGit(ctx context.Context, root string) (bool, error) {
	type result struct {
		dirty bool
		err   error
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("git status in %s: %w", root, err)
	}
	done := make(chan result, 1)
	go func() {
		dirty, err := goGitStatus(root)
		done <- result{dirty, err}
	}()
	select {
	case r := <-done:
		return r.dirty, r.err
	case <-ctx.Done():
		return false, fmt.Errorf("git status in %s: %w", root, ctx.Err())
	}
}

// goGitStatus computes the worktree status with go-git.
func goGitStatus(root string) (bool, error) {
	repo, err := openRepo(root)
	if err != nil {
		return false, err
	}
	wt, err := repo.Worktree()
	if err != nil {
		return false, fmt.Errorf("opening worktree of %s: %w", root, err)
	}
	st, err := wt.Status()
	if err != nil {
		return false, fmt.Errorf("git status in %s: %w", root, err)
	}
	return !st.IsClean(), nil
}
