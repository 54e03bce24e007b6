package versions

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// CopyFileAt writes the content of path (relative to the repository root at root) as of the
// revision rev (a commit, branch, tag or expression like HEAD~2) to dst, so it can be read like a
// file of the working tree (a dataset's earlier version, for instance).
func CopyFileAt(root, rev, path, dst string) error {
	repo, err := openRepo(root)
	if err != nil {
		return err
	}
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return fmt.Errorf("revision %q in %s: %w", rev, root, err)
	}
	c, err := repo.CommitObject(*h)
	if err != nil {
		return fmt.Errorf("revision %q: %w", rev, err)
	}
	rel := filepath.ToSlash(filepath.Clean(path))
	if strings.HasPrefix(rel, "../") || filepath.IsAbs(path) {
		return fmt.Errorf("%s is not inside the repository %s", path, root)
	}
	f, err := c.File(rel)
	if err != nil {
		return fmt.Errorf("%s at %s: %w", rel, rev, err)
	}
	r, err := f.Reader()
	if err != nil {
		return fmt.Errorf("%s at %s: %w", rel, rev, err)
	}
	defer r.Close()
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("copy %s at %s: %w", rel, rev, err)
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return fmt.Errorf("copy %s at %s: %w", rel, rev, err)
	}
	return out.Close()
}
