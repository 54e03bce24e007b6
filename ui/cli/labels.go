package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
)

func newDataLabelsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "labels",
		Short: "Label rows of a dataset with the label set of mlwb.yaml: set, undo, show progress, export",
		Long: `Labels are kept in the project's store against the dataset's version (the content hash of
the file) and the row's number in it; each also keeps a hash of the row's text. When the file
changes, its new version starts without labels and 'show' says which earlier version holds them;
'carry' brings over those whose row text is unchanged (wherever the row moved), and leaves the
labels of changed or deleted rows behind, counted.

Rows are numbered from 1, as the Data tab's grid shows them; the header is not a row. The label
set is the list under labels: in mlwb.yaml; a label outside it is refused.`,
	}
	cmd.AddCommand(newLabelsSetCmd(g), newLabelsUndoCmd(g), newLabelsShowCmd(g), newLabelsExportCmd(g), newLabelsCarryCmd(g))
	return cmd
}

// labelSession is what every labels verb opens: the store, the file's row index and its labels.
type labelSession struct {
	s  *store.Store
	ix *data.RowIndex
	lb *data.Labeller
}

func (ls *labelSession) Close() {
	ls.ix.Close()
	ls.s.Close()
}

func openLabelSession(cmd *cobra.Command, g *globals, path string) (*labelSession, error) {
	proj, s, err := openProject(g, "")
	if err != nil {
		return nil, err
	}
	ds, _ := declaredDataset(path)
	commit := ""
	if proj.InGit {
		if h, err := versions.ReadHead(proj.Root); err == nil {
			commit = h.Commit
		}
	}
	set := data.LabelSet{Names: proj.Config.Labels, ConfigPath: proj.ConfigPath, Line: proj.Config.LabelsLine}
	ix, err := data.BuildRowIndex(cmd.Context(), path, data.IndexOptions{CacheDir: filepath.Join(proj.StateDir(), "index")})
	if err != nil {
		s.Close()
		return nil, err
	}
	lb, err := data.OpenLabels(cmd.Context(), s, ds, path, set, commit)
	if err != nil {
		ix.Close()
		s.Close()
		return nil, err
	}
	return &labelSession{s: s, ix: ix, lb: lb}, nil
}

func newLabelsSetCmd(g *globals) *cobra.Command {
	var remove bool
	cmd := &cobra.Command{
		Use:   "set PATH ROW LABEL | set PATH ROW --remove",
		Short: "Give row ROW (from 1) of PATH a label from mlwb.yaml's label set, or remove its label",
		Args:  cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			row, err := strconv.ParseInt(args[1], 10, 64)
			if err != nil || row < 1 {
				return &exitError{code: 2, err: fmt.Errorf("ROW %q: give a row number from 1", args[1])}
			}
			label := ""
			switch {
			case remove && len(args) == 3:
				return &exitError{code: 2, err: fmt.Errorf("--remove takes no LABEL")}
			case !remove && len(args) != 3:
				return &exitError{code: 2, err: fmt.Errorf("set needs a LABEL (or --remove)")}
			case !remove:
				label = args[2]
			}
			ls, err := openLabelSession(cmd, g, args[0])
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			defer ls.Close()
			if err := ls.lb.SetRow(cmd.Context(), ls.ix, row-1, label); err != nil {
				return &exitError{code: 2, err: err}
			}
			printLabel(cmd.OutOrStdout(), row, label) // as undo prints what it restores
			return nil
		},
	}
	cmd.Flags().BoolVar(&remove, "remove", false, "remove the row's label")
	return cmd
}

func newLabelsUndoCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "undo PATH",
		Short: "Undo the last label change of PATH's current version (a set, a removal or a whole carry)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ls, err := openLabelSession(cmd, g, args[0])
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			defer ls.Close()
			restored, ok, err := ls.lb.Undo(cmd.Context())
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if !ok {
				return &exitError{code: 1, err: fmt.Errorf("%s: nothing to undo on this version", args[0])}
			}
			for _, e := range restored {
				printLabel(cmd.OutOrStdout(), e.Row+1, e.Label)
			}
			return nil
		},
	}
}

// labelsReport is the JSON of mlwb data labels show.
type labelsReport struct {
	Path      string              `json:"path"`
	Version   string              `json:"version"`
	Progress  *data.LabelProgress `json:"progress"`
	Elsewhere []elsewhereJSON     `json:"elsewhere"`
}

type elsewhereJSON struct {
	Version   string `json:"version"`
	GitCommit string `json:"git_commit"`
	Seen      string `json:"seen"`
	Labels    int64  `json:"labels"`
}

func newLabelsShowCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show PATH [--json]",
		Short: "Show how far labelling of PATH has come: labelled/total rows per class",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ls, err := openLabelSession(cmd, g, args[0])
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			defer ls.Close()
			p, err := ls.lb.Progress(cmd.Context(), ls.ix.Total)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			others, err := ls.lb.Elsewhere(cmd.Context())
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if asJSON {
				r := labelsReport{Path: args[0], Version: ls.lb.Hash, Progress: p, Elsewhere: []elsewhereJSON{}}
				for _, o := range others {
					r.Elsewhere = append(r.Elsewhere, elsewhereJSON{Version: o.Version.ContentHash, GitCommit: o.Version.GitCommit,
						Seen: o.Version.Seen.UTC().Format("2006-01-02T15:04:05Z"), Labels: o.Count})
				}
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			writeLabelProgress(cmd.OutOrStdout(), args[0], ls.lb.Hash, p)
			if note := data.StaleNote(others); note != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "\n%s.\n'mlwb data labels carry %s' brings over those whose row is unchanged.\n", note, args[0])
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the progress as JSON")
	return cmd
}

// writeLabelProgress prints labelled/total and one line per class with its share of the labels.
func writeLabelProgress(w io.Writer, path, hash string, p *data.LabelProgress) {
	pct := 0.0
	if p.Total > 0 {
		pct = 100 * float64(p.Labelled) / float64(p.Total)
	}
	fmt.Fprintf(w, "%s (version %s): %d of %d rows labelled (%.1f%%)\n", path, hash[:min(8, len(hash))], p.Labelled, p.Total, pct)
	width := 5
	for _, c := range p.Classes {
		width = max(width, len(c.Label))
	}
	for _, c := range p.Classes {
		bar := ""
		if p.Labelled > 0 {
			bar = strings.Repeat("█", int(20*c.Count/p.Labelled))
		}
		note := ""
		if !c.InSet {
			note = "  (not in mlwb.yaml's labels)"
		}
		fmt.Fprintf(w, "  %-*s %8d  %s%s\n", width, c.Label, c.Count, bar, note)
	}
}

func newLabelsExportCmd(g *globals) *cobra.Command {
	var outPath, column string
	cmd := &cobra.Command{
		Use:   "export PATH [-o OUT] [--column label]",
		Short: "Write PATH with a label column added (rows without a label get an empty value) as CSV or TSV",
		Long: `export writes the header and every row of PATH, with the label column (--column, "label" by
default) added at the end; a row without a label gets an empty value. Fields are written as the
row grid reads them, quoted where needed. The delimiter is the input's (a comma for JSON Lines and
Parquet), or the one OUT's name asks for (.csv, .tsv). OUT is written whole, then renamed into place.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ls, err := openLabelSession(cmd, g, args[0])
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			defer ls.Close()
			o := data.LabelExportOptions{Column: column}
			switch strings.ToLower(filepath.Ext(outPath)) {
			case ".tsv", ".tab":
				o.Delim = '\t'
			case ".csv":
				o.Delim = ','
			}
			if outPath == "" {
				_, err := ls.lb.Export(cmd.Context(), ls.ix, cmd.OutOrStdout(), o)
				if err != nil {
					return &exitError{code: 2, err: err}
				}
				return nil
			}
			out, err := data.CreateOutput(outPath) // temp + rename; a device or pipe in place
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			defer out.Abort()
			res, err := ls.lb.Export(cmd.Context(), ls.ix, out, o)
			if err == nil {
				err = out.Commit()
			}
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%d rows, %d labelled, written to %s\n", res.Rows, res.Labelled, outPath)
			return nil
		},
	}
	cmd.Flags().StringVarP(&outPath, "output", "o", "", "write to this file instead of standard output")
	cmd.Flags().StringVar(&column, "column", "", `name of the label column (default "label")`)
	return cmd
}

func newLabelsCarryCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "carry PATH",
		Short: "Bring the labels of PATH's newest earlier labelled version over to rows whose text is unchanged",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ls, err := openLabelSession(cmd, g, args[0])
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			defer ls.Close()
			others, err := ls.lb.Earlier(cmd.Context())
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if len(others) == 0 {
				return &exitError{code: 1, err: fmt.Errorf("%s: no other version of this dataset has labels", args[0])}
			}
			r, err := ls.lb.Carry(cmd.Context(), ls.ix, others[0])
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "from version %s: %d rows labelled; %d labels left behind (row changed or gone)",
				r.From[:min(8, len(r.From))], r.Carried, r.Left)
			if r.Ambiguous > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), ", %d left as equal rows had different labels", r.Ambiguous)
			}
			if r.Kept > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), ", %d rows kept the label they had", r.Kept)
			}
			fmt.Fprintln(cmd.OutOrStdout())
			return nil
		},
	}
}

// printLabel prints a row (numbered from 1) and its label, "(no label)" for none.
func printLabel(w io.Writer, row int64, label string) {
	if label == "" {
		label = "(no label)"
	}
	fmt.Fprintf(w, "row %d: %s\n", row, label)
}
