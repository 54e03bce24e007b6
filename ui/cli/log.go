package cli

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
)

// logEntry is one commit of `mlwb log --json`.
type logEntry struct {
	Hash    string   `json:"hash"`
	Author  string   `json:"author"`
	Date    string   `json:"date"`
	Subject string   `json:"subject"`
	Parents int      `json:"parents"`
	Refs    []string `json:"refs,omitempty"`
	// Value and Old are set for --param: the key's value from this commit on, and before it.
	Value *string `json:"value,omitempty"`
	Old   *string `json:"old,omitempty"`
	Runs  int     `json:"runs"`
	// Best is the best primary-metric value among the commit's runs.
	Best *float64 `json:"best,omitempty"`
}

func newLogCmd(g *globals) *cobra.Command {
	var n int
	var path, param string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "log [REV] [-n N] [--path FILE] [--param FILE:KEY] [--json]",
		Short: "Git history with the runs made at each commit",
		Long: `log lists commits newest first from REV (default HEAD), each with its branches and tags,
the number of runs made at it and their best value of the primary metric.

--path FILE lists only the commits that changed FILE.
--param FILE:KEY lists the commits at which a params key changed value, with who changed it
and when: mlwb log --param params.yaml:train.lr (dotted keys reach into mappings).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, s, err := openProject(g, "")
			if err != nil {
				return err
			}
			defer s.Close()
			if !p.InGit {
				return fmt.Errorf("%s is not in a git repository: run `git init` and commit, and runs will record their code", p.Root)
			}
			rev := "HEAD"
			if len(args) == 1 {
				rev = args[0]
			}
			var entries []logEntry
			switch {
			case param != "":
				file, key, ok := strings.Cut(param, ":")
				if !ok || file == "" || key == "" {
					return fmt.Errorf("--param %q: give FILE:KEY, such as params.yaml:train.lr", param)
				}
				hist, err := versions.ParamHistory(p.Root, file, key, n)
				if err != nil {
					return err
				}
				for _, h := range hist {
					e := entryOf(h.Commit)
					v, old := h.Value, h.Old
					if !h.Present {
						v = "(removed)"
					}
					e.Value, e.Old = &v, &old
					entries = append(entries, e)
				}
			case path != "":
				commits, err := versions.FileLog(p.Root, path, n)
				if err != nil {
					return err
				}
				for _, c := range commits {
					entries = append(entries, entryOf(c))
				}
			default:
				commits, err := versions.LogFrom(p.Root, rev, 0, n)
				if err != nil {
					return err
				}
				for _, c := range commits {
					entries = append(entries, entryOf(c))
				}
			}
			if err := addRuns(cmd, s, p.Config.Metrics, entries); err != nil {
				return err
			}
			if asJSON {
				if entries == nil {
					entries = []logEntry{}
				}
				return writeJSON(cmd.OutOrStdout(), entries)
			}
			if len(entries) == 0 && (param != "" || path != "") {
				// An empty table would look like a failure to read; say what was looked for.
				what := "commit changing " + path
				if param != "" {
					file, key, _ := strings.Cut(param, ":")
					what = fmt.Sprintf("commit setting %s in %s (is the file committed, and the key spelled as in it? dotted keys reach into mappings)", key, file)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "mlwb: no %s in the history of %s\n", what, rev)
				return nil
			}
			writeLog(cmd.OutOrStdout(), entries, p.Config.Metrics.Primary, param != "")
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVarP(&n, "max-count", "n", 30, "how many commits")
	f.StringVar(&path, "path", "", "only commits that changed this file")
	f.StringVar(&param, "param", "", "history of a params key: FILE:KEY")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func entryOf(c versions.Commit) logEntry {
	return logEntry{Hash: c.Hash, Author: c.Author, Date: c.When.Format(time.RFC3339), Subject: c.Subject,
		Parents: c.Parents, Refs: c.Refs}
}

// addRuns counts the runs at each commit and their best primary metric.
func addRuns(cmd *cobra.Command, s *store.Store, m project.MetricsSpec, entries []logEntry) error {
	hashes := make([]string, len(entries))
	for i, e := range entries {
		hashes[i] = e.Hash
	}
	runs, err := s.RunsAtCommits(cmd.Context(), hashes, m.Primary)
	if err != nil {
		return err
	}
	for i := range entries {
		rs := runs[entries[i].Hash]
		entries[i].Runs = len(rs)
		if best := versions.BestAtCommit(m, rs); !math.IsNaN(best) {
			entries[i].Best = &best
		}
	}
	return nil
}

// writeLog prints the entries one per line: hash, date, author, runs, best, refs and subject.
func writeLog(w io.Writer, entries []logEntry, primary string, withValue bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "commit\tdate\tauthor\truns\tbest " + primary
	if withValue {
		head += "\tvalue"
	}
	fmt.Fprintln(tw, head+"\tsubject")
	for _, e := range entries {
		best := ""
		if e.Best != nil {
			best = fmt.Sprintf("%.4g", *e.Best)
		}
		runs := ""
		if e.Runs > 0 {
			runs = fmt.Sprint(e.Runs)
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s", e.Hash[:7], e.Date[:10], e.Author, runs, best)
		if withValue {
			line += fmt.Sprintf("\t%s → %s", orNone(*e.Old), *e.Value)
		}
		subject := e.Subject
		if len(e.Refs) > 0 {
			subject = "(" + strings.Join(e.Refs, ", ") + ") " + subject
		}
		fmt.Fprintln(tw, line+"\t"+subject)
	}
	tw.Flush()
}

func orNone(s string) string {
	if s == "" {
		return "∅"
	}
	return s
}
