package versions

import (
	"errors"
	"io/fs"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// cachedRepo is an opened repository kept for the process, with what closes its pack files.
type cachedRepo struct {
	repo  *git.Repository
	close func()
}

// cachedRepos keeps one opened repository per root: opening decodes every pack index (most of a
// log page's time in a big repository), and a diff reads hundreds of objects, so the Diff tab's
// refreshes and diffs, and a CLI verb's several steps, open it once. go-git's storage is not safe
// for concurrent readers, so each use holds the lock.
var cachedRepos = struct {
	sync.Mutex
	m map[string]cachedRepo
}{m: map[string]cachedRepo{}}

// withCachedRepo runs fn on the cached repository of root. The cache loads pack indexes once, so a
// repack or a new pack since can make it miss objects or files: on such an error fn runs once
// more on a freshly opened repository, which replaces the cached one. Other errors (a file that
// does not parse, say) are fn's answer and are returned as they are.
func withCachedRepo(root string, fn func(*git.Repository) error) error {
	cachedRepos.Lock()
	defer cachedRepos.Unlock()
	if c, ok := cachedRepos.m[root]; ok {
		err := fn(c.repo)
		if !maybeStale(err) {
			return err
		}
		c.close()
		delete(cachedRepos.m, root)
	}
	c, err := openForReading(root)
	if err != nil {
		return err
	}
	cachedRepos.m[root] = c // fresh, so whatever fn says now is the repository's answer
	return fn(c.repo)
}

// openForReading opens the repository holding root for many object reads: pack files stay open
// between reads (go-git's default reopens a pack file for every object) and the object cache is
// larger.
func openForReading(root string) (cachedRepo, error) {
	repo, err := openRepo(root)
	if err != nil {
		return cachedRepo{}, err
	}
	fsys, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return cachedRepo{repo: repo, close: func() {}}, nil
	}
	st := filesystem.NewStorageWithOptions(fsys.Filesystem(), cache.NewObjectLRU(256*cache.MiByte),
		filesystem.Options{KeepDescriptors: true})
	var wt billy.Filesystem
	if w, err := repo.Worktree(); err == nil {
		wt = w.Filesystem
	}
	fast, err := git.Open(st, wt)
	if err != nil {
		return cachedRepo{repo: repo, close: func() {}}, nil // keep the plain one
	}
	return cachedRepo{repo: fast, close: func() { st.Close() }}, nil
}

// maybeStale reports whether err could come from a cached repository that missed a repack: an
// object, reference, commit or file not found.
func maybeStale(err error) bool {
	return errors.Is(err, plumbing.ErrObjectNotFound) || errors.Is(err, plumbing.ErrReferenceNotFound) ||
		errors.Is(err, ErrMissingCommit) || errors.Is(err, fs.ErrNotExist)
}
