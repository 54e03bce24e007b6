package versions

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// trickyTreesRepo builds, with git fast-import, two commits whose trees differ in every way a
// tree diff has to get right at every depth: files and directories swapped under one name,
// directories only on one side, names that git and byte order sort differently ("a.b", "a",
// "a-"), mode and symlink changes, a submodule pointer, and enough changed folders (30) that
// the diff is split. Everything lies under prefix ("src/": the split has to go down a level
// first). It returns the two commits.
func trickyTreesRepo(t *testing.T, prefix string) (dir, a, b string) {
	t.Helper()
	dir = cliRepo(t)
	var w bytes.Buffer
	commit := func(mark int, from string, ops func()) {
		fmt.Fprintf(&w, "commit refs/heads/main\nmark :%d\ncommitter Ann <ann@example.com> %d +0000\n", mark, 1700000000+mark)
		fiData(&w, fmt.Sprintf("commit %d", mark))
		if from != "" {
			fmt.Fprintf(&w, "from %s\n", from)
		}
		ops()
	}
	file := func(mode, path, content string) {
		fmt.Fprintf(&w, "M %s inline %s%s\n", mode, prefix, path)
		fiData(&w, content)
	}
	del := func(path string) { fmt.Fprintf(&w, "D %s%s\n", prefix, path) }
	sub := func(path, hash string) { fmt.Fprintf(&w, "M 160000 %s %s%s\n", hash, prefix, path) }
	commit(1, "", func() {
		for d := 0; d < 30; d++ {
			for f := 0; f < 5; f++ {
				file("644", fmt.Sprintf("top%02d/f%d.txt", d, f), lines(fmt.Sprintf("%d/%d", d, f), 10))
			}
			file("644", fmt.Sprintf("top%02d/deep/er/x.txt", d), "x\n")
		}
		for _, p := range []string{"a", "a.b", "a-", "b/a", "b/a.b", "b/a-/z", "swap", "top03/swap", "top04/gone/one.txt",
			"top04/gone/two/three.txt", "keep.txt", "mode.sh", "link"} {
			file("644", p, p+"\n")
		}
		file("644", "dirswap/in.txt", "in\n")
		sub("top05/mod", strings.Repeat("1", 40))
	})
	commit(2, ":1", func() {
		for d := 0; d < 30; d++ {
			file("644", fmt.Sprintf("top%02d/f%d.txt", d, d%5), lines(fmt.Sprintf("%d changed", d), 12))
			if d%7 == 0 {
				file("644", fmt.Sprintf("top%02d/deep/er/x.txt", d), "y\n")
			}
		}
		del("a")
		file("644", "a/inside.txt", "now a directory\n")
		file("644", "a.b", "changed\n")
		del("b/a.b")
		file("644", "b/a.b/c", "dir now\n")
		del("b/a-")
		file("644", "b/a-", "file now\n")
		del("swap")
		file("644", "swap/x", "dir\n")
		del("top03/swap")
		file("644", "top03/swap/y/z", "deeper dir\n")
		del("top04/gone")
		file("644", "top06/new/n1.txt", "new\n")
		file("644", "top06/new/sub/n2.txt", "new 2\n")
		file("755", "mode.sh", "mode.sh\n")
		fmt.Fprintf(&w, "M 120000 inline %slink\n", prefix)
		fiData(&w, "keep.txt")
		del("dirswap")
		file("644", "dirswap", "was a dir\n")
		sub("top05/mod", strings.Repeat("2", 40))
		sub("top07/newmod", strings.Repeat("3", 40))
	})
	cmd := exec.Command("git", "-C", dir, "fast-import", "--quiet")
	cmd.Stdin = &w
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fast-import: %v\n%s", err, out)
	}
	return dir, gitRun(t, dir, "rev-parse", "main~1")[:40], gitRun(t, dir, "rev-parse", "main")[:40]
}

// changeKey is what a change says, with the trees named by hash (handles differ).
func changeKey(c *object.Change) string {
	side := func(e object.ChangeEntry) string {
		if e.Name == "" {
			return "-"
		}
		parent := "nil"
		if e.Tree != nil {
			parent = e.Tree.Hash.String()[:7]
		}
		return fmt.Sprintf("%s %s %o %s (in %s)", e.Name, e.TreeEntry.Name, e.TreeEntry.Mode, e.TreeEntry.Hash.String()[:7], parent)
	}
	return side(c.From) + " => " + side(c.To)
}

// TestSplitTreeDiffEqualsGoGit: the split, parallel tree diff gives go-git's change list, in
// its order, entry for entry, on tricky trees and on many changes, both ways round, and rename
// detection after it gives go-git's answer too.
func TestSplitTreeDiffEqualsGoGit(t *testing.T) {
	needGit(t)
	tricky, ta, tb := trickyTreesRepo(t, "")
	nested, na, nb := trickyTreesRepo(t, "src/")
	many, ma, mb := manyChangesRepo(t)
	ctx := context.Background()
	for _, tc := range []struct{ dir, a, b string }{
		{tricky, ta, tb}, {tricky, tb, ta}, {many, ma, mb}, {many, mb, ma}, {tricky, "", tb}, {many, ma, ""},
		{nested, na, nb}, {nested, nb, na},
	} {
		repos := openHandles(t, tc.dir, 3)
		tree := func(rev string) *object.Tree {
			if rev == "" {
				return nil
			}
			tr, err := commitTree(repos[0], rev)
			if err != nil {
				t.Fatal(err)
			}
			return tr
		}
		readers := func(n int) []*git.Repository { return repos[:min(n, len(repos))] }
		got, ok, err := splitTreeDiff(ctx, repos[0], readers, tree(tc.a), tree(tc.b))
		if err != nil || !ok {
			t.Fatalf("%s..%s: split %v, %v", tc.a, tc.b, ok, err)
		}
		want, err := object.DiffTreeWithOptions(ctx, tree(tc.a), tree(tc.b), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("%s..%s: %d changes, want %d", tc.a, tc.b, len(got), len(want))
		}
		for i := 0; i < min(len(got), len(want)); i++ {
			if g, w := changeKey(got[i]), changeKey(want[i]); g != w {
				t.Errorf("%s..%s change %d:\n got %s\nwant %s", tc.a, tc.b, i, g, w)
				break
			}
		}
		opts := &object.DiffTreeOptions{DetectRenames: true, RenameScore: renameScore, RenameLimit: renameLimit}
		gotR, err := object.DetectRenames(got, opts)
		if err != nil {
			t.Fatal(err)
		}
		wantR, err := object.DiffTreeWithOptions(ctx, tree(tc.a), tree(tc.b), opts)
		if err != nil {
			t.Fatal(err)
		}
		var gs, ws []string
		for _, c := range gotR {
			gs = append(gs, changeKey(c))
		}
		for _, c := range wantR {
			ws = append(ws, changeKey(c))
		}
		if strings.Join(gs, "\n") != strings.Join(ws, "\n") {
			t.Errorf("%s..%s with renames:\n got %s\nwant %s", tc.a, tc.b, strings.Join(gs, "\n"), strings.Join(ws, "\n"))
		}
	}
	// And through DiffRevs, which splits when it has more than one processor, against git.
	d, err := DiffRevs(ctx, tricky, ta, tb, DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameNumstat(t, "tricky trees", ourNumstat(d), gitNumstat(t, tricky, ta, tb))
}
