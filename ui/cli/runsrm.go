package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/store"
)

// newRunsRmCmd is `mlwb runs rm`: delete runs, softly by default (as MLflow does, so a slip can
// be undone with `runs restore`), for good with --purge.
func newRunsRmCmd(g *globals) *cobra.Command {
	var purge bool
	cmd := &cobra.Command{
		Use:   "rm RUN… [--purge]",
		Short: "Delete runs (restorable; --purge removes their records and files for good)",
		Long: `rm hides runs from lists, diffs and the workbench; mlwb runs restore brings them back.
With --purge it deletes their records (params, metrics, evaluations, tags) and their run
directory (log and artifacts) for good. A run that is still running must be stopped first
(mlwb runs stop RUN).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, s, err := openProject(g, "")
			if err != nil {
				return err
			}
			defer s.Close()
			ctx := cmd.Context()
			// Resolve every reference before deleting anything: a typo fails the whole command.
			var rs []*store.Run
			for _, ref := range args {
				r, err := s.FindRun(ctx, ref)
				if err != nil {
					return err
				}
				if r.Status == store.StatusRunning || r.Status == store.StatusQueued {
					return fmt.Errorf("run %d (%s) is %s: stop it first (mlwb runs stop %d)", r.ID, r.Name, r.Status, r.ID)
				}
				rs = append(rs, r)
			}
			out := cmd.OutOrStdout()
			for _, r := range rs {
				if !purge {
					if err := s.DeleteRun(ctx, r.ID); err != nil {
						return err
					}
					fmt.Fprintf(out, "deleted run %d %s (mlwb runs restore %d undoes it)\n", r.ID, r.Name, r.ID)
					continue
				}
				if err := s.PurgeRun(ctx, r.ID); err != nil {
					return err
				}
				if dir := runDirOf(p.StateDir(), r); dir != "" {
					if err := os.RemoveAll(dir); err != nil {
						return fmt.Errorf("run %d: remove %s: %w", r.ID, dir, err)
					}
				}
				fmt.Fprintf(out, "purged run %d %s\n", r.ID, r.Name)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&purge, "purge", false, "delete the records and the run directory for good")
	return cmd
}

// runDirOf is the run's own directory (the one holding its log), only when it lies inside the
// project's state directory: a purge never removes anything else.
func runDirOf(stateDir string, r *store.Run) string {
	if r.LogPath == "" || stateDir == "" {
		return ""
	}
	dir := filepath.Dir(r.LogPath)
	rel, err := filepath.Rel(stateDir, dir)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
		return ""
	}
	return dir
}

func newRunsRestoreCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "restore RUN_ID…",
		Short: "Bring back runs deleted with runs rm (by number, uuid or name)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, s, err := openProject(g, "")
			if err != nil {
				return err
			}
			defer s.Close()
			for _, ref := range args {
				r, err := s.FindDeletedRun(cmd.Context(), ref)
				if err != nil {
					return err
				}
				if err := s.RestoreRun(cmd.Context(), r.ID); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "restored run %d %s\n", r.ID, r.Name)
			}
			return nil
		},
	}
}
