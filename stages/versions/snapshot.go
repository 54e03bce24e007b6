package versions

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// WorktreeSpec names the working tree as a side of a diff: the tracked files as they are on
// disk (untracked files are left out, as in a run's recorded patch).
const WorktreeSpec = "WORKTREE"

// ErrMissingCommit is returned (wrapped) when a commit is not in the repository: history was
// rewritten since a run recorded it, or the repository is a shallow clone without it.
var ErrMissingCommit = errors.New("commit not in the repository")

// Snapshot is one side of a code diff: a commit, plus the uncommitted patch that was on top of it
// when a run started (so a run made on a dirty tree diffs by what really ran), or the worktree.
type Snapshot struct {
	// Label names the side in reports ("a1b2c3d", "run #12", "WORKTREE").
	Label string
	// Commit is a full commit hash; "" is the empty tree (a repository with no commits).
	Commit string
	// Patch is a unified diff (`git diff --binary HEAD`) applied on top of Commit.
	Patch string
	// Worktree takes the tracked files from disk instead of Commit and Patch.
	Worktree bool
}

// ResolveRev turns a revision (hash, branch, tag, HEAD~2…) or WORKTREE into a Snapshot.
func ResolveRev(root, spec string) (Snapshot, error) {
	var s Snapshot
	err := withCachedRepo(root, func(repo *git.Repository) error {
		var err error
		s, err = resolveIn(repo, root, spec)
		return err
	})
	return s, err
}

// resolveIn is ResolveRev in an opened repository.
func resolveIn(repo *git.Repository, root, spec string) (Snapshot, error) {
	if spec == WorktreeSpec {
		return Snapshot{Label: WorktreeSpec, Worktree: true}, nil
	}
	h, err := repo.ResolveRevision(plumbing.Revision(spec))
	if errors.Is(err, io.EOF) {
		// go-git's answer to an ancestor past the root commit (HEAD~99 of a short history).
		err = errors.New("no such revision: the history is not that long")
	}
	if err != nil {
		return Snapshot{}, fmt.Errorf("revision %q in %s: %w", spec, root, err)
	}
	return Snapshot{Label: spec, Commit: h.String()}, nil
}

// treeOf builds the tree of a snapshot. A plain commit is read with go-git; a patch or the
// worktree is staged into a temporary index with the git CLI (`read-tree`, `apply --cached`,
// `add -u`, `write-tree`), which writes the new blobs into the repository's object store as `git
// stash` does, and never touches the user's index or files.
func treeOf(ctx context.Context, repo *git.Repository, root string, s Snapshot) (*object.Tree, error) {
	if !s.Worktree && s.Patch == "" {
		if s.Commit == "" {
			return nil, nil
		}
		return commitTree(repo, s.Commit)
	}
	if s.Commit != "" {
		// Say a missing commit plainly before git does in its own words.
		if _, err := commitTree(repo, s.Commit); err != nil {
			return nil, err
		}
	}
	gitBin := gitPath()
	if gitBin == "" {
		return nil, fmt.Errorf("tree of %s: %w (to apply an uncommitted patch)", s.Label, ErrNoGitCLI)
	}
	// From a copy of the real index for the worktree, so `add -u` only rehashes files whose
	// stat changed; from nothing for a commit and its patch (read-tree fills it).
	env, done, err := tempIndex(ctx, gitBin, root, s.Worktree)
	if err != nil {
		return nil, fmt.Errorf("tree of %s: %w", s.Label, err)
	}
	defer done()
	if s.Worktree {
		if _, err := runGitIO(ctx, gitBin, root, env, nil, "add", "-u", "--", "."); err != nil {
			return nil, fmt.Errorf("staging the worktree: %w", err)
		}
	} else {
		base := []string{"read-tree", "--empty"}
		if s.Commit != "" {
			base = []string{"read-tree", s.Commit}
		}
		if _, err := runGitIO(ctx, gitBin, root, env, nil, base...); err != nil {
			return nil, err
		}
		if _, err := runGitIO(ctx, gitBin, root, env, []byte(s.Patch), "apply", "--cached", "--binary", "--whitespace=nowarn", "-"); err != nil {
			return nil, fmt.Errorf("applying the patch of %s on %s: %w", s.Label, short(s.Commit), err)
		}
	}
	out, err := runGitIO(ctx, gitBin, root, env, nil, "write-tree")
	if err != nil {
		return nil, err
	}
	h := plumbing.NewHash(strings.TrimSpace(string(out)))
	t, err := repo.TreeObject(h)
	if err != nil {
		return nil, fmt.Errorf("tree of %s: %w", s.Label, err)
	}
	return t, nil
}

// tempIndex makes a temporary index file, a copy of the repository's own when fromRepo is set, and
// returns the environment that points git at it and a func that removes it. The user's index is
// never touched.
func tempIndex(ctx context.Context, gitBin, root string, fromRepo bool) (env []string, done func(), err error) {
	tmp, err := os.MkdirTemp("", "mlwb-index-")
	if err != nil {
		return nil, nil, err
	}
	done = func() { os.RemoveAll(tmp) }
	index := filepath.Join(tmp, "index")
	if fromRepo {
		if err := copyIndex(ctx, gitBin, root, index); err != nil {
			done()
			return nil, nil, err
		}
	}
	return []string{"GIT_INDEX_FILE=" + index}, done, nil
}

// copyIndex copies the repository's index (if any) to dst.
func copyIndex(ctx context.Context, gitBin, root, dst string) error {
	out, err := runGit(ctx, gitBin, root, "rev-parse", "--git-path", "index")
	if err != nil {
		return err
	}
	src := strings.TrimSpace(string(out))
	if !filepath.IsAbs(src) {
		src = filepath.Join(root, src)
	}
	data, err := os.ReadFile(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil // no index yet: add -u stages nothing, as there is nothing tracked
	}
	if err != nil {
		return fmt.Errorf("reading the git index: %w", err)
	}
	return os.WriteFile(dst, data, 0o600)
}

// commitTree reads a commit's tree, wrapping ErrMissingCommit when the commit is absent.
func commitTree(repo *git.Repository, hash string) (*object.Tree, error) {
	c, err := repo.CommitObject(plumbing.NewHash(hash))
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, fmt.Errorf("%s: %w (history rewritten, or a shallow clone)", short(hash), ErrMissingCommit)
	}
	if err != nil {
		return nil, fmt.Errorf("reading commit %s: %w", short(hash), err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("reading the tree of %s: %w", short(hash), err)
	}
	return t, nil
}

// short is a hash's first 7 characters ("" stays "", shown as the empty tree).
func short(h string) string {
	if h == "" {
		return "(empty tree)"
	}
	return h[:min(7, len(h))]
}
