package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/runs/mlflowimport"
)

// newImportCmd is `mlwb import`, the parent of the importers (only MLflow's so far).
func newImportCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import runs from another tracker",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newImportMLflowCmd(g))
	return cmd
}

func newImportMLflowCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "mlflow PATH [--json]",
		Short: "Import MLflow experiments and runs from an mlruns/ folder or an mlflow.db",
		Long: `import mlflow copies MLflow's experiments and runs (params, tags, every metric point) into the
project's store. PATH is an mlruns folder, a folder holding mlruns/ or mlflow.db (mlflow.db
first), an MLflow SQLite database, or a sqlite:///PATH URI; the database is opened read-only.

Runs keep their MLflow run ids, so importing again skips the runs already here. Experiments are
matched by name (created when missing). Runs deleted in MLflow, and the runs of deleted
experiments, are imported deleted (mlwb runs restore brings them back). A run that cannot be
read is reported with the file and line at fault and is left out entirely; the others are still
imported, and the command then exits with status 1.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, s, err := openProject(g, "")
			if err != nil {
				return err
			}
			defer s.Close()
			sum, err := mlflowimport.Import(cmd.Context(), s, args[0], mlflowimport.Options{})
			if sum == nil { // the source could not be opened at all
				return &exitError{code: 2, err: err}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if jerr := enc.Encode(sum); jerr != nil {
					return jerr
				}
			} else {
				writeImportSummary(out, sum)
			}
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON")
	return cmd
}

func writeImportSummary(w io.Writer, s *mlflowimport.Summary) {
	fmt.Fprintf(w, "imported MLflow %s store %s\n", s.Kind, s.Source)
	fmt.Fprintf(w, "experiments: %d created, %d reused\n", s.ExperimentsCreated, s.ExperimentsReused)
	fmt.Fprintf(w, "runs:        %d imported (%d deleted), %d already here, %d failed\n",
		s.RunsImported, s.DeletedRuns, s.RunsSkipped, s.RunsFailed)
	fmt.Fprintf(w, "data:        %d metric points, %d params, %d tags\n", s.Points, s.Params, s.Tags)
	for _, f := range s.Failures {
		who := f.Experiment
		if f.Run != "" {
			who += " run " + f.Run
		}
		fmt.Fprintf(w, "failed: %s: %s\n", who, f.Message)
	}
}
