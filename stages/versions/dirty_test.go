package versions

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dirtyCheckers runs a test against Dirty and each way it can work.
func dirtyCheckers(t *testing.T) map[string]func(context.Context, string) (bool, error) {
	t.Helper()
	m := map[string]func(context.Context, string) (bool, error){"Dirty": Dirty, "go-git": dirtyGoGit}
	if git := gitPath(); git != "" {
		m["cli"] = func(ctx context.Context, root string) (bool, error) { return dirtyCLI(ctx, git, root) }
	}
	return m
}

func TestDirty(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  bool
	}{
		{"clean", func(*testing.T, string) {}, false},
		{"modified", func(t *testing.T, dir string) { write(t, dir, "train.py", "lr = 0.5\n") }, true},
		{"untracked", func(t *testing.T, dir string) { write(t, dir, "notes.md", "todo\n") }, true},
		{"ignored only", func(t *testing.T, dir string) { write(t, dir, "out.log", "x\n") }, false},
		{"deleted", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "train.py")); err != nil {
				t.Fatal(err)
			}
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, _, _ := committedRepo(t)
			c.setup(t, dir)
			for name, dirty := range dirtyCheckers(t) {
				got, err := dirty(context.Background(), dir)
				if err != nil || got != c.want {
					t.Errorf("%s = %v, %v; want %v", name, got, err, c.want)
				}
			}
		})
	}
}

func TestDirtyEmptyRepo(t *testing.T) {
	dir, _ := newRepo(t)
	for name, dirty := range dirtyCheckers(t) {
		if got, err := dirty(context.Background(), dir); err != nil || got {
			t.Errorf("%s on empty repo = %v, %v; want clean", name, got, err)
		}
	}
	write(t, dir, "a.txt", "a\n")
	for name, dirty := range dirtyCheckers(t) {
		if got, err := dirty(context.Background(), dir); err != nil || !got {
			t.Errorf("%s with untracked file = %v, %v; want dirty", name, got, err)
		}
	}
}

func TestDirtyTimeout(t *testing.T) {
	dir, _, _ := committedRepo(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	for name, dirty := range dirtyCheckers(t) {
		_, err := dirty(ctx, dir)
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), dir) {
			t.Errorf("%s error = %v; want DeadlineExceeded naming the repo", name, err)
		}
	}
}

func TestDirtyOutsideRepo(t *testing.T) {
	if _, err := Dirty(context.Background(), t.TempDir()); err == nil {
		t.Fatal("no error outside a repository")
	}
}
