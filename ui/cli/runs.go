package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/runs"
	"github.com/mlwb/mlwb/stages/runs/mlflow"
	"github.com/mlwb/mlwb/store"
)

func newRunsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List, inspect, stop, tag and annotate runs",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newRunsLsCmd(g), newRunsShowCmd(g), newRunsStopCmd(g), newRunsTagCmd(g),
		newRunsNoteCmd(g), newRunsLogCmd(g), newRunsRmCmd(g), newRunsRestoreCmd(g))
	return cmd
}

// runJSON is one run in `runs ls --json` and `runs show --json` (documented in the README).
type runJSON struct {
	ID       int64                 `json:"id"`
	UUID     string                `json:"uuid"`
	Name     string                `json:"name"`
	Status   string                `json:"status"`
	ExitCode *int                  `json:"exit_code"`
	Created  string                `json:"created"`
	Started  string                `json:"started,omitempty"`
	Ended    string                `json:"ended,omitempty"`
	Duration float64               `json:"duration_s"`
	Commit   string                `json:"commit"`
	Branch   string                `json:"branch"`
	Dirty    bool                  `json:"dirty"`
	Command  []string              `json:"command"`
	Params   map[string]string     `json:"params"`
	Tags     map[string]string     `json:"tags"`
	Metrics  map[string]metricJSON `json:"metrics"`
	Note     string                `json:"note,omitempty"`
	Log      string                `json:"log,omitempty"`
}

// metricJSON is a metric's summary; NaN and infinities are written as null (JSON has neither).
type metricJSON struct {
	Last  *float64 `json:"last"`
	Min   *float64 `json:"min"`
	Max   *float64 `json:"max"`
	Step  int64    `json:"step"`
	Count int64    `json:"count"`
	// The values as stored, for text and CSV, which can say NaN and ±Inf (JSON cannot: null).
	last, min, max float64
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// describeRuns gathers params, tags and metric summaries for rs in three queries.
func describeRuns(cmd *cobra.Command, s *store.Store, rs []*store.Run) ([]runJSON, error) {
	ctx := cmd.Context()
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	params, err := s.Params(ctx, ids)
	if err != nil {
		return nil, err
	}
	tags, err := s.Tags(ctx, ids)
	if err != nil {
		return nil, err
	}
	sums, err := s.Summaries(ctx, ids)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([]runJSON, len(rs))
	for i, r := range rs {
		j := runJSON{ID: r.ID, UUID: r.UUID, Name: r.Name, Status: r.Status, ExitCode: r.ExitCode,
			Created: stamp(r.Created), Started: stamp(r.Started), Ended: stamp(r.Ended),
			Duration: r.Duration(now).Seconds(), Commit: r.GitCommit, Branch: r.GitBranch, Dirty: r.GitDirty,
			Command: r.Command, Params: params[r.ID], Tags: tags[r.ID], Metrics: map[string]metricJSON{},
			Note: r.Note, Log: r.LogPath}
		if j.Params == nil {
			j.Params = map[string]string{}
		}
		if j.Tags == nil {
			j.Tags = map[string]string{}
		}
		for _, sm := range sums[r.ID] {
			j.Metrics[sm.Key] = metricJSON{Last: finite(sm.Last), Min: finite(sm.Min), Max: finite(sm.Max),
				Step: sm.LastStep, Count: sm.Count, last: sm.Last, min: sm.Min, max: sm.Max}
		}
		out[i] = j
	}
	return out, nil
}

func newRunsLsCmd(g *globals) *cobra.Command {
	var status []string
	var sortBy, filter string
	var asc, asJSON, asCSV bool
	var limit int
	cmd := &cobra.Command{
		Use:   "ls [--filter EXPR] [--status S]… [--sort COLUMN] [--asc] [--limit N] [--json|--csv]",
		Short: "List runs, newest first",
		Long: `ls lists runs, newest first.

--filter takes MLflow's search syntax: comparisons of metrics (their last value), params, tags
and attributes joined by AND, strings quoted:

  mlwb runs ls --filter 'metrics.val_accuracy > 0.9 and params.lr = "0.01"'
  mlwb runs ls --filter "tags.stage LIKE 'exp%' and attributes.status = 'FINISHED'"

--sort takes created, id, name, status, started or duration, or metrics.KEY, params.KEY or
tags.KEY (runs without the value last).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := store.RunQuery{Statuses: status, OrderBy: sortBy, Asc: asc, Limit: limit}
			for _, st := range status {
				if !slices.Contains(store.Statuses, st) {
					return &exitError{code: 2, err: fmt.Errorf("--status %q: a status is one of %s", st, strings.Join(store.Statuses, ", "))}
				}
			}
			if filter != "" {
				fs, err := mlflow.RunFilters(filter)
				if err != nil {
					return &exitError{code: 2, err: fmt.Errorf("--filter: %w", err)}
				}
				q.Filters = fs
			}
			if strings.Contains(sortBy, ".") {
				o, err := mlflow.RunOrder(sortBy)
				if err != nil {
					return &exitError{code: 2, err: fmt.Errorf("--sort: %w", err)}
				}
				q.OrderKey, q.OrderBy = &o, ""
				if up := strings.ToUpper(strings.TrimSpace(sortBy)); strings.HasSuffix(up, " ASC") || strings.HasSuffix(up, " DESC") {
					q.Asc = !o.Desc // the entry's own direction wins over --asc
				}
			} else if !slices.Contains(store.RunOrders(), sortBy) {
				return &exitError{code: 2, err: fmt.Errorf("--sort %q: order by %s, metrics.KEY, params.KEY or tags.KEY", sortBy, strings.Join(store.RunOrders(), ", "))}
			}
			_, s, err := openProject(g, "")
			if err != nil {
				return err
			}
			defer s.Close()
			runs.ReapLost(cmd.Context(), s, time.Now())
			rs, err := s.ListRuns(cmd.Context(), q)
			if err != nil {
				return err
			}
			js, err := describeRuns(cmd, s, rs)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch {
			case asJSON:
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(js)
			case asCSV:
				return writeRunsCSV(out, js)
			}
			return writeRunsTable(out, js)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&status, "status", nil, "only runs with this status (repeatable)")
	f.StringVar(&sortBy, "sort", "created", "order by created, id, name, status, started, duration, metrics.KEY, params.KEY or tags.KEY")
	f.StringVar(&filter, "filter", "", `only runs matching this MLflow search filter ('metrics.acc > 0.9 and params.lr = "0.01"')`)
	f.BoolVar(&asc, "asc", false, "ascending order")
	f.IntVar(&limit, "limit", 1000, "at most this many runs")
	f.BoolVar(&asJSON, "json", false, "a JSON array of runs")
	f.BoolVar(&asCSV, "csv", false, "CSV: one row per run, params as param.<key>, metrics as metric.<key>, tags as tag.<key>")
	cmd.MarkFlagsMutuallyExclusive("json", "csv")
	return cmd
}

// fmtNum writes a value for people and CSV: six significant digits (at most 13 characters, so
// columns stay aligned), NaN, +Inf, -Inf.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

func writeRunsTable(w io.Writer, js []runJSON) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tNAME\tCOMMIT\tDURATION\tMETRICS (last)")
	for _, j := range js {
		keys := make([]string, 0, len(j.Metrics))
		for k := range j.Metrics {
			if !strings.HasPrefix(k, "sys/") {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var ms []string
		for _, k := range keys {
			ms = append(ms, k+"="+fmtNum(j.Metrics[k].last))
		}
		commit := j.Commit
		if len(commit) > 7 {
			commit = commit[:7]
		}
		if j.Dirty {
			commit += "*" // run on uncommitted changes (its patch is kept), as the Runs tab marks it
		}
		st := j.Status
		if j.Status == store.StatusFailed && j.ExitCode != nil {
			st = fmt.Sprintf("failed %d", *j.ExitCode)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", j.ID, st, j.Name, commit,
			time.Duration(j.Duration*float64(time.Second)).Round(time.Second), strings.Join(ms, " "))
	}
	return tw.Flush()
}

func writeRunsCSV(w io.Writer, js []runJSON) error {
	pk, mk, tk := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, j := range js {
		for k := range j.Params {
			pk[k] = true
		}
		for k := range j.Tags {
			tk[k] = true
		}
		for k := range j.Metrics {
			mk[k] = true
		}
	}
	pks, mks, tks := sortedKeys(pk), sortedKeys(mk), sortedKeys(tk)
	cw := csv.NewWriter(w)
	head := []string{"id", "uuid", "name", "status", "exit_code", "created", "duration_s", "commit"}
	for _, k := range pks {
		head = append(head, "param."+k)
	}
	for _, k := range mks {
		head = append(head, "metric."+k)
	}
	for _, k := range tks {
		head = append(head, "tag."+k)
	}
	cw.Write(head)
	for _, j := range js {
		code := ""
		if j.ExitCode != nil {
			code = strconv.Itoa(*j.ExitCode)
		}
		row := []string{strconv.FormatInt(j.ID, 10), j.UUID, j.Name, j.Status, code, j.Created,
			strconv.FormatFloat(j.Duration, 'f', 3, 64), j.Commit}
		for _, k := range pks {
			row = append(row, j.Params[k])
		}
		for _, k := range mks {
			m, ok := j.Metrics[k]
			if !ok {
				row = append(row, "")
				continue
			}
			row = append(row, strconv.FormatFloat(m.last, 'g', -1, 64)) // CSV is for programs: every digit
		}
		for _, k := range tks {
			row = append(row, j.Tags[k])
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// findRun opens the project and resolves a run reference (id, uuid or its prefix, or name).
func findRun(cmd *cobra.Command, g *globals, ref string) (*store.Store, *store.Run, error) {
	_, s, err := openProject(g, "")
	if err != nil {
		return nil, nil, err
	}
	runs.ReapLost(cmd.Context(), s, time.Now())
	r, err := s.FindRun(cmd.Context(), ref)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, r, nil
}

func newRunsShowCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show RUN [--json]",
		Short: "Show one run: command, git, params, metrics, note",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, r, err := findRun(cmd, g, args[0])
			if err != nil {
				return err
			}
			defer s.Close()
			js, err := describeRuns(cmd, s, []*store.Run{r})
			if err != nil {
				return err
			}
			j := js[0]
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(j)
			}
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "run\t#%d %s %s\n", j.ID, j.UUID, j.Name)
			st := j.Status
			if j.ExitCode != nil {
				st += fmt.Sprintf(" (exit %d)", *j.ExitCode)
			}
			fmt.Fprintf(tw, "status\t%s\n", st)
			fmt.Fprintf(tw, "command\t%s\n", data.OneLine(strings.Join(j.Command, " ")))
			fmt.Fprintf(tw, "started\t%s\n", j.Started)
			fmt.Fprintf(tw, "ended\t%s\n", j.Ended)
			dirty := ""
			if j.Dirty {
				dirty = " (dirty: uncommitted changes recorded)"
			}
			fmt.Fprintf(tw, "git\t%s %s%s\n", j.Branch, j.Commit, dirty)
			fmt.Fprintf(tw, "log\t%s\n", j.Log)
			// Params and tags arrive from -p, the TUI and the MLflow API: put each on its line,
			// its escape sequences and newlines shown, not sent to the terminal.
			for _, k := range sortedKeys(boolKeys(j.Params)) {
				fmt.Fprintf(tw, "param %s\t%s\n", data.OneLine(k), data.OneLine(j.Params[k]))
			}
			for _, k := range sortedKeys(boolKeys(j.Tags)) {
				fmt.Fprintf(tw, "tag %s\t%s\n", data.OneLine(k), data.OneLine(j.Tags[k]))
			}
			mks := make(map[string]bool, len(j.Metrics))
			for k := range j.Metrics {
				mks[k] = true
			}
			for _, k := range sortedKeys(mks) {
				m := j.Metrics[k]
				fmt.Fprintf(tw, "metric %s\tlast %s  min %s  max %s  step %d  (%d points)\n", k,
					fmtNum(m.last), fmtNum(m.min), fmtNum(m.max), m.Step, m.Count)
			}
			if j.Note != "" {
				fmt.Fprintf(tw, "note\t%s\n", strings.ReplaceAll(j.Note, "\n", "\n\t"))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "the run as JSON")
	return cmd
}

func boolKeys(m map[string]string) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

func newRunsStopCmd(g *globals) *cobra.Command {
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "stop RUN",
		Short: "Stop a run: SIGTERM to its process group, SIGKILL after a grace period",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, r, err := findRun(cmd, g, args[0])
			if err != nil {
				return err
			}
			defer s.Close()
			r, err = runs.Stop(cmd.Context(), s, r, wait)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "run #%d %s\n", r.ID, r.Status)
			return nil
		},
	}
	cmd.Flags().DurationVar(&wait, "wait", 20*time.Second, "how long to wait for the run to end before killing it")
	return cmd
}

func newRunsTagCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "tag RUN key=value…",
		Short: "Set tags on a run",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			tags, err := project.KeyValues("tag", args[1:])
			if err != nil {
				return err
			}
			s, r, err := findRun(cmd, g, args[0])
			if err != nil {
				return err
			}
			defer s.Close()
			return s.SetTags(cmd.Context(), r.ID, tags)
		},
	}
}

func newRunsNoteCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "note RUN TEXT…",
		Short: "Replace a run's note",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, r, err := findRun(cmd, g, args[0])
			if err != nil {
				return err
			}
			defer s.Close()
			return s.SetNote(cmd.Context(), r.ID, strings.Join(args[1:], " "))
		},
	}
}

func newRunsLogCmd(g *globals) *cobra.Command {
	var follow bool
	cmd := &cobra.Command{
		Use:   "log RUN [-f]",
		Short: "Print a run's output log; -f follows a running run until it ends",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, r, err := findRun(cmd, g, args[0])
			if err != nil {
				return err
			}
			defer s.Close()
			if follow {
				_, err := runs.Follow(cmd.Context(), s, r.ID, cmd.OutOrStdout())
				return err
			}
			f, err := os.Open(r.LogPath)
			if err != nil {
				return fmt.Errorf("run #%d log: %w", r.ID, err)
			}
			defer f.Close()
			_, err = io.Copy(cmd.OutOrStdout(), f)
			return err
		},
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "follow the log until the run ends")
	return cmd
}
