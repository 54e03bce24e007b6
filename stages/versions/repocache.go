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
	// helpers are more handles on the same repository, opened when a diff first reads blobs in
	// parallel (see readers) and kept so later diffs do not decode the pack indexes again.
	helpers []cachedRepo
}

// closeAll closes the repository and its helpers.
func (c *cachedRepo) closeAll() {
	c.close()
	for _, h := range c.helpers {
		h.close()
	}
	c.helpers = nil
}

// Object cache sizes: the main handle reads trees, commits and blobs for every use; a helper
// only reads its share of one diff's blobs, so a smaller cache bounds the memory the helpers add.
const (
	mainObjectCache   = 256 * cache.MiByte
	helperObjectCache = 64 * cache.MiByte
)

// maxHelpers bounds the extra handles per repository (each holds its own pack index and cache).
const maxHelpers = 3

// readersFunc gives up to n handles on one repository for reading objects in parallel, one per
// goroutine: the handle in use first, then helpers. Separate handles share no storage, which is
// what makes them safe to use at once. It may give fewer than n (a helper failed to open).
type readersFunc func(n int) []*git.Repository

// readers is c's readersFunc; it opens missing helpers on root. It runs under cachedRepos' lock,
// inside withCachedRepo's fn, like every other use of c.
func (c *cachedRepo) readers(root string) readersFunc {
	return func(n int) []*git.Repository {
		n = min(n, 1+maxHelpers)
		for len(c.helpers) < n-1 {
			h, err := openForReading(root, helperObjectCache)
			if err != nil {
				break // the diff reads with fewer handles
			}
			c.helpers = append(c.helpers, h)
		}
		out := []*git.Repository{c.repo}
		for i := 0; i < n-1 && i < len(c.helpers); i++ {
			out = append(out, c.helpers[i].repo)
		}
		return out
	}
}

// cachedRepos keeps one opened repository per root: opening decodes every pack index (most of a
// log page's time in a big repository), and a diff reads hundreds of objects, so the Diff tab's
// refreshes and diffs, and a CLI verb's several steps, open it once. go-git's storage is not safe
// for concurrent readers, so each use holds the lock.
var cachedRepos = struct {
	sync.Mutex
	m map[string]*cachedRepo
}{m: map[string]*cachedRepo{}}

// withCachedRepo runs fn on the cached repository of root. The cache loads pack indexes once, so a
// repack or a new pack since can make it miss objects or files: on such an error fn runs once
// more on a freshly opened repository, which replaces the cached one. Other errors (a file that
// does not parse, say) are fn's answer and are returned as they are.
func withCachedRepo(root string, fn func(*git.Repository) error) error {
	return withCachedReaders(root, func(repo *git.Repository, _ readersFunc) error { return fn(repo) })
}

// withCachedReaders is withCachedRepo for work that can read objects in parallel: fn also gets
// the cached helper handles of root (dropped with the repository when it is stale). fn must be
// done with every handle when it returns.
func withCachedReaders(root string, fn func(*git.Repository, readersFunc) error) error {
	cachedRepos.Lock()
	defer cachedRepos.Unlock()
	if c, ok := cachedRepos.m[root]; ok {
		err := fn(c.repo, c.readers(root))
		if !maybeStale(err) {
			return err
		}
		c.closeAll()
		delete(cachedRepos.m, root)
	}
	fresh, err := openForReading(root, mainObjectCache)
	if err != nil {
		return err
	}
	c := &fresh
	cachedRepos.m[root] = c // fresh, so whatever fn says now is the repository's answer
	return fn(c.repo, c.readers(root))
}

// openForReading opens the repository holding root for many object reads: pack files stay open
// between reads (go-git's default reopens a pack file for every object) and the object cache is
// larger (cacheSize bytes).
func openForReading(root string, cacheSize cache.FileSize) (cachedRepo, error) {
	repo, err := openRepo(root)
	if err != nil {
		return cachedRepo{}, err
	}
	fsys, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return cachedRepo{repo: repo, close: func() {}}, nil
	}
	st := filesystem.NewStorageWithOptions(fsys.Filesystem(), cache.NewObjectLRU(cacheSize),
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
