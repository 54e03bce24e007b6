package runs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/runs/eval"
	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
)

// LaunchOptions says what to run and how to start its supervisor.
type LaunchOptions struct {
	Store   *store.Store
	Project *project.Project
	// Exe and ExeArgs start the supervisor: Exe ExeArgs… supervise --db DB RUN-ID. Exe defaults to
	// this executable (tests point it at their own binary).
	Exe     string
	ExeArgs []string
	// Name names the run; "" leaves it unnamed.
	Name string
	// Command is the argv to run; empty runs the project's train.command template.
	Command []string
	// Params override the template's default params (and are recorded, and passed as MLWB_PARAM_*).
	Params map[string]string
	// Datasets names the declared datasets (by name or path) the run uses; nil means all declared.
	Datasets []string
	Tags     map[string]string
	// Workdir is where the command runs; "" is the project root.
	Workdir string
	// Source records what started the run: cli, tui, demo.
	Source string
	// Repeats is the uuid of the run a rerun repeats with its own argv: in Command it becomes
	// this run's uuid, so the {run} and {run_dir} the template expanded for that run point at
	// this run's (a rerun wrote its predictions over the first run's).
	Repeats string
	// Home is the project whose .mlwb/runs holds the run's directory (log, artifacts); nil is
	// Project. A rerun in a throwaway checkout keeps its run with the others, so removing the
	// checkout does not take the log and artifacts along.
	Home *project.Project
}

// Launch records a run and starts its supervisor detached in a new session, so the run outlives
// the terminal, the SSH connection and this process. It returns once the supervisor has started;
// the run is then queued until the supervisor starts the command.
func Launch(ctx context.Context, o LaunchOptions) (*store.Run, error) {
	// The supervisor opens the same store, from the run's working directory: a relative --db
	// or MLWB_DB would open a new, empty one there (a rerun from the Runs tab was lost so).
	db, err := filepath.Abs(o.Store.Path())
	if err != nil {
		return nil, fmt.Errorf("launch: store path: %w", err)
	}
	p := o.Project
	cfg := p.Config
	params := cfg.Train.ParamStrings()
	if len(o.Command) > 0 {
		params = map[string]string{} // the template's defaults describe the template only
	}
	for _, f := range cfg.Train.ParamsFiles {
		fp, err := readParamsFile(p.Root, f)
		if err != nil {
			return nil, err
		}
		for k, v := range fp {
			if _, ok := params[k]; !ok {
				params[k] = v
			}
		}
	}
	maps.Copy(params, o.Params)
	datasets, err := pickDatasets(cfg, o.Datasets)
	if err != nil {
		return nil, err
	}

	uuid := store.NewRunUUID()
	home := o.Home
	if home == nil {
		home = p
	}
	runDir := home.RunDir(uuid)
	artifacts := filepath.Join(runDir, "artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		return nil, fmt.Errorf("run directory: %w", err)
	}
	argv := o.Command
	if o.Repeats != "" {
		argv = slices.Clone(argv)
		for i, a := range argv {
			argv[i] = strings.ReplaceAll(a, o.Repeats, uuid)
		}
	}
	if len(argv) == 0 {
		if cfg.Train.Command == "" {
			return nil, errors.New("no command given and mlwb.yaml has no train.command: use mlwb run -- COMMAND ARGS…")
		}
		vals := map[string]string{project.PlaceholderRun: uuid, project.PlaceholderRunDir: runDir}
		if len(datasets) > 0 {
			vals[project.PlaceholderData] = p.DatasetPath(datasets[0])
		}
		maps.Copy(vals, params)
		if argv, err = project.ExpandArgv(cfg.Train.Command, vals); err != nil {
			return nil, err
		}
	}
	workdir := o.Workdir
	if workdir == "" {
		workdir = p.Root
	}
	host, _ := os.Hostname()
	who := ""
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	source := o.Source
	if source == "" {
		source = "cli"
	}
	r := &store.Run{UUID: uuid, Name: o.Name, Status: store.StatusQueued, Source: source, Command: argv,
		Workdir: workdir, Host: host, User: who, LogPath: filepath.Join(runDir, "output.log"), ArtifactDir: artifacts}
	if p.InGit {
		recordGit(ctx, p.Root, r)
	}
	if err := o.Store.CreateRun(ctx, r, params, o.Tags); err != nil {
		return nil, err
	}
	for _, ds := range datasets {
		if err := LinkDataset(ctx, o.Store, p, r.ID, ds, r.GitCommit); err != nil {
			end := store.RunEnd{Status: store.StatusFailed}
			o.Store.EndRun(ctx, r.ID, end)
			o.Store.AppendNote(ctx, r.ID, "not started: "+err.Error())
			return r, err
		}
	}
	if err := startSupervisor(o, db, r, runDir); err != nil {
		o.Store.EndRun(ctx, r.ID, store.RunEnd{Status: store.StatusFailed})
		o.Store.AppendNote(ctx, r.ID, "not started: "+err.Error())
		return r, err
	}
	return r, nil
}

// recordGit notes the commit, branch, dirty flag and uncommitted patch; a git problem is recorded
// as a missing value, never a reason not to run.
func recordGit(ctx context.Context, root string, r *store.Run) {
	if h, err := versions.ReadHead(root); err == nil {
		r.GitCommit, r.GitBranch = h.Commit, h.Branch
	}
	if dirty, err := versions.Dirty(ctx, root); err == nil && dirty {
		r.GitDirty = true
		patch, left, err := versions.RunPatch(ctx, root)
		if err != nil { // the tracked changes at least, as before untracked files were taken
			left = []string{"all (" + err.Error() + ")"}
			patch, err = versions.Patch(ctx, root)
		}
		if err == nil {
			r.GitPatch = patch
			if len(left) > 0 {
				r.Note = "untracked files not recorded with the code (too big, not regular files, or may hold secrets): " + eval.ListSome(left)
			}
		}
	}
}

// pickDatasets resolves -d names (a declared name or path) to declared datasets.
func pickDatasets(cfg *project.Config, names []string) ([]project.DatasetSpec, error) {
	if names == nil {
		return cfg.Datasets, nil
	}
	var out []project.DatasetSpec
	for _, n := range names {
		ds, ok := cfg.Dataset(n)
		if !ok {
			return nil, fmt.Errorf("dataset %q is not declared in mlwb.yaml", n)
		}
		out = append(out, ds)
	}
	return out, nil
}

// LinkDataset records the dataset's current content (xxhash, cached by size and mtime) as a version
// and links the run to it.
func LinkDataset(ctx context.Context, s *store.Store, p *project.Project, runID int64, ds project.DatasetSpec, commit string) error {
	path := p.DatasetPath(ds)
	hash, size, err := data.HashFile(ctx, s, path)
	if err != nil {
		return fmt.Errorf("dataset %s: %w", ds.Name, err)
	}
	id, err := s.UpsertDataset(ctx, store.Dataset{Name: ds.Name, Path: ds.Path, Target: ds.Target})
	if err != nil {
		return err
	}
	// Rows and columns unknown here (-1: NULL), so a count recorded by a profile is kept.
	vid, err := s.AddDatasetVersion(ctx, store.DatasetVersion{DatasetID: id, ContentHash: hash, Size: size,
		Rows: -1, Columns: -1, GitCommit: commit})
	if err != nil {
		return err
	}
	return s.LinkRunDataset(ctx, runID, vid, "input")
}

// startSupervisor starts `mlwb supervise` in a new session with no terminal: a hangup of ours never
// reaches it. Its own messages go to supervisor.log in the run directory.
func startSupervisor(o LaunchOptions, db string, r *store.Run, runDir string) error {
	exe := o.Exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("find the mlwb executable: %w", err)
		}
	}
	logf, err := os.OpenFile(filepath.Join(runDir, "supervisor.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("supervisor log: %w", err)
	}
	defer logf.Close()
	args := append(append([]string{}, o.ExeArgs...), "supervise", "--db", db, strconv.FormatInt(r.ID, 10))
	cmd := exec.Command(exe, args...)
	cmd.Dir = r.Workdir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start supervisor: %w", err)
	}
	// Reap it if we are still here when it ends; if we leave first, init does.
	go cmd.Wait()
	return nil
}

// WaitStarted waits until the run has left the queue (or ctx ends), so a caller can follow it.
func WaitStarted(ctx context.Context, s *store.Store, runID int64) (*store.Run, error) {
	for {
		r, err := s.GetRun(ctx, runID)
		if err != nil {
			return nil, err
		}
		if r.Status != store.StatusQueued {
			return r, nil
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
