package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
)

// side is one resolved side of `mlwb diff`: a run, or a git snapshot.
type side struct {
	run  *store.Run
	snap versions.Snapshot
}

// runRef matches the spellings that always mean a run: "#12", "run:12", "run:NAME".
var runRef = regexp.MustCompile(`^(#|run:)(.+)$`)

// bareNumber is a run number given without "#": short decimal numbers are runs, not hashes.
var bareNumber = regexp.MustCompile(`^[0-9]{1,6}$`)

// resolveSide turns a user's A or B into a run or a git snapshot: "#N"/"run:REF" and short
// numbers are runs, WORKTREE is the working tree, anything else a git revision, then a run name or
// id prefix.
func resolveSide(ctx context.Context, s *store.Store, p *project.Project, spec string) (side, error) {
	if runRef.MatchString(spec) {
		r, err := s.FindRun(ctx, spec)
		if err != nil {
			return side{}, err
		}
		return side{run: r, snap: versions.RunSnapshot(r)}, nil
	}
	if bareNumber.MatchString(spec) {
		if r, err := s.FindRun(ctx, spec); err == nil {
			return side{run: r, snap: versions.RunSnapshot(r)}, nil
		}
	}
	if !p.InGit {
		r, err := s.FindRun(ctx, spec)
		if err != nil {
			return side{}, fmt.Errorf("%s is not a run, and %s is not in a git repository to read revisions from", spec, p.Root)
		}
		return side{run: r, snap: versions.RunSnapshot(r)}, nil
	}
	snap, revErr := versions.ResolveRev(p.Root, spec)
	if revErr == nil {
		return side{snap: snap}, nil
	}
	if r, err := s.FindRun(ctx, spec); err == nil {
		return side{run: r, snap: versions.RunSnapshot(r)}, nil
	}
	return side{}, fmt.Errorf("%q is neither a run nor a git revision: %w", spec, revErr)
}

func newDiffCmd(g *globals) *cobra.Command {
	var asMD, asJSON, patch, allParams, noRenames bool
	cmd := &cobra.Command{
		Use:   "diff A B [--md|--json|--patch]",
		Short: "Diff two runs, commits, refs or WORKTREE: code, params, metrics, data",
		Long: `diff compares two versions of the experiment. A and B are runs (#12, run:NAME, or a short
number), git revisions (hash, branch, tag, HEAD~2) or WORKTREE (the tracked files on disk).

For two runs it shows what really ran — each run's commit plus the uncommitted patch it
recorded — then the params that differ, every metric's last values with the change and
whether it got better (by mlwb.yaml's direction, else loss/error-like names go down), the
datasets' versions (with the data-profile diff where they differ) and the environment.
For revisions it shows the changed files with git's --numstat counts.

  mlwb diff '#3' '#5' --md      # Markdown for a pull-request comment
  mlwb diff HEAD~1 WORKTREE --patch
  mlwb diff main feature --json

--json prints {"from","to","files":[{"path","old_path","status","added","deleted","binary",
"old_size","new_size"}],"code_note","params":[{"key","a","b","status"}],"metrics":[{"key","a",
"b","delta","pct","direction","better"}],"datasets":[…],"env":[…]}.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asMD && asJSON {
				return errors.New("choose one of --md and --json")
			}
			p, s, err := openProject(g, "")
			if err != nil {
				return err
			}
			defer s.Close()
			ctx := cmd.Context()
			a, err := resolveSide(ctx, s, p, args[0])
			if err != nil {
				return err
			}
			b, err := resolveSide(ctx, s, p, args[1])
			if err != nil {
				return err
			}
			opt := versions.DiffOptions{Hunks: patch, NoRenames: noRenames}
			d, err := diffSides(ctx, s, p, a, b, opt, allParams)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch {
			case asJSON:
				return writeJSON(out, d)
			case patch:
				if d.CodeNote != "" {
					return errors.New(d.CodeNote)
				}
				return (&versions.CodeDiff{From: d.From, To: d.To, Files: d.Files}).WriteUnified(out)
			default:
				return d.Write(out, asMD)
			}
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asMD, "md", false, "print Markdown (for a pull-request comment)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	f.BoolVar(&patch, "patch", false, "print the code changes as a unified diff")
	f.BoolVar(&allParams, "all-params", false, "list params that are the same too")
	f.BoolVar(&noRenames, "no-renames", false, "do not detect renamed files")
	return cmd
}

// diffSides compares two resolved sides: a full run diff when both are runs, else the code.
func diffSides(ctx context.Context, s *store.Store, p *project.Project, a, b side, opt versions.DiffOptions, allParams bool) (*versions.VersionDiff, error) {
	root := ""
	if p.InGit {
		root = p.Root
	}
	if a.run != nil && b.run != nil {
		return versions.DiffRuns(ctx, s, a.run, b.run, versions.RunDiffOptions{DiffOptions: opt, Root: root,
			Metrics: p.Config.Metrics, AllParams: allParams})
	}
	if root == "" {
		return nil, fmt.Errorf("%s is not in a git repository: only two runs can be compared", p.Root)
	}
	code, err := versions.DiffSnapshots(ctx, root, a.snap, b.snap, opt)
	if err != nil {
		return nil, err
	}
	return &versions.VersionDiff{From: code.From, To: code.To, Files: code.Files, Params: []versions.ParamChange{},
		Metrics: []versions.MetricChange{}, Datasets: []versions.DatasetChange{}, Env: []versions.EnvChange{}}, nil
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newCompareCmd(g *globals) *cobra.Command {
	var asMD, asJSON, all bool
	var sortBy string
	cmd := &cobra.Command{
		Use:   "compare RUN RUN… [--sort METRIC] [--all] [--md|--json]",
		Short: "Compare runs side by side: params that differ, metrics with the best marked",
		Long: `compare prints a params × runs table (only the params that differ, unless --all) and a
metrics × runs table of last values, the best value of each metric marked with * (by
mlwb.yaml's direction for the primary metric, else loss/error-like names go down).
--sort METRIC orders the runs best first.`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, s, err := openProject(g, "")
			if err != nil {
				return err
			}
			defer s.Close()
			ctx := cmd.Context()
			var rs []*store.Run
			for _, a := range args {
				r, err := s.FindRun(ctx, a)
				if err != nil {
					return err
				}
				rs = append(rs, r)
			}
			c, err := versions.CompareRuns(ctx, s, rs, versions.CompareOptions{Metrics: p.Config.Metrics, AllParams: all, SortBy: sortBy})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), c)
			}
			return c.Write(cmd.OutOrStdout(), asMD)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asMD, "md", false, "print Markdown")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	f.BoolVar(&all, "all", false, "list params that are the same in every run too")
	f.StringVar(&sortBy, "sort", "", "order runs by this metric, best first")
	return cmd
}
