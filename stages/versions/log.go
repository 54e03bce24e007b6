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
}

// Short returns the first 7 characters of the hash.
func (c Commit) Short() string { return c.Hash[:min(7, len(c.Hash))] }

// Log returns up to limit commits reachable from HEAD, newest first, starting after skip of them.
// It walks lazily: only the commits returned (and those skipped) are read, never the whole graph.
// A repository with no commits returns none and no error.
func Log(root string, skip, limit int) ([]Commit, error) {
	repo, err := openRepo(root)
	if err != nil {
		return nil, err
	}
	head, err := repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading HEAD in %s: %w", root, err)
	}
	iter, err := repo.Log(&git.LogOptions{From: head.Hash(), Order: git.LogOrderCommitterTime})
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
		out = append(out, fromObject(c))
	}
	return out, nil
}

func fromObject(c *object.Commit) Commit {
	subject, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
	return Commit{Hash: c.Hash.String(), Author: c.Author.Name, Email: c.Author.Email, When: c.Author.When,
		Subject: subject, Parents: c.NumParents()}
}
