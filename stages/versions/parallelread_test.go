package versions

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// manyChangesRepo is a real repository whose second commit changes 300 of 600 files in 20
// folders in every way a diff shows: edits of all sizes, deletions, additions, renames with and
// without edits, binary files, a mode change. It returns the two commits.
func manyChangesRepo(t *testing.T) (dir, a, b string) {
	t.Helper()
	needGit(t)
	dir = cliRepo(t)
	name := func(i int) string { return fmt.Sprintf("d%02d/f%03d.py", i%20, i) }
	for i := 0; i < 600; i++ {
		content := lines(fmt.Sprintf("file %d", i), 20+i%90)
		if i%97 == 5 {
			content = "\x00binary " + content
		}
		writeBytes(t, dir, name(i), []byte(content))
	}
	a = commitCLI(t, dir, "first")
	for i := 0; i < 600; i += 2 {
		p := filepath.Join(dir, name(i))
		switch {
		case i%50 == 0:
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
		case i%50 == 10: // renamed, unchanged
			if err := os.MkdirAll(filepath.Join(dir, "moved"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(p, filepath.Join(dir, "moved", fmt.Sprintf("m%03d.py", i))); err != nil {
				t.Fatal(err)
			}
		case i%50 == 20: // renamed with an edit
			old, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			writeBytes(t, dir, fmt.Sprintf("moved/e%03d.py", i), append(old, "one more\n"...))
		case i%50 == 30:
			if err := os.Chmod(p, 0o755); err != nil {
				t.Fatal(err)
			}
		default:
			ls := strings.Split(lines(fmt.Sprintf("file %d", i), 20+i%90), "\n")
			for j := i % 3; j < len(ls)-1; j += 3 + i%5 {
				ls[j] = fmt.Sprintf("changed %d/%d", i, j)
			}
			content := strings.Join(ls, "\n")
			if i%97 == 5 {
				content = "\x00binary " + content
			}
			writeBytes(t, dir, name(i), []byte(content))
		}
	}
	for i := 0; i < 20; i++ {
		writeBytes(t, dir, fmt.Sprintf("new/n%02d.txt", i), []byte(lines(fmt.Sprintf("new %d", i), 10+i)))
	}
	b = commitCLI(t, dir, "second")
	return dir, a, b
}

// openHandles opens n independent handles on dir, closed when the test ends.
func openHandles(t *testing.T, dir string, n int) []*git.Repository {
	t.Helper()
	var repos []*git.Repository
	for i := 0; i < n; i++ {
		c, err := openForReading(dir, helperObjectCache)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.close)
		repos = append(repos, c.repo)
	}
	return repos
}

// changesBetween opens n independent handles on dir and lists the changes from a to b.
func changesBetween(t *testing.T, dir, a, b string, n int) ([]*git.Repository, object.Changes) {
	t.Helper()
	repos := openHandles(t, dir, n)
	tree := func(rev string) *object.Tree {
		t.Helper()
		tr, err := commitTree(repos[0], rev)
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	changes, err := object.DiffTreeWithOptions(context.Background(), tree(a), tree(b), &object.DiffTreeOptions{
		DetectRenames: true, RenameScore: renameScore, RenameLimit: renameLimit,
	})
	if err != nil {
		t.Fatal(err)
	}
	return repos, changes
}

// TestParallelDiffEqualsSerial: reading the changed files with several handles at once gives
// exactly what one handle gives in order, hunks included, for every reader count; and the whole
// diff still matches `git diff --numstat`.
func TestParallelDiffEqualsSerial(t *testing.T) {
	dir, a, b := manyChangesRepo(t)
	repos, changes := changesBetween(t, dir, a, b, 4)
	if len(changes) < 250 {
		t.Fatalf("fixture: only %d changes", len(changes))
	}
	ctx := context.Background()
	for _, opt := range []DiffOptions{{}, {Hunks: true}} {
		serial, err := diffChanges(ctx, changes, repos[:1], opt)
		if err != nil {
			t.Fatal(err)
		}
		for n := 2; n <= 4; n++ {
			par, err := diffChanges(ctx, changes, repos[:n], opt)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(par, serial) {
				t.Errorf("hunks %v, %d readers: parallel differs from serial", opt.Hunks, n)
			}
		}
	}
	d, err := DiffRevs(ctx, dir, a, b, DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameNumstat(t, "many changes", ourNumstat(d), gitNumstat(t, dir, a, b))
	var renamed int
	for _, f := range d.Files {
		if f.Status == "renamed" {
			renamed++
		}
	}
	if renamed != 24 {
		t.Errorf("%d renames, want 24", renamed)
	}
}

// TestParallelDiffErrorsAndCancel: with several readers the error is the serial one (the first
// failing file in order, named), and a cancelled context stops the diff.
func TestParallelDiffErrorsAndCancel(t *testing.T) {
	dir, a, b := manyChangesRepo(t)
	repos, changes := changesBetween(t, dir, a, b, 3)
	// Corrupt the new blobs of two modified files far apart (loose objects, as commit wrote them).
	var bad []string
	for _, i := range []int{len(changes) * 3 / 4, len(changes) / 3} {
		c := changes[i]
		if c.To.Name == "" || c.From.Name == "" || c.To.TreeEntry.Hash == c.From.TreeEntry.Hash {
			t.Fatalf("fixture: change %d is not an edit: %v", i, c)
		}
		h := c.To.TreeEntry.Hash.String()
		obj := filepath.Join(dir, ".git", "objects", h[:2], h[2:])
		if err := os.Chmod(obj, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(obj, []byte("not zlib"), 0o644); err != nil {
			t.Fatal(err)
		}
		bad = append(bad, c.To.Name)
	}
	ctx := context.Background()
	_, serr := diffChanges(ctx, changes, repos[:1], DiffOptions{})
	if serr == nil || !strings.Contains(serr.Error(), bad[1]) {
		t.Fatalf("serial: want an error naming %s, got %v", bad[1], serr)
	}
	for n := 2; n <= 3; n++ {
		_, perr := diffChanges(ctx, changes, repos[:n], DiffOptions{})
		if perr == nil || perr.Error() != serr.Error() {
			t.Errorf("%d readers: error %v, want %v", n, perr, serr)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := diffChanges(cctx, changes, repos, DiffOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
