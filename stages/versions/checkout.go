package versions

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Checkout recreates the code of a snapshot (a run's commit plus its uncommitted patch) in dir as a
// new linked git worktree on a detached HEAD, leaving the user's own worktree, index and branches
// untouched. dir must not exist or be empty. It needs the git CLI (go-git cannot add worktrees).
func Checkout(ctx context.Context, root string, s Snapshot, dir string) error {
	if s.Commit == "" {
		return fmt.Errorf("%s recorded no git commit: there is no code to restore", s.Label)
	}
	repo, err := openRepo(root)
	if err != nil {
		return err
	}
	if _, err := commitTree(repo, s.Commit); err != nil {
		return fmt.Errorf("restoring %s: %w", s.Label, err)
	}
	gitBin := gitPath()
	if gitBin == "" {
		return fmt.Errorf("restoring %s: %w", s.Label, ErrNoGitCLI)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("restoring %s: %s exists and is not empty", s.Label, dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("restoring %s: %w", s.Label, err)
	}
	if _, err := runGit(ctx, gitBin, root, "worktree", "add", "--detach", dir, s.Commit); err != nil {
		return fmt.Errorf("restoring %s: %w", s.Label, err)
	}
	if s.Patch == "" {
		return nil
	}
	if _, err := runGitIO(ctx, gitBin, dir, nil, []byte(s.Patch), "apply", "--binary", "--whitespace=nowarn", "-"); err != nil {
		return fmt.Errorf("restoring %s: applying its uncommitted patch in %s: %w", s.Label, dir, err)
	}
	return nil
}
