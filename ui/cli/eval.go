package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/runs/eval"
)

func newEvalCmd(g *globals) *cobra.Command {
	var o eval.Options
	var runRef string
	var regression, classification, asJSON bool
	cmd := &cobra.Command{
		Use:   "eval FILE [--run ID] [--label COL] [--prediction COL] [--score COL] [--positive CLASS] [--regression] [--json]",
		Short: "Evaluate a predictions file: accuracy, F1, confusion matrix, ROC AUC, log loss, or regression errors",
		Long: `eval reads a predictions file (CSV, TSV or JSONL; - for standard input) with a column of
true labels (y_true) and one of predicted labels (y_pred), and optionally a positive-class score
column (score) or one probability column per class (p_<class>, as mlwb demo-train writes). It
prints accuracy, per-class precision, recall and F1, the confusion matrix, ROC AUC, PR AUC
(average precision) and log loss, computed as scikit-learn does. With numeric labels of more
than 20 distinct values or any that is not whole (or --regression) it prints MAE, RMSE, R², max error and a histogram
of the residuals instead.

With --run it also stores the report on that run (by id, name or id prefix), where the
workbench shows it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if regression && classification {
				return &exitError{code: 2, err: fmt.Errorf("--regression and --classification exclude each other")}
			}
			if regression {
				o.Kind = eval.KindRegression
			} else if classification {
				o.Kind = eval.KindClassification
			}
			var rep *eval.Report
			var err error
			if args[0] == "-" {
				var p *eval.Predictions
				if p, err = eval.Decode(cmd.InOrStdin(), "stdin", o); err == nil {
					rep, err = eval.Evaluate(p, o)
				}
			} else {
				rep, err = eval.FromFile(args[0], o)
			}
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if runRef != "" {
				if err := saveEvaluation(cmd, g, runRef, rep); err != nil {
					return err
				}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			return rep.WriteText(out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&runRef, "run", "", "store the report on this run (id, name or id prefix)")
	f.StringVar(&o.Label, "label", "y_true", "column of true labels")
	f.StringVar(&o.Prediction, "prediction", "y_pred", "column of predicted labels")
	f.StringVar(&o.Score, "score", "", `positive-class score column of a two-class problem (default: "score" when present, else p_<positive>)`)
	f.StringVar(&o.Positive, "positive", "", "positive class of a two-class problem (default: the greater label)")
	f.StringVar(&o.ProbPrefix, "prob-prefix", "p_", "prefix of the per-class probability columns")
	f.StringVar(&o.Format, "format", "", "csv, tsv or jsonl (default: by extension, else by content)")
	f.BoolVar(&regression, "regression", false, "evaluate as a regression (numeric labels)")
	f.BoolVar(&classification, "classification", false, "evaluate as a classification even with many numeric labels")
	f.BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

// saveEvaluation stores the report on the run that ref names, in the project's store.
func saveEvaluation(cmd *cobra.Command, g *globals, ref string, rep *eval.Report) error {
	_, s, err := openProject(g, "")
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := cmd.Context()
	r, err := s.FindRun(ctx, ref)
	if err != nil {
		return err
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("encode the report: %w", err)
	}
	if err := s.SaveEvaluation(ctx, r.ID, rep.Kind, b); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "saved the %s evaluation on run %d (%s)\n", rep.Kind, r.ID, r.Name)
	return nil
}
