package versions

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Patch returns the uncommitted changes to tracked files (staged and not)
// against HEAD as a binary-safe unified diff that `git apply` accepts; ""
// when there are none. In a repository with no commits it is the diff of
// the index and worktree against the empty tree. Untracked files are not
// included (RunPatch adds them).
//
// It needs the git CLI: without one on PATH the error wraps ErrNoGitCLI
// (go-git cannot diff a worktree against a commit). When ctx ends first the
// error wraps ctx.Err().
func Patch(ctx context.Context, root string) (string, error) {
	return patchWith(ctx, root, nil)
}

// Limits on the untracked files a run's patch takes: scripts and configs, not the data or
// checkpoints someone has not put in .gitignore.
const (
	maxUntrackedFile  = 1 << 20
	maxUntrackedTotal = 8 << 20
	maxUntrackedFiles = 500
)

// RunPatch is Patch with the untracked files git does not ignore added as new files: a script
// the run used that nobody committed yet, which a checkout or rerun of the run needs (the run
// was marked dirty, yet its checkout lacked the file and its rerun failed). A file over 1 MiB,
// or past 500 files or 8 MiB in all, is left out and named in left with its size, as is
// anything that is not a regular file and any file whose name says it may hold secrets. The
// user's index is not touched: the new files are marked intent-to-add in a copy of it.
func RunPatch(ctx context.Context, root string) (patch string, left []string, err error) {
	git := gitPath()
	if git == "" {
		return "", nil, fmt.Errorf("patch of %s: %w", root, ErrNoGitCLI)
	}
	out, err := runGit(ctx, git, root, "ls-files", "--others", "--exclude-standard", "-z")
	if err != nil {
		return "", nil, err
	}
	var keep []string
	var total int64
	for _, name := range strings.Split(string(out), "\x00") {
		if name == "" {
			continue
		}
		st, err := os.Lstat(filepath.Join(root, name))
		switch {
		case secretLooking(name):
			left = append(left, name+" (may hold secrets)")
		case err != nil || !st.Mode().IsRegular():
			left = append(left, name+" (not a regular file)")
		case st.Size() > maxUntrackedFile || total+st.Size() > maxUntrackedTotal || len(keep) == maxUntrackedFiles:
			left = append(left, fmt.Sprintf("%s (%d bytes)", name, st.Size()))
		default:
			keep = append(keep, name)
			total += st.Size()
		}
	}
	patch, err = patchWith(ctx, root, keep)
	return patch, left, err
}

// secretLooking reports whether an untracked file's name says it may hold credentials (.env,
// keys, certificates): those stay out of the store, where code diffs would show them.
func secretLooking(name string) bool {
	base := strings.ToLower(filepath.Base(name))
	if base == ".env" || strings.HasPrefix(base, ".env.") || base == ".netrc" || base == ".pypirc" ||
		strings.HasPrefix(base, "id_rsa") || strings.HasPrefix(base, "id_ed25519") ||
		strings.Contains(base, "secret") || strings.Contains(base, "credential") || strings.Contains(base, "token") {
		return true
	}
	switch filepath.Ext(base) {
	case ".pem", ".key", ".p12", ".pfx", ".keystore", ".jks":
		return true
	}
	return false
}

// patchWith is Patch with the untracked files named in untracked included as new files.
func patchWith(ctx context.Context, root string, untracked []string) (string, error) {
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
	var env []string
	if len(untracked) > 0 {
		idx, done, err := tempIndex(ctx, git, root, true)
		if err != nil {
			return "", fmt.Errorf("patch of %s: %w", root, err)
		}
		defer done()
		// Literal pathspecs: a file named ":notes" or "*.py" is that file, not pathspec magic
		// (git refused ":notes", and the whole patch was lost).
		env = append(idx, "GIT_LITERAL_PATHSPECS=1")
		list := []byte(strings.Join(untracked, "\x00") + "\x00")
		if _, err := runGitIO(ctx, git, root, env, list, "add", "--intent-to-add", "--pathspec-from-file=-", "--pathspec-file-nul"); err != nil {
			return "", fmt.Errorf("patch of %s: marking the untracked files: %w", root, err)
		}
	}
	out, err := runGitIO(ctx, git, root, env, nil, "diff", "--binary", "--no-color", "--no-ext-diff", "--no-textconv",
		"--src-prefix=a/", "--dst-prefix=b/", base, "--")
	if err != nil {
		return "", err
	}
	return string(out), nil
}
