package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/live"
	"github.com/mlwb/mlwb/store"
)

// newWatchCmd is `mlwb watch`: a headless live view of runs' metrics.
func newWatchCmd(g *globals) *cobra.Command {
	var keys []string
	var interval time.Duration
	cmd := &cobra.Command{
		Use:   "watch [RUN…]",
		Short: "Follow runs' metrics live, without the workbench (for scripts and small terminals)",
		Long: `watch follows the metrics of the given runs (default: the running ones, else the newest)
as they are stored, from any process. On a terminal it redraws a table in place: each run's
status, step and last value (6 significant digits) of each key with a sparkline. Otherwise it
prints one plain line per run and step as values arrive, values exact (for scripts):

  run=3 name=lr-0.1 step=12 loss=0.41 val_accuracy=0.93

and a line when a run ends (run=3 name=lr-0.1 status=finished) or is deleted. It exits when
no watched run is running or queued any more (or on Ctrl-C).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			p, s, err := openProject(g, "")
			if err != nil {
				return err
			}
			defer s.Close()
			// Alerts are kept with the runs while something watches them (the Live tab and
			// mlwb server do the same).
			go live.NewChecker(s, alertRules(p)).Run(ctx, live.CheckEvery, nil)
			runs, err := watchedRuns(ctx, s, args)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			var view watchView = &plainWatch{out: out}
			if isTTY(out) {
				f := out.(*os.File) // isTTY said so
				view = &ttyWatch{out: out, keys: keys, height: func() int {
					if _, h, err := term.GetSize(f.Fd()); err == nil {
						return h
					}
					return 0
				}}
			}
			return watchLoop(ctx, live.NewWatch(s, runIDs(runs), keys), view, interval)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&keys, "keys", nil, "only these metric keys (comma-separated; default: all)")
	f.DurationVar(&interval, "interval", 500*time.Millisecond, "how often to look for new values")
	return cmd
}

// watchedRuns resolves the RUN arguments; with none, the running runs, else the newest run.
func watchedRuns(ctx context.Context, s *store.Store, refs []string) ([]*store.Run, error) {
	var runs []*store.Run
	for _, ref := range refs {
		r, err := s.FindRun(ctx, ref)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	if len(refs) > 0 {
		return runs, nil
	}
	runs, err := s.ListRuns(ctx, store.RunQuery{Statuses: []string{store.StatusRunning, store.StatusQueued}, Limit: 50})
	if err != nil || len(runs) > 0 {
		return runs, err
	}
	if runs, err = s.ListRuns(ctx, store.RunQuery{Limit: 1}); err == nil && len(runs) == 0 {
		return nil, fmt.Errorf("watch: no runs yet")
	}
	return runs, err
}

func runIDs(runs []*store.Run) []int64 {
	ids := make([]int64, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	return ids
}

// isTTY reports whether w is a terminal (a character device).
func isTTY(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// watchView shows what each poll found.
type watchView interface {
	show(u live.Update) error
}

// watchLoop polls until no watched run is active any more, or ctx ends.
func watchLoop(ctx context.Context, w *live.Watch, view watchView, interval time.Duration) error {
	interval = max(interval, 20*time.Millisecond)
	for {
		u, err := w.Poll(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if err := view.show(u); err != nil {
			return fmt.Errorf("watch: %w", err)
		}
		if !u.Active() {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}

// plainWatch prints logfmt-like lines: one per run and step, and one per run's end or deletion.
type plainWatch struct {
	out   io.Writer
	names map[int64]string
	ended map[int64]bool
	sb    strings.Builder
}

func (p *plainWatch) show(u live.Update) error {
	if p.names == nil {
		p.names, p.ended = map[int64]string{}, map[int64]bool{}
	}
	for id, r := range u.Runs {
		p.names[id] = r.Name
	}
	p.sb.Reset()
	for _, g := range live.GroupBySteps(u.Points) {
		fmt.Fprintf(&p.sb, "run=%d name=%s step=%d", g.Run, watchLogfmt(p.names[g.Run]), g.Step)
		for i, k := range g.Keys {
			fmt.Fprintf(&p.sb, " %s=%s", watchLogfmt(k), watchValue(g.Values[i]))
		}
		p.sb.WriteByte('\n')
	}
	for _, id := range u.Gone {
		fmt.Fprintf(&p.sb, "run=%d name=%s deleted\n", id, watchLogfmt(p.names[id]))
	}
	for _, id := range slices.Sorted(maps.Keys(u.Runs)) {
		r := u.Runs[id]
		if r.Status != store.StatusRunning && r.Status != store.StatusQueued && !p.ended[id] {
			p.ended[id] = true
			fmt.Fprintf(&p.sb, "run=%d name=%s status=%s\n", id, watchLogfmt(r.Name), r.Status)
		}
	}
	_, err := io.WriteString(p.out, p.sb.String())
	return err
}

// logfmtValue quotes a value that has spaces, quotes or '=' (or is empty).
func watchLogfmt(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\n\"=") {
		return fmt.Sprintf("%q", s)
	}
	return s
}
