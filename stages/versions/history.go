package versions

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"go.yaml.in/yaml/v3"
)

// FileLog returns up to limit commits that changed path, newest first (like `git log -- path`).
// It walks from HEAD and compares each commit's entry for path with its first parent's, reading
// only the trees on the way to the file.
func FileLog(root, path string, limit int) ([]Commit, error) {
	return FileLogContext(context.Background(), root, path, limit)
}

// FileLogContext is FileLog that stops, with ctx's error, when ctx is cancelled: the walk holds
// the repository cache while it reads, so a view that gives up must free it at once.
func FileLogContext(ctx context.Context, root, path string, limit int) ([]Commit, error) {
	rel, err := repoPath(path)
	if err != nil {
		return nil, err
	}
	var out []Commit
	err = withCachedRepo(root, func(repo *git.Repository) error {
		out = out[:0]
		return walkFirstParents(ctx, repo, rel, func(c *object.Commit, changed bool, _ *object.File) bool {
			if changed {
				out = append(out, fromObject(c))
			}
			return len(out) < limit
		})
	})
	return out, err
}

// walkFirstParents calls fn for each commit on HEAD's first-parent line, newest first, with
// whether its version of rel differs from its first parent's and, where it does, the file at that
// commit (nil where it was deleted). fn returns false to stop. Each tree is read once: a commit's
// parent entry is the next commit's own.
func walkFirstParents(ctx context.Context, repo *git.Repository, rel string,
	fn func(c *object.Commit, changed bool, f *object.File) bool) error {
	head, err := repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading HEAD: %w", err)
	}
	c, err := repo.CommitObject(head.Hash())
	if err != nil {
		return fmt.Errorf("reading HEAD's commit: %w", err)
	}
	here := entryHash(c, rel)
	for c != nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		var parent *object.Commit
		if c.NumParents() > 0 {
			if parent, err = c.Parent(0); err != nil {
				if errors.Is(err, plumbing.ErrObjectNotFound) {
					parent = nil // a shallow clone's boundary: treat as a root
				} else {
					return fmt.Errorf("reading the parent of %s: %w", short(c.Hash.String()), err)
				}
			}
		}
		var before plumbing.Hash
		if parent != nil {
			before = entryHash(parent, rel)
		}
		var f *object.File
		if here != before {
			f, _ = c.File(rel)
		}
		if !fn(c, here != before, f) {
			return nil
		}
		c, here = parent, before
	}
	return nil
}

// entryHash is the blob hash of rel in c's tree; zero when absent.
func entryHash(c *object.Commit, rel string) plumbing.Hash {
	t, err := c.Tree()
	if err != nil {
		return plumbing.ZeroHash
	}
	e, err := t.FindEntry(rel)
	if err != nil {
		return plumbing.ZeroHash
	}
	return e.Hash
}

// repoPath checks that path is relative and inside the repository, in git's slash form.
func repoPath(path string) (string, error) {
	rel := filepath.ToSlash(filepath.Clean(path))
	if filepath.IsAbs(path) || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("%s: give a path relative to the repository root", path)
	}
	return rel, nil
}

// ParamVersion is the value a params key took at a commit.
type ParamVersion struct {
	Commit Commit `json:"commit"`
	// Value is the key's value at the commit (YAML scalar text; "" when absent), Old its value
	// before.
	Value   string `json:"value"`
	Old     string `json:"old"`
	Present bool   `json:"present"`
	// Commits are the hashes of the first-parent commits at which the key held Value, newest
	// first: from the newer change (not included) down to Commit. The runs made at them are the
	// runs "on" this value.
	Commits []string `json:"commits,omitempty"`
}

// ParamHistory returns, newest first, the commits at which key (dotted for nesting: "train.lr")
// changed value in the YAML file path, with the author and date of each change. A commit where
// the file changed but the key did not is skipped; a file that does not parse is an error that
// names the commit.
func ParamHistory(root, path, key string, limit int) ([]ParamVersion, error) {
	return ParamHistoryContext(context.Background(), root, path, key, limit)
}

// ParamHistoryContext is ParamHistory that stops, with ctx's error, when ctx is cancelled.
func ParamHistoryContext(ctx context.Context, root, path, key string, limit int) ([]ParamVersion, error) {
	rel, err := repoPath(path)
	if err != nil {
		return nil, err
	}
	// Collect the file's versions newest first, each with the commits it spans, then compare each
	// with the one before it.
	type version struct {
		c       *object.Commit
		value   string
		present bool
		commits []string
	}
	var vs []version
	err = withCachedRepo(root, func(repo *git.Repository) error {
		vs = vs[:0]
		var pending []string // commits newer than the next change: they hold its version
		var yamlErr error
		err := walkFirstParents(ctx, repo, rel, func(c *object.Commit, changed bool, f *object.File) bool {
			pending = append(pending, c.Hash.String())
			if !changed {
				return true
			}
			v := version{c: c, commits: pending}
			pending = nil
			if f != nil {
				if v.value, v.present, yamlErr = yamlKey(f, key); yamlErr != nil {
					yamlErr = fmt.Errorf("%s at %s: %w", rel, short(c.Hash.String()), yamlErr)
					return false
				}
			}
			vs = append(vs, v)
			return true
		})
		return errors.Join(err, yamlErr)
	})
	if err != nil {
		return nil, err
	}
	var out []ParamVersion
	var span []string // commits of newer versions that kept the value, carried to its change
	for i, v := range vs {
		var old version // the version before (older): next in the list
		if i+1 < len(vs) {
			old = vs[i+1]
		}
		span = append(span, v.commits...)
		if v.value == old.value && v.present == old.present {
			continue
		}
		out = append(out, ParamVersion{Commit: fromObject(v.c), Value: v.value, Old: old.value, Present: v.present,
			Commits: span})
		span = nil
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// yamlKey reads a dotted key from a YAML file; its value as YAML text (a scalar as written, a
// mapping or list in flow style).
func yamlKey(f *object.File, key string) (string, bool, error) {
	r, err := f.Reader()
	if err != nil {
		return "", false, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return "", false, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return "", false, err
	}
	n := &doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, part := range strings.Split(key, ".") {
		if n.Kind != yaml.MappingNode {
			return "", false, nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == part {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return "", false, nil
		}
		n = next
	}
	if n.Kind == yaml.ScalarNode {
		return n.Value, true, nil
	}
	n.Style = yaml.FlowStyle
	out, err := yaml.Marshal(n)
	if err != nil {
		return "", false, err
	}
	return strings.TrimSpace(string(out)), true, nil
}
