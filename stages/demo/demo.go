// Package demo builds mlwb's built-in demo project: a real git repository with a few commits, a
// small real dataset (UCI Wine), and real training runs made by running the demo trainer at
// different commits and params, recorded in the project's store like any run.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
)

// Options configure Build.
type Options struct {
	// Dir is where the project is made; it must not exist or be empty. "" makes a temp dir.
	Dir string
	// Data holds the demo's files (wine.csv), embedded in the binary by main.
	Data fs.FS
	// Exe is how the demo's train command names mlwb (recorded in each run's command).
	Exe string
	// Supervisor is the mlwb executable that supervises the runs (`supervise`); "" is this
	// process's own executable.
	Supervisor string
	// Progress, when set, is told what is being done (one line per step).
	Progress func(string)
}

// Result is the demo project that was built.
type Result struct {
	Root   string
	DBPath string
	Runs   int
}

// Build makes the demo project and its runs.
func Build(ctx context.Context, opt Options) (*Result, error) {
	dir, err := prepareDir(opt.Dir)
	if err != nil {
		return nil, err
	}
	say := opt.Progress
	if say == nil {
		say = func(string) {}
	}
	if opt.Exe == "" {
		opt.Exe = "mlwb"
	}
	wine, err := fs.ReadFile(opt.Data, "wine.csv")
	if err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	say("project in " + dir)
	repo, err := newRepo(dir)
	if err != nil {
		return nil, err
	}
	p := &project.Project{Root: dir, InGit: true, ConfigPath: filepath.Join(dir, "mlwb.yaml")}
	if err := p.EnsureStateDir(); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	s, err := store.Open(p.DefaultDBPath())
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer s.Close()

	// The story: a baseline, a learning-rate fix (and a typo'd run that fails), then L2.
	base := time.Now().Add(-72 * time.Hour).Truncate(time.Minute)
	runs := 0
	for i, step := range storySteps(opt.Exe) {
		files := map[string][]byte{"mlwb.yaml": []byte(step.config), "params.yaml": []byte(step.paramsYAML)}
		if i == 0 {
			files["data/wine.csv"] = wine
			files["README.md"] = []byte(readme)
			files["train.sh"] = []byte(trainScript)
		}
		commit, err := repo.commit(files, step.message, step.author, base.Add(time.Duration(i)*26*time.Hour))
		if err != nil {
			return nil, err
		}
		say(fmt.Sprintf("commit %s %s", commit[:7], step.message))
		cfg, err := project.Load(p.ConfigPath)
		if err != nil {
			return nil, fmt.Errorf("demo config: %w", err)
		}
		p.Config, p.HasConfig = cfg, true
		if err := recordDataset(ctx, s, p, cfg.Datasets[0], commit); err != nil {
			return nil, err
		}
		for _, r := range step.runs {
			rec, err := recordRun(ctx, s, p, opt.Supervisor, r)
			if err != nil {
				return nil, err
			}
			runs++
			say(fmt.Sprintf("run %-10s %-8s %s", r.name, rec.Status, rec.Summary))
		}
	}
	return &Result{Root: dir, DBPath: p.DefaultDBPath(), Runs: runs}, nil
}

// prepareDir returns an empty directory to build in: dir (created if absent) or a new temp dir.
func prepareDir(dir string) (string, error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "mlwb-demo-")
		if err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
		return d, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	ents, err := os.ReadDir(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
	case err != nil:
		return "", fmt.Errorf("demo: %w", err)
	case len(ents) > 0:
		return "", fmt.Errorf("demo: %s is not empty; give a new or empty directory with --dir", abs)
	}
	return abs, nil
}
