package versions

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// CodeDiff is the difference in code between two snapshots.
type CodeDiff struct {
	From  string       `json:"from"`
	To    string       `json:"to"`
	Files []FileChange `json:"files"`
}

// Totals sums the added and deleted lines over all files.
func (d *CodeDiff) Totals() (added, deleted int) {
	for _, f := range d.Files {
		added += f.Added
		deleted += f.Deleted
	}
	return added, deleted
}

// DiffSnapshots compares two snapshots of the repository holding root.
func DiffSnapshots(ctx context.Context, root string, a, b Snapshot, opt DiffOptions) (*CodeDiff, error) {
	var d *CodeDiff
	err := withCachedReaders(root, func(repo *git.Repository, readers readersFunc) error {
		var err error
		d, err = diffIn(ctx, repo, readers, root, a, b, opt)
		return err
	})
	return d, err
}

// diffIn is DiffSnapshots in an opened repository; readers (nil: repo alone) gives handles for
// reading the changed files in parallel.
func diffIn(ctx context.Context, repo *git.Repository, readers readersFunc, root string, a, b Snapshot, opt DiffOptions) (*CodeDiff, error) {
	ta, err := treeOf(ctx, repo, root, a)
	if err != nil {
		return nil, err
	}
	tb, err := treeOf(ctx, repo, root, b)
	if err != nil {
		return nil, err
	}
	files, err := diffTrees(ctx, repo, readers, ta, tb, opt)
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", a.Label, b.Label, err)
	}
	return &CodeDiff{From: a.Label, To: b.Label, Files: files}, nil
}

// DiffRevs compares two revisions (or WORKTREE), like `git diff A B`.
func DiffRevs(ctx context.Context, root, a, b string, opt DiffOptions) (*CodeDiff, error) {
	var d *CodeDiff
	err := withCachedReaders(root, func(repo *git.Repository, readers readersFunc) error {
		sa, err := resolveIn(repo, root, a)
		if err != nil {
			return err
		}
		sb, err := resolveIn(repo, root, b)
		if err != nil {
			return err
		}
		d, err = diffIn(ctx, repo, readers, root, sa, sb, opt)
		return err
	})
	return d, err
}

// DiffCommit is what one commit changed: its diff against its first parent (a merge included,
// as `git show --first-parent`), or against the empty tree for a root commit.
func DiffCommit(ctx context.Context, root, rev string, opt DiffOptions) (*CodeDiff, error) {
	var d *CodeDiff
	err := withCachedReaders(root, func(repo *git.Repository, readers readersFunc) error {
		h, err := repo.ResolveRevision(plumbing.Revision(rev))
		if err != nil {
			return fmt.Errorf("revision %q in %s: %w", rev, root, err)
		}
		c, err := repo.CommitObject(*h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return fmt.Errorf("%s: %w", short(h.String()), ErrMissingCommit)
		}
		if err != nil {
			return fmt.Errorf("reading commit %s: %w", short(h.String()), err)
		}
		parent := Snapshot{Label: "(empty tree)"}
		if c.NumParents() > 0 {
			parent = Snapshot{Label: short(c.ParentHashes[0].String()), Commit: c.ParentHashes[0].String()}
		}
		d, err = diffIn(ctx, repo, readers, root, parent, Snapshot{Label: short(h.String()), Commit: h.String()}, opt)
		return err
	})
	return d, err
}
