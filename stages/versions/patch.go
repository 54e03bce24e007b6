package versions

import (
	"context"
	"fmt"
	"strings"
)

// Patch returns the uncommitted changes to tracked files (staged and not)
// against HEAD as a binary-safe unified diff that `git apply` accepts; ""
// when there are none. In a repository with no commits it is the diff of
// the index and worktree against the empty tree. Untracked files are not
// included.
//
// It needs the git CLI: without one on PATH the error wraps ErrNoGitCLI
// (go-git cannot diff a worktree against a commit). When ctx ends first the
// error wraps ctx.Err().
func Patch(ctx context.Context, root string) (string, error) {
	git := gitPath()
	if git == "" {
		return "", fmt.Errorf("patch of %s: %w", root, ErrNoGitCLI)
	}
	base := "HEAD"
	head, err := ReadHead(root)
	if err != nil {
		return "", err
	}
	if head.Commit == "" {
		empty, err := runGit(ctx, git, root, "hash-object", "-t", "tree", "/dev/null")
		if err != nil {
			return "", err
		}
		base = strings.TrimSpace(string(empty))
	}
	out, err := runGit(ctx, git, root, "diff", "--binary", "--no-color", "--no-ext-diff", "--no-textconv",
		"--src-prefix=a/", "--dst-prefix=b/", base, "--")
	if err != nil {
		return "", err
	}
	return string(out), nil
}
