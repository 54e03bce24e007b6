package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/features"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/versions"
)

// featuresReport is what `mlwb data features --json` prints.
type featuresReport struct {
	Input    string             `json:"input"`
	Output   string             `json:"output"`
	Format   string             `json:"format"`
	Rows     int64              `json:"rows"`
	Columns  []features.Output  `json:"columns"`
	Spec     string             `json:"spec"`
	SpecHash string             `json:"spec_hash"`
	InHash   string             `json:"input_hash"`
	OutHash  string             `json:"output_hash"`
	Stored   *features.Recorded `json:"stored,omitempty"` // nil outside a project or with --no-store
	Warnings []string           `json:"warnings"`
}

func newDataFeaturesCmd(g *globals) *cobra.Command {
	var specPath, outPath, format string
	var preview, workers int
	var asJSON, noStore bool
	cmd := &cobra.Command{
		Use:   "features IN [--spec F] -o OUT [--preview N]",
		Short: "Turn a dataset into model inputs with a transform spec (standardize, minmax, log1p, clip, impute, one-hot, bucketize, date parts, drop)",
		Long: `features profiles IN, fits the transforms of the spec file F (YAML, committed with the
code) to that profile — means, standard deviations (ddof=1), ranges, medians, modes, frequent
values and quantile edges all come from the profile — and streams IN through them, in parallel,
to OUT: CSV, TSV or Parquet by OUT's extension (or --format). The output is written under a
temporary name and renamed into place when complete.

Inside a project the build is stored: the input's version (with its profile), the output's
version, and the spec's hash, so a model's inputs can be traced to the data and spec that made
them. --preview N prints the first N transformed rows instead of writing anything.

Without --spec, a dataset declared in mlwb.yaml uses its features: spec, or <name>.features.yaml
at the project root (where the Data tab's editor writes it). The spec format is in the README
(Data: features); errors name the spec's file and line.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := args[0]
			if preview <= 0 && outPath == "" {
				return &exitError{code: 2, err: fmt.Errorf("-o OUT is required (or --preview N to look first)")}
			}
			ds, proj := declaredDataset(in)
			if specPath == "" {
				if specPath = datasetSpecPath(proj, ds.Name); specPath == "" {
					return &exitError{code: 2, err: fmt.Errorf("--spec F is required: %s declares no features: spec in mlwb.yaml, and no <dataset>.features.yaml was found", in)}
				}
			}
			spec, err := features.LoadSpec(specPath)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			p, err := data.ProfileFile(cmd.Context(), in, data.Options{Target: ds.Target})
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			plan, err := features.Fit(spec, p)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			for _, w := range plan.Warnings {
				fmt.Fprintf(cmd.ErrOrStderr(), "mlwb: note: %s\n", w)
			}
			if preview > 0 {
				names, rows, err := features.Preview(cmd.Context(), in, plan, preview)
				if err != nil {
					return &exitError{code: 2, err: err}
				}
				return data.WriteTable(cmd.OutOrStdout(), names, rows)
			}
			if format == "" {
				format = features.FormatFor(outPath)
			}
			res, err := features.BuildFile(cmd.Context(), in, outPath, plan, features.Options{Workers: workers, Format: format})
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			rep := featuresReport{Input: in, Output: outPath, Format: format, Rows: res.Rows, Columns: res.Outputs,
				Spec: specPath, SpecHash: spec.Hash, Warnings: plan.Warnings}
			if rep.Warnings == nil {
				rep.Warnings = []string{}
			}
			if proj != nil && !noStore {
				_, s, err := openProject(g, proj.Root)
				if err == nil {
					commit := ""
					if proj.InGit {
						if h, err := versions.ReadHead(proj.Root); err == nil {
							commit = h.Commit
						}
					}
					rep.Stored, err = features.Record(cmd.Context(), s, ds, p, spec, outPath, res, commit)
					s.Close()
				}
				if err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "mlwb: the build was not stored: %v\n", err)
				}
			}
			if rep.Stored != nil {
				rep.InHash, rep.OutHash = rep.Stored.InputHash, rep.Stored.OutputHash
			} else {
				if rep.InHash, _, err = data.HashFile(cmd.Context(), nil, in); err != nil {
					return &exitError{code: 2, err: err}
				}
				if rep.OutHash, _, err = data.HashFile(cmd.Context(), nil, outPath); err != nil {
					return &exitError{code: 2, err: err}
				}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			stored := ""
			if rep.Stored != nil {
				stored = fmt.Sprintf("; stored as build %d", rep.Stored.BuildID)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%s): %d rows, %d columns\nspec %s %s, input %s %s, output %s%s\n",
				outPath, format, rep.Rows, len(rep.Columns), filepath.Base(specPath), rep.SpecHash, filepath.Base(in), rep.InHash, rep.OutHash, stored)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&specPath, "spec", "", "the transform spec (YAML)")
	f.StringVarP(&outPath, "output", "o", "", "write the features to this file (.csv, .tsv or .parquet)")
	f.StringVar(&format, "format", "", "csv, tsv or parquet (default: from the output's extension)")
	f.IntVar(&preview, "preview", 0, "print the first N transformed rows instead of writing")
	f.IntVar(&workers, "workers", 0, "parallel workers (default: one per core)")
	f.BoolVar(&asJSON, "json", false, "print what was written as JSON")
	f.BoolVar(&noStore, "no-store", false, "do not record the build in the project's store")
	return cmd
}

// datasetSpecPath is the feature spec of a dataset of the project: a declared one's features:
// path, or <name>.features.yaml at the project root when that file exists (where the Data tab's
// editor writes it, for an undeclared file too: name is then its project path); "" when there
// is neither.
func datasetSpecPath(proj *project.Project, name string) string {
	if proj == nil || proj.Config == nil || name == "" {
		return ""
	}
	features := ""
	if d, ok := proj.Config.Dataset(name); ok {
		features = d.Features
	}
	path := proj.FeatureSpecPath(name, features)
	if features == "" {
		if _, err := os.Stat(path); err != nil {
			return ""
		}
	}
	if wd, err := os.Getwd(); err == nil { // recorded with the build as a user would type it
		if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return path
}
