package project

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDiscoverFromSubdirectoryOfRepo(t *testing.T) {
	root := realDir(t, t.TempDir())
	initRepo(t, root)
	writeFile(t, root, ConfigFile, "name: wine\n")
	sub := filepath.Join(root, "src", "models")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}

	p, err := Discover(sub)
	if err != nil {
		t.Fatal(err)
	}
	if p.Root != root || !p.InGit {
		t.Fatalf("Root, InGit = %q, %v; want %q, true", p.Root, p.InGit, root)
	}
	if !p.HasConfig || p.Config.Name != "wine" || p.ConfigPath != filepath.Join(root, ConfigFile) {
		t.Fatalf("config = %+v (has %v, path %q)", p.Config, p.HasConfig, p.ConfigPath)
	}
	if got, want := p.DefaultDBPath(), filepath.Join(root, ".mlwb", "state.db"); got != want {
		t.Errorf("DefaultDBPath = %q, want %q", got, want)
	}
	if got, want := p.RunDir("abc"), filepath.Join(root, ".mlwb", "runs", "abc"); got != want {
		t.Errorf("RunDir = %q, want %q", got, want)
	}
	if got, want := p.DatasetPath(DatasetSpec{Path: "data/x.csv"}), filepath.Join(root, "data", "x.csv"); got != want {
		t.Errorf("DatasetPath = %q, want %q", got, want)
	}
}

func TestDiscoverOutsideGit(t *testing.T) {
	wd := filepath.Join(realDir(t, t.TempDir()), "my-proj")
	if err := os.Mkdir(wd, 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := Discover(wd)
	if err != nil {
		t.Fatal(err)
	}
	if p.Root != wd || p.InGit || p.HasConfig {
		t.Fatalf("got %+v; want root %q outside git without config", p, wd)
	}
	if p.Config.Name != "my-proj" || p.Config.Metrics.Direction != DirectionMax {
		t.Fatalf("default config = %+v", p.Config)
	}
}

func TestDiscoverInLinkedWorktree(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git CLI not on PATH; cannot make a linked worktree")
	}
	base := realDir(t, t.TempDir())
	main := filepath.Join(base, "main")
	initRepo(t, main)
	linked := filepath.Join(base, "linked")
	cmd := exec.Command(gitBin, "-C", main, "worktree", "add", "-b", "feature", linked)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git worktree add: %v\n%s", err, out)
	}
	writeFile(t, linked, ConfigFile, "name: linked-one\n")
	sub := filepath.Join(linked, "deep")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}

	p, err := Discover(sub)
	if err != nil {
		t.Fatal(err)
	}
	if p.Root != linked || !p.InGit || p.Config.Name != "linked-one" {
		t.Fatalf("got root %q in git %v name %q; want %q, true, linked-one", p.Root, p.InGit, p.Config.Name, linked)
	}
}

func TestDiscoverReturnsProjectWithConfigError(t *testing.T) {
	root := realDir(t, t.TempDir())
	writeFile(t, root, ConfigFile, "name: x\nbogus: 1\n")
	p, err := Discover(root)
	ce := asConfigError(t, err)
	if ce.Line != 2 {
		t.Errorf("line = %d, want 2", ce.Line)
	}
	if p == nil || !p.HasConfig || p.Config == nil || p.Root != root {
		t.Fatalf("project = %+v; want one with defaults and HasConfig", p)
	}
}

func TestEnsureStateDirKeepsExistingGitignore(t *testing.T) {
	root := realDir(t, t.TempDir())
	p := &Project{Root: root}
	if err := p.EnsureStateDir(); err != nil {
		t.Fatal(err)
	}
	ignore := filepath.Join(root, ".mlwb", ".gitignore")
	data, err := os.ReadFile(ignore)
	if err != nil {
		t.Fatal(err)
	}
	if !containsLine(string(data), "*") {
		t.Fatalf(".gitignore = %q; want a * line", data)
	}

	const mine = "# my own\nstate.db\n"
	if err := os.WriteFile(ignore, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.EnsureStateDir(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(ignore); string(data) != mine {
		t.Fatalf(".gitignore overwritten: %q", data)
	}
}

// containsLine reports whether text has a line equal to line.
func containsLine(text, line string) bool {
	return slices.Contains(strings.Split(text, "\n"), line)
}

// TestFeatureSpecPath: a declared features: path is relative to the root (or absolute); without
// one the spec is <name>.features.yaml at the root, a name's slashes made _.
func TestFeatureSpecPath(t *testing.T) {
	p := &Project{Root: "/r"}
	for _, c := range []struct{ name, features, want string }{
		{"wine", "", "/r/wine.features.yaml"},
		{"raw/a.csv", "", "/r/raw_a.csv.features.yaml"},
		{"wine", "specs/wine.yaml", "/r/specs/wine.yaml"},
		{"wine", "/abs/w.yaml", "/abs/w.yaml"},
	} {
		if got := p.FeatureSpecPath(c.name, c.features); got != c.want {
			t.Errorf("FeatureSpecPath(%q, %q) = %q, want %q", c.name, c.features, got, c.want)
		}
	}
}
