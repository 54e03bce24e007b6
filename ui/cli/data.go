package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
)

func newDataCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Look at a dataset: first rows, filter, profile its columns, diff two versions",
	}
	cmd.AddCommand(newDataProfileCmd(g), newDataDiffCmd(), newDataHeadCmd(), newDataFilterCmd())
	cmd.AddCommand(newDataFeaturesCmd(g))
	cmd.AddCommand(newDataSortCmd())
	cmd.AddCommand(newDataLabelsCmd(g))
	return cmd
}

func newDataProfileCmd(g *globals) *cobra.Command {
	var asJSON, asMD, noStore bool
	var o data.Options
	cmd := &cobra.Command{
		Use:   "profile PATH [--json|--md] [--target COL]",
		Short: "Profile every column of a CSV, TSV, JSON Lines, JSON or Parquet file (also .gz/.zst)",
		Long: `profile reads the whole file once, in parallel on every core, and prints per column: the
type inferred from all values (int, float, bool, datetime or string; values that break it are
counted as violations, not converted), non-null count, nulls, distinct values (exact up to a limit,
then a HyperLogLog estimate marked ≈), min, max, mean, standard deviation (ddof=1), quantiles p1…p99
(exact, or a KLL sketch with rank error ≤ 1% marked ≈), a histogram, top values, zeros, negatives,
string lengths and IQR outliers; the Pearson correlations of the numeric columns; and the class
balance of the target column (--target, or the dataset's target in mlwb.yaml).

Inside a project the profile is stored against the file's content hash and the git commit, as a
version of the dataset (the workbench's Data tab shows it). --json prints the profile as JSON (the
shape is documented in the README), --md as Markdown.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON && asMD {
				return &exitError{code: 2, err: fmt.Errorf("--json and --md exclude each other")}
			}
			path := args[0]
			ds, proj := declaredDataset(path)
			asked := o.Target // given on the command line, not taken from mlwb.yaml
			if o.Target == "" {
				o.Target = ds.Target
			}
			prog := newProgress(cmd.ErrOrStderr(), "profiling "+path)
			o.Progress = prog.bytes
			p, err := data.ProfileFile(cmd.Context(), path, o)
			prog.clear()
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if asked != "" && p.Target == nil { // a typo in --target is an error, as an unknown column is to filter and sort
				names := make([]string, len(p.Columns))
				for i, c := range p.Columns {
					names[i] = c.Name
				}
				return &exitError{code: 2, err: fmt.Errorf("%s has no column %q (--target); its columns: %s", path, asked, data.ColumnList(names))}
			}
			if proj != nil && !noStore {
				if err := storeProfile(cmd, g, proj, ds, p); err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "mlwb: the profile was not stored: %v\n", err)
				}
			}
			out := cmd.OutOrStdout()
			switch {
			case asJSON:
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(p)
			case asMD:
				return p.WriteMarkdown(out)
			}
			return p.WriteText(out)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print the profile as JSON")
	f.BoolVar(&asMD, "md", false, "print the profile as Markdown")
	f.BoolVar(&noStore, "no-store", false, "do not record the profile in the project's store")
	f.StringVar(&o.Target, "target", "", "column whose class balance to show (default: the dataset's target in mlwb.yaml)")
	f.IntVar(&o.Workers, "workers", 0, "parallel workers (default: one per core)")
	f.IntVar(&o.DistinctLimit, "distinct-limit", 0, "count distinct values exactly up to this many per column (default: from the column count)")
	return cmd
}

// declaredDataset finds the project around the working directory and the dataset of mlwb.yaml
// whose path is path; outside a project both are empty.
func declaredDataset(path string) (store.Dataset, *project.Project) {
	wd, err := os.Getwd()
	if err != nil {
		return store.Dataset{}, nil
	}
	p, err := project.Discover(wd)
	if err != nil || !p.HasConfig {
		return store.Dataset{}, nil
	}
	abs, _ := filepath.Abs(path)
	for _, d := range p.Config.Datasets {
		if dp, _ := filepath.Abs(p.DatasetPath(d)); dp == abs {
			return store.Dataset{Name: d.Name, Path: d.Path, Target: d.Target}, p
		}
	}
	if rel, err := filepath.Rel(p.Root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		// Named and stored by its project path, as the Data tab names a file it finds or opens,
		// so the two record one dataset (and one set of labels), from whichever directory.
		return store.Dataset{Name: filepath.ToSlash(rel), Path: rel}, p
	}
	return store.Dataset{}, p
}

func storeProfile(cmd *cobra.Command, g *globals, proj *project.Project, ds store.Dataset, p *data.Profile) error {
	_, s, err := openProject(g, proj.Root)
	if err != nil {
		return err
	}
	defer s.Close()
	commit := ""
	if proj.InGit {
		if h, err := versions.ReadHead(proj.Root); err == nil {
			commit = h.Commit
		}
	}
	if ds.Target == "" {
		ds.Target = p.TargetColumn()
	}
	_, err = data.RecordProfile(cmd.Context(), s, ds, p.Path, p, commit)
	return err
}

func newDataDiffCmd() *cobra.Command {
	var asJSON, asMD bool
	cmd := &cobra.Command{
		Use:   "diff A B [--json|--md]",
		Short: "Compare two versions of a dataset: schema, rows, per-column statistics and distribution shift (PSI)",
		Long: `diff profiles A (the baseline) and B and prints what changed: columns added, removed or
retyped, the row counts, and per column the nulls, distinct values, mean (with its change) and
standard deviation, and the population stability index (PSI, over A's deciles for numbers, over
the top values for the rest). A column with PSI above 0.2, or a changed type, is flagged shifted.

A or B is a file, or PATH@REV for the file as it was at a git revision (data/train.csv@HEAD~3,
data/train.csv@v1.2), read from the repository without touching the working tree.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON && asMD {
				return &exitError{code: 2, err: fmt.Errorf("--json and --md exclude each other")}
			}
			var profs [2]*data.Profile
			for i, arg := range args {
				path, cleanup, err := materialize(arg)
				if err != nil {
					return &exitError{code: 2, err: err}
				}
				p, err := data.ProfileFile(cmd.Context(), path, data.Options{})
				cleanup()
				if err != nil {
					return &exitError{code: 2, err: err}
				}
				p.Path = arg
				profs[i] = p
			}
			d := data.DiffProfiles(profs[0], profs[1])
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(d)
			}
			return d.Write(cmd.OutOrStdout(), asMD)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the diff as JSON")
	cmd.Flags().BoolVar(&asMD, "md", false, "print the diff as Markdown")
	return cmd
}

// materialize returns a readable file for a diff argument: the path itself, or for PATH@REV the
// file's content at that revision copied to a temporary file (with the same name, so the format is
// recognised), removed by cleanup.
func materialize(arg string) (path string, cleanup func(), err error) {
	noop := func() {}
	if _, err := os.Stat(arg); err == nil {
		return arg, noop, nil
	}
	at := strings.LastIndex(arg, "@")
	if at <= 0 {
		return "", noop, fmt.Errorf("%s: no such file (use PATH@REV for a file at a git revision)", arg)
	}
	file, rev := arg[:at], arg[at+1:]
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", noop, err
	}
	wd, _ := os.Getwd()
	proj, err := project.Discover(wd)
	if err != nil || !proj.InGit {
		return "", noop, fmt.Errorf("%s: %s@%s needs a git repository around the working directory", arg, file, rev)
	}
	rel, err := filepath.Rel(proj.Root, abs)
	if err != nil {
		return "", noop, err
	}
	dir, err := os.MkdirTemp("", "mlwb-diff-")
	if err != nil {
		return "", noop, err
	}
	dst := filepath.Join(dir, filepath.Base(file))
	if err := versions.CopyFileAt(proj.Root, rev, rel, dst); err != nil {
		os.RemoveAll(dir)
		return "", noop, err
	}
	return dst, func() { os.RemoveAll(dir) }, nil
}

func newDataHeadCmd() *cobra.Command {
	var n int
	cmd := &cobra.Command{
		Use:   "head PATH [-n 20]",
		Short: "Print the first rows of a CSV, TSV or JSON Lines file as an aligned table (instant on any size)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			names, rows, warns, err := data.HeadWarnings(args[0], n) // it refuses -n below 0
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if err := data.WriteTable(cmd.OutOrStdout(), names, rows); err != nil {
				return err
			}
			// The profile's warnings for the same rows, so a ragged row is not shown silently cut.
			for _, w := range warns {
				fmt.Fprintf(cmd.ErrOrStderr(), "mlwb: %s: %s\n", args[0], w)
			}
			return nil
		},
	}
	cmd.Flags().IntVarP(&n, "n", "n", 20, "rows to print")
	return cmd
}

func newDataFilterCmd() *cobra.Command {
	var outPath string
	var countOnly, asJSON bool
	cmd := &cobra.Command{
		Use:   "filter PATH EXPR [-o OUT] [--count]",
		Short: "Keep the rows of a CSV, TSV or JSON Lines file where an expression holds, streaming, on every core",
		Long: `filter evaluates EXPR (expr-lang: delay > 30 && origin == "ORD", name startsWith "a",
score in [1, 2], $env["a column"] != nil) on every row, in parallel, and writes the matching rows
with their original text (and the header) to OUT or standard output, in file order. Numbers,
booleans and nulls (nil) are typed; dates and text are strings. Rows where the expression fails
(a null compared with a number) are not kept; their count and the first one's line are reported
on standard error. When no row could be evaluated the command fails (exit 2) with the first error.
--count prints only the counts.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := data.FilterOptions{Expr: args[1]}
			var out *data.Output
			if !countOnly {
				o.Out = cmd.OutOrStdout()
				if outPath != "" {
					// A temporary file renamed into place when the filter succeeded (a device or
					// pipe in place): a failure never removes or truncates what OUT was, even
					// when it names the input or /dev/null.
					var err error
					if out, err = data.CreateOutput(outPath); err != nil {
						return &exitError{code: 2, err: err}
					}
					defer out.Abort()
					o.Out = out
				}
			}
			var prog *progressLine
			if o.Out != cmd.OutOrStdout() || !isTTY(cmd.OutOrStdout()) {
				// Not when the rows stream to the same terminal: the redrawn line would cut them.
				prog = newProgress(cmd.ErrOrStderr(), "filtering "+args[0])
			}
			o.Progress = prog.bytes
			r, err := data.FilterFile(cmd.Context(), args[0], o)
			prog.clear()
			// Rows read and none evaluated: the expression is wrong (not true or false, a column
			// misspelt), not the data, so the command fails with the first error rather than
			// passing for a filter that matched nothing.
			allFailed := err == nil && r.Rows > 0 && r.Errors == r.Rows
			if out != nil && err == nil && !allFailed {
				err = out.Commit()
			}
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			summary := fmt.Sprintf("%d of %d rows match", r.Matched, r.Rows)
			if r.Errors > 0 {
				summary += fmt.Sprintf("; %d rows could not be evaluated (first: %s)", r.Errors, r.FirstError)
			}
			switch {
			case asJSON && countOnly:
				if err := json.NewEncoder(cmd.OutOrStdout()).Encode(r); err != nil {
					return err
				}
			case countOnly:
				fmt.Fprintln(cmd.OutOrStdout(), summary)
			default:
				if !allFailed {
					fmt.Fprintln(cmd.ErrOrStderr(), summary)
				}
			}
			if allFailed {
				return &exitError{code: 2, err: fmt.Errorf("%s: the expression could not be evaluated on any of the %d rows; first: %s",
					args[0], r.Rows, r.FirstError)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&outPath, "output", "o", "", "write the matching rows to this file")
	f.BoolVar(&countOnly, "count", false, "print only how many rows match")
	f.BoolVar(&asJSON, "json", false, "with --count: print the counts as JSON")
	return cmd
}
