package versions

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time (user + system) used so far by this process and its waited-for
// children. This machine is shared and starved, so the benchmarks also report CPU ms per op,
// which load does not inflate the way it does wall time; ratios are taken on it.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
}

// loopCPU runs body in b.Loop and reports its CPU milliseconds per op.
func loopCPU(b *testing.B, body func()) {
	start := cpuTime()
	n := 0
	for b.Loop() {
		body()
		n++
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(n), "cpu-ms/op")
}

// dropRepoCache closes and forgets every cached repository, so the next read opens it cold (pack
// indexes decoded again), as the first read of a process does.
func dropRepoCache() {
	cachedRepos.Lock()
	defer cachedRepos.Unlock()
	for root, c := range cachedRepos.m {
		c.closeAll()
		delete(cachedRepos.m, root)
	}
}

// The benchmarks build their repositories once with `git fast-import` under the system temp dir
// and reuse them (building 100,000 commits takes a while on a small machine).

// fastImport builds a repository at dir from a fast-import stream, unless it is already there.
func fastImport(b *testing.B, dir string, stream func(w *bytes.Buffer)) {
	b.Helper()
	needGit(b)
	if _, err := os.Stat(filepath.Join(dir, ".git", "mlwb-bench-done")); err == nil {
		return
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	gitRun(b, dir, "init", "-q", "-b", "main")
	var buf bytes.Buffer
	stream(&buf)
	cmd := exec.Command("git", "-C", dir, "fast-import", "--quiet")
	cmd.Stdin = &buf
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("fast-import: %v\n%s", err, out)
	}
	gitRun(b, dir, "reset", "-q", "--hard", "main")
	os.WriteFile(filepath.Join(dir, ".git", "mlwb-bench-done"), nil, 0o644)
}

// fiData writes one fast-import data block.
func fiData(w *bytes.Buffer, s string) { fmt.Fprintf(w, "data %d\n%s\n", len(s), s) }

// benchFile is the content of file i at version v: 50 lines, the odd ones changed in version 1
// (25 deleted + 25 added lines per changed file).
func benchFile(i, v int) string {
	var s strings.Builder
	for l := 0; l < 50; l++ {
		if v == 1 && l%2 == 1 {
			fmt.Fprintf(&s, "file %d line %d: changed in the second commit\n", i, l)
		} else {
			fmt.Fprintf(&s, "file %d line %d: def f(x): return x * %d\n", i, l, l)
		}
	}
	return s.String()
}

// bigRepo is the diff fixture: 20,000 files in 200 folders; the second commit changes
// 200 of them (one per folder) by 50 lines each: 10,000 changed lines.
func bigRepo(b *testing.B) string {
	dir := filepath.Join(os.TempDir(), "mlwb-bench-repo-20000")
	fastImport(b, dir, func(w *bytes.Buffer) {
		w.WriteString("commit refs/heads/main\nmark :1\ncommitter Ann <ann@example.com> 1700000000 +0000\n")
		fiData(w, "20,000 files")
		for i := 0; i < 20_000; i++ {
			fmt.Fprintf(w, "M 644 inline src/d%03d/f%05d.py\n", i%200, i)
			fiData(w, benchFile(i, 0))
		}
		w.WriteString("commit refs/heads/main\nmark :2\ncommitter Ann <ann@example.com> 1700000100 +0000\n")
		fiData(w, "change 200 files")
		w.WriteString("from :1\n")
		for d := 0; d < 200; d++ {
			i := d + 200*(d%100) // file i lives in folder i%200 == d
			fmt.Fprintf(w, "M 644 inline src/d%03d/f%05d.py\n", i%200, i)
			fiData(w, benchFile(i, 1))
		}
	})
	return dir
}

// BenchmarkDiffCommits times the file list (with numstat counts) and the full patch of the
// 200-file, 10,000-line change in the 20,000-file repository, and `git diff` on the same pair.
func BenchmarkDiffCommits(b *testing.B) {
	dir := bigRepo(b)
	ctx := context.Background()
	check, err := DiffRevs(ctx, dir, "HEAD~1", "HEAD", DiffOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if add, del := check.Totals(); len(check.Files) != 200 || add+del != 10_000 {
		b.Fatalf("fixture: %d files, +%d -%d", len(check.Files), add, del)
	}
	files := func() {
		if _, err := DiffRevs(ctx, dir, "HEAD~1", "HEAD", DiffOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	patch := func() {
		d, err := DiffRevs(ctx, dir, "HEAD~1", "HEAD", DiffOptions{Hunks: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := d.WriteUnified(discard{}); err != nil {
			b.Fatal(err)
		}
	}
	// cold: a process's first diff opens the repository (pack indexes); warm: the Diff tab's
	// later diffs reuse it. Both are what a user waits for, at different times.
	b.Run("mlwb-files-cold", func(b *testing.B) { loopCPU(b, func() { dropRepoCache(); files() }) })
	b.Run("mlwb-files-warm", func(b *testing.B) { files(); loopCPU(b, files) })
	b.Run("mlwb-patch-cold", func(b *testing.B) { loopCPU(b, func() { dropRepoCache(); patch() }) })
	b.Run("mlwb-patch-warm", func(b *testing.B) { patch(); loopCPU(b, patch) })
	b.Run("git-numstat", func(b *testing.B) {
		loopCPU(b, func() { gitRun(b, dir, "diff", "--numstat", "HEAD~1", "HEAD") })
	})
	b.Run("git-patch", func(b *testing.B) {
		loopCPU(b, func() { gitRun(b, dir, "diff", "HEAD~1", "HEAD") })
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkLogFirstPage reads the first page (50 commits) of a 100,000-commit history, and `git
// log` the same page.
func BenchmarkLogFirstPage(b *testing.B) {
	dir := filepath.Join(os.TempDir(), "mlwb-bench-repo-100000-commits")
	fastImport(b, dir, func(w *bytes.Buffer) {
		for i := 1; i <= 100_000; i++ {
			fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\ncommitter Ann <ann@example.com> %d +0000\n", i, 1_600_000_000+i*60)
			fiData(w, fmt.Sprintf("step %d", i))
			if i > 1 {
				fmt.Fprintf(w, "from :%d\n", i-1)
			}
			fmt.Fprintf(w, "M 644 inline f%d.txt\n", i%100)
			fiData(w, fmt.Sprintf("%d\n", i))
		}
	})
	page := func() {
		cs, err := Log(dir, 0, 50)
		if err != nil || len(cs) != 50 {
			b.Fatalf("%d commits, %v", len(cs), err)
		}
	}
	// cold: the tab's first page in a new process; warm: a refresh or the next page.
	b.Run("mlwb-cold", func(b *testing.B) { loopCPU(b, func() { dropRepoCache(); page() }) })
	b.Run("mlwb-warm", func(b *testing.B) { page(); loopCPU(b, page) })
	b.Run("git", func(b *testing.B) {
		loopCPU(b, func() { gitRun(b, dir, "log", "-50", "--format=%H %an %at %s") })
	})
}
