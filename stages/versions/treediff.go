package versions

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sort"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// FileChange is one file that differs between two versions, with git's numstat counts.
type FileChange struct {
	// Path is the file's path on the new side (the old side's for a deleted file).
	Path string `json:"path"`
	// OldPath is set when the file was renamed: its path on the old side.
	OldPath string `json:"old_path,omitempty"`
	// Status is added, deleted, modified or renamed.
	Status string `json:"status"`
	// Added and Deleted are line counts, equal to `git diff --numstat` (0 for binary files).
	Added   int `json:"added"`
	Deleted int `json:"deleted"`
	// Binary files are not diffed by line; their sizes say what changed.
	Binary  bool  `json:"binary,omitempty"`
	OldSize int64 `json:"old_size"`
	NewSize int64 `json:"new_size"`
	// Submodule says the entry is a submodule pointer (its commit changed).
	Submodule bool `json:"submodule,omitempty"`
	// OldMode and NewMode are git file modes ("100644", "100755", "120000"…).
	OldMode string `json:"old_mode,omitempty"`
	NewMode string `json:"new_mode,omitempty"`
	// Truncated says the hunks stop early (a very large change); the counts are still exact.
	Truncated bool `json:"truncated,omitempty"`
	// Hunks are the changes with context, when they were asked for.
	Hunks []Hunk `json:"hunks,omitempty"`
}

// DiffOptions say how much of a diff to compute.
type DiffOptions struct {
	// Hunks computes the hunks as well as the counts.
	Hunks bool
	// NoRenames turns off rename detection (on by default, as in `git diff`).
	NoRenames bool
}

// renameScore and renameLimit are git's defaults (diff.renames, diff.renameLimit).
const (
	renameScore = 50
	renameLimit = 1000
)

// diffTrees compares two trees (nil is the empty tree) file by file, sorted by path. With
// handles from readers (nil: repo alone) a big change's tree diff is split by folder
// (splitTreeDiff) and its changed files are read in parallel (diffChanges).
func diffTrees(ctx context.Context, repo *git.Repository, readers readersFunc, a, b *object.Tree, opt DiffOptions) ([]FileChange, error) {
	treeOpt := &object.DiffTreeOptions{
		DetectRenames: !opt.NoRenames, RenameScore: renameScore, RenameLimit: renameLimit,
	}
	var changes object.Changes
	split := false
	if readers != nil && runtime.GOMAXPROCS(0) > 1 {
		var err error
		if changes, split, err = splitTreeDiff(ctx, repo, readers, a, b); err != nil {
			return nil, fmt.Errorf("comparing trees: %w", err)
		}
	}
	var err error
	switch {
	case !split:
		changes, err = object.DiffTreeWithOptions(ctx, a, b, treeOpt)
	case treeOpt.DetectRenames:
		changes, err = object.DetectRenames(changes, treeOpt)
	}
	if err != nil {
		return nil, fmt.Errorf("comparing trees: %w", err)
	}
	repos := []*git.Repository{repo}
	if n := readerCount(len(changes)); n > 1 && readers != nil {
		repos = readers(n)
	}
	out, err := diffChanges(ctx, changes, repos, opt)
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// diffChange fills in one change: status, modes, sizes and the line diff of its blobs.
func diffChange(repo *git.Repository, c *object.Change, opt DiffOptions) (FileChange, error) {
	from, to := c.From, c.To
	var fc FileChange
	switch {
	case from.Name == "":
		fc.Path, fc.Status = to.Name, "added"
	case to.Name == "":
		fc.Path, fc.Status = from.Name, "deleted"
	case from.Name != to.Name:
		fc.Path, fc.OldPath, fc.Status = to.Name, from.Name, "renamed"
	default:
		fc.Path, fc.Status = to.Name, "modified"
	}
	if from.Name != "" {
		fc.OldMode = modeString(from.TreeEntry.Mode)
	}
	if to.Name != "" {
		fc.NewMode = modeString(to.TreeEntry.Mode)
	}
	if from.TreeEntry.Mode == filemode.Submodule || to.TreeEntry.Mode == filemode.Submodule {
		// git prints a pointer change as "-Subproject commit A" / "+Subproject commit B".
		fc.Submodule = true
		var old, new []byte
		if from.Name != "" {
			old = []byte("Subproject commit " + from.TreeEntry.Hash.String() + "\n")
		}
		if to.Name != "" {
			new = []byte("Subproject commit " + to.TreeEntry.Hash.String() + "\n")
		}
		fill(&fc, old, new, opt)
		return fc, nil
	}
	old, err := blobBytes(repo, from)
	if err != nil {
		return fc, err
	}
	new, err := blobBytes(repo, to)
	if err != nil {
		return fc, err
	}
	fc.OldSize, fc.NewSize = int64(len(old)), int64(len(new))
	if isBinary(old) || isBinary(new) {
		fc.Binary = true
		return fc, nil
	}
	fill(&fc, old, new, opt)
	return fc, nil
}

// fill runs the line diff of a text change into fc.
func fill(fc *FileChange, old, new []byte, opt DiffOptions) {
	td := diffText(old, new, opt.Hunks)
	fc.Added, fc.Deleted, fc.Hunks, fc.Truncated = td.added, td.deleted, td.hunks, td.truncated
}

// blobBytes reads the blob of one side of a change (nil for the absent side).
func blobBytes(repo *git.Repository, e object.ChangeEntry) ([]byte, error) {
	if e.Name == "" {
		return nil, nil
	}
	return readBlob(repo, e.TreeEntry.Hash, e.Name)
}

// readBlob reads a blob whole, naming the file in the error (a corrupt or missing object).
func readBlob(repo *git.Repository, h plumbing.Hash, name string) ([]byte, error) {
	blob, err := repo.BlobObject(h)
	if err != nil {
		return nil, fmt.Errorf("reading %s (blob %s): %w", name, h.String()[:7], err)
	}
	r, err := blob.Reader()
	if err != nil {
		return nil, fmt.Errorf("reading %s (blob %s): %w", name, h.String()[:7], err)
	}
	defer r.Close()
	var buf bytes.Buffer
	buf.Grow(int(blob.Size) + 1)
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("reading %s (blob %s): %w", name, h.String()[:7], err)
	}
	return buf.Bytes(), nil
}

// modeString is a file mode as git prints it ("100644").
func modeString(m filemode.FileMode) string { return fmt.Sprintf("%06o", uint32(m)) }
