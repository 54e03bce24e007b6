package versions

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestFiftyThousandFileCommit: a commit that adds 50,000 files (a vendored dataset, say) and the
// next one that edits three of them and deletes one. Diffing the big commit against its (empty)
// parent lists every file with git's counts, its unified patch has every file, the small commit
// after it is exact too, and the history reads both.
func TestFiftyThousandFileCommit(t *testing.T) {
	needGit(t)
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q", "-b", "main")
	var w bytes.Buffer
	w.WriteString("commit refs/heads/main\nmark :1\ncommitter Ann <ann@example.com> 1700000000 +0000\n")
	fiData(&w, "vendor 50,000 files")
	for i := 0; i < 50_000; i++ {
		fmt.Fprintf(&w, "M 644 inline data/%02d/f%05d.txt\n", i%100, i)
		fiData(&w, strings.Repeat(fmt.Sprintf("row %d\n", i), 1+i%3))
	}
	w.WriteString("commit refs/heads/main\nmark :2\ncommitter Ann <ann@example.com> 1700000100 +0000\n")
	fiData(&w, "edit three, drop one")
	w.WriteString("from :1\n")
	for _, i := range []int{7, 20_000, 49_999} {
		fmt.Fprintf(&w, "M 644 inline data/%02d/f%05d.txt\n", i%100, i)
		fiData(&w, "changed\n")
	}
	w.WriteString("D data/42/f00042.txt\n")
	cmd := exec.Command("git", "-C", dir, "fast-import", "--quiet")
	cmd.Stdin = &w
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fast-import: %v\n%s", err, out)
	}
	ctx := context.Background()

	big, err := DiffCommit(ctx, dir, "HEAD~1", DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(big.Files) != 50_000 {
		t.Fatalf("%d files in the big commit, want 50,000", len(big.Files))
	}
	// git's own counts for the root commit (against the empty tree).
	want := map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(gitRun(t, dir, "show", "--numstat", "--format=", "HEAD~1")), "\n") {
		f := strings.Split(l, "\t")
		n, _ := strconv.Atoi(f[0])
		want[f[2]] = n
	}
	for _, f := range big.Files {
		if f.Status != "added" || f.Deleted != 0 || want[f.Path] != f.Added {
			t.Fatalf("%s: %s +%d -%d, git says +%d", f.Path, f.Status, f.Added, f.Deleted, want[f.Path])
		}
	}
	full, err := DiffCommit(ctx, dir, "HEAD~1", DiffOptions{Hunks: true})
	if err != nil {
		t.Fatal(err)
	}
	var patch bytes.Buffer
	if err := full.WriteUnified(&patch); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(patch.Bytes(), []byte("\ndiff --git ")) + 1; n != 50_000 {
		t.Fatalf("the patch has %d files", n)
	}

	small, err := DiffCommit(ctx, dir, "HEAD", DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, f := range small.Files {
		got = append(got, fmt.Sprintf("%s %s +%d -%d", f.Path, f.Status, f.Added, f.Deleted))
	}
	wantSmall := []string{"data/00/f20000.txt modified +1 -3", "data/07/f00007.txt modified +1 -2",
		"data/42/f00042.txt deleted +0 -1", "data/99/f49999.txt modified +1 -2"}
	if strings.Join(got, "\n") != strings.Join(wantSmall, "\n") {
		t.Fatalf("the small commit after it:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantSmall, "\n"))
	}
	cs, err := Log(dir, 0, 10)
	if err != nil || len(cs) != 2 {
		t.Fatalf("history: %d commits, %v", len(cs), err)
	}
}
