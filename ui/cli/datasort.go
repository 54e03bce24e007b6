package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/data"
)

func newDataSortCmd() *cobra.Command {
	var keySpecs []string
	var outPath, mem string
	var asJSON bool
	var workers int
	cmd := &cobra.Command{
		Use:   "sort PATH -k COL[:desc][,COL…] [-o OUT] [--mem 512MiB]",
		Short: "Sort a CSV, TSV or JSON Lines file by one or more columns, in memory or on disk when it is bigger",
		Long: `sort orders the rows of PATH (CSV, TSV or JSON Lines, also .gz/.zst) by the columns given with -k
(several -k add keys), each ascending, or descending with :desc, and writes the header and every row
with its original text to OUT (written whole, then renamed into place, so PATH may be OUT) or to
standard output.

Each column compares by the type the profile infers for it from the whole file: integers exactly,
floats and dates as numbers, booleans false before true, text bytewise. Values that break the
column's type ("abc" in an int column) sort after all typed values, bytewise among themselves, and
nulls (empty, NA, null, NaN, None…) come last, in either direction. Rows with equal keys keep their
order in the file.

Rows that fit --mem are sorted in memory; a bigger file is read twice and sorted externally: sorted
runs are written to a temporary directory (next to OUT, or in the system temp directory) and merged;
the directory is removed when the sort ends, fails or is interrupted. A summary goes to standard
error (--json: as JSON).

  mlwb data sort flights.csv -k delay:desc,origin -o by-delay.csv
  mlwb data sort events.jsonl.zst -k ts --mem 2GiB > sorted.jsonl`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := data.SortOptions{Workers: workers}
			for _, spec := range keySpecs {
				keys, err := data.ParseSortKeys(spec)
				if err != nil {
					return &exitError{code: 2, err: fmt.Errorf("-k: %w", err)}
				}
				o.Keys = append(o.Keys, keys...)
			}
			if len(o.Keys) == 0 {
				return &exitError{code: 2, err: fmt.Errorf("sort needs at least one column: -k COL[:desc][,COL…]")}
			}
			var err error
			if o.Memory, err = data.ParseByteSize(mem); err != nil {
				return &exitError{code: 2, err: fmt.Errorf("--mem: %w", err)}
			}
			if o.Memory < 1<<20 {
				return &exitError{code: 2, err: fmt.Errorf("--mem %s: give at least 1MiB", mem)}
			}
			var prog *progressLine
			if outPath != "" || !isTTY(cmd.OutOrStdout()) { // not over rows streaming to the terminal
				prog = newProgress(cmd.ErrOrStderr(), "sorting "+args[0])
			}
			o.Progress = prog.report
			res, err := sortTo(cmd, args[0], outPath, o)
			prog.clear()
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.ErrOrStderr())
				return enc.Encode(res)
			}
			fmt.Fprintln(cmd.ErrOrStderr(), sortSummary(res))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&keySpecs, "key", "k", nil, "columns to sort by: COL[:desc][,COL[:desc]…] (quote a name holding , or : as \"a,b\")")
	f.StringVarP(&outPath, "output", "o", "", "write the sorted rows to this file (default: standard output)")
	f.StringVar(&mem, "mem", "512MiB", "memory for rows sorted in memory; a bigger file is sorted on disk")
	f.BoolVar(&asJSON, "json", false, "print the summary as JSON on standard error")
	f.IntVar(&workers, "workers", 0, "parallel workers (default: one per core)")
	return cmd
}

// sortTo runs the sort into outPath (data.Output: a temporary file renamed into place only when
// the sort succeeded; a device or pipe in place) or into the command's standard output.
func sortTo(cmd *cobra.Command, path, outPath string, o data.SortOptions) (*data.SortResult, error) {
	if outPath == "" {
		w := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<20)
		o.Out = w
		res, err := data.SortFile(cmd.Context(), path, o)
		if ferr := w.Flush(); err == nil && ferr != nil {
			err = fmt.Errorf("sort output: %w", ferr)
		}
		return res, err
	}
	out, err := data.CreateOutput(outPath)
	if err != nil {
		return nil, fmt.Errorf("sort: %w", err)
	}
	defer out.Abort()
	o.Out, o.TempDir = out, filepath.Dir(outPath)
	res, err := data.SortFile(cmd.Context(), path, o)
	if err != nil {
		return nil, err
	}
	if err := out.Commit(); err != nil {
		return nil, fmt.Errorf("sort: %w", err)
	}
	return res, nil
}

// sortSummary says in one line what the sort did: rows, how each key was typed, and where it ran.
func sortSummary(r *data.SortResult) string {
	var keys []string
	for _, k := range r.Keys {
		s := fmt.Sprintf("%s (%s", k.Column, k.Type)
		if k.Desc {
			s += ", desc"
		}
		if k.Violations > 0 {
			s += fmt.Sprintf(", %d values not %s sort after the rest", k.Violations, k.Type)
		}
		if k.Nulls > 0 {
			s += fmt.Sprintf(", %d nulls last", k.Nulls)
		}
		keys = append(keys, s+")")
	}
	where := "in memory"
	if r.External {
		where = fmt.Sprintf("on disk: %d sorted runs, %s spilled, merged", r.Runs, byteSize(r.Spilled))
	}
	return fmt.Sprintf("sorted %d rows by %s %s", r.Rows, strings.Join(keys, ", "), where)
}

// byteSize writes n the way people read it (KiB, MiB, GiB).
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
