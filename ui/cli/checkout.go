package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/runs"
)

func newCheckoutCmd(g *globals) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "checkout RUN [--dir D]",
		Short: "Recreate a run's exact code (commit plus uncommitted patch) in a new worktree",
		Long: `checkout makes a new git worktree (detached at the run's commit) and applies the
uncommitted patch the run recorded, so the files are exactly what ran. Your own working
tree, index and branches are not touched. The default directory is
.mlwb/checkouts/run-<id>; remove it later with git worktree remove.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, s, err := openProject(g, "")
			if err != nil {
				return err
			}
			defer s.Close()
			r, err := s.FindRun(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if dir == "" {
				dir = filepath.Join(p.StateDir(), "checkouts", fmt.Sprintf("run-%d", r.ID))
			}
			out, err := runs.Restore(cmd.Context(), p, r, dir)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "directory to create (default .mlwb/checkouts/run-<id>)")
	return cmd
}

func newRerunCmd(g *globals) *cobra.Command {
	var dir string
	var params []string
	var detach bool
	cmd := &cobra.Command{
		Use:   "rerun RUN [-p key=value]… [--dir D] [--detach]",
		Short: "Run a run again on its exact code, optionally with changed params",
		Long: `rerun restores the run's code as checkout does, then launches it there with the same
params, overridden by -p. With no -p it runs the same command; with -p and a train.command
in the restored mlwb.yaml, the command is rebuilt from the template so the new values
reach it. The new run is recorded in this project like any other.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, s, err := openProject(g, "")
			if err != nil {
				return err
			}
			defer s.Close()
			ctx := cmd.Context()
			old, err := s.FindRun(ctx, args[0])
			if err != nil {
				return err
			}
			over, err := project.KeyValues("-p", params)
			if err != nil {
				return err
			}
			r, code, err := runs.Rerun(ctx, runs.RerunOptions{Run: old, Dir: dir,
				LaunchOptions: runs.LaunchOptions{Store: s, Project: p, Name: old.Name + "-rerun", Params: over}})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "run #%d reruns #%d in %s: %s\n", r.ID, old.ID, code, strings.Join(r.Command, " "))
			if detach {
				fmt.Fprintln(cmd.OutOrStdout(), r.ID)
				return nil
			}
			return followRun(cmd, s, r.ID)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "", "directory for the restored code (default under .mlwb/checkouts)")
	f.StringArrayVarP(&params, "param", "p", nil, "param override key=value (repeatable)")
	f.BoolVar(&detach, "detach", false, "print the new run's id and return")
	return cmd
}
