package versions

import (
	"errors"
	"fmt"
	"io"
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
	repo, err := openRepo(root)
	if err != nil {
		return nil, err
	}
	from, err := repo.ResolveRevision(plumbing.Revision(rev))
	if errors.Is(err, plumbing.ErrReferenceNotFound) && rev == "HEAD" {
		return nil, nil // no commits yet
	}
	if err != nil {
		return nil, fmt.Errorf("revision %q in %s: %w", rev, root, err)
	}
	refs := refNames(repo)
	iter, err := repo.Log(&git.LogOptions{From: *from, Order: git.LogOrderCommitterTime})
	if err != nil {
		return nil, fmt.Errorf("git log in %s: %w", root, err)
	}
	defer iter.Close()
	var out []Commit
	for len(out) < limit {
		c, err := iter.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("git log in %s: %w", root, err)
		}
		if skip > 0 {
			skip--
			continue
		}
		cm := fromObject(c)
		cm.Refs = refs[c.Hash]
		out = append(out, cm)
	}
	return out, nil
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
