package versions

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// The tree diff of a big change reads hundreds of trees on each side; go-git's diff
// (merkletrie) reads them one by one on one handle. splitTreeDiff cuts it into the diffs of
// subdirectories, run in parallel on separate handles, and puts the pieces together in the order
// merkletrie gives (depth first, children sorted by name), so rename detection and everything
// after see the same list.

// minSubtreeDiffs is how many subdirectory diffs make splitting worth it: fewer do not pay for
// opening a helper handle (its pack index) on a cold repository.
const minSubtreeDiffs = 8

// maxSplitDepth bounds how deep the split looks for subdirectories to diff in parallel.
const maxSplitDepth = 4

// treePiece is one part of a split tree diff: a change of a file directly in a split
// directory, or the diff of a subdirectory (a or b nil when it is on one side only).
type treePiece struct {
	change *object.Change
	path   string
	a, b   *object.TreeEntry
}

// subtree says whether the piece is a subdirectory diff.
func (p treePiece) subtree() bool { return p.change == nil }

// splitTreeDiff lists the changes from a to b (nil is the empty tree) as
// object.DiffTreeWithOptions does without renames, diffing subdirectories in parallel with
// readers. ok is false when the change has too few subdirectories to split; the caller diffs
// serially then. The trees are read on repo (the first handle of readers) as the split goes
// down, the subdirectories each on one handle.
func splitTreeDiff(ctx context.Context, repo *git.Repository, readers readersFunc, a, b *object.Tree) (object.Changes, bool, error) {
	pieces, err := splitPieces(a, b, "")
	if err != nil {
		return nil, false, err
	}
	for depth := 1; depth < maxSplitDepth && countSubtrees(pieces) < 4*minSubtreeDiffs; depth++ {
		more, expanded, err := expandPieces(repo, pieces)
		if err != nil {
			return nil, false, err
		}
		if !expanded || countSubtrees(more) <= countSubtrees(pieces) {
			break // a level with fewer folders to share out
		}
		pieces = more
	}
	if countSubtrees(pieces) < minSubtreeDiffs {
		return nil, false, nil
	}
	repos := readers(runtime.GOMAXPROCS(0))
	if len(repos) < 2 {
		return nil, false, nil
	}
	results := make([]object.Changes, len(pieces))
	errs := make([]error, len(pieces))
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, r := range repos {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(pieces) {
					return
				}
				if p := pieces[i]; p.subtree() {
					results[i], errs[i] = diffSubtree(ctx, r, p)
				}
			}
		})
	}
	wg.Wait()
	var changes object.Changes
	for i, p := range pieces {
		if errs[i] != nil {
			return nil, true, errs[i]
		}
		if !p.subtree() {
			changes = append(changes, p.change)
			continue
		}
		changes = append(changes, results[i]...)
	}
	return changes, true, nil
}

// countSubtrees is how many pieces are subdirectory diffs.
func countSubtrees(pieces []treePiece) int {
	n := 0
	for _, p := range pieces {
		if p.subtree() {
			n++
		}
	}
	return n
}

// expandPieces replaces each subdirectory on both sides by the pieces of its children. ok is
// false when there is nothing left to expand.
func expandPieces(repo *git.Repository, pieces []treePiece) ([]treePiece, bool, error) {
	var out []treePiece
	expanded := false
	for _, p := range pieces {
		if !p.subtree() || p.a == nil || p.b == nil {
			out = append(out, p)
			continue
		}
		ta, err := object.GetTree(repo.Storer, p.a.Hash)
		if err != nil {
			return nil, false, fmt.Errorf("reading tree %s: %w", p.path, err)
		}
		tb, err := object.GetTree(repo.Storer, p.b.Hash)
		if err != nil {
			return nil, false, fmt.Errorf("reading tree %s: %w", p.path, err)
		}
		sub, err := splitPieces(ta, tb, p.path+"/")
		if err != nil {
			return nil, false, err
		}
		out = append(out, sub...)
		expanded = true
	}
	return out, expanded, nil
}

// splitPieces compares the entries of two trees (nil: empty) directly under prefix, as
// merkletrie does: by name in byte order; equal hash and mode skipped; two files a modification;
// a file on one side, or a file against a directory, a deletion then an insertion; directories
// left as subdirectory pieces.
func splitPieces(a, b *object.Tree, prefix string) ([]treePiece, error) {
	ea, eb := sortedEntries(a), sortedEntries(b)
	var out []treePiece
	from := func(t *object.Tree, e *object.TreeEntry) object.ChangeEntry {
		return object.ChangeEntry{Name: prefix + e.Name, Tree: t, TreeEntry: *e}
	}
	// side adds what one entry alone on its side gives: a whole directory's diff or one file.
	side := func(t *object.Tree, e *object.TreeEntry, isFrom bool) {
		switch {
		case e.Mode == filemode.Dir && isFrom:
			out = append(out, treePiece{path: prefix + e.Name, a: e})
		case e.Mode == filemode.Dir:
			out = append(out, treePiece{path: prefix + e.Name, b: e})
		case isFrom:
			out = append(out, treePiece{change: &object.Change{From: from(t, e)}})
		default:
			out = append(out, treePiece{change: &object.Change{To: from(t, e)}})
		}
	}
	i, j := 0, 0
	for i < len(ea) || j < len(eb) {
		switch {
		case j == len(eb) || (i < len(ea) && ea[i].Name < eb[j].Name):
			side(a, ea[i], true)
			i++
		case i == len(ea) || eb[j].Name < ea[i].Name:
			side(b, eb[j], false)
			j++
		default:
			x, y := ea[i], eb[j]
			i, j = i+1, j+1
			xDir, yDir := x.Mode == filemode.Dir, y.Mode == filemode.Dir
			switch {
			case x.Hash == y.Hash && x.Mode == y.Mode:
			case xDir && yDir:
				out = append(out, treePiece{path: prefix + x.Name, a: x, b: y})
			case !xDir && !yDir:
				out = append(out, treePiece{change: &object.Change{From: from(a, x), To: from(b, y)}})
			default:
				side(a, x, true)
				side(b, y, false)
			}
		}
	}
	return out, nil
}

// sortedEntries is a tree's entries sorted by name in byte order (git sorts a directory as if
// its name ended in "/"; merkletrie sorts by the plain name).
func sortedEntries(t *object.Tree) []*object.TreeEntry {
	if t == nil {
		return nil
	}
	out := make([]*object.TreeEntry, len(t.Entries))
	for i := range t.Entries {
		out[i] = &t.Entries[i]
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// diffSubtree diffs one subdirectory on repo, its trees read there, names given the full path.
func diffSubtree(ctx context.Context, repo *git.Repository, p treePiece) (object.Changes, error) {
	read := func(e *object.TreeEntry) (*object.Tree, error) {
		if e == nil {
			return nil, nil
		}
		t, err := object.GetTree(repo.Storer, e.Hash)
		if err != nil {
			return nil, fmt.Errorf("reading tree %s: %w", p.path, err)
		}
		return t, nil
	}
	ta, err := read(p.a)
	if err != nil {
		return nil, err
	}
	tb, err := read(p.b)
	if err != nil {
		return nil, err
	}
	changes, err := object.DiffTreeWithOptions(ctx, ta, tb, nil)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		if c.From.Name != "" {
			c.From.Name = p.path + "/" + c.From.Name
		}
		if c.To.Name != "" {
			c.To.Name = p.path + "/" + c.To.Name
		}
	}
	return changes, nil
}
