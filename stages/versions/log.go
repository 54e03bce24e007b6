package versions

import (
	"container/heap"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Commit is one entry of the history.
type Commit struct {
	Hash    string
	Author  string
	Email   string
	When    time.Time
	Subject string // first line of the message
	Parents int
	// Refs are the branches and tags pointing at the commit (filled by LogFrom).
	Refs []string
}

// Short returns the first 7 characters of the hash.
func (c Commit) Short() string { return c.Hash[:min(7, len(c.Hash))] }

// Log returns up to limit commits reachable from HEAD, newest first, starting after skip of them.
// It walks lazily: only the commits returned (and those skipped) are read, never the whole graph.
// A repository with no commits returns none and no error.
func Log(root string, skip, limit int) ([]Commit, error) {
	return LogFrom(root, "HEAD", skip, limit)
}

// LogFrom is Log from any revision (branch, tag, hash, HEAD~3), each commit with the branches and
// tags that point at it.
func LogFrom(root, rev string, skip, limit int) ([]Commit, error) {
	var out []Commit
	err := withCachedRepo(root, func(repo *git.Repository) error {
		var err error
		out, err = logFrom(repo, root, rev, skip, limit)
		return err
	})
	return out, err
}

// logFrom is LogFrom on an opened repository.
func logFrom(repo *git.Repository, root, rev string, skip, limit int) ([]Commit, error) {
	from, err := repo.ResolveRevision(plumbing.Revision(rev))
	if errors.Is(err, plumbing.ErrReferenceNotFound) && rev == "HEAD" {
		return nil, nil // no commits yet
	}
	if err != nil {
		return nil, fmt.Errorf("revision %q in %s: %w", rev, root, err)
	}
	refs := refNames(repo)
	start, err := repo.CommitObject(*from)
	if err != nil {
		return nil, fmt.Errorf("reading commit %s in %s: %w", short(from.String()), root, err)
	}
	var out []Commit
	err = walkCommits(repo, start, func(c *object.Commit) bool {
		if skip > 0 {
			skip--
			return true
		}
		cm := fromObject(c)
		cm.Refs = refs[c.Hash]
		out = append(out, cm)
		return len(out) < limit
	})
	if err != nil {
		return out, fmt.Errorf("git log in %s: %w", root, err)
	}
	return out, nil
}

// walkCommits visits the commits reachable from start, newest committer time first (as `git
// log`), reading only those it visits: a heap of the frontier, never the whole graph. Parents
// missing from the object store — a shallow clone's boundary — end that line of history instead
// of failing the walk. fn returns false to stop.
func walkCommits(repo *git.Repository, start *object.Commit, fn func(*object.Commit) bool) error {
	frontier := &commitHeap{start}
	seen := map[plumbing.Hash]bool{start.Hash: true}
	shallow, _ := repo.Storer.Shallow()
	for frontier.Len() > 0 {
		c := heap.Pop(frontier).(*object.Commit)
		if !fn(c) {
			return nil
		}
		for _, ph := range c.ParentHashes {
			if seen[ph] {
				continue
			}
			seen[ph] = true
			p, err := repo.CommitObject(ph)
			if errors.Is(err, plumbing.ErrObjectNotFound) && len(shallow) > 0 {
				continue // beyond a shallow clone's history
			}
			if err != nil {
				return fmt.Errorf("reading commit %s: %w", short(ph.String()), err)
			}
			heap.Push(frontier, p)
		}
	}
	return nil
}

// commitHeap orders commits newest committer time first.
type commitHeap []*object.Commit

func (h commitHeap) Len() int           { return len(h) }
func (h commitHeap) Less(i, j int) bool { return h[i].Committer.When.After(h[j].Committer.When) }
func (h commitHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *commitHeap) Push(x any)        { *h = append(*h, x.(*object.Commit)) }
func (h *commitHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// refNames maps commit hashes to the short names of the branches and tags at them (annotated
// tags peeled to their commit).
func refNames(repo *git.Repository) map[plumbing.Hash][]string {
	out := map[plumbing.Hash][]string{}
	iter, err := repo.References()
	if err != nil {
		return out
	}
	defer iter.Close()
	iter.ForEach(func(r *plumbing.Reference) error {
		n := r.Name()
		if r.Type() != plumbing.HashReference || !(n.IsBranch() || n.IsTag() || n.IsRemote()) {
			return nil
		}
		h := r.Hash()
		if n.IsTag() {
			if t, err := repo.TagObject(h); err == nil {
				h = t.Target
			}
		}
		out[h] = append(out[h], n.Short())
		return nil
	})
	return out
}

func fromObject(c *object.Commit) Commit {
	subject, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
	return Commit{Hash: c.Hash.String(), Author: c.Author.Name, Email: c.Author.Email, When: c.Author.When,
		Subject: subject, Parents: c.NumParents()}
}
