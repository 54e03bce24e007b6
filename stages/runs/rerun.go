package runs

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
)

// RerunOptions says which run to run again, and what to change.
type RerunOptions struct {
	LaunchOptions // Store, Project (the run's project, where the new run is recorded), Name, Source, Exe
	// Run is the run to run again.
	Run *store.Run
	// Dir is where its code is restored; "" is .mlwb/checkouts/run-<id>-rerun-<unix time>.
	Dir string
}

// Restore recreates run r's exact code (its commit plus its recorded patch) in a new worktree
// at dir (`mlwb checkout`, and the first step of Rerun) and returns dir made absolute.
func Restore(ctx context.Context, p *project.Project, r *store.Run, dir string) (string, error) {
	if !p.InGit {
		return "", fmt.Errorf("%s is not in a git repository: run #%d's code cannot be restored", p.Root, r.ID)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("restore run #%d: %w", r.ID, err)
	}
	if err := versions.Checkout(ctx, p.Root, versions.RunSnapshot(r), abs); err != nil {
		return "", err
	}
	return abs, nil
}

// Rerun runs a run again on its exact code: the commit it ran at with its recorded uncommitted
// patch, restored in a new worktree (versions.Checkout; the working tree is not touched), with the
// run's params overridden by o.Params. With no changed value it runs the same argv; with one and a
// train.command in the restored mlwb.yaml, the command is rebuilt from that template so the new
// values reach it. The new run is tagged mlwb.rerun_of and kept with the project's runs. It
// returns the new run and the restored code's directory. The CLI's rerun and the Runs tab's R
// both come here, so both reproduce the run rather than run today's code.
func Rerun(ctx context.Context, o RerunOptions) (*store.Run, string, error) {
	p, old := o.Project, o.Run
	dir := o.Dir
	if dir == "" {
		dir = filepath.Join(p.StateDir(), "checkouts", fmt.Sprintf("run-%d-rerun-%d", old.ID, time.Now().Unix()))
	}
	code, err := Restore(ctx, p, old, dir)
	if err != nil {
		return nil, "", err
	}
	cp, err := project.Discover(code)
	if err != nil {
		return nil, code, err
	}
	if err := cp.EnsureStateDir(); err != nil { // the checkout's own state stays ignored there
		return nil, code, err
	}
	ps, err := o.Store.Params(ctx, []int64{old.ID})
	if err != nil {
		return nil, code, err
	}
	merged := maps.Clone(ps[old.ID])
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, o.Params)
	changed := !maps.Equal(ps[old.ID], merged) // only values that differ count: the Runs tab's form offers all of them
	argv := old.Command
	if changed && cp.Config.Train.Command != "" {
		argv = nil // rebuilt from the template with the new values
	}
	workdir := code
	if rel, err := filepath.Rel(p.Root, old.Workdir); err == nil && !strings.HasPrefix(rel, "..") {
		workdir = filepath.Join(code, rel)
	}
	lo := o.LaunchOptions
	lo.Project, lo.Home = cp, p
	lo.Command, lo.Params, lo.Workdir = argv, merged, workdir
	if len(argv) > 0 {
		lo.Repeats = old.UUID // its own run directory, not the first run's
	}
	lo.Tags = maps.Clone(lo.Tags)
	if lo.Tags == nil {
		lo.Tags = map[string]string{}
	}
	lo.Tags["mlwb.rerun_of"] = fmt.Sprint(old.ID)
	r, err := Launch(ctx, lo)
	return r, code, err
}
