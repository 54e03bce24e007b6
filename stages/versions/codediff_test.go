package versions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// needGit skips a test that compares with the git CLI when it is absent (.ci/run installs it).
func needGit(t testing.TB) {
	t.Helper()
	if gitPath() == "" {
		t.Skip("git CLI not installed: the comparison with `git diff` needs it")
	}
}

// gitRun runs the git CLI in dir with a fixed identity and returns its stdout.
func gitRun(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "protocol.file.allow=always"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ann", "GIT_AUTHOR_EMAIL=ann@example.com",
		"GIT_COMMITTER_NAME=Ann", "GIT_COMMITTER_EMAIL=ann@example.com", "LC_ALL=C",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %v: %v: %s", args, err, stderr.String())
	}
	return string(out)
}

// cliRepo is an empty repository made by the git CLI on branch main.
func cliRepo(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q", "-b", "main")
	return dir
}

// writeBytes writes raw content to dir/rel.
func writeBytes(t testing.TB, dir, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// commitCLI stages everything and commits; returns the hash.
func commitCLI(t testing.TB, dir, msg string) string {
	t.Helper()
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "--allow-empty", "-m", msg)
	return strings.TrimSpace(gitRun(t, dir, "rev-parse", "HEAD"))
}

// numstat is one file's counts as `git diff --numstat` prints them ("-" for binary → -1).
type numstat struct{ added, deleted int }

// gitNumstat runs `git diff --numstat -z -M` on a pair and parses it by new path.
func gitNumstat(t testing.TB, dir string, args ...string) map[string]numstat {
	t.Helper()
	out := gitRun(t, dir, append([]string{"diff", "--numstat", "-z", "-M"}, args...)...)
	res := map[string]numstat{}
	fields := strings.Split(out, "\x00")
	for i := 0; i < len(fields); i++ {
		if fields[i] == "" {
			continue
		}
		parts := strings.SplitN(fields[i], "\t", 3)
		ns := numstat{-1, -1}
		if parts[0] != "-" {
			ns.added, _ = strconv.Atoi(parts[0])
			ns.deleted, _ = strconv.Atoi(parts[1])
		}
		path := parts[2]
		if path == "" { // a rename: old and new paths follow
			path = fields[i+2]
			i += 2
		}
		res[path] = ns
	}
	return res
}

// ourNumstat is the same map from our diff.
func ourNumstat(d *CodeDiff) map[string]numstat {
	res := map[string]numstat{}
	for _, f := range d.Files {
		if f.Binary {
			res[f.Path] = numstat{-1, -1}
		} else {
			res[f.Path] = numstat{f.Added, f.Deleted}
		}
	}
	return res
}

func sameNumstat(t *testing.T, what string, got, want map[string]numstat) {
	t.Helper()
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		g, gok := got[k]
		w, wok := want[k]
		if g != w || gok != wok {
			t.Errorf("%s: %s: ours %+v (present %v), git %+v (present %v)", what, k, g, gok, w, wok)
		}
	}
}

// lines makes n numbered lines with a prefix.
func lines(prefix string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s line %d\n", prefix, i)
	}
	return b.String()
}

// TestDiffMatchesGitNumstat builds a repository with every kind of change the issue names and
// checks our counts against `git diff --numstat` on the same pair.
func TestDiffMatchesGitNumstat(t *testing.T) {
	needGit(t)
	dir := cliRepo(t)
	big := strings.Repeat("word ", 2_000_000) // a 10 MB one-line file
	writeBytes(t, dir, "train.py", []byte(lines("train", 200)))
	writeBytes(t, dir, "model/net.py", []byte(lines("net", 80)))
	writeBytes(t, dir, "old_name.py", []byte(lines("moved", 50)))
	writeBytes(t, dir, "gone.txt", []byte("bye\n"))
	writeBytes(t, dir, "crlf.txt", []byte("a\r\nb\r\nc\r\n"))
	writeBytes(t, dir, "noeol.txt", []byte("x\ny"))
	writeBytes(t, dir, "latin1.txt", []byte("caf\xe9\nna\xefve\n"))
	writeBytes(t, dir, "blob.bin", []byte("\x00\x01\x02abc"))
	writeBytes(t, dir, "one_line.txt", []byte(big))
	writeBytes(t, dir, "repeats.txt", []byte(strings.Repeat("}\n\n", 40)))
	writeBytes(t, dir, "script.sh", []byte("echo hi\n"))
	a := commitCLI(t, dir, "first")

	// Change everything.
	train := strings.Split(lines("train", 200), "\n")
	train[10] = "changed ten"
	train = append(train[:50], train[60:]...)
	train = append(train[:100], append([]string{"new a", "new b", "new c"}, train[100:]...)...)
	writeBytes(t, dir, "train.py", []byte(strings.Join(train, "\n")))
	writeBytes(t, dir, "model/net.py", []byte(lines("net", 80)+"extra\n"))
	if err := os.Remove(filepath.Join(dir, "old_name.py")); err != nil {
		t.Fatal(err)
	}
	writeBytes(t, dir, "new_name.py", []byte(lines("moved", 50)+"one more\n"))
	if err := os.Remove(filepath.Join(dir, "gone.txt")); err != nil {
		t.Fatal(err)
	}
	writeBytes(t, dir, "crlf.txt", []byte("a\nb\nc\n"))
	writeBytes(t, dir, "noeol.txt", []byte("x\ny\n"))
	writeBytes(t, dir, "latin1.txt", []byte("caf\xe9\nna\xefve!\n"))
	writeBytes(t, dir, "blob.bin", []byte("\x00\x01\x02abcd"))
	writeBytes(t, dir, "one_line.txt", []byte(big+"!"))
	writeBytes(t, dir, "repeats.txt", []byte(strings.Repeat("}\n\n", 20)+"x\n"+strings.Repeat("}\n\n", 21)))
	writeBytes(t, dir, "added/new.txt", []byte(lines("fresh", 5)))
	if err := os.Chmod(filepath.Join(dir, "script.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	b := commitCLI(t, dir, "second")

	ctx := context.Background()
	d, err := DiffRevs(ctx, dir, a, b, DiffOptions{Hunks: true})
	if err != nil {
		t.Fatal(err)
	}
	sameNumstat(t, "commit pair", ourNumstat(d), gitNumstat(t, dir, a, b))

	byPath := map[string]FileChange{}
	for _, f := range d.Files {
		byPath[f.Path] = f
	}
	if f := byPath["new_name.py"]; f.Status != "renamed" || f.OldPath != "old_name.py" {
		t.Errorf("rename not detected: %+v", f)
	}
	if f := byPath["blob.bin"]; !f.Binary || f.OldSize != 6 || f.NewSize != 7 {
		t.Errorf("binary file: %+v", f)
	}
	if f := byPath["script.sh"]; f.OldMode != "100644" || f.NewMode != "100755" {
		t.Errorf("mode change: %+v", f)
	}
	if f := byPath["gone.txt"]; f.Status != "deleted" {
		t.Errorf("deleted file: %+v", f)
	}

	// The reverse pair, and HEAD~1..HEAD by name.
	back, err := DiffRevs(ctx, dir, b, a, DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameNumstat(t, "reverse pair", ourNumstat(back), gitNumstat(t, dir, b, a))
	one, err := DiffCommit(ctx, dir, "HEAD", DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameNumstat(t, "HEAD's own change", ourNumstat(one), gitNumstat(t, dir, "HEAD~1", "HEAD"))

	// The root commit diffs against the empty tree.
	root, err := DiffCommit(ctx, dir, a, DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	empty := strings.TrimSpace(gitRun(t, dir, "hash-object", "-t", "tree", "/dev/null"))
	sameNumstat(t, "root commit", ourNumstat(root), gitNumstat(t, dir, empty, a))
}

// TestUnifiedMatchesGit compares the whole patch text with `git diff` where hunks are unambiguous.
func TestUnifiedMatchesGit(t *testing.T) {
	needGit(t)
	dir := cliRepo(t)
	writeBytes(t, dir, "a.py", []byte(lines("a", 40)))
	writeBytes(t, dir, "tail.txt", []byte("one\ntwo"))
	a := commitCLI(t, dir, "first")
	al := strings.Split(lines("a", 40), "\n")
	al[2] = "edited two"
	al[5] = "edited five" // merges with the change at 2 (gap ≤ 6)
	al[30] = "edited thirty"
	al = append(al[:20], al[21:]...)
	writeBytes(t, dir, "a.py", []byte(strings.Join(al, "\n")))
	writeBytes(t, dir, "tail.txt", []byte("one\ntwo\nthree\n"))
	writeBytes(t, dir, "new.txt", []byte("hello\n"))
	b := commitCLI(t, dir, "second")
	d, err := DiffRevs(context.Background(), dir, a, b, DiffOptions{Hunks: true})
	if err != nil {
		t.Fatal(err)
	}
	var ours bytes.Buffer
	if err := d.WriteUnified(&ours); err != nil {
		t.Fatal(err)
	}
	want := gitRun(t, dir, "diff", "--no-color", a, b)
	if got := stripIndexLines(ours.String()); got != stripIndexLines(want) {
		t.Errorf("unified diff differs from git's:\n--- ours\n%s\n--- git\n%s", got, stripIndexLines(want))
	}
}

// stripIndexLines drops git's "index abc..def" lines, which name blob hashes we do not print.
func stripIndexLines(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "index ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestDiffWorktreeAndPatch: the worktree side, and a commit with a run's patch on top, both equal
// what git reports for the same content, and the user's index and files are left alone.
func TestDiffWorktreeAndPatch(t *testing.T) {
	needGit(t)
	dir := cliRepo(t)
	writeBytes(t, dir, "train.py", []byte(lines("t", 30)))
	a := commitCLI(t, dir, "first")
	writeBytes(t, dir, "train.py", []byte(lines("t", 30)+"lr = 0.5\n"))
	ctx := context.Background()
	wt, err := DiffRevs(ctx, dir, a, WorktreeSpec, DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameNumstat(t, "worktree", ourNumstat(wt), gitNumstat(t, dir, a))
	if st := gitRun(t, dir, "status", "--porcelain"); st != " M train.py\n" {
		t.Errorf("the user's index changed: status %q", st)
	}

	patch, err := Patch(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	run := Snapshot{Label: "run #1", Commit: a, Patch: patch}
	d, err := DiffSnapshots(ctx, dir, Snapshot{Label: "a", Commit: a}, run, DiffOptions{Hunks: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Files) != 1 || d.Files[0].Added != 1 || d.Files[0].Deleted != 0 {
		t.Errorf("commit vs run with patch: %+v", d.Files)
	}
	// A run on a later commit whose patch reverts the change: nothing differs.
	writeBytes(t, dir, "train.py", []byte(lines("t", 30)))
	b := commitCLI(t, dir, "second")
	same, err := DiffSnapshots(ctx, dir, run, Snapshot{Label: "b", Commit: b}, DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(same.Files) != 1 || same.Files[0].Deleted != 1 {
		t.Errorf("run vs later commit: %+v", same.Files)
	}
}

func TestDiffMissingCommitAndBadInput(t *testing.T) {
	needGit(t)
	dir := cliRepo(t)
	writeBytes(t, dir, "x.txt", []byte("x\n"))
	a := commitCLI(t, dir, "first")
	ctx := context.Background()
	gone := strings.Repeat("ab", 20)
	_, err := DiffSnapshots(ctx, dir, Snapshot{Label: "run #3", Commit: gone}, Snapshot{Label: "a", Commit: a}, DiffOptions{})
	if !errors.Is(err, ErrMissingCommit) {
		t.Errorf("missing commit: %v", err)
	}
	if _, err := DiffRevs(ctx, dir, "nope", a, DiffOptions{}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown revision: %v", err)
	}
	if _, err := DiffRevs(ctx, t.TempDir(), "HEAD", "HEAD", DiffOptions{}); err == nil {
		t.Error("outside a repository: no error")
	}
	// A corrupt object: the file's blob is replaced by garbage.
	blob := strings.TrimSpace(gitRun(t, dir, "rev-parse", a+":x.txt"))
	obj := filepath.Join(dir, ".git", "objects", blob[:2], blob[2:])
	if err := os.Chmod(obj, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(obj, []byte("not zlib"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeBytes(t, dir, "x.txt", []byte("y\n"))
	b := commitCLI(t, dir, "second")
	_, err = DiffRevs(ctx, dir, a, b, DiffOptions{})
	if err == nil || !strings.Contains(err.Error(), "x.txt") {
		t.Errorf("corrupt object: want an error naming x.txt, got %v", err)
	}
}

// TestDiffMergeSubmoduleShallowWorktree: a merge commit diffs against its first parent, a
// submodule shows as a pointer change, and history reads from a shallow clone and a linked
// worktree — each against git.
func TestDiffMergeSubmoduleShallowWorktree(t *testing.T) {
	needGit(t)
	ctx := context.Background()
	sub := cliRepo(t)
	writeBytes(t, sub, "lib.py", []byte("x = 1\n"))
	commitCLI(t, sub, "sub one")

	dir := cliRepo(t)
	writeBytes(t, dir, "a.txt", []byte(lines("a", 10)))
	writeBytes(t, dir, "b.txt", []byte(lines("b", 10)))
	commitCLI(t, dir, "base")
	gitRun(t, dir, "submodule", "add", "-q", sub, "sub")
	commitCLI(t, dir, "add submodule")
	gitRun(t, dir+"/sub", "commit", "-q", "--allow-empty", "-m", "sub two")
	gitRun(t, dir, "add", "sub")
	commitCLI(t, dir, "bump submodule")
	d, err := DiffCommit(ctx, dir, "HEAD", DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameNumstat(t, "submodule bump", ourNumstat(d), gitNumstat(t, dir, "HEAD~1", "HEAD"))
	if len(d.Files) != 1 || !d.Files[0].Submodule {
		t.Errorf("submodule change: %+v", d.Files)
	}

	gitRun(t, dir, "checkout", "-q", "-b", "feature")
	writeBytes(t, dir, "b.txt", []byte(lines("b", 12)))
	commitCLI(t, dir, "feature work")
	gitRun(t, dir, "checkout", "-q", "main")
	writeBytes(t, dir, "a.txt", []byte(lines("a", 11)))
	commitCLI(t, dir, "main work")
	gitRun(t, dir, "merge", "-q", "--no-ff", "-m", "merge feature", "feature")
	m, err := DiffCommit(ctx, dir, "HEAD", DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameNumstat(t, "merge vs first parent", ourNumstat(m), gitNumstat(t, dir, "HEAD^1", "HEAD"))
	log, err := LogFrom(dir, "HEAD", 0, 3)
	if err != nil || len(log) != 3 || log[0].Parents != 2 || log[0].Refs[0] != "main" {
		t.Errorf("log at the merge: %+v %v", log, err)
	}

	shallow := filepath.Join(t.TempDir(), "shallow")
	gitRun(t, dir, "clone", "-q", "--depth", "2", "file://"+dir, shallow)
	cs, err := Log(shallow, 0, 50)
	if err != nil || len(cs) == 0 || len(cs) > 3 {
		t.Errorf("shallow clone log: %d commits, %v", len(cs), err)
	}

	wt := filepath.Join(t.TempDir(), "linked")
	gitRun(t, dir, "worktree", "add", "-q", "--detach", wt, "HEAD~1")
	cs, err = Log(wt, 0, 1)
	want := strings.TrimSpace(gitRun(t, dir, "rev-parse", "HEAD~1"))
	if err != nil || len(cs) != 1 || cs[0].Hash != want {
		t.Errorf("linked worktree log: %+v %v, want %s", cs, err, want)
	}
}

// TestLogCacheSeesNewCommitsAndRepacks: the cached repository sees commits made after it was
// opened, and a repack (`git gc`, which deletes the loose objects and old packs it knew).
func TestLogCacheSeesNewCommitsAndRepacks(t *testing.T) {
	needGit(t)
	dir := cliRepo(t)
	writeBytes(t, dir, "a.txt", []byte("1\n"))
	commitCLI(t, dir, "one")
	if cs, err := Log(dir, 0, 10); err != nil || len(cs) != 1 {
		t.Fatalf("first log: %d, %v", len(cs), err)
	}
	writeBytes(t, dir, "a.txt", []byte("2\n"))
	commitCLI(t, dir, "two")
	if cs, err := Log(dir, 0, 10); err != nil || len(cs) != 2 || cs[0].Subject != "two" {
		t.Fatalf("after a commit: %+v, %v", cs, err)
	}
	gitRun(t, dir, "gc", "-q", "--prune=now")
	writeBytes(t, dir, "a.txt", []byte("3\n"))
	commitCLI(t, dir, "three")
	gitRun(t, dir, "gc", "-q", "--prune=now")
	if cs, err := Log(dir, 0, 10); err != nil || len(cs) != 3 || cs[0].Subject != "three" {
		t.Fatalf("after repacks: %+v, %v", cs, err)
	}
}
